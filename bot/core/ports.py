"""Interfaces between the core and the world: channels, the person store, the assistant, voice.

The core imports no platform, HTTP or database library; everything with I/O implements one of
these Protocols and is handed to the core (or handed the core) by `bot.app`.

A channel implements two ports (docs/CONTRACTS.md, "Channel ports"):
- inbound, it calls a `MessageHandler` (the core's `Conversation.handle`) with each
  `IncomingMessage` and renders the `Turn` it gets back;
- outbound, it is an `OutboundChannel`: `send(Recipient, OutgoingMessage) -> DeliveryResult`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.core.messages import (
    Audio,
    ChannelName,
    DeliveryResult,
    Image,
    IncomingMessage,
    Language,
    OutgoingMessage,
    Recipient,
    Turn,
)
from bot.core.people import Person

# The inbound port: what a channel adapter calls for every incoming message.
MessageHandler = Callable[[IncomingMessage], Awaitable[Turn]]


class OutboundChannel(Protocol):
    """The outbound port: the city writes to a person first (announcements, report status).

    `send` delivers one message (text, buttons, audio) to `recipient.address` and answers with
    a `DeliveryResult`; it never raises for a platform's refusal or an outage:
    `Delivered` · `RetryAfter(seconds)` (rate limit, platform or network down: send the same
    message again later) · `RecipientGone(reason)` (blocked, left, deactivated, not found: stop
    writing to this address). A channel that is not started answers `RetryAfter`.
    """

    name: ChannelName

    async def send(self, recipient: Recipient, message: OutgoingMessage) -> DeliveryResult:
        """Deliver one message; never raises for platform failures, answers with a result."""


class Channel(OutboundChannel, Protocol):
    """A chat platform: a long-lived component with start/stop hooks and the outbound port.

    Built by its package's `build(env, handler, web_app) -> Channel | None` (None when not
    configured); it calls `handler` (the inbound port) for every message it receives.
    """

    async def start(self) -> None:
        """Connect to the platform and begin delivering messages to the handler."""

    async def stop(self) -> None:
        """Stop receiving, finish sending what is queued, release connections."""


class PersonStore(Protocol):
    """Where the core keeps what it remembers about people."""

    async def find(self, channel: ChannelName, platform_id: str) -> Person | None:
        """The person with this platform id on this channel, if any."""

    async def touch(
        self, channel: ChannelName, platform_id: str, chat_id: str, language: Language
    ) -> Person:
        """Find the person and mark them seen now, or create them with this language."""

    async def save(self, person: Person) -> None:
        """Write the person's changeable fields (language, voice, consent, last buttons)."""


@dataclass(frozen=True, slots=True)
class Erased:
    """What deleting a person's data removed, store by store, to tell them."""

    conversation_events: int  # the assistant's record of the conversation
    settings: bool  # the person record: language, voice settings, offered choices
    waiting_messages: int  # messages kept for the person's next visit
    subscriptions: int = 0  # announcements they had subscribed to
    reports: int = 0  # their reports, now without their name or id (the reports stay)
    reports_unreachable: bool = False  # the city data API was away: reports still linked


class PersonalData(Protocol):
    """Every store that holds something of a person, reachable by their opaque id."""

    async def erase(self, person_id: str) -> Erased:
        """Delete everything kept about the person; what was removed."""

    async def export(self, person_id: str) -> dict[str, object]:
        """Everything kept about the person, store by store, as JSON-ready data."""


class AssistantUnavailable(Exception):
    """The assistant did not answer (down, timed out, or answered with an error)."""


@dataclass(frozen=True, slots=True)
class AssistantReply:
    """The assistant's answers to one message, and the language it switched the person to."""

    messages: tuple[OutgoingMessage, ...]
    language: Language | None = None


class Assistant(Protocol):
    """The dialogue behind the gateway (Rasa): one conversation per opaque person id."""

    async def ask(
        self, person_id: str, text: str, metadata: Mapping[str, object]
    ) -> AssistantReply:
        """Send one message (text or an intent payload); raises AssistantUnavailable."""

    async def set_language(self, person_id: str, language: Language) -> None:
        """Tell the assistant the person's language; raises AssistantUnavailable."""


@dataclass(frozen=True, slots=True)
class Transcript:
    """What speech-to-text heard."""

    text: str
    language: Language
    confidence: float | None = None


