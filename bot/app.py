"""The gateway's aiohttp application: core, person store, web chat and the optional channels."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from types import ModuleType
from typing import Any, cast

import aiohttp
from aiohttp import web

from bot.core.conversation import Conversation, SpeechText
from bot.core.language import LanguageGuesser
from bot.core.messages import IncomingMessage, OutgoingMessage
from bot.core.ports import Channel, MessageHandler, VoiceService
from bot.core.rasa import RasaClient
from bot.settings import GatewaySettings
from bot.store.database import create_engine, migrate
from bot.store.people import PersonStore
from bot.web.routes import CONVERSATION, ENGINE, add_routes

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", GatewaySettings)
CHANNELS = web.AppKey("channels", list[Channel])
HTTP = web.AppKey("http", aiohttp.ClientSession)
VOICE = web.AppKey("voice", object)

# Optional channel modules, started in this order and stopped in reverse.
CHANNEL_MODULES = ("bot.channels.telegram", "bot.channels.matrix")
# Room for base64 audio in POST /api/chat (5 MB of audio is about 6.7 MB of base64).
MAX_REQUEST_BYTES = 8 * 1024 * 1024


def optional_module(name: str) -> ModuleType | None:
    """Import a module that another part of the project may not have written yet."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only the module itself may be missing; a broken import inside it must surface.
        if exc.name != name:
            raise
        return None


def create_app(
    settings: GatewaySettings,
    env: Mapping[str, str],
    *,
    voice: VoiceService | None = None,
) -> web.Application:
    """Build the gateway: web chat routes now, everything with connections in cleanup contexts."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[SETTINGS] = settings

    async def handler(msg: IncomingMessage) -> list[OutgoingMessage]:
        return await app[CONVERSATION].handle(msg)

    add_routes(app)
    # Channels are built now because webhook routes must exist before the app starts.
    app[CHANNELS] = build_channels(env, handler, app)
    app.cleanup_ctx.append(_core(settings, env, voice))
    app.cleanup_ctx.append(_run_channels)
    return app


def build_channels(
    env: Mapping[str, str], handler: MessageHandler, app: web.Application
) -> list[Channel]:
    """The configured chat platforms, in start order (unconfigured ones are left out)."""
    channels: list[Channel] = []
    for name in CHANNEL_MODULES:
        module = optional_module(name)
        if module is None:
            continue
        channel = module.build(env, handler, app)
        if channel is not None:
            channels.append(channel)
    return channels


def _core(
    settings: GatewaySettings, env: Mapping[str, str], voice: VoiceService | None
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        await asyncio.to_thread(migrate, settings.database_url)
        voice_service = voice if voice is not None else await _build_voice(env)
        if voice is None and voice_service is not None:
            # Models load once here, not on a citizen's first voice note.
            starter = getattr(voice_service, "start", None)
            if starter is not None:
                await starter()
        guesser = await asyncio.to_thread(LanguageGuesser)
        engine = create_engine(settings.database_url)
        connector = aiohttp.TCPConnector(limit=200, limit_per_host=200, keepalive_timeout=30)
        session = aiohttp.ClientSession(connector=connector)
        rasa = RasaClient(
            session,
            settings.rasa_base,
            timeout_s=settings.rasa_timeout_s,
            token=settings.rasa_token,
        )
        app[ENGINE] = engine
        app[HTTP] = session
        app[VOICE] = voice_service
        app[CONVERSATION] = Conversation(
            PersonStore(engine),
            rasa,
            guesser,
            voice=voice_service,
            speech_text=_speech_text(),
        )
        logger.info(
            "gateway ready: Rasa at %s, voice %s",
            settings.rasa_base,
            "on" if voice_service else "off",
        )
        try:
            yield
        finally:
            await session.close()
            await engine.dispose()
            closer = getattr(voice_service, "aclose", None)
            if closer is not None:
                await closer()

    return context


async def _run_channels(app: web.Application) -> AsyncIterator[None]:
    started: list[Channel] = []
    try:
        for channel in app[CHANNELS]:
            await channel.start()
            started.append(channel)
            logger.info("channel %s started", channel.name)
        yield
    finally:
        for channel in reversed(started):
            try:
                await channel.stop()
            except Exception:
                logger.exception("channel %s did not stop cleanly", channel.name)


async def _build_voice(env: Mapping[str, str]) -> VoiceService | None:
    module = optional_module("bot.voice")
    if module is None:
        return None
    build = getattr(module, "build_voice_service", None)
    if build is None:
        logger.warning("bot.voice has no build_voice_service yet: voice messages are off")
        return None
    service: Any = build(env)
    if inspect.isawaitable(service):
        service = await service
    return cast(VoiceService | None, service)


def _speech_text() -> SpeechText | None:
    module = optional_module("bot.core.speech")
    return cast(SpeechText, module.speech_text) if module is not None else None
