"""Webhook mode: the route on the gateway's web app checks Telegram's secret token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.channels.telegram import build
from bot.core.messages import IncomingMessage, Turn
from bot.store.database import create_engine
from bot.store.models import TelegramInboxRow
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.conftest import channel_env, echo
from tests.telegram.helpers import text_update

SECRET = "s3cret-Token_for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def inbox_status(database_url: str, update_id: int) -> str | None:
    """The inbox's status of an update (None: not stored)."""
    engine = create_engine(database_url)
    inbox = TelegramInboxRow.__table__
    try:
        async with engine.connect() as conn:
            query = select(inbox.c.status).where(inbox.c.update_id == update_id)
            return await conn.scalar(query)
    finally:
        await engine.dispose()


@pytest.fixture
async def gateway(standin: BotApiStandIn, database_url: str) -> AsyncIterator[TestClient]:
    """A gateway web app with the channel's webhook route, served on a free port."""
    web_app = web.Application()
    env = channel_env(
        standin,
        database_url,
        TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_URL="https://assistent.rostock.example/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    # As in the gateway: the route is added when the channel is built, before the app serves.
    channel = build(env, echo, web_app)
    assert channel is not None
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        await channel.start()
        try:
            yield client
        finally:
            await channel.stop()


async def test_webhook_is_registered_with_its_secret_and_polling_stays_off(
    standin: BotApiStandIn, gateway: TestClient
) -> None:
    assert standin.webhook is not None
    assert standin.webhook["url"] == "https://assistent.rostock.example/telegram/webhook"
    assert standin.webhook["secret_token"] == SECRET
    assert not [c for c in standin.calls if c.method == "getupdates"]


async def test_update_with_the_right_secret_is_stored_acknowledged_and_answered(
    standin: BotApiStandIn, gateway: TestClient, database_url: str
) -> None:
    update = text_update("Museen in Warnemünde")
    standin.learn_chats(update)
    response = await gateway.post("/telegram/webhook", json=update, headers={HEADER: SECRET})
    assert response.status == 200
    # acknowledged once stored: a crash from here on loses nothing
    assert await inbox_status(database_url, update["update_id"]) in ("pending", "done")
    await standin.wait_for(lambda: bool(standin.texts(4242)))
    assert standin.texts(4242) == ["echo: Museen in Warnemünde"]


@pytest.mark.parametrize("headers", [{}, {HEADER: "wrong"}, {HEADER: SECRET + "x"}])
async def test_missing_or_wrong_secret_is_forbidden_and_nothing_is_sent(
    standin: BotApiStandIn, gateway: TestClient, headers: dict[str, str]
) -> None:
    update = text_update("Hallo")
    standin.learn_chats(update)  # an answer could be sent: it must not be
    response = await gateway.post("/telegram/webhook", json=update, headers=headers)
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "forbidden"
    assert standin.texts() == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b"null",
        b'{"message": {"text": 1}}',
        b'{"update_id": 5, "message": {"text": 1}}',
        b'{"update_id": 6, "message": 3}',
    ],
)
async def test_a_body_that_is_not_an_update_gets_a_json_error(
    gateway: TestClient, body: bytes
) -> None:
    response = await gateway.post("/telegram/webhook", data=body, headers={HEADER: SECRET})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_update"


async def test_an_update_telegram_sends_again_is_answered_once(
    standin: BotApiStandIn, database_url: str
) -> None:
    """Telegram repeats an update whose acknowledgement came after its timeout, also while the
    first delivery is still being answered: the repeat is acknowledged, not answered again."""
    handled: list[str] = []

    async def slow_echo(message: IncomingMessage) -> Turn:
        handled.append(message.text or "")
        await asyncio.sleep(0.5)  # a turn that outlasts the repeat's arrival
        return await echo(message)

    web_app = web.Application()
    env = channel_env(
        standin,
        database_url,
        TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_URL="https://assistent.rostock.example/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    channel = build(env, slow_echo, web_app)
    assert channel is not None
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        await channel.start()
        try:
            update = text_update("Toiletten in der KTV")
            standin.learn_chats(update)

            async def deliver() -> int:
                response = await client.post(
                    "/telegram/webhook", json=update, headers={HEADER: SECRET}
                )
                return response.status

            first = asyncio.create_task(deliver())
            await asyncio.sleep(0.1)
            repeat = await deliver()  # while the first is being answered
            assert (await first, repeat) == (200, 200)
            await standin.wait_for(lambda: bool(standin.texts(4242)))
            assert await deliver() == 200  # once more, after it was answered
            await asyncio.sleep(1.0)  # a second answer would come within this time
            assert handled == ["Toiletten in der KTV"]
            assert standin.texts(4242) == ["echo: Toiletten in der KTV"]
        finally:
            await channel.stop()
