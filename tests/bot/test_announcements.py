"""Announcements from the staff API to subscribers: the real gateway app on SQLite, the web
chat's outbox, and the real Telegram channel against the Bot API stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import PEOPLE_IDS, create_app
from bot.broadcast.api import ANNOUNCEMENTS
from bot.broadcast.settings import BroadcastSettings
from bot.channels.web.routes import ENGINE
from bot.core.messages import ChannelName, Language
from bot.core.ports import Subscription
from bot.settings import GatewaySettings, SettingsError
from bot.store.people import SqlPersonStore
from bot.store.subscriptions import SqlSubscriptionStore
from tests.bot.conftest import closed_port
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.helpers import BOT_ID, BOT_USERNAME, TOKEN, private_chat, text_update, user

STAFF_TOKEN = "staff-token-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}
ROAD_WORKS: dict[str, Any] = {
    "text": "Die Eltiner Straße in Lichtenhagen ist ab Montag gesperrt.",
    "text_en": "Eltiner Straße in Lichtenhagen is closed from Monday.",
    "districts": ["Lichtenhagen"],
    "topics": ["construction"],
}


@asynccontextmanager
async def gateway(tmp_path: Path, **extra: str) -> AsyncIterator[TestClient]:
    """The gateway app with the staff API on, its own database, Rasa down."""
    env = {
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path}/gateway.sqlite3",
        "RASA_URL": f"http://127.0.0.1:{closed_port()}",
        "RASA_TIMEOUT_S": "5",
        "STAFF_API_TOKEN": STAFF_TOKEN,
        "BROADCAST_POLL_S": "0.05",
        **extra,
    }
    app = create_app(GatewaySettings.from_env(env), env)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


@pytest.fixture
async def staff(tmp_path: Path) -> AsyncIterator[TestClient]:
    async with gateway(tmp_path) as client:
        yield client


async def subscriber(
    client: TestClient,
    channel: ChannelName,
    platform_id: str,
    language: Language,
    *subscriptions: tuple[str, str],
) -> str:
    """A person on a channel with confirmed subscriptions (district, topic); their id."""
    assert client.app is not None
    engine = client.app[ENGINE]
    person = await SqlPersonStore(engine).touch(channel, platform_id, platform_id, language)
    wanted = [Subscription(district, topic) for district, topic in subscriptions]
    await SqlSubscriptionStore(engine).subscribe(person.id, wanted, language)
    return person.id


async def web_chat(client: TestClient, sender: str, text: str, lang: str = "de") -> list[str]:
    answer = await client.post("/api/chat", json={"sender": sender, "message": text, "lang": lang})
    return [m["text"] for m in (await answer.json())["messages"]]


def _strings(value: object) -> list[str]:
    """Every string in a JSON value, keys and values."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


async def identities(client: TestClient, *senders: str) -> set[str]:
    """What identifies these web chat people: sender ids, their stored forms, person ids."""
    assert client.app is not None
    ids = client.app[PEOPLE_IDS]
    people = SqlPersonStore(client.app[ENGINE], ids)
    found = {*senders, *(ids.platform("web", s) for s in senders)}
    for sender in senders:
        person = await people.find("web", sender)
        assert person is not None
        found.add(person.id)
    return found


async def eventually(check: Callable[[], Awaitable[bool]], within_s: float = 10.0) -> None:
    async with asyncio.timeout(within_s):
        while not await check():  # noqa: ASYNC110 - the state is in the database, not an event
            await asyncio.sleep(0.05)


