"""The background sender: due announcements become deliveries, deliveries go out through each
channel's outbound port, and each is marked sent or failed (or retried later)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from bot.broadcast.settings import BroadcastSettings
from bot.broadcast.store import Announcement, AnnouncementStore, Claimed
from bot.core import texts
from bot.core.messages import (
    Audio,
    ChannelName,
    Delivered,
    DeliveryResult,
    Language,
    OutgoingMessage,
    Recipient,
    RecipientGone,
    Rejected,
    RetryAfter,
)
from bot.core.ports import OutboundChannel, SpeechText, VoiceError, VoiceService
from bot.metrics import DELIVERIES

logger = logging.getLogger(__name__)

# A channel that is not running (not configured, or not started yet): look again after this.
CHANNEL_MISSING_RETRY_S = 60.0
# A send that raised although the port promises not to: try again after this.
SEND_FAILED_RETRY_S = 30.0
# How long stop() lets the sends in flight finish before it cancels them.
STOP_GRACE_S = 10.0
_MAX_CACHED_VOICES = 64


def _result_label(result: DeliveryResult) -> str:
    if isinstance(result, Delivered):
        return "delivered"
    if isinstance(result, RetryAfter):
        return "retry"
    if isinstance(result, RecipientGone):
        return "gone"
    return "rejected"


def text_language(announcement: Announcement, person_language: Language) -> Language:
    """English when the person reads English and staff wrote an English text, else German."""
    return "en" if person_language == "en" and announcement.text_en else "de"


def message_body(announcement: Announcement, language: Language) -> str:
    """The announcement's text in this language (see `text_language`); German readers get the
    plain-language version after it when staff wrote one (no one has to ask for it)."""
    if language == "en" and announcement.text_en:
        return announcement.text_en
    if announcement.text_plain:
        heading = texts.text("announcement_plain", "de")
        return f"{announcement.text}\n\n{heading}\n{announcement.text_plain}"
    return announcement.text


def message_text(announcement: Announcement, language: Language) -> str:
    """The announcement's text in this language with the city's footer."""
    return (
        f"{message_body(announcement, language)}\n\n{texts.text('announcement_footer', language)}"
    )


def spoken_body(announcement: Announcement, language: Language) -> str:
    """What the voice note says: the plain-language version when there is one (easier to follow
    by ear), else the text; the footer is read, not heard."""
    if language == "de" and announcement.text_plain:
        return announcement.text_plain
    return announcement.text_en if language == "en" and announcement.text_en else announcement.text


def delivery_key(announcement: Announcement, claimed: Claimed) -> str:
    """The same for every attempt at one delivery (its outbox row), and only for it: a channel
    that deduplicates posts a repeat after a crash once. The announcement's creation time keeps
    row ids of a database made anew from meeting the keys of the old one."""
    created_us = int(announcement.created_at.timestamp() * 1_000_000)
    return f"announcement:{announcement.id}:{created_us}:delivery:{claimed.id}"


class AnnouncementSender:
    """Drains the outbox of announcements; one per gateway process (`start`/`stop`)."""

    def __init__(
        self,
        store: AnnouncementStore,
        outbound: Mapping[ChannelName, OutboundChannel],
        settings: BroadcastSettings,
        *,
        voice: VoiceService | None = None,
        speech_text: SpeechText | None = None,
    ) -> None:
        self._store = store
        self._outbound = outbound
        self._settings = settings
        self._voice = voice
        self._speech_text = speech_text
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._sends = asyncio.Semaphore(settings.concurrency)
        self._voices: dict[tuple[int, str, int], Audio | None] = {}
        # One synthesis per announcement, language and rate, however many wait for it.
        self._voicing = asyncio.Lock()

    async def start(self) -> None:
        """Begin sending in the background (pending deliveries of a previous run first)."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="announcement-sender")

    async def stop(self) -> None:
        """Let the sends in flight finish (marked in the database), then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_GRACE_S)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    def wake(self) -> None:
        """Look for due announcements now (a new one was approved)."""
        self._wake.set()

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # a wake-up during this round makes the next one start at once
            try:
                handled = await self.run_once()
            except Exception:
                logger.exception("announcement sender failed; trying again")
                handled = 0
            if handled or self._stopping:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.poll_s)

    async def run_once(self) -> int:
        """Queue due announcements, send one batch of due deliveries; how many were handled."""
        now = datetime.now(UTC)
        queued = await self._store.queue_due(now)
        for announcement_id in queued:
            logger.info("announcement %s: deliveries written", announcement_id)
        batch = await self._store.claim(now, self._settings.concurrency * 2, self._settings.lease_s)
        if batch:
            announcements: dict[int, Announcement] = {}
            for claimed in batch:
                if claimed.announcement_id not in announcements:
                    found = await self._store.get(claimed.announcement_id)
                    assert found is not None  # deliveries reference their announcement
                    announcements[claimed.announcement_id] = found
            await asyncio.gather(
                *(self._deliver(announcements[c.announcement_id], c) for c in batch)
            )
        for announcement_id in await self._store.finish():
            logger.info("announcement %s: every delivery done", announcement_id)
        return len(batch) + len(queued)

    async def _deliver(self, announcement: Announcement, claimed: Claimed) -> None:
        if claimed.address is None:
            await self._store.mark_failed(claimed, "not_found", gone=True)
            return
        channel = self._outbound.get(claimed.channel)
        if channel is None:
            await self._retry(claimed, CHANNEL_MISSING_RETRY_S, "channel_unavailable")
            return
        recipient = Recipient(
            claimed.person_id,
            claimed.channel,
            claimed.address,
            claimed.language,
            claimed.hears if self._voice is not None else claimed.voice_replies,
        )
        message = await self._message(announcement, claimed)
        async with self._sends:
            renewed = await self._store.renew(claimed, self._settings.lease_s)
            if renewed is None:
                logger.info("delivery %s: taken over by another worker, not sent here", claimed.id)
                return
            claimed = renewed
            try:
                result: DeliveryResult = await channel.send(recipient, message)
            except Exception:
                logger.exception("channel %s raised on send", claimed.channel)
                result = RetryAfter(SEND_FAILED_RETRY_S, "send_failed")
        DELIVERIES.labels(claimed.channel, _result_label(result)).inc()
        if isinstance(result, Delivered):
            await self._store.mark_sent(claimed.id)
        elif isinstance(result, RetryAfter):
            await self._retry(claimed, result.seconds, result.reason or "retry")
        elif isinstance(result, RecipientGone):
            await self._store.mark_failed(claimed, result.reason, gone=True)
        elif isinstance(result, Rejected):
            await self._store.mark_failed(claimed, "rejected", gone=False)

    async def _retry(self, claimed: Claimed, seconds: float, reason: str) -> None:
        again = await self._store.mark_retry(claimed, seconds, reason, self._settings.max_attempts)
        if not again:
            logger.warning("delivery %s failed for good: %s", claimed.id, reason)

    async def _message(self, announcement: Announcement, claimed: Claimed) -> OutgoingMessage:
        language = text_language(announcement, claimed.language)
        message = OutgoingMessage(
            message_text(announcement, language), delivery_key=delivery_key(announcement, claimed)
        )
        if not claimed.hears or self._voice is None:
            return message
        key = (announcement.id, language, claimed.speech_rate)
        spoken = OutgoingMessage(text=spoken_body(announcement, language))
        async with self._voicing:
            audio = await self._voice_note(key, spoken, language, claimed.speech_rate)
        return replace(message, audio=audio) if audio else message

    async def _voice_note(
        self, key: tuple[int, str, int], message: OutgoingMessage, language: Language, rate: int
    ) -> Audio | None:
        assert self._voice is not None  # only called with a voice service
        if key not in self._voices:
            if len(self._voices) >= _MAX_CACHED_VOICES:
                self._voices.clear()
            words = self._speech_text(message, language) if self._speech_text else message.text
            try:
                audio: Audio | None = await self._voice.synthesize(words, language, rate)
            except VoiceError as exc:
                logger.warning("announcement %s: no voice note (%s)", key[0], exc.code)
                audio = None
            self._voices[key] = audio
        return self._voices[key]
