"""News about one's reports: asked once after a report, then pushed when the city's staff act."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import psycopg
import pytest
from aiohttp.test_utils import TestClient

from bot.channels.web.adapter import WebChannel
from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import IncomingMessage, OutgoingMessage
from bot.core.ports import AssistantReply
from bot.reports import ReportUpdates
from bot.store.database import create_engine, migrate
from bot.store.people import SqlPersonStore
from bot.store.web_outbox import WebOutbox
from tests.bot.conftest import API_KEY, STAFF_TOKEN
from tests.fakes import MemoryPersonStore, ScriptedAssistant

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
FILED = AssistantReply(
    (OutgoingMessage(text="Danke! Ihre Nummer ist 12.", custom={"report_filed": "12"}),)
)


def _message(text: str, sender: str = "anna") -> IncomingMessage:
    return IncomingMessage(channel="web", sender_id=sender, chat_id=sender, text=text)


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


async def test_after_the_first_report_the_person_is_asked_once_and_a_yes_is_kept(
    guesser: LanguageGuesser,
) -> None:
    store = MemoryPersonStore()
    assistant = ScriptedAssistant(script={"ja, abschicken": FILED})
    core = Conversation(store, assistant, guesser)
    turn = await core.handle(_message("ja, abschicken"))
    texts = [m.text for m in turn.messages]
    assert texts[0] == "Danke! Ihre Nummer ist 12."
    assert "Bescheid sagen" in texts[-1]
    assert [b.title for b in turn.messages[-1].buttons] == ["Ja, Bescheid sagen", "Nein, danke"]
    assert all("report_filed" not in m.custom for m in turn.messages)  # not shown to anyone
    turn = await core.handle(_message("1"))  # the first button, typed
    assert "sobald sich etwas ändert" in turn.messages[0].text
    person = store.people[("web", "anna")]
    assert person.report_updates is True
    assert not any(text == "/report_updates_yes" for _, text, _ in assistant.asked)
    # the next report: no question again, a promise instead
    turn = await core.handle(_message("ja, abschicken"))
    assert [m.buttons for m in turn.messages] == [(), ()]
    assert "Ich sage Ihnen Bescheid" in turn.messages[-1].text


async def test_a_no_is_kept_and_never_asked_again(guesser: LanguageGuesser) -> None:
    store = MemoryPersonStore()
    core = Conversation(store, ScriptedAssistant(script={"abschicken": FILED}), guesser)
    await core.handle(_message("abschicken", "ben"))
    turn = await core.handle(_message("Nein, danke", "ben"))
    assert "nicht von selbst" in turn.messages[0].text
    assert store.people[("web", "ben")].report_updates is False
    turn = await core.handle(_message("abschicken", "ben"))
    assert len(turn.messages) == 1


async def _file(city: TestClient, person_id: str) -> str:
    resp = await city.post(
        "/open311/v2/requests.json",
        data={"api_key": API_KEY, "service_code": "barrier-lift", "lat": "54.0887",
              "long": "12.1405", "account_id": person_id},
    )  # fmt: skip
    assert resp.status == 201
    return str((await resp.json())[0]["service_request_id"])


async def _set_status(city: TestClient, report: str, status: str, note: str) -> None:
    resp = await city.post(
        f"/staff/reports/{report}/status",
        json={"status": status, "note": note},
        headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
    )
    assert resp.status == 200, await resp.text()


@pytest.fixture(params=["sqlite", "postgresql"])
def gateway_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated gateway database of either kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
        migrate(url)
        yield url
        return
    name = f"gateway_news_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        migrate(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


async def test_a_status_change_reaches_the_reporter_who_said_yes_once(
    cityapi: TestClient, gateway_db: str
) -> None:
    engine = create_engine(gateway_db)
    people = SqlPersonStore(engine)
    outbox = WebOutbox(engine)
    web = WebChannel(people, outbox)
    await web.start()
    yes = await people.touch("web", "web-yes", "web-yes", "en")
    await people.save(replace(yes, report_updates=True))
    quiet = await people.touch("web", "web-quiet", "web-quiet", "de")
    await people.save(replace(quiet, report_updates=False))
    wanted = await _file(cityapi, yes.id)
    unwanted = await _file(cityapi, quiet.id)
    await _set_status(cityapi, wanted, "IN_PROCESS", "Technician is on the way.")
    await _set_status(cityapi, unwanted, "IN_PROCESS", "Wird repariert.")
    base = str(cityapi.make_url("/"))
    async with aiohttp.ClientSession() as session:
        news = ReportUpdates(engine, people, {"web": web}, session, base, STAFF_TOKEN, 1.0)
        # two gateways poll at the same moment: the news goes out once
        other = ReportUpdates(engine, people, {"web": web}, session, base, STAFF_TOKEN, 1.0)
        counts = await asyncio.gather(news.poll_once(), other.poll_once())
        assert sorted(counts) == [0, 1]
        waiting = await outbox.waiting("web-yes")
        assert len(waiting) == 1
        text = waiting[0][1]["text"]
        assert text.startswith(f"News on your report {wanted}: it is now being worked on.")
        assert "Technician is on the way." in text
        assert await outbox.waiting("web-quiet") == []
        # a second round, and a round after a restart (a new poller), send nothing again
        assert await news.poll_once() == 0
        again = ReportUpdates(engine, people, {"web": web}, session, base, STAFF_TOKEN, 1.0)
        assert await again.poll_once() == 0
        await _set_status(cityapi, wanted, "PROCESSED", "Fixed.")
        assert await again.poll_once() == 1
        assert len(await outbox.waiting("web-yes")) == 2
    await web.stop()
    await engine.dispose()


async def test_news_wait_while_the_city_data_api_is_away(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    migrate(db_url)
    engine = create_engine(db_url)
    people = SqlPersonStore(engine)
    web = WebChannel(people, WebOutbox(engine))
    async with aiohttp.ClientSession() as session:
        news = ReportUpdates(
            engine, people, {"web": web}, session, "http://127.0.0.1:9", STAFF_TOKEN, 1.0
        )
        with pytest.raises(aiohttp.ClientError):
            await news.poll_once()
    await engine.dispose()