class VoiceError(Exception):
    """A voice stage failed; `code` names it (decode-failed, stt-failed, tts-failed, too-long)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class VoiceService(Protocol):
    """Speech in and out for the core: decode → speech-to-text, and text-to-speech → encode."""

    async def transcribe(self, audio: Audio, language: Language) -> Transcript:
        """Decode any audio container to 16 kHz mono PCM and recognise it; raises VoiceError."""

    async def synthesize(self, text: str, language: Language, rate: int = 0) -> Audio:
        """Speak text as OGG/Opus (rate: -2 slowest … +3 fastest); raises VoiceError."""


SpeechText = Callable[[OutgoingMessage, Language], str]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One thing a person asked to be told about: a district (or "all") and a topic (or "all")."""

    district: str
    topic: str


class SubscriptionStore(Protocol):
    """Where the gateway keeps who asked for which announcements (only confirmed ones)."""

    async def subscriptions(self, person_id: str) -> list[Subscription]:
        """The person's subscriptions, oldest first."""

    async def subscribe(
        self, person_id: str, wanted: Sequence[Subscription], language: Language
    ) -> int:
        """Add the subscriptions the person does not have yet; how many were new."""

    async def unsubscribe(
        self, person_id: str, districts: Sequence[str] | None, topic: str | None
    ) -> list[Subscription]:
        """Remove the person's subscriptions matching both filters (None: any); what went."""


class PhotoRefused(Exception):
    """The photo is not taken (not a photo, too large)."""


class PhotoUnavailable(Exception):
    """Photos cannot be taken right now (the city data API is away)."""


class PhotoStore(Protocol):
    """Where a report's photo goes before the report is filed (the city data API's Open311)."""

    async def upload(self, image: Image) -> str:
        """Store the photo; its media id. Raises PhotoRefused or PhotoUnavailable."""
        ...


class ReportsUnavailable(Exception):
    """The city data API could not be reached to unlink a person's reports."""


class ReportAccounts(Protocol):
    """The city data API's side of a person's erasure request."""

    async def forget(self, person_id: str) -> int:
        """Unlink the person from their reports; how many. Raises ReportsUnavailable."""
        ...

    async def reports(self, person_id: str) -> list[dict[str, object]]:
        """The person's reports with their contact data. Raises ReportsUnavailable."""
        ...


# The steps of an announcement drafted in a chat, in order (`bot/core/announcing.py`).
DraftStep = Literal["text", "text_en", "text_plain", "districts", "topics", "send_at", "preview"]


@dataclass(frozen=True, slots=True)
class StaffDraft:
    """An announcement a staff person is writing in a chat, kept until they confirm or cancel."""

    person_id: str
    step: DraftStep
    text: str | None = None
    text_en: str | None = None
    text_plain: str | None = None
    districts: tuple[str, ...] = ()  # Stadtbereiche; empty: the whole city
    topics: tuple[str, ...] = ()  # empty: for all-topics subscribers only
    send_at: datetime | None = None  # None: as soon as it is approved


@dataclass(frozen=True, slots=True)
class SubmittedAnnouncement:
    """An announcement as staff in a chat need to see it to approve it."""

    id: int
    text: str
    districts: tuple[str, ...]
    topics: tuple[str, ...]
    send_at: datetime | None
    status: str  # draft (waiting for approval), approved, sending, sent, rejected
    author: str  # "<channel>:<keyed hash of the platform id>" (the desk's `staff_name`)


class AnnouncementOffice(Protocol):
    """Drafts in chats, and the announcement store and outbox the staff HTTP API uses too."""

    async def draft(self, person_id: str) -> StaffDraft | None:
        """The person's draft in progress, if any."""

    async def save_draft(self, draft: StaffDraft) -> None:
        """Keep the draft as it is now (replacing the person's earlier state)."""

    async def drop_draft(self, person_id: str) -> bool:
        """Forget the person's draft; True when there was one."""

    async def submit(self, draft: StaffDraft, author: str, *, approved: bool) -> int | None:
        """Store the draft as an announcement (approved: it goes out; else it waits for
        approval) and forget the draft, in one transaction; its id, None when the draft is gone."""

    async def audience(self, districts: Sequence[str], topics: Sequence[str]) -> Mapping[str, int]:
        """How many people it would reach now, per channel."""

    async def announcement(self, announcement_id: int) -> SubmittedAnnouncement | None:
        """A stored announcement, if there is one with this id."""

    async def approve(self, announcement_id: int, approver: str) -> bool:
        """Approve an announcement waiting for approval; False when it is not waiting."""

    async def reject(self, announcement_id: int, approver: str, reason: str | None) -> bool:
        """Reject an announcement waiting for approval (never sent); False when not waiting."""
