"""Builders of Telegram update JSON (Bot API shapes), for the stand-in and the pure tests."""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Update

BOT_ID = 5_550_001
BOT_USERNAME = "rostock_test_bot"
TOKEN = "123456:TEST-token-for-the-stand-in"

_message_ids = itertools.count(1)


def user(user_id: int = 4242, language_code: str | None = "de", **extra: Any) -> dict[str, Any]:
    """A person's Telegram account."""
    data = {"id": user_id, "is_bot": False, "first_name": "Anna", **extra}
    if language_code is not None:
        data["language_code"] = language_code
    return data


def private_chat(chat_id: int = 4242) -> dict[str, Any]:
    """A one-to-one chat (its id equals the person's id on Telegram)."""
    return {"id": chat_id, "type": "private", "first_name": "Anna"}


def group_chat(chat_id: int = -100777) -> dict[str, Any]:
    """A supergroup."""
    return {"id": chat_id, "type": "supergroup", "title": "Nachbarschaft KTV"}


def message(
    *,
    chat: dict[str, Any] | None = None,
    sender: dict[str, Any] | None = None,
    **content: Any,
) -> dict[str, Any]:
    """A message with the given content fields (text, location, photo…)."""
    sender = sender or user()
    return {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat or private_chat(sender["id"]),
        "from": sender,
        **content,
    }


def text_message(text: str, **kwargs: Any) -> dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity as Telegram sends it."""
    content: dict[str, Any] = {"text": text}
    entities: list[dict[str, Any]] = list(kwargs.pop("entities", []))
    if text.startswith("/"):
        length = len(text.split()[0])
        entities.insert(0, {"type": "bot_command", "offset": 0, "length": length})
    mention = f"@{BOT_USERNAME}"
    if mention in text and not text.startswith("/"):
        entities.append({"type": "mention", "offset": text.index(mention), "length": len(mention)})
    if entities:
        content["entities"] = entities
    return message(**content, **kwargs)


def update(update_id: int = 1, **fields: Any) -> dict[str, Any]:
    """An update wrapping the given field (message=…, callback_query=…)."""
    return {"update_id": update_id, **fields}


def text_update(text: str, **kwargs: Any) -> dict[str, Any]:
    """An update with a new text message."""
    return update(message=text_message(text, **kwargs))


def location_update(latitude: float, longitude: float, **kwargs: Any) -> dict[str, Any]:
    """An update with a shared location."""
    point = {"latitude": latitude, "longitude": longitude}
    return update(message=message(location=point, **kwargs))


def photo_update(
    file_id: str,
    size: int = 1000,
    caption: str | None = None,
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An update with a photo in three sizes; `file_id` is the largest."""
    sizes = [
        {"file_id": f"{file_id}-s", "file_unique_id": "s", "width": 90, "height": 60},
        {
            "file_id": file_id,
            "file_unique_id": "l",
            "width": 1280,
            "height": 960,
            "file_size": size,
        },
        {"file_id": f"{file_id}-m", "file_unique_id": "m", "width": 320, "height": 240},
    ]
    content: dict[str, Any] = {"photo": sizes}
    if caption:
        content["caption"] = caption
    return update(message=message(sender=sender, **content))


def voice_update(file_id: str, duration: int = 2, size: int = 5000) -> dict[str, Any]:
    """An update with a voice note (OGG/Opus)."""
    voice = {
        "file_id": file_id,
        "file_unique_id": "v",
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": size,
    }
    return update(message=message(voice=voice))


def sticker_update() -> dict[str, Any]:
    """An update with a sticker."""
    sticker = {
        "file_id": "sticker-1",
        "file_unique_id": "st",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    return update(message=message(sticker=sticker))


def document_update(mime_type: str = "application/pdf") -> dict[str, Any]:
    """An update with a document."""
    document = {"file_id": "doc-1", "file_unique_id": "d", "mime_type": mime_type, "file_size": 10}
    return update(message=message(document=document))


def poll_update() -> dict[str, Any]:
    """An update with a poll."""
    poll = {
        "id": "p1",
        "question": "Welcher Spielplatz?",
        "options": [
            {"text": "A", "voter_count": 0, "persistent_id": "a"},
            {"text": "B", "voter_count": 0, "persistent_id": "b"},
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }
    return update(message=message(poll=poll))


def edited_update(text: str) -> dict[str, Any]:
    """An update saying a message was edited."""
    edited = text_message(text)
    edited["edit_date"] = edited["date"] + 5
    return update(edited_message=edited)


def channel_post_update(text: str) -> dict[str, Any]:
    """An update with a post in a channel the bot administers."""
    chat = {"id": -100555, "type": "channel", "title": "Stadtnachrichten"}
    post = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat, "text": text}
    return update(channel_post=post)


def callback_update(data: str, sent: dict[str, Any], sender: dict[str, Any] | None = None) -> dict:
    """An update for a tap on an inline button of the bot's message `sent` (as the API returned)."""
    query = {
        "id": f"cq{next(_message_ids)}",
        "from": sender or user(),
        "chat_instance": "ci-1",
        "data": data,
        "message": sent,
    }
    return update(callback_query=query)


def parse(data: dict[str, Any]) -> Update:
    """The python-telegram-bot Update for builder JSON (no bot attached)."""
    result = Update.de_json(data, None)
    assert result is not None
    return result