async def test_without_a_token_configured_the_staff_api_is_not_there(
    client: TestClient,
) -> None:
    answer = await client.post("/api/staff/announcements", json=ROAD_WORKS, headers=AUTH)
    assert answer.status == 404
    assert (await client.get("/api/staff/announcements/1", headers=AUTH)).status == 404


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {STAFF_TOKEN}"}],
)
async def test_a_missing_or_wrong_token_is_refused_and_nothing_is_created(
    staff: TestClient, headers: dict[str, str]
) -> None:
    refused = await staff.post("/api/staff/announcements", json=ROAD_WORKS, headers=headers)
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await refused.json())["error"]["code"] == "unauthorized"
    assert (await staff.get("/api/staff/announcements/1", headers=headers)).status == 401
    created = await staff.post("/api/staff/announcements", json=ROAD_WORKS, headers=AUTH)
    assert created.status == 201
    assert (await created.json())["id"] == 1  # the refused requests created nothing


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": 5}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"text": "Hallo", "text_en": ""}, "text_en"),
        ({"text": "Hallo", "districts": ["Atlantis"]}, "districts"),
        ({"text": "Hallo", "districts": "Lichtenhagen"}, "districts"),
        ({"text": "Hallo", "topics": ["weather"]}, "topics"),
        ({"text": "Hallo", "send_at": "next monday"}, "send_at"),
        ({"text": "Hallo", "colour": "red"}, "colour"),
        (["Hallo"], "body"),
    ],
)
async def test_an_invalid_announcement_is_refused_naming_the_field(
    staff: TestClient, body: Any, field: str
) -> None:
    answer = await staff.post("/api/staff/announcements", json=body, headers=AUTH)
    assert answer.status == 400
    error = (await answer.json())["error"]
    assert error["field"] == field
    assert error["code"] == ("invalid_json" if field == "body" else "invalid_field")


async def test_a_body_that_is_no_json_is_refused(staff: TestClient) -> None:
    answer = await staff.post("/api/staff/announcements", data=b"{text:", headers=AUTH)
    assert answer.status == 400
    assert (await answer.json())["error"] == {
        "code": "invalid_json",
        "message": "the body is not valid JSON",
        "field": "body",
    }


async def test_recipients_are_counted_by_district_group_topic_and_language(
    tmp_path: Path,
) -> None:
    async with gateway(tmp_path, STAFF_REQUIRE_APPROVAL="true") as staff:
        await subscriber(staff, "telegram", "101", "de", ("Lichtenhagen", "construction"))
        await subscriber(staff, "telegram", "102", "de", ("Südstadt", "construction"))
        await subscriber(staff, "matrix", "@ann:example.org", "en", ("all", "all"))
        await subscriber(staff, "web", "web-lh", "de", ("Lichtenhagen", "all"))
        await subscriber(staff, "web", "web-ev", "en", ("Lichtenhagen", "events"))
        await subscriber(
            staff, "web", "web-dk", "en", ("Dierkow-Ost", "all"), ("Lichtenhagen", "all")
        )
        road = await staff.post("/api/staff/announcements", json=ROAD_WORKS, headers=AUTH)
        assert road.status == 201
        body = await road.json()
        assert body["status"] == "draft"
        assert body["recipients"] == {"telegram": 1, "matrix": 1, "web": 2}
        assert body["languages"] == {"de": 2, "en": 2}
        dierkow = {"text": "Stadtteilfest in Dierkow", "districts": ["Dierkow"]}
        fest = await staff.post("/api/staff/announcements", json=dierkow, headers=AUTH)
        assert (await fest.json())["recipients"] == {"telegram": 0, "matrix": 1, "web": 1}
        city = {"text": "Hitzewarnung", "districts": ["alle"], "topics": ["warnings"]}
        heat = await staff.post("/api/staff/announcements", json=city, headers=AUTH)
        assert (await heat.json())["recipients"] == {"telegram": 0, "matrix": 1, "web": 2}
        report = await staff.get(f"/api/staff/announcements/{body['id']}", headers=AUTH)
        shown = await report.json()
        assert shown["status"] == "draft"
        assert shown["districts"] == ["Lichtenhagen"]
        assert shown["recipients"] == {"telegram": 1, "matrix": 1, "web": 2}
        assert shown["deliveries"]["web"] == {
            "pending": 0, "sent": 0, "failed": 0, "failed_reasons": {}
        }  # fmt: skip
        missing = await staff.get("/api/staff/announcements/999", headers=AUTH)
        assert missing.status == 404


