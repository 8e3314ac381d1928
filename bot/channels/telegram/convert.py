"""Pure conversion of Telegram updates into what the channel does next (no network, no state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from telegram import CallbackQuery, Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.channels.telegram.limits import MAX_DOWNLOAD_BYTES
from bot.core.messages import IncomingMessage, Language, Location, Unusable

LocalKey = Literal["start", "help", "language", "unknown_command", "button_expired"]

# Commands the channel answers itself; everything else starting with "/" is unknown.
LOCAL_COMMANDS: dict[str, LocalKey] = {
    "start": "start",
    "help": "help",
    "language": "language",
}
# Commands sent to the core as a Rasa intent payload (the subscription and data issues add theirs).
CORE_COMMANDS: dict[str, str] = {}
# Commands the core answers itself from the text (/voice an|aus|schneller|langsamer,
# /subscribe Lichtenhagen, /unsubscribe, /subscriptions, /privacy, /export, /delete and their
# German words).
CORE_TEXT_COMMANDS = frozenset(
    {"voice", "vorlesen", "subscribe", "abonnieren", "abo", "unsubscribe", "abbestellen", "stop",
     "subscriptions", "abos", "abonnements", "privacy", "datenschutz", "export", "datenexport",
     "meinedaten", "delete", "loeschen", "forget"}
)  # fmt: skip
# Staff announcing from a chat (bot/core/announcing.py), not in the command menu; in a group only
# when they name this bot, since a bare /cancel there is most likely meant for another bot.
STAFF_TEXT_COMMANDS = frozenset({"announce", "ankuendigen", "cancel", "abbrechen", "approve",
                                 "freigeben", "reject", "ablehnen"})  # fmt: skip
# Content a person may send that the assistant cannot use: answered with a short note.
UNSUPPORTED_CONTENT = (
    "sticker",
    "document",
    "poll",
    "animation",
    "video",
    "video_note",
    "contact",
    "dice",
    "game",
    "story",
    "invoice",
)


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is, to tell whether a group message addresses it."""

    id: int
    username: str


@dataclass(frozen=True, slots=True)
class Ignore:
    """Stay silent (edits, channel posts, group chatter not addressed to the bot)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Local:
    """Answer with one of the channel's own texts."""

    key: LocalKey
    chat_id: int
    language: Language
    reply_to: int | None = None


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A file to download before the message goes to the core."""

    file_id: str
    kind: Literal["audio", "image"]
    mime_type: str
    duration_s: float | None = None


@dataclass(frozen=True, slots=True)
class ToCore:
    """Hand the message to the core, after downloading `media` if set."""

    message: IncomingMessage
    chat_id: int
    language: Language
    media: MediaRef | None = None
    reply_to: int | None = None


Action = Ignore | Local | ToCore


def language_from_code(code: str | None, remembered: Language | None = None) -> Language:
    """The reply language: a remembered choice, else Telegram's language_code (German default)."""
    if remembered is not None:
        return remembered
    if not code:
        return "de"
    return "de" if code.lower().startswith("de") else "en"


def _hint(code: str | None) -> Language | None:
    """Telegram's language_code as a hint for the core, when it is one we speak."""
    if not code:
        return None
    prefix = code.lower()[:2]
    return "de" if prefix == "de" else "en" if prefix == "en" else None


def _command(message: Message, bot: BotIdentity) -> tuple[str, bool] | None:
    """The command at the start of the message and whether it is for this bot, else None."""
    entities = message.entities or ()
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset != 0:
        return None
    raw = message.parse_entity(entities[0])[1:]
    name, _, target = raw.partition("@")
    return name.lower(), (not target or target.lower() == bot.username.lower())


def _names_bot(message: Message, bot: BotIdentity) -> bool:
    """Whether the command at the start of the message ends in this bot's @username."""
    raw = message.parse_entity((message.entities or ())[0]) if message.entities else ""
    return raw.lower().endswith(f"@{bot.username}".lower())


def _mentions_bot(message: Message, bot: BotIdentity) -> bool:
    """Whether the text or caption @mentions the bot."""
    handle = f"@{bot.username}".lower()
    for entity, value in {**message.parse_entities(), **message.parse_caption_entities()}.items():
        if entity.type == MessageEntity.MENTION and value.lower() == handle:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


def _replies_to_bot(message: Message, bot: BotIdentity) -> bool:
    """Whether the message answers one of the bot's own messages."""
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def _strip_mention(value: str, bot: BotIdentity) -> str:
    """The text without the bot's @handle, so the core sees only the question."""
    handle = f"@{bot.username}"
    lowered = value.lower()
    at = lowered.find(handle.lower())
    while at != -1:
        value = value[:at] + value[at + len(handle) :]
        lowered = value.lower()
        at = lowered.find(handle.lower())
    return " ".join(value.split())


def convert_update(update: Update, bot: BotIdentity, remembered: Language | None = None) -> Action:
    """Decide what to do with one update: ignore it, answer locally, or pass it to the core."""
    if update.edited_message or update.edited_channel_post:
        # The first version was already answered; answering again would confuse.
        return Ignore("edited")
    if update.channel_post:
        return Ignore("channel_post")
    if update.message is None:
        return Ignore("other_update")
    return convert_message(update.message, bot, remembered)


