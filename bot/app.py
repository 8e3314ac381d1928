"""The gateway's aiohttp application: core, person store, web chat and the configured channels."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import cast

import aiohttp
from aiohttp import web

from bot import logs
from bot.assistant.rasa import RasaClient
from bot.broadcast.api import ANNOUNCEMENTS, DESK, DISTRICTS, SENDER, add_staff_routes
from bot.broadcast.council_notices import CouncilNotices, CouncilNoticeSettings
from bot.broadcast.districts import load_districts
from bot.broadcast.drafts import SqlAnnouncementOffice
from bot.broadcast.sender import AnnouncementSender
from bot.broadcast.settings import BroadcastSettings
from bot.broadcast.store import AnnouncementStore
from bot.channels import matrix, phone, telegram
from bot.channels.web.adapter import WebChannel
from bot.channels.web.limits import WebLimits
from bot.channels.web.routes import (
    ASSISTANT_READY,
    CONVERSATION,
    ENGINE,
    TURNS,
    WEB_CHANNEL,
    WEB_LIMITS,
    add_routes,
)
from bot.core.announcing import AnnouncementDesk
from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import ChannelName, IncomingMessage, Turn
from bot.core.ports import Channel, MessageHandler, OutboundChannel, VoiceService
from bot.core.privacy import PrivacyPolicy
from bot.core.speech import speech_text
from bot.core.subscriptions import SubscriptionDesk
from bot.metrics import IntentLookup, MeasuredTurns
from bot.reports import CityPhotoStore, CityReportAccounts, ReportUpdates
from bot.settings import GatewaySettings
from bot.store.database import create_engine, migrate
from bot.store.erasure import StoredPersonalData
from bot.store.identity import PeopleIds, load_key
from bot.store.people import SqlPersonStore
from bot.store.retention import RetentionJob
from bot.store.subscriptions import SqlSubscriptionStore
from bot.store.web_outbox import WebOutbox
from bot.voice import VoicePipeline, build_voice_service

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", GatewaySettings)
CHANNELS = web.AppKey("channels", list[Channel])
HTTP = web.AppKey("http", aiohttp.ClientSession)
VOICE = web.AppKey("voice", object)
# How platform ids are stored (keyed hashes); every person store of the app uses it.
PEOPLE_IDS = web.AppKey("people_ids", PeopleIds)
# The outbound port of every running channel, by name: what announcements and report status
# pushes send through (`await app[OUTBOUND]["telegram"].send(recipient, message)`).
OUTBOUND = web.AppKey("outbound", dict[ChannelName, OutboundChannel])
# The job announcing Ortsbeirat meetings (only with COUNCIL_NOTICES=on; `make run` turns it on).
COUNCIL_NOTICES = web.AppKey("council_notices", CouncilNotices)

ChannelBuilder = Callable[[Mapping[str, str], MessageHandler, web.Application], Channel | None]
# The chat platforms besides the web chat, started in this order and stopped in reverse. A new
# platform is one package under bot/channels/ with a `build` like these.
CHANNEL_BUILDERS: tuple[ChannelBuilder, ...] = (telegram.build, matrix.build, phone.build)
# Room for base64 audio in POST /api/chat (5 MB of audio is about 6.7 MB of base64).
MAX_REQUEST_BYTES = 8 * 1024 * 1024


def create_app(
    settings: GatewaySettings,
    env: Mapping[str, str],
    *,
    voice: VoiceService | None = None,
) -> web.Application:
    """Build the gateway: web chat routes now, everything with connections in cleanup contexts."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[SETTINGS] = settings
    app[WEB_LIMITS] = WebLimits(
        settings.web_rate_per_sender,
        settings.web_rate_per_address,
        trust_forwarded_for=settings.trust_forwarded_for,
    )

    async def handler(msg: IncomingMessage) -> Turn:
        with logs.message_request_id():
            return await app[TURNS](msg)

    add_routes(app)
    broadcast = BroadcastSettings.from_env(env)
    add_staff_routes(app, broadcast)
    # Channels are built now because webhook routes must exist before the app starts.
    app[CHANNELS] = build_channels(env, handler, app)
    app.cleanup_ctx.append(_core(settings, env, broadcast, voice))
    app.cleanup_ctx.append(_run_channels)
    app.cleanup_ctx.append(_report_news)
    app.cleanup_ctx.append(_retention)
    app.cleanup_ctx.append(_run_broadcast(broadcast))
    if env.get("COUNCIL_NOTICES", "").strip().lower() == "on":
        app.cleanup_ctx.append(_council_notices(CouncilNoticeSettings.from_env(env)))
    app.on_shutdown.append(_end_event_streams)
    return app


