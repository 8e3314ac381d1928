"""Staff announce on Telegram: the real gateway app (SQLite, the real Telegram channel against
the Bot API stand-in, the outbox sender); a second staff person approves by button, and the
subscriber's chat receives the announcement once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import PEOPLE_IDS, create_app
from bot.broadcast.api import ANNOUNCEMENTS
from bot.settings import GatewaySettings
from tests.bot.conftest import closed_port
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.helpers import BOT_ID, BOT_USERNAME, TOKEN, callback_update, text_update, user

AUTHOR, APPROVER, SUBSCRIBER, STRANGER = 7001, 7002, 1001, 1003
ROAD_WORKS = "Die Eltiner Straße in Lichtenhagen ist ab Montag gesperrt."


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    api = BotApiStandIn(TOKEN, bot_id=BOT_ID, username=BOT_USERNAME)
    await api.start()
    yield api
    await api.stop()


@asynccontextmanager
async def gateway(tmp_path: Path, api: BotApiStandIn, **extra: str) -> AsyncIterator[TestClient]:
    """The gateway with Telegram against the stand-in, two staff accounts, approval required."""
    env = {
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path}/gateway.sqlite3",
        "RASA_URL": f"http://127.0.0.1:{closed_port()}",
        "RASA_TIMEOUT_S": "5",
        "BROADCAST_POLL_S": "0.05",
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_POLL_TIMEOUT_S": "1",
        "PRIVACY_URL": "https://www.rostock.de/datenschutz-assistent",
        "STAFF_TELEGRAM_IDS": f"{AUTHOR},{APPROVER}:approver",
        "STAFF_REQUIRE_APPROVAL": "true",
        **extra,
    }
    app = create_app(GatewaySettings.from_env(env), env)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def drafted_for_approval(api: BotApiStandIn) -> None:
    """The author drafts road works for Lichtenhagen and submits them for approval."""
    assert (await says(api, AUTHOR, "/announce")).startswith("Schritt 1 von 6")
    await says(api, AUTHOR, ROAD_WORKS)
    await taps(api, AUTHOR, "Überspringen")
    await taps(api, AUTHOR, "Überspringen")
    await says(api, AUTHOR, "Lichtenhagen")
    await taps(api, AUTHOR, "Baustellen und Verkehr")
    await taps(api, AUTHOR, "Sofort")
    waiting = await taps(api, AUTHOR, "Zur Freigabe geben")
    assert "wartet auf die Freigabe durch eine zweite Person" in waiting


async def says(api: BotApiStandIn, who: int, text: str) -> str:
    """Send a text from a private chat; the bot's answer."""
    count = len(api.texts(who))
    api.push(text_update(text, sender=user(who, "de")))
    await api.wait_for(lambda: len(api.texts(who)) > count)
    return api.texts(who)[-1]


async def taps(api: BotApiStandIn, who: int, title: str, under: str = "") -> str:
    """Tap the button with this title under the bot's last message with buttons (whose text
    contains `under`); the answer."""
    offer = next(
        c
        for c in reversed(api.sent(who))
        if c.params.get("reply_markup") and under in str(c.params.get("text", ""))
    )
    rows = offer.result["reply_markup"]["inline_keyboard"]
    data = next(b["callback_data"] for row in rows for b in row if b["text"] == title)
    count = len(api.texts(who))
    api.push(callback_update(data, offer.result, user(who, "de")))
    await api.wait_for(lambda: len(api.texts(who)) > count)
    return api.texts(who)[-1]


async def test_staff_drafts_on_telegram_a_second_person_approves_and_the_subscriber_gets_it(
    tmp_path: Path, bot_api: BotApiStandIn
) -> None:
    api = bot_api
    async with gateway(tmp_path, api) as client:
        assert "Baustellen und Verkehr aus Lichtenhagen" in await says(
            api, SUBSCRIBER, "/subscribe Lichtenhagen Baustellen"
        )
        assert (await says(api, SUBSCRIBER, "ja")).startswith("Erledigt.")
        # the approver has written to the bot once, so it can write to them
        await says(api, APPROVER, "/subscriptions")

        refused = await says(api, STRANGER, "/announce")
        assert refused.startswith("Das dürfen Sie leider nicht")

        assert (await says(api, AUTHOR, "/announce")).startswith("Schritt 1 von 6")
        assert (await says(api, AUTHOR, ROAD_WORKS)).startswith("Schritt 2 von 6")
        assert (await taps(api, AUTHOR, "Überspringen")).startswith("Schritt 3 von 6")
        assert (await taps(api, AUTHOR, "Überspringen")).startswith("Schritt 4 von 6")
        assert (await says(api, AUTHOR, "Lichtenhagen")).startswith("Schritt 5 von 6")
        assert (await taps(api, AUTHOR, "Baustellen und Verkehr")).startswith("Schritt 6 von 6")
        preview = await taps(api, AUTHOR, "Sofort")
        assert f"Deutsch: {ROAD_WORKS}" in preview
        assert "Empfänger jetzt: Telegram 1, Matrix 0, Web-Chat 0, zusammen 1." in preview
        waiting = await taps(api, AUTHOR, "Zur Freigabe geben")
        assert "wartet auf die Freigabe durch eine zweite Person" in waiting
        assert "Benachrichtigt: 1 Person(en) mit Freigaberecht." in waiting

        await api.wait_for(
            lambda: any("wartet auf Ihre Freigabe" in t for t in api.texts(APPROVER))
        )
        request = api.texts(APPROVER)[-1]
        assert ROAD_WORKS in request
        assert "/approve 1" in request
        assert not any(t.startswith(ROAD_WORKS) for t in api.texts(SUBSCRIBER))

        approved = await taps(api, APPROVER, "Freigeben")
        assert approved == "Freigegeben. Ankündigung Nr. 1 wird sofort gesendet."
        await api.wait_for(
            lambda: any("wurde freigegeben" in t for t in api.texts(AUTHOR)), within_s=10
        )
        await api.wait_for(
            lambda: any(t.startswith(ROAD_WORKS) for t in api.texts(SUBSCRIBER)), within_s=20
        )
        assert client.app is not None
        store = client.app[ANNOUNCEMENTS]
        report = await store.report(1)
        assert report["telegram"]["sent"] == 1
        announcement = await store.get(1)
        assert announcement is not None
        # named by the keyed hashes of their Telegram ids, never the ids in clear
        ids = client.app[PEOPLE_IDS]
        assert (announcement.author, announcement.approver) == (
            ids.staff("telegram", str(AUTHOR)),
            ids.staff("telegram", str(APPROVER)),
        )
        received = [t for t in api.texts(SUBSCRIBER) if t.startswith(ROAD_WORKS)]
        assert len(received) == 1
        # nothing of the dialogue reached the staff person's or anyone else's chat twice
        assert not any(t.startswith(ROAD_WORKS) for t in api.texts(STRANGER))