async def test_a_subscribed_web_chat_person_sees_the_announcement_at_the_next_visit(
    staff: TestClient,
) -> None:
    asked = await web_chat(staff, "web-anna", "/subscribe Lichtenhagen Baustellen")
    assert "Baustellen und Verkehr aus Lichtenhagen" in asked[0]
    assert (await web_chat(staff, "web-anna", "Ja"))[0].startswith("Erledigt.")
    await web_chat(staff, "web-ben", "/voice on", lang="en")  # Ben hears answers
    await web_chat(staff, "web-ben", "/subscribe Lichtenhagen", lang="en")
    await web_chat(staff, "web-ben", "Yes", lang="en")
    await web_chat(staff, "web-cem", "/subscribe Südstadt")  # asked, but never said yes
    created = await staff.post("/api/staff/announcements", json=ROAD_WORKS, headers=AUTH)
    announcement_id = (await created.json())["id"]
    assert (await created.json())["recipients"] == {"telegram": 0, "matrix": 0, "web": 2}

    async def all_sent() -> bool:
        report = await staff.get(f"/api/staff/announcements/{announcement_id}", headers=AUTH)
        return (await report.json())["status"] == "sent"

    await eventually(all_sent)
    visits, audio = {}, {}
    for sender in ("web-anna", "web-ben", "web-cem"):
        visit = await staff.get("/api/chat/messages", params={"sender": sender})
        waiting = (await visit.json())["messages"]
        visits[sender] = [m["text"] for m in waiting]
        audio[sender] = [m.get("audio_mime") for m in waiting]
    assert audio["web-anna"] == [None]
    assert audio["web-ben"] == ["audio/ogg"]  # also as a voice note, in English
    assert visits["web-anna"][0].startswith(ROAD_WORKS["text"])
    assert visits["web-ben"][0].startswith(ROAD_WORKS["text_en"])
    assert "/unsubscribe" in visits["web-ben"][0]
    assert len(visits["web-anna"]) == len(visits["web-ben"]) == 1
    assert visits["web-cem"] == []
    report = await (
        await staff.get(f"/api/staff/announcements/{announcement_id}", headers=AUTH)
    ).json()
    assert report["deliveries"]["web"]["sent"] == 2
    assert report["recipients"]["web"] == 2
    # staff see the texts and the counts, never whom it reached: no chat address, no person id
    assert not set(_strings(report)) & await identities(staff, "web-anna", "web-ben")


async def test_with_approval_required_only_another_persons_approval_sends(
    tmp_path: Path,
) -> None:
    async with gateway(tmp_path, STAFF_REQUIRE_APPROVAL="true") as staff:
        await web_chat(staff, "web-anna", "/subscribe alle")
        await web_chat(staff, "web-anna", "ja")
        draft = {**ROAD_WORKS, "districts": [], "author": "Pressestelle Müller"}
        created = await staff.post("/api/staff/announcements", json=draft, headers=AUTH)
        path = f"/api/staff/announcements/{(await created.json())['id']}"
        own = await staff.post(
            f"{path}/approve", json={"approver": "pressestelle müller"}, headers=AUTH
        )
        assert own.status == 409
        assert (await own.json())["error"]["code"] == "approver_is_author"
        own_confirm = await staff.post(
            f"{path}/confirm", json={"approver": "Pressestelle Müller"}, headers=AUTH
        )
        assert (await own_confirm.json())["error"]["code"] == "approver_is_author"
        unnamed = await staff.post(f"{path}/approve", json={}, headers=AUTH)
        assert (await unnamed.json())["error"]["field"] == "approver"
        await asyncio.sleep(0.2)  # the sender had its chances: a draft is not sent
        visit = await staff.get("/api/chat/messages", params={"sender": "web-anna"})
        assert (await visit.json())["messages"] == []
        approved = await staff.post(
            f"{path}/approve", json={"approver": "Ortsamt Nord"}, headers=AUTH
        )
        assert approved.status == 200
        assert (await approved.json())["approver"] == "Ortsamt Nord"
        again = await staff.post(f"{path}/approve", json={"approver": "Ortsamt Nord"}, headers=AUTH)
        assert (await again.json())["error"]["code"] == "not_draft"
        confirmed = await staff.post(f"{path}/confirm", json={}, headers=AUTH)
        assert confirmed.status == 200  # already approved: confirming changes nothing
        assert (await confirmed.json())["approver"] == "Ortsamt Nord"

        async def arrived() -> bool:
            visit = await staff.get("/api/chat/messages", params={"sender": "web-anna"})
            return bool((await visit.json())["messages"])

        await eventually(arrived)


