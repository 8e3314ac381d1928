"""Two instances of every service behind nginx: a conversation moves between instances and keeps its
context, and a crash of one instance of each service loses no conversation and no answered message.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.deploy.layout import Layout
from tests.stack import TEST_PEOPLE_IDS, http_json


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Layout]:
    workdir: Path = tmp_path_factory.mktemp("layout")
    with Layout.start(workdir) as running:
        yield running


def _chat(base_url: str, sender: str, message: str) -> tuple[int, Any]:
    return http_json("POST", base_url + "/api/chat", {"sender": sender, "message": message})


def _text(body: Any) -> str:
    return "\n".join(m.get("text", "") for m in body.get("messages", []))


def _playgrounds(layout: Layout, district: str) -> set[str]:
    query = urlencode({"type": "playground", "district": district, "limit": 100})
    status, body = http_json("GET", f"{layout.url('cityapi')}/places?{query}")
    assert status == 200, body
    assert body["items"], f"the sample has playgrounds in {district}"
    return {p["name"] for p in body["items"]}


def _user_texts(layout: Layout, rasa_url: str, person: str) -> list[str]:
    status, tracker = http_json(
        "GET", f"{rasa_url}/conversations/{person}/tracker?token={layout.token}"
    )
    assert status == 200, tracker
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_a_conversation_alternating_between_instances_keeps_its_context(layout: Layout) -> None:
    sender = f"layout-{uuid.uuid4().hex[:8]}"
    gateway_1, gateway_2 = layout.instances["gateway"]
    rasa_before = len(layout.upstreams("rasa"))

    status, body = _chat(gateway_1.url, sender, "Welche Spielplätze gibt es in Warnemünde?")
    assert status == 200, body
    assert any(name in _text(body) for name in _playgrounds(layout, "Warnemünde")), body
    # the follow-up goes to the other gateway, and nginx hands it to the other Rasa
    status, body = _chat(gateway_2.url, sender, "und in der Südstadt?")
    assert status == 200, body
    assert any(name in _text(body) for name in _playgrounds(layout, "Südstadt")), body
    status, body = _chat(layout.url("gateway"), sender, "und in der Stadtmitte?")
    assert status == 200, body
    assert any(name in _text(body) for name in _playgrounds(layout, "Stadtmitte")), body

    rasa_ports = {int(s.url.rsplit(":", 1)[1]) for s in layout.instances["rasa"]}
    assert set(layout.upstreams("rasa")[rasa_before:]) == rasa_ports, "both Rasa instances served"
    assert set(layout.upstreams("gateway")) <= {
        int(s.url.rsplit(":", 1)[1]) for s in layout.instances["gateway"]
    }


def test_a_crash_of_one_instance_of_each_service_loses_no_conversation(layout: Layout) -> None:
    users = [f"layout-crash-{i}-{uuid.uuid4().hex[:6]}" for i in range(4)]
    messages = ["Moin", "Wo gibt es einen Spielplatz in Warnemünde?", "und in der Südstadt?",
                "Was ist am Wochenende los?", "danke"]  # fmt: skip
    answered: dict[str, list[str]] = {u: [] for u in users}
    answers: dict[tuple[str, str], str] = {}
    errors: list[str] = []
    halfway = threading.Barrier(len(users) + 1)
    resume = threading.Event()

    def talk(user: str) -> None:
        for number, message in enumerate(messages):
            if number == 2:
                halfway.wait(timeout=120)
                resume.wait(timeout=120)
            for _attempt in range(4):  # a client tries again when a turn fails
                status, body = _chat(layout.url("gateway"), user, message)
                if status == 200 and _text(body):
                    answered[user].append(message)
                    answers[user, message] = _text(body)
                    break
            else:
                errors.append(f"{user}: {message!r} never answered ({status} {body})")

    threads = [threading.Thread(target=talk, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    halfway.wait(timeout=180)
    for name in ("cityapi", "actions", "rasa", "gateway"):
        layout.kill(layout.instances[name][0])
    resume.set()
    for thread in threads:
        thread.join(timeout=300)

    assert not errors, [*errors, layout.logs()]
    survivor = layout.instances["rasa"][1].url
    for user in users:
        assert answered[user] == messages
        person = _person(layout, user)
        kept = _user_texts(layout, survivor, person)
        for message in messages:  # every answered message is in the shared tracker store
            assert message in kept, (user, message, kept)
        # the first message after the crash is a follow-up: it still knew the topic
        reply = answers[user, "und in der Südstadt?"]
        assert any(name in reply for name in _playgrounds(layout, "Südstadt")), reply


def _person(layout: Layout, platform_id: str) -> str:
    import psycopg

    with psycopg.connect(layout.database_url("gateway")) as conn:
        row = conn.execute(
            "SELECT id FROM people WHERE channel = 'web' AND platform_id = %s",
            (TEST_PEOPLE_IDS.platform("web", platform_id),),
        ).fetchone()
    assert row is not None
    return str(row[0])
