"""Platform ids as keyed hashes: the gateway finds a person by them but never stores them.

A Telegram user id, a Matrix user id or a web chat's sender id is stored as HMAC-SHA256 under a
key from the environment (`PEOPLE_ID_KEY`), or from a key file the gateway makes on first start.
Without the key the database does not say who wrote (and a web chat's sender id, which opens
its waiting messages, cannot be read from it). What is needed to write to a person first stays
as it is: the Telegram chat id and the Matrix room id (`chat_id`).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Final

from bot.core.messages import ChannelName
from bot.keyfile import read_or_create

# Marks a hashed value (so a migration never hashes twice).
PREFIX: Final = "h1:"
DEFAULT_KEY_FILE: Final = Path("var/people-id.key")


class PeopleIds:
    """Turns platform ids into the keyed hashes the database keeps."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the key of people's ids needs at least 16 bytes")
        self._key = key

    def platform(self, channel: ChannelName | str, platform_id: str) -> str:
        """The stored form of a person's platform id on a channel."""
        message = f"{channel}\x00{platform_id}".encode()
        return PREFIX + hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def staff(self, channel: ChannelName, platform_id: str) -> str:
        """How a staff account is named as author or approver of an announcement: its channel
        and the keyed hash of its platform id ("telegram:h1:…"), as `people` holds it."""
        return f"{channel}:{self.platform(channel, platform_id)}"

    def address(self, channel: ChannelName | str, chat_id: str) -> str:
        """The stored form of where to answer: hashed for the web chat, as it is elsewhere.

        A web chat's sender id is its address too: the page asks for its waiting messages with
        it, so the gateway only has to recognise it. Telegram and Matrix need the real chat.
        """
        return self.platform(channel, chat_id) if channel == "web" else chat_id


def load_key(configured: str | None, key_file: Path = DEFAULT_KEY_FILE) -> bytes:
    """The key from PEOPLE_ID_KEY, else from the key file (made with 32 random bytes, 0600)."""
    if configured:
        return configured.encode()
    return read_or_create(key_file)