async def _end_event_streams(app: web.Application) -> None:
    # Before the server waits for open requests: the web chat's event streams end now.
    if WEB_CHANNEL in app:
        await app[WEB_CHANNEL].stop()


def build_channels(
    env: Mapping[str, str], handler: MessageHandler, app: web.Application
) -> list[Channel]:
    """The configured chat platforms, in start order (unconfigured ones are left out)."""
    channels: list[Channel] = []
    for build in CHANNEL_BUILDERS:
        channel = build(env, handler, app)
        if channel is not None:
            channels.append(channel)
    return channels


def privacy_policy(settings: GatewaySettings) -> PrivacyPolicy:
    """What the privacy notice states: the configured contact and retention periods."""
    return PrivacyPolicy(
        contact=settings.privacy_contact,
        conversation_days=settings.conversation_retention_days,
        web_person_hours=settings.web_person_retention_hours,
        report_contact_days=settings.report_contact_retention_days,
        url=settings.privacy_url,
    )


def _core(
    settings: GatewaySettings,
    env: Mapping[str, str],
    broadcast: BroadcastSettings,
    voice: VoiceService | None,
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        ids = PeopleIds(await asyncio.to_thread(load_key, settings.people_id_key))
        app[PEOPLE_IDS] = ids
        await asyncio.to_thread(migrate, settings.database_url, ids)
        pipeline: VoicePipeline | None = None
        if voice is None:
            pipeline = build_voice_service(env)
            if pipeline is not None:
                # Models load once here, not on a citizen's first voice note.
                await pipeline.start()
        voice_service: VoiceService | None = voice if voice is not None else pipeline
        guesser = await asyncio.to_thread(LanguageGuesser)
        districts = await asyncio.to_thread(load_districts)
        engine = create_engine(settings.database_url)
        connector = aiohttp.TCPConnector(limit=200, limit_per_host=200, keepalive_timeout=30)
        # every call carries the request id of the message it is made for (X-Request-Id)
        session = aiohttp.ClientSession(
            connector=connector, trace_configs=[logs.outgoing_request_ids()]
        )
        rasa = RasaClient(
            session,
            settings.rasa_base,
            timeout_s=settings.rasa_timeout_s,
            token=settings.rasa_token,
        )
        people = SqlPersonStore(engine, ids)
        outbox = WebOutbox(engine)
        subscriptions = SqlSubscriptionStore(engine)
        personal_data = StoredPersonalData(
            people,
            outbox,
            settings.rasa_tracker_store_url,
            subscriptions,
            reports=(
                CityReportAccounts(session, str(settings.cityapi_url), settings.cityapi_staff_token)
                if settings.cityapi_staff_token
                else None
            ),
        )
        web_channel = WebChannel(people, outbox, ids)
        await web_channel.start()
        app[ENGINE] = engine
        app[DISTRICTS] = districts
        app[ASSISTANT_READY] = rasa.ready
        app[WEB_CHANNEL] = web_channel
        outbound: dict[ChannelName, OutboundChannel] = {"web": web_channel}
        app[OUTBOUND] = outbound

        def wake_sender() -> None:
            if SENDER in app:  # the sender starts after the channels; it polls meanwhile
                app[SENDER].wake()

        # Staff announce from a chat through the same store and outbox as the staff API.
        announcing = AnnouncementDesk(
            SqlAnnouncementOffice(engine, AnnouncementStore(engine), wake_sender),
            broadcast.staff,
            districts,
            people,
            outbound,
            require_approval=broadcast.require_approval,
            staff_name=ids.staff,  # authors and approvers as keyed hashes, never in clear
        )
        app[DESK] = announcing
        app[HTTP] = session
        app[VOICE] = voice_service
        app[CONVERSATION] = Conversation(
            people,
            rasa,
            guesser,
            voice=voice_service,
            speech_text=speech_text,
            personal_data=personal_data,
            subscriptions=SubscriptionDesk(subscriptions, districts),
            photos=(
                CityPhotoStore(session, str(settings.cityapi_url), settings.cityapi_open311_key)
                if settings.cityapi_open311_key
                else None
            ),
            privacy=privacy_policy(settings),
            announcements=announcing,
        )
        tracker = (
            create_engine(settings.rasa_tracker_store_url)
            if settings.rasa_tracker_store_url
            else None
        )
        app[TURNS] = MeasuredTurns(app[CONVERSATION].handle, IntentLookup(tracker)).handle
        logger.info(
            "gateway ready: Rasa at %s, voice %s",
            settings.rasa_base,
            "on" if voice_service else "off",
        )
        try:
            yield
        finally:
            await web_channel.stop()
            await personal_data.close()
            if tracker is not None:
                await tracker.dispose()
            await session.close()
            await engine.dispose()
            if pipeline is not None:
                await pipeline.stop()

    return context


async def _run_channels(app: web.Application) -> AsyncIterator[None]:
    started: list[Channel] = []
    try:
        for channel in app[CHANNELS]:
            await channel.start()
            started.append(channel)
            app[OUTBOUND][channel.name] = channel
            logger.info("channel %s started", channel.name)
        yield
    finally:
        for channel in reversed(started):
            try:
                await channel.stop()
            except Exception:
                logger.exception("channel %s did not stop cleanly", channel.name)


def _run_broadcast(
    settings: BroadcastSettings,
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        # After the channels: pending deliveries of an earlier run go out once they are up.
        store = AnnouncementStore(app[ENGINE])
        outbound: dict[ChannelName, OutboundChannel] = app[OUTBOUND]
        sender = AnnouncementSender(
            store,
            outbound,
            settings,
            voice=cast(VoiceService | None, app[VOICE]),
            speech_text=speech_text,
        )
        app[ANNOUNCEMENTS] = store
        app[SENDER] = sender
        await sender.start()
        try:
            yield
        finally:
            await sender.stop()

    return context


def _council_notices(
    settings: CouncilNoticeSettings,
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        # After the sender: a new notice wakes it.
        job = CouncilNotices(
            app[ENGINE],
            app[HTTP],
            str(app[SETTINGS].cityapi_url),
            settings,
            wake=app[SENDER].wake,
        )
        app[COUNCIL_NOTICES] = job
        await job.start()
        try:
            yield
        finally:
            await job.stop()

    return context


async def _report_news(app: web.Application) -> AsyncIterator[None]:
    """Push report status changes to reporters who asked, when the staff token is configured."""
    settings = app[SETTINGS]
    if not settings.cityapi_staff_token:
        yield
        return
    outbound: dict[ChannelName, OutboundChannel] = app[OUTBOUND]
    updates = ReportUpdates(
        app[ENGINE],
        SqlPersonStore(app[ENGINE], app[PEOPLE_IDS]),
        outbound,
        app[HTTP],
        str(settings.cityapi_url),
        settings.cityapi_staff_token,
        settings.report_updates_interval_s,
    )
    task = asyncio.create_task(updates.run(), name="report-news")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _retention(app: web.Application) -> AsyncIterator[None]:
    """Delete old conversations and anonymous web-chat people on a schedule."""
    settings = app[SETTINGS]
    url = settings.rasa_tracker_store_url
    tracker = create_engine(url) if url else None
    job = RetentionJob(
        SqlPersonStore(app[ENGINE], app[PEOPLE_IDS]),
        tracker,
        conversation_days=settings.conversation_retention_days,
        web_person_hours=settings.web_person_retention_hours,
        interval_s=settings.retention_interval_s,
        forgotten=app[CONVERSATION].forget_conversations,
    )
    task = asyncio.create_task(job.run(), name="retention")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if tracker is not None:
            await tracker.dispose()
