"""The core's message types: what every channel converts to and from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# "phone": callers of the phone line (bot/channels/phone), who cannot be written to first.
ChannelName = Literal["web", "telegram", "matrix", "phone"]
Language = Literal["de", "en"]
# What a channel could not pass on as a message: content the assistant cannot use (a sticker, a
# poll), a file over the platform's download limit, or an event the channel could not read.
Unusable = Literal["unsupported", "too_large", "unreadable", "bad_location"]
# Why the core answered without the assistant (or without its answer): the channels render the
# turn's messages as they are; the web API maps the code to an HTTP status.
Refusal = Literal[
    "empty",
    "too_long",
    "unreadable",
    "unsupported",
    "too_large",
    "bad_location",
    "image_unsupported",
    "image_refused",
    "voice_unavailable",
    "voice_failed",
    "voice_too_long",
    "assistant_unavailable",
]


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
class Document:
    """A file the core hands to a person (their data export): sent as a document or download."""

    data: bytes
    filename: str
    mime_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One thing a person sent on one channel, already converted from the platform's event."""

    channel: ChannelName
    sender_id: str  # the person's id on that platform (Telegram user id, Matrix user id, web id)
    chat_id: str  # where to answer (Telegram chat, Matrix room, web session)
    text: str | None = None
    # a tapped button's payload, sent to Rasa when it was offered; `text` may carry its title
    payload: str | None = None
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
    # Set by a channel for content it could not pass on; the core answers with its refusal.
    unusable: Unusable | None = None


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
    document: Document | None = None  # a file to send after the text (the data export)
    custom: dict[str, object] = field(default_factory=dict)
    # A message the city sends first: a key that stays the same when the same delivery is sent
    # again (an outbox row), so a platform that deduplicates (Matrix) posts a repeat only once.
    delivery_key: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """The core's answer to one incoming message: everything a channel needs to render it.

    `messages` are sent in order, as they are. `language` is the person's language from now on
    (a channel's own texts follow it). `refusal` says why the core answered by itself (too long,
    unsupported content, assistant unavailable…); its text is already in `messages`. `speak`
    says whether the answers carry speech (`OutgoingMessage.audio`) for this person.
    """

    messages: tuple[OutgoingMessage, ...]
    language: Language
    person_id: str
    refusal: Refusal | None = None
    speak: bool = False


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom the city writes to first: a person record plus their address on one channel.

    `address` is what the channel needs to reach the person (the `chat_id` of their last
    `IncomingMessage`): a Telegram chat id, a Matrix room id, a web chat sender id.
    """

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


GoneReason = Literal["blocked", "deactivated", "left", "not_found"]


@dataclass(frozen=True, slots=True)
class RecipientGone:
    """A permanent failure: the person blocked the bot, left the room or no longer exists."""

    reason: GoneReason


@dataclass(frozen=True, slots=True)
class Rejected:
    """The platform refused this message for good (malformed, too big): don't send it again;
    the recipient stays reachable."""

    reason: str


DeliveryResult = Delivered | RetryAfter | RecipientGone | Rejected