async def test_the_approver_rejects_by_button_with_a_reason_the_author_is_told_and_nothing_goes_out(
    tmp_path: Path, bot_api: BotApiStandIn
) -> None:
    api = bot_api
    reason = "Die Sperrung beginnt erst am Dienstag."
    async with gateway(tmp_path, api) as client:
        await says(api, SUBSCRIBER, "/subscribe Lichtenhagen Baustellen")
        assert (await says(api, SUBSCRIBER, "ja")).startswith("Erledigt.")
        await says(api, APPROVER, "/subscriptions")  # the approver has written to the bot once
        await drafted_for_approval(api)
        await api.wait_for(
            lambda: any("wartet auf Ihre Freigabe" in t for t in api.texts(APPROVER))
        )
        assert "/reject 1" in api.texts(APPROVER)[-1]
        # a stranger cannot reject, not even with the approver's button payload
        assert (await says(api, STRANGER, "/reject 1 weg damit")).startswith(
            "Das dürfen Sie leider nicht"
        )
        asked = await taps(api, APPROVER, "Ablehnen")
        assert asked.startswith("Warum lehnen Sie Ankündigung Nr. 1 ab?")
        rejected = await says(api, APPROVER, reason)
        assert rejected == "Abgelehnt. Ankündigung Nr. 1 wird nicht gesendet."
        await api.wait_for(
            lambda: any("wurde abgelehnt" in t for t in api.texts(AUTHOR)), within_s=10
        )
        told = next(t for t in api.texts(AUTHOR) if "wurde abgelehnt" in t)
        assert told == (
            f"Ihre Ankündigung Nr. 1 wurde abgelehnt und wird nicht gesendet. Grund: {reason}"
        )
        assert client.app is not None
        store = client.app[ANNOUNCEMENTS]
        announcement = await store.get(1)
        assert announcement is not None
        assert (announcement.status, announcement.rejection_reason) == ("rejected", reason)
        # the approve button of the request no longer sends it
        late = await taps(api, APPROVER, "Freigeben", under="wartet auf Ihre Freigabe")
        assert late == "Ankündigung Nr. 1 wartet nicht auf Freigabe."
        await asyncio.sleep(0.5)  # the sender polls every 0.05 s: it had its chances
        assert not any(t.startswith(ROAD_WORKS) for t in api.texts(SUBSCRIBER))
        assert (await store.report(1))["telegram"] == {
            "pending": 0, "sent": 0, "failed": 0, "failed_reasons": {}
        }  # fmt: skip


async def test_a_chat_authors_announcement_rejected_through_the_staff_api_is_told_in_the_chat(
    tmp_path: Path, bot_api: BotApiStandIn
) -> None:
    api = bot_api
    token = "staff-token-for-the-tests-0123456789"
    auth = {"Authorization": f"Bearer {token}"}
    async with gateway(tmp_path, api, STAFF_API_TOKEN=token) as client:
        await drafted_for_approval(api)
        rejected = await client.post(
            "/api/staff/announcements/1/reject",
            json={"approver": "Pressestelle", "reason": "Bitte mit dem Ortsamt abstimmen."},
            headers=auth,
        )
        assert rejected.status == 200
        body = await rejected.json()
        assert body["status"] == "rejected"
        assert body["author"] != f"telegram:{AUTHOR}"  # the API shows the hashed name only
        await api.wait_for(
            lambda: any("wurde abgelehnt" in t for t in api.texts(AUTHOR)), within_s=10
        )
        assert api.texts(AUTHOR)[-1] == (
            "Ihre Ankündigung Nr. 1 wurde abgelehnt und wird nicht gesendet. "
            "Grund: Bitte mit dem Ortsamt abstimmen."
        )