def convert_message(
    message: Message, bot: BotIdentity, remembered: Language | None = None
) -> Action:
    """Turn one new message into an action, applying the group-chat addressing rules."""
    user = message.from_user
    if user is None or user.is_bot:
        return Ignore("no_person")
    chat = message.chat
    language = language_from_code(user.language_code, remembered)
    in_group = chat.type != ChatType.PRIVATE
    reply_to = message.message_id if in_group else None
    command = _command(message, bot)
    if command is not None and not command[1]:
        return Ignore("command_for_other_bot")
    if in_group and command is None:
        if not (_mentions_bot(message, bot) or _replies_to_bot(message, bot)):
            return Ignore("not_addressed")

    def local(key: LocalKey) -> Local:
        return Local(key, chat.id, language, reply_to)

    def to_core(
        media: MediaRef | None = None,
        *,
        text: str | None = None,
        payload: str | None = None,
        location: Location | None = None,
        unusable: Unusable | None = None,
    ) -> ToCore:
        incoming = IncomingMessage(
            channel="telegram",
            sender_id=str(user.id),
            chat_id=str(chat.id),
            text=text,
            payload=payload,
            location=location,
            language_hint=_hint(user.language_code),
            message_id=str(message.message_id),
            unusable=unusable,
        )
        return ToCore(incoming, chat.id, language, media, reply_to)

    if command is not None:
        name = command[0]
        if name in LOCAL_COMMANDS:
            return local(LOCAL_COMMANDS[name])
        if name in CORE_COMMANDS:
            return to_core(payload=CORE_COMMANDS[name])
        if name in CORE_TEXT_COMMANDS and message.text:
            return to_core(text=message.text.strip())
        if name in STAFF_TEXT_COMMANDS and message.text:
            if in_group and not _names_bot(message, bot):
                return Ignore("unknown_command_in_group")
            return to_core(text=message.text.strip())
        if in_group and not _names_bot(message, bot):
            # A bare unknown command in a group is most likely meant for another bot.
            return Ignore("unknown_command_in_group")
        return local("unknown_command")

    caption = _strip_mention(message.caption, bot) if message.caption else None
    if message.text is not None:
        # Too long a text is the core's to refuse (the same limit on every channel).
        text = _strip_mention(message.text, bot) if in_group else message.text.strip()
        return to_core(text=text) if text else Ignore("empty")
    if message.location is not None:
        point = Location(message.location.latitude, message.location.longitude)
        return to_core(location=point)
    if message.voice is not None or message.audio is not None:
        sound = message.voice or message.audio
        assert sound is not None  # for mypy: one of the two is set
        if (sound.file_size or 0) > MAX_DOWNLOAD_BYTES:
            return to_core(unusable="too_large")
        mime = sound.mime_type or ("audio/ogg" if message.voice else "audio/mpeg")
        # to_dict gives plain seconds; the attribute warns about its coming change to timedelta.
        seconds = sound.to_dict().get("duration")
        duration = float(seconds) if isinstance(seconds, int | float) else None
        media = MediaRef(sound.file_id, "audio", mime, duration)
        return to_core(media, text=caption)
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        if (largest.file_size or 0) > MAX_DOWNLOAD_BYTES:
            return to_core(unusable="too_large")
        return to_core(MediaRef(largest.file_id, "image", "image/jpeg"), text=caption)
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        # A photo sent "as file" keeps full quality; it is still a photo.
        if (document.file_size or 0) > MAX_DOWNLOAD_BYTES:
            return to_core(unusable="too_large")
        media = MediaRef(document.file_id, "image", document.mime_type or "image/jpeg")
        return to_core(media, text=caption)
    if any(getattr(message, kind, None) for kind in UNSUPPORTED_CONTENT):
        return to_core(unusable="unsupported")
    # Service messages (someone joined, a title changed…) need no answer.
    return Ignore("service_message")


def convert_callback(
    query: CallbackQuery,
    resolve: Callable[[str], str | None],
    remembered: Language | None = None,
) -> Action:
    """Turn a tapped inline button into the payload for the core; `resolve` maps short keys."""
    user = query.from_user
    language = language_from_code(user.language_code, remembered)
    message = query.message
    if message is None or query.data is None:
        return Ignore("inaccessible_message")
    chat_id = message.chat.id
    payload = resolve(query.data)
    # The button's title says what was meant when the key is gone (e.g. after a restart) or the
    # core no longer offers that payload (a button of an older answer).
    title = _button_title(message, query.data)
    if payload is None and title is None:
        return Local("button_expired", chat_id, language)
    incoming = IncomingMessage(
        channel="telegram",
        sender_id=str(user.id),
        chat_id=str(chat_id),
        text=title,
        payload=payload,
        language_hint=_hint(user.language_code),
        message_id=str(message.message_id),
    )
    return ToCore(incoming, chat_id, language)


def _button_title(message: object, data: str) -> str | None:
    """The title of the inline button carrying `data` in the message's keyboard, if present."""
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", ()) or ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    return None
