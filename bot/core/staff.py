"""City staff who may announce from a chat with the bot, and their roles (from configuration).

`STAFF_TELEGRAM_IDS` and `STAFF_MATRIX_IDS` are comma-separated platform user ids, each with an
optional role after a colon: `123456:approver,789` (no role: `author`). Authors draft and send
announcements; approvers may also approve another person's announcement when a second person's
approval is required (`STAFF_REQUIRE_APPROVAL`). Matrix ids carry colons themselves
(`@anna:rostock.de:approver`): only a known role word at the very end counts as the role.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from bot.core.messages import ChannelName

Role = Literal["author", "approver"]
ROLES: Final[tuple[Role, ...]] = ("author", "approver")
# The announcement table keeps the author as "<channel>:<platform id>" in at most 100 characters.
MAX_STAFF_KEY_CHARS: Final = 100
_TELEGRAM_ID = re.compile(r"^[1-9][0-9]{0,19}$")
# @localpart:server (with an optional port), as the Matrix specification allows them.
_MATRIX_ID = re.compile(r"^@[a-z0-9._=/+\-]+:[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")
_ROLE_WORD = re.compile(r"^[A-Za-z]+$")


def staff_key(channel: ChannelName, platform_id: str) -> str:
    """How a staff account is named as author or approver ("telegram:123456")."""
    return f"{channel}:{platform_id}"


def parse_staff_ids(channel: ChannelName, raw: str) -> dict[str, Role]:
    """Platform id → role from a `STAFF_*_IDS` value; raises ValueError naming the bad entry."""
    accounts: dict[str, Role] = {}
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        platform_id, role = _split_role(channel, entry)
        if channel == "telegram" and not _TELEGRAM_ID.match(platform_id):
            raise ValueError(f"{entry!r} is no Telegram user id (digits, e.g. 123456:approver)")
        if channel == "matrix" and not _MATRIX_ID.match(platform_id):
            example = "@anna:rostock.de or @anna:rostock.de:approver"
            raise ValueError(f"{entry!r} is no Matrix user id (e.g. {example})")
        if len(staff_key(channel, platform_id)) > MAX_STAFF_KEY_CHARS:
            raise ValueError(f"{entry!r} is longer than {MAX_STAFF_KEY_CHARS - 8} characters")
        if platform_id in accounts:
            raise ValueError(f"{platform_id!r} is listed twice")
        accounts[platform_id] = role
    return accounts


def _split_role(channel: ChannelName, entry: str) -> tuple[str, Role]:
    head, colon, tail = entry.rpartition(":")
    if not colon:
        return entry, "author"
    word = tail.strip().casefold()
    if word in ROLES:
        return head.strip(), "approver" if word == "approver" else "author"
    # "123:admin" or "@anna:rostock.de:admin": a role word we do not know
    names_role = channel == "telegram" or (":" in head and bool(_ROLE_WORD.match(tail.strip())))
    if names_role:
        raise ValueError(f"{entry!r} has the unknown role {tail.strip()!r} (author or approver)")
    return entry, "author"


@dataclass(frozen=True, slots=True)
class StaffDirectory:
    """Who is staff on which channel, and in which role."""

    accounts: Mapping[ChannelName, Mapping[str, Role]] = field(default_factory=dict)

    def role(self, channel: ChannelName, platform_id: str) -> Role | None:
        """The role of this account, or None for everybody who is not staff."""
        return self.accounts.get(channel, {}).get(platform_id)

    def approvers(self) -> list[tuple[ChannelName, str]]:
        """Every account with the approver role, channel by channel."""
        return [
            (channel, platform_id)
            for channel, accounts in self.accounts.items()
            for platform_id, role in accounts.items()
            if role == "approver"
        ]

    def __bool__(self) -> bool:
        return any(self.accounts.values())
