"""The core's message types: what every channel converts to and from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChannelName = Literal["web", "telegram", "matrix"]
Language = Literal["de", "en"]


@dataclass(frozen=True, slots=True)
class Location:
    """A point a person shared (WGS84)."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Audio:
    """A voice note or audio file as received from the platform (any container/codec)."""

    data: bytes
    mime_type: str
    duration_s: float | None = None


@dataclass(frozen=True, slots=True)
class Image:
    """A photo a person sent, kept for a barrier report in progress."""

    data: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One thing a person sent on one channel, already converted from the platform's event."""

    channel: ChannelName
    sender_id: str  # the person's id on that platform (Telegram user id, Matrix user id, web id)
    chat_id: str  # where to answer (Telegram chat, Matrix room, web session)
    text: str | None = None
    payload: str | None = None  # a tapped button's payload, sent to Rasa as is
    location: Location | None = None
    audio: Audio | None = None
    image: Image | None = None
    language_hint: Language | None = None  # e.g. Telegram's language_code, the web page's lang
    message_id: str | None = None
    # The person chose this language just now (the web page's switcher): it replaces the remembered
    # one, unlike language_hint, which only counts on first contact.
    language_choice: Language | None = None
    # True/False: the channel asks for spoken/written answers to this message (the web page's
    # toggle); None: follow the person's stored preference.
    voice_reply: bool | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered with an answer."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One answer to send back on the channel the question came from."""

    text: str
    buttons: tuple[Button, ...] = ()
    audio: Audio | None = None  # a spoken answer (OGG/Opus), when the person hears answers
    custom: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom the city writes to first: a person record plus their address on one channel."""

    person_id: str
    channel: ChannelName
    address: str  # Telegram chat id, Matrix room id, web sender id
    language: Language = "de"
    voice_replies: bool | None = None


@dataclass(frozen=True, slots=True)
class Delivered:
    """The platform accepted the message."""

    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class RetryAfter:
    """A transient failure: try the same message again after this many seconds."""

    seconds: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RecipientGone:
    """A permanent failure: the person blocked the bot, left the room or no longer exists."""

    reason: str  # "blocked", "deactivated", "left", "not_found"


DeliveryResult = Delivered | RetryAfter | RecipientGone
