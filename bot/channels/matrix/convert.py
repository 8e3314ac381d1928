"""Pure conversions between Matrix event JSON and the core's message types.

No network here: the channel feeds raw event dicts (`event.source`, decrypted where possible) in and
sends the content dicts that come out. Everything a person can send is checked defensively, since
any client (or a malicious one) can put anything into an event.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.channels.matrix.limits import MAX_MEDIA_BYTES
from bot.core.conversation import MAX_MESSAGE_CHARS
from bot.core.messages import Button, IncomingMessage, Location, OutgoingMessage, Unusable

_GEO_URI = re.compile(
    r"^geo:(?P<lat>[-+]?\d{1,3}(?:\.\d+)?),(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)(?:,[-+]?\d+(?:\.\d+)?)?(?:;.*)?$",
    re.IGNORECASE,
)
_VOICE_KEYS = ("org.matrix.msc3245.voice", "m.voice")


@dataclass(frozen=True, slots=True)
class MediaRef:
    """Where to fetch an attachment and how to decrypt it (`file` info of encrypted rooms)."""

    kind: Literal["audio", "image"]
    mxc_url: str
    mime_type: str
    size: int | None = None
    duration_s: float | None = None
    voice: bool = False
    key: str | None = None  # JWK "k" (base64url AES key) for encrypted attachments
    sha256: str | None = None
    iv: str | None = None


@dataclass(frozen=True, slots=True)
class Addressing:
    """Whether a message is meant for the bot in a group room."""

    mentioned: bool = False
    reply_to: str | None = None  # event id the message replies to


@dataclass(frozen=True, slots=True)
class Accepted:
    """A message to hand to the core (after fetching `media`, if any)."""

    message: IncomingMessage
    addressing: Addressing
    media: MediaRef | None = None


@dataclass(frozen=True, slots=True)
class Ignored:
    """Not something to answer (own message, edit, notice, reaction, state event…)."""

    reason: str


Conversion = Accepted | Ignored


def parse_geo_uri(uri: str) -> Location | None:
    """Parse an RFC 5870 geo URI ("geo:54.0887,12.1405;u=35"); None when invalid or out of range."""
    match = _GEO_URI.match(uri.strip())
    if not match:
        return None
    lat, lon = float(match["lat"]), float(match["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Location(latitude=lat, longitude=lon)


def strip_reply_fallback(body: str) -> str:
    """Remove the quoted "> <@user> text" block older clients put in front of a reply."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(">"):
        return body
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    return "\n".join(lines[index:]).strip()


def _addressing(content: Mapping[str, Any], names: Sequence[str], own_user_id: str) -> Addressing:
    relates = content.get("m.relates_to")
    reply_to = None
    if isinstance(relates, Mapping):
        in_reply = relates.get("m.in_reply_to")
        if isinstance(in_reply, Mapping) and isinstance(in_reply.get("event_id"), str):
            reply_to = in_reply["event_id"]
    mentions = content.get("m.mentions")
    mentioned = False
    if isinstance(mentions, Mapping):
        ids = mentions.get("user_ids")
        mentioned = isinstance(ids, list) and own_user_id in ids
    if not mentioned:
        formatted = content.get("formatted_body")
        if isinstance(formatted, str) and f"matrix.to/#/{own_user_id}" in formatted:
            mentioned = True
    if not mentioned:
        body = content.get("body")
        if isinstance(body, str):
            # whole words only: a bot called "bot" is not meant in "Angebot"
            mentioned = any(
                re.search(rf"(?<!\w){re.escape(name)}(?!\w)", body, re.IGNORECASE)
                for name in names
                if name
            )
    return Addressing(mentioned=mentioned, reply_to=reply_to)


def _strip_mention(text: str, names: Sequence[str]) -> str:
    """Drop a leading "Bot name:" so the core sees only the question."""
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if text.lower().startswith(name.lower()):
            rest = text[len(name) :].lstrip(" :,")
            return rest.strip()
    return text


def _media_ref(kind: Literal["audio", "image"], content: Mapping[str, Any]) -> MediaRef | None:
    raw_info = content.get("info")
    info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
    mime = info.get("mimetype")
    mime_type = mime if isinstance(mime, str) and "/" in mime else f"{kind}/*"
    size = info.get("size") if isinstance(info.get("size"), int) else None
    duration = info.get("duration")
    duration_s = duration / 1000 if isinstance(duration, int | float) and duration >= 0 else None
    voice = any(key in content for key in _VOICE_KEYS)
    file = content.get("file")
    if isinstance(file, Mapping):
        url, key, hashes, iv = file.get("url"), file.get("key"), file.get("hashes"), file.get("iv")
        k = key.get("k") if isinstance(key, Mapping) else None
        sha = hashes.get("sha256") if isinstance(hashes, Mapping) else None
        if not (isinstance(url, str) and isinstance(k, str) and isinstance(sha, str)):
            return None
        if not (isinstance(iv, str) and url.startswith("mxc://")):
            return None
        return MediaRef(kind, url, mime_type, size, duration_s, voice, k, sha, iv)
    url = content.get("url")
    if not (isinstance(url, str) and url.startswith("mxc://")):
        return None
    return MediaRef(kind, url, mime_type, size, duration_s, voice)