async def test_a_second_person_rejects_with_a_reason_and_it_is_never_sent(
    tmp_path: Path,
) -> None:
    async with gateway(tmp_path, STAFF_REQUIRE_APPROVAL="true") as staff:
        await web_chat(staff, "web-anna", "/subscribe alle")
        await web_chat(staff, "web-anna", "ja")
        draft = {**ROAD_WORKS, "districts": [], "author": "Pressestelle Müller"}
        created = await staff.post("/api/staff/announcements", json=draft, headers=AUTH)
        path = f"/api/staff/announcements/{(await created.json())['id']}"
        own = await staff.post(
            f"{path}/reject", json={"approver": "Pressestelle Müller"}, headers=AUTH
        )
        assert own.status == 409
        assert (await own.json())["error"]["code"] == "approver_is_author"
        for body, field in (
            ({"approver": "Ortsamt Nord", "reason": 5}, "reason"),
            ({"approver": "Ortsamt Nord", "reason": " "}, "reason"),
            ({"approver": "Ortsamt Nord", "reason": "x" * 1001}, "reason"),
            ({"approver": "Ortsamt Nord", "why": "egal"}, "why"),
            ({"reason": "Das Datum stimmt nicht."}, "approver"),
        ):
            refused = await staff.post(f"{path}/reject", json=body, headers=AUTH)
            assert refused.status == 400, body
            assert (await refused.json())["error"]["field"] == field
        assert (await (await staff.get(path, headers=AUTH)).json())["status"] == "draft"

        reason = "Das Datum stimmt nicht: die Sperrung beginnt erst am Dienstag."
        rejected = await staff.post(
            f"{path}/reject", json={"approver": "Ortsamt Nord", "reason": reason}, headers=AUTH
        )
        assert rejected.status == 200
        body = await rejected.json()
        assert (body["status"], body["approver"]) == ("rejected", "Ortsamt Nord")
        assert body["rejection_reason"] == reason
        # final: neither approving nor confirming nor rejecting again changes it
        for step, json_body in (
            ("approve", {"approver": "Ortsamt Süd"}),
            ("confirm", {"approver": "Ortsamt Süd"}),
            ("reject", {"approver": "Ortsamt Süd"}),
        ):
            late = await staff.post(f"{path}/{step}", json=json_body, headers=AUTH)
            assert late.status == 409, step
            assert (await late.json())["error"]["code"] == "not_draft"
        await asyncio.sleep(0.3)  # the sender had its chances (it polls every 0.05 s)
        visit = await staff.get("/api/chat/messages", params={"sender": "web-anna"})
        assert (await visit.json())["messages"] == []
        report = await (await staff.get(path, headers=AUTH)).json()
        assert (report["status"], report["rejection_reason"]) == ("rejected", reason)
        assert report["deliveries"]["web"] == {
            "pending": 0, "sent": 0, "failed": 0, "failed_reasons": {}
        }  # fmt: skip
        # without a reason it is rejected all the same
        second = await staff.post("/api/staff/announcements", json=draft, headers=AUTH)
        other = f"/api/staff/announcements/{(await second.json())['id']}"
        plain = await staff.post(f"{other}/reject", json={"approver": "Ortsamt Nord"}, headers=AUTH)
        assert plain.status == 200
        assert (await plain.json())["rejection_reason"] is None


async def test_an_announcement_already_approved_cannot_be_rejected(staff: TestClient) -> None:
    created = await staff.post("/api/staff/announcements", json=ROAD_WORKS, headers=AUTH)
    path = f"/api/staff/announcements/{(await created.json())['id']}"
    late = await staff.post(f"{path}/reject", json={"approver": "Ortsamt Nord"}, headers=AUTH)
    assert late.status == 409
    assert (await late.json())["error"]["code"] == "not_draft"
    assert (await (await staff.get(path, headers=AUTH)).json())["status"] != "rejected"


