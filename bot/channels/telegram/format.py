"""Shaping answers for Telegram: 4,096-character parts and inline keyboards within 64-byte data."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.core.messages import Button

MAX_MESSAGE_CHARS: int = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_CALLBACK_BYTES: int = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64
# Marks callback data that is a key into PayloadStore rather than the payload itself.
KEY_PREFIX = "#k:"

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split a long answer into parts of at most `limit` characters at paragraph/sentence ends."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        joined = f"{current}{piece}" if current else piece.lstrip()
        if len(joined.rstrip()) <= limit:
            current = joined
            continue
        if current.strip():
            parts.append(current.strip())
        current = piece.lstrip()
    if current.strip():
        parts.append(current.strip())
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, then sentences, then words, then hard cuts: each at most `limit` long."""
    pieces: list[str] = []
    for paragraph in re.split(r"(?<=\n\n)", text):
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            sentence += " "
            if len(sentence) <= limit:
                pieces.append(sentence)
                continue
            for word in sentence.split(" "):
                word += " "
                while len(word) > limit:
                    pieces.append(word[:limit])
                    word = word[limit:]
                pieces.append(word)
    return pieces


class PayloadStore:
    """Keeps payloads too long for callback data, under short keys, in memory (bounded)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def callback_data(self, payload: str) -> str:
        """The callback data for `payload`: itself when short enough, else a stored key."""
        if len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(KEY_PREFIX):
            return payload
        key = KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:24]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self._capacity:
            self._payloads.popitem(last=False)
        return key

    def resolve(self, data: str) -> str | None:
        """The payload for tapped callback data; None when a stored key was forgotten."""
        if not data.startswith(KEY_PREFIX):
            return data
        return self._payloads.get(data)


def keyboard(buttons: Sequence[Button], store: PayloadStore) -> InlineKeyboardMarkup | None:
    """One button per row (easy to hit, read in order by screen readers)."""
    if not buttons:
        return None
    rows = [
        [InlineKeyboardButton(b.title, callback_data=store.callback_data(b.payload))]
        for b in buttons
    ]
    return InlineKeyboardMarkup(rows)