def to_incoming(
    event: Mapping[str, Any], room_id: str, own_user_id: str, names: Sequence[str] = ()
) -> Conversion:
    """Convert one timeline event (as JSON) of `room_id` into what the channel should do with it.

    `names` are the bot's names a person may address it by in a group room (user id, display name).
    """
    sender = event.get("sender")
    if not isinstance(sender, str) or not sender.startswith("@"):
        return Ignored("no-sender")
    if sender == own_user_id:
        return Ignored("own-message")
    if event.get("type") != "m.room.message":
        return Ignored("not-a-message")
    if event.get("state_key") is not None:
        return Ignored("state-event")
    content = event.get("content")
    if not isinstance(content, Mapping) or not content:
        return Ignored("redacted-or-empty")
    names = (own_user_id, *names)
    addressing = _addressing(content, names, own_user_id)
    relates = content.get("m.relates_to")
    if isinstance(relates, Mapping) and relates.get("rel_type") == "m.replace":
        return Ignored("edit")  # the original was answered already
    msgtype = content.get("msgtype")
    body = content.get("body")
    event_id = event.get("event_id")
    base = IncomingMessage(
        channel="matrix",
        sender_id=sender,
        chat_id=room_id,
        message_id=event_id if isinstance(event_id, str) else None,
    )
    if msgtype == "m.notice":
        return Ignored("notice")  # bots talk in notices; answering them risks a loop

    def refused(unusable: Unusable) -> Accepted:
        # The core answers what the channel could not pass on, in the person's language.
        return Accepted(_with(base, unusable=unusable), addressing)

    if not isinstance(msgtype, str) or not isinstance(body, str):
        return refused("unreadable")
    if msgtype in ("m.text", "m.emote"):
        # Empty or over-long text is the core's to refuse (the same limits on every channel).
        text = _strip_mention(strip_reply_fallback(body), names)
        return Accepted(_with(base, text=text.strip()), addressing)
    if msgtype == "m.location":
        uri = content.get("geo_uri")
        location = parse_geo_uri(uri) if isinstance(uri, str) else None
        if location is None:
            return refused("bad_location")
        return Accepted(_with(base, location=location), addressing)
    if msgtype in ("m.audio", "m.image"):
        kind: Literal["audio", "image"] = "audio" if msgtype == "m.audio" else "image"
        ref = _media_ref(kind, content)
        if ref is None:
            return refused("unreadable")
        if ref.size is not None and ref.size > MAX_MEDIA_BYTES:
            return refused("too_large")
        caption = _caption(content)
        message = _with(base, text=caption) if caption else base
        return Accepted(message, addressing, ref)
    return refused("unsupported")


def _caption(content: Mapping[str, Any]) -> str | None:
    """A media caption (MSC2530): the body differs from the file name."""
    filename, body = content.get("filename"), content.get("body")
    if isinstance(filename, str) and isinstance(body, str) and body and body != filename:
        return body[:MAX_MESSAGE_CHARS]
    return None


def _with(base: IncomingMessage, **changes: Any) -> IncomingMessage:
    return replace(base, **changes)


def button_lines(buttons: Sequence[Button]) -> list[str]:
    """The buttons as a numbered list a person answers with a number or a title."""
    return [f"{index}. {button.title}" for index, button in enumerate(buttons, start=1)]


def to_content(message: OutgoingMessage) -> dict[str, Any]:
    """An m.text content: plain body and HTML `formatted_body`, buttons as a numbered list."""
    text = message.text.strip()
    plain = text
    rich = html.escape(text).replace("\n", "<br>")
    if message.buttons:
        plain = "\n\n".join(p for p in (text, "\n".join(button_lines(message.buttons))) if p)
        items = "".join(f"<li>{html.escape(b.title)}</li>" for b in message.buttons)
        rich = f"{rich}<ol>{items}</ol>" if rich else f"<ol>{items}</ol>"
    return {
        "msgtype": "m.text",
        "body": plain,
        "format": "org.matrix.custom.html",
        "formatted_body": rich,
        "m.mentions": {},  # never ping anyone by accident
    }


def audio_content(
    mxc_url: str, mime_type: str, size: int, duration_s: float | None, file: dict[str, Any] | None
) -> dict[str, Any]:
    """An m.audio voice-message content; `file` holds the key info in encrypted rooms."""
    info: dict[str, Any] = {"mimetype": mime_type, "size": size}
    if duration_s is not None:
        info["duration"] = int(duration_s * 1000)
    content: dict[str, Any] = {
        "msgtype": "m.audio",
        "body": "voice-message.ogg",
        "info": info,
        "org.matrix.msc3245.voice": {},
        "org.matrix.msc1767.audio": {"duration": info.get("duration", 0)},
        "m.mentions": {},
    }
    if file is not None:
        content["file"] = {**file, "url": mxc_url}
    else:
        content["url"] = mxc_url
    return content


def file_content(
    mxc_url: str, filename: str, mime_type: str, size: int, file: dict[str, Any] | None
) -> dict[str, Any]:
    """An m.file content (a person's data export); `file` holds the key info in encrypted rooms."""
    content: dict[str, Any] = {
        "msgtype": "m.file",
        "body": filename,
        "filename": filename,
        "info": {"mimetype": mime_type, "size": size},
        "m.mentions": {},
    }
    if file is not None:
        content["file"] = {**file, "url": mxc_url}
    else:
        content["url"] = mxc_url
    return content