async def test_an_announcement_for_later_waits_for_its_time(staff: TestClient) -> None:
    await web_chat(staff, "web-anna", "/subscribe Lichtenhagen")
    await web_chat(staff, "web-anna", "ja")
    later = {**ROAD_WORKS, "send_at": "2099-01-01T08:00:00"}
    created = await staff.post("/api/staff/announcements", json=later, headers=AUTH)
    body = await (
        await staff.get(f"/api/staff/announcements/{(await created.json())['id']}", headers=AUTH)
    ).json()
    assert body["send_at"] == "2099-01-01T07:00:00+00:00"  # Rostock's time, kept in UTC
    await asyncio.sleep(0.2)
    assert body["status"] == "approved"
    visit = await staff.get("/api/chat/messages", params={"sender": "web-anna"})
    assert (await visit.json())["messages"] == []


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    api = BotApiStandIn(TOKEN, bot_id=BOT_ID, username=BOT_USERNAME)
    await api.start()
    yield api
    await api.stop()


# python-telegram-bot's own RetryAfter reads its deprecated int attribute while it is built (22.x).
@pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type `datetime.timedelta`"
    ":telegram.warnings.PTBDeprecationWarning"
)
async def test_telegram_subscribers_get_it_once_through_a_429_and_a_blocked_one_ends(
    tmp_path: Path, bot_api: BotApiStandIn
) -> None:
    telegram = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": bot_api.url,
        "TELEGRAM_POLL_TIMEOUT_S": "1",
        "PRIVACY_URL": "https://www.rostock.de/datenschutz-assistent",
    }
    async with gateway(tmp_path, **telegram) as staff:
        for person in (1001, 1002):
            who = {"sender": user(person), "chat": private_chat(person)}
            bot_api.push(text_update("/subscribe Lichtenhagen Baustellen", **who))
            await bot_api.wait_for(lambda p=person: len(bot_api.texts(p)) == 1)  # type: ignore[misc]
            assert "Baustellen und Verkehr aus Lichtenhagen" in bot_api.texts(person)[0]
            bot_api.push(text_update("ja", **who))
            await bot_api.wait_for(lambda p=person: len(bot_api.texts(p)) == 2)  # type: ignore[misc]
            assert bot_api.texts(person)[1].startswith("Erledigt.")
        bot_api.block(1002)
        bot_api.fail_next("sendMessage", 1, retry_after=1)
        created = await staff.post("/api/staff/announcements", json=ROAD_WORKS, headers=AUTH)
        body = await created.json()
        assert body["recipients"] == {"telegram": 2, "matrix": 0, "web": 0}
        path = f"/api/staff/announcements/{body['id']}"

        async def done() -> bool:
            return (await (await staff.get(path, headers=AUTH)).json())["status"] == "sent"

        await eventually(done, within_s=20)
        assert any(c.status == 429 for c in bot_api.calls)  # the Bot API asked to wait once
        assert [t for t in bot_api.texts(1001) if t.startswith(ROAD_WORKS["text"])] != []
        assert len([t for t in bot_api.texts(1001) if t.startswith(ROAD_WORKS["text"])]) == 1
        report = (await (await staff.get(path, headers=AUTH)).json())["deliveries"]["telegram"]
        assert report == {"pending": 0, "sent": 1, "failed": 1, "failed_reasons": {"blocked": 1}}
        assert staff.app is not None
        # the person who blocked the bot is no longer subscribed
        again = await staff.app[ANNOUNCEMENTS].audience(("Lichtenhagen",), ("construction",))
        assert again.channels["telegram"] == 1


async def test_deleting_ones_data_ends_the_subscriptions_and_says_so(staff: TestClient) -> None:
    await web_chat(staff, "web-anna", "/subscribe Dierkow")
    await web_chat(staff, "web-anna", "ja")
    assert "Ihre Abos" in (await web_chat(staff, "web-anna", "/delete"))[0]
    done = await web_chat(staff, "web-anna", "1")
    assert "Ihre Abos" in done[0]
    created = await staff.post(
        "/api/staff/announcements", json={"text": "Fest", "districts": ["Dierkow"]}, headers=AUTH
    )
    assert (await created.json())["recipients"]["web"] == 0


def test_a_staff_token_too_short_to_be_safe_stops_the_start() -> None:
    with pytest.raises(SettingsError, match="STAFF_API_TOKEN"):
        BroadcastSettings.from_env({"STAFF_API_TOKEN": "secret"})
    assert BroadcastSettings.from_env({"STAFF_API_TOKEN": ""}).staff_api_token is None
