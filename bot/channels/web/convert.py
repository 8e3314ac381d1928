"""The web chat's request format: JSON from POST /api/chat to an IncomingMessage and back."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Any

from bot.core.conversation import MAX_MESSAGE_CHARS
from bot.core.messages import Audio, IncomingMessage, Language, OutgoingMessage, Refusal

SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")
AUDIO_MIME_PATTERN = re.compile(r"audio/[a-z0-9.+\-]{1,40}(;[ a-z0-9=.,\-\"]{0,80})?")
MAX_AUDIO_BYTES = 5 * 1024 * 1024

# The core's refusals that the web API reports as request errors: (status, code, message). The
# citizen's text comes from the core's turn; other refusals are answered 200 with it.
REFUSAL_ERRORS: dict[Refusal, tuple[int, str, str]] = {
    "empty": (400, "empty_message", "'message' is empty."),
    "too_long": (
        413,
        "message_too_long",
        f"'message' is longer than {MAX_MESSAGE_CHARS} characters.",
    ),
    "unreadable": (
        400,
        "unreadable_message",
        "'message' contains control characters or binary data.",
    ),
    "assistant_unavailable": (
        503,
        "assistant_unavailable",
        "The assistant (Rasa) is not reachable.",
    ),
}


class ChatRequestError(Exception):
    """A request the web chat refuses: status, error code, English message, citizen text key."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        text_key: str = "unreadable",
        *,
        language: Language | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.text_key = text_key
        self.language = language


def parse_chat_request(body: object) -> IncomingMessage:
    """Validate a decoded POST /api/chat body and convert it (raises ChatRequestError)."""
    if not isinstance(body, dict):
        raise ChatRequestError(400, "invalid_json", "The body must be a JSON object.")
    language = _language(body.get("lang"))
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        raise ChatRequestError(
            400,
            "invalid_sender",
            "'sender' must be 1 to 128 characters: letters, digits, '_', '.', ':' or '-'.",
            language=language,
        )
    voice = body.get("voice")
    if voice is not None and not isinstance(voice, bool):
        raise ChatRequestError(400, "invalid_voice", "'voice' must be true or false.")
    audio = _audio(body.get("audio"), body.get("audio_mime"), language)
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        raise ChatRequestError(
            400, "invalid_message", "'message' must be a string.", language=language
        )
    return IncomingMessage(
        channel="web",
        sender_id=sender,
        chat_id=sender,
        # Empty, over-long and unreadable text is the core's to refuse (on every channel alike).
        text=message if message is not None and (message.strip() or audio is None) else None,
        audio=audio,
        language_choice=language,
        voice_reply=voice,
    )


def _language(value: object) -> Language | None:
    if value is None:
        return None
    if value == "de":
        return "de"
    if value == "en":
        return "en"
    raise ChatRequestError(400, "invalid_language", '\'lang\' must be "de" or "en".')


def _audio(data: object, mime: object, language: Language | None) -> Audio | None:
    if data is None:
        return None
    mime_type = "audio/webm" if mime is None else mime
    if not isinstance(mime_type, str) or not AUDIO_MIME_PATTERN.fullmatch(mime_type):
        raise ChatRequestError(
            400, "invalid_audio", "'audio_mime' must be an audio MIME type.", language=language
        )
    if not isinstance(data, str):
        raise ChatRequestError(
            400, "invalid_audio", "'audio' must be a base64 string.", language=language
        )
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ChatRequestError(
            400, "invalid_audio", "'audio' is not valid base64.", language=language
        ) from exc
    if not raw:
        raise ChatRequestError(400, "invalid_audio", "'audio' is empty.", language=language)
    if len(raw) > MAX_AUDIO_BYTES:
        raise ChatRequestError(
            413,
            "audio_too_large",
            f"'audio' is larger than {MAX_AUDIO_BYTES} bytes.",
            "voice_too_long",
            language=language,
        )
    return Audio(data=raw, mime_type=mime_type)


def message_json(message: OutgoingMessage) -> dict[str, Any]:
    """One outgoing message as the web chat's JSON (buttons only where offered)."""
    out: dict[str, Any] = {"text": message.text}
    if message.buttons:
        out["buttons"] = [{"title": b.title, "payload": b.payload} for b in message.buttons]
    if message.audio is not None:
        out["audio"] = base64.b64encode(message.audio.data).decode("ascii")
        out["audio_mime"] = message.audio.mime_type
    if message.document is not None:
        # the page offers it as a download (the person's data export)
        out["document"] = {
            "filename": message.document.filename,
            "mime_type": message.document.mime_type,
            "data": base64.b64encode(message.document.data).decode("ascii"),
        }
    return out


def messages_json(messages: Sequence[OutgoingMessage]) -> list[dict[str, Any]]:
    """The outgoing messages as the web chat's JSON list."""
    return [message_json(m) for m in messages]
