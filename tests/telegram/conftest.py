"""Fixtures for the Telegram channel: the Bot API stand-in and channels started against it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import pytest
from aiohttp import web

from bot.channels.telegram import TelegramChannel, build
from bot.core.messages import Button, IncomingMessage, OutgoingMessage
from bot.core.ports import MessageHandler
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


def channel_env(api: BotApiStandIn, **extra: str) -> dict[str, str]:
    """The environment a deployment would set, pointing at the stand-in."""
    return {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_POLL_TIMEOUT_S": "1",
        "PRIVACY_URL": "https://www.rostock.de/datenschutz-assistent",
        **extra,
    }


@pytest.fixture
async def start_channel(standin: BotApiStandIn) -> AsyncIterator[StartChannel]:
    """Start channels against the stand-in; every one still running is stopped afterwards."""
    started: list[TelegramChannel] = []

    async def start(
        handler: MessageHandler,
        env: Mapping[str, str] | None = None,
        web_app: web.Application | None = None,
    ) -> TelegramChannel:
        channel = build(env or channel_env(standin), handler, web_app)
        assert channel is not None
        await channel.start()
        started.append(channel)
        return channel

    yield start
    for channel in reversed(started):
        await channel.stop()


async def echo(message: IncomingMessage) -> list[OutgoingMessage]:
    """A test handler for channel mechanics only: says back what arrived (no assistant)."""
    if message.payload is not None:
        return [OutgoingMessage(f"payload: {message.payload}")]
    if message.location is not None:
        where = message.location
        return [OutgoingMessage(f"location: {where.latitude},{where.longitude}")]
    if message.image is not None:
        image = message.image
        return [OutgoingMessage(f"image: {len(image.data)} bytes {image.mime_type} {message.text}")]
    if message.audio is not None:
        audio = message.audio
        return [OutgoingMessage(f"audio: {len(audio.data)} bytes {audio.mime_type}")]
    if message.text == "buttons":
        long_payload = '/ask_place{"place_type": "toilet", "district": "Kröpeliner-Tor-Vorstadt"}'
        return [
            OutgoingMessage(
                "Welche?",
                buttons=(Button("Kurz", "/affirm"), Button("Lang", long_payload)),
            )
        ]
    return [OutgoingMessage(f"echo: {message.text}")]
