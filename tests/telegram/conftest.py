"""Fixtures for the Telegram channel: the Bot API stand-in and channels started against it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.telegram import TelegramChannel, build
from bot.core.messages import Button, IncomingMessage, OutgoingMessage, Turn
from bot.core.ports import MessageHandler
from bot.store.database import create_engine, migrate
from tests.fakes import turn
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.helpers import BOT_ID, BOT_USERNAME, TOKEN

StartChannel = Callable[..., Awaitable[TelegramChannel]]


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    """A fresh Bot API stand-in on a free port."""
    api = BotApiStandIn(TOKEN, bot_id=BOT_ID, username=BOT_USERNAME)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gateway database at the newest schema, migrated once and copied for each test."""
    path = tmp_path_factory.mktemp("gateway-db") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_database: Path, tmp_path: Path) -> str:
    """A fresh gateway database (the channel's inbox lives there) for one test."""
    path = tmp_path / "gateway.sqlite3"
    shutil.copyfile(migrated_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test's gateway database, to look into what the gateway stored."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def channel_env(api: BotApiStandIn, database_url: str, **extra: str) -> dict[str, str]:
    """The environment a deployment would set, pointing at the stand-in."""
    return {
        "TELEGRAM_TOKEN": TOKEN,
        "GATEWAY_DATABASE_URL": database_url,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_POLL_TIMEOUT_S": "1",
        "PRIVACY_URL": "https://www.rostock.de/datenschutz-assistent",
        **extra,
    }


@pytest.fixture
async def start_channel(standin: BotApiStandIn, database_url: str) -> AsyncIterator[StartChannel]:
    """Start channels against the stand-in; every one still running is stopped afterwards."""
    started: list[TelegramChannel] = []

    async def start(
        handler: MessageHandler,
        env: Mapping[str, str] | None = None,
        web_app: web.Application | None = None,
    ) -> TelegramChannel:
        channel = build(env or channel_env(standin, database_url), handler, web_app)
        assert channel is not None
        await channel.start()
        started.append(channel)
        return channel

    yield start
    for channel in reversed(started):
        await channel.stop()


async def echo(message: IncomingMessage) -> Turn:
    """A test handler for channel mechanics only: says back what arrived (no assistant).

    Its turn's language is what the real core answers a new person in: their choice, else
    Telegram's language hint, else German.
    """
    lang = message.language_choice or message.language_hint or "de"
    if message.unusable is not None:
        says = f"refused: {message.unusable}"
        return turn(OutgoingMessage(says), refusal=message.unusable, language=lang)
    if message.payload is not None:
        return turn(OutgoingMessage(f"payload: {message.payload}"), language=lang)
    if message.location is not None:
        where = message.location
        says = f"location: {where.latitude},{where.longitude}"
        return turn(OutgoingMessage(says), language=lang)
    if message.image is not None:
        image = message.image
        says = f"image: {len(image.data)} bytes {image.mime_type} {message.text}"
        return turn(OutgoingMessage(says), language=lang)
    if message.audio is not None:
        audio = message.audio
        says = f"audio: {len(audio.data)} bytes {audio.mime_type}"
        return turn(OutgoingMessage(says), language=lang)
    if message.text == "buttons":
        long_payload = '/ask_place{"place_type": "toilet", "district": "Kröpeliner-Tor-Vorstadt"}'
        return turn(
            OutgoingMessage(
                "Welche?",
                buttons=(Button("Kurz", "/affirm"), Button("Lang", long_payload)),
            ),
            language=lang,
        )
    return turn(OutgoingMessage(f"echo: {message.text}"), language=lang)
