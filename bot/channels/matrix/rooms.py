"""Pure facts about Matrix rooms and timelines that the channel decides by (no network)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nio import MatrixRoom


def is_direct(room: MatrixRoom) -> bool:
    """A direct chat: the bot and (at most) one other person."""
    return room.joined_count + room.invited_count <= 2


def history_boundary(events: Sequence[Any], own_user_id: str) -> int:
    """Index of the bot's own invite (or fresh join) in a timeline; what precedes it is history."""
    invite, join = -1, -1
    for index, event in enumerate(events):
        source = getattr(event, "source", None)
        if not isinstance(source, Mapping) or source.get("type") != "m.room.member":
            continue
        if source.get("state_key") != own_user_id:
            continue
        content = source.get("content") if isinstance(source.get("content"), Mapping) else {}
        membership = content.get("membership") if isinstance(content, Mapping) else None
        unsigned = source.get("unsigned") if isinstance(source.get("unsigned"), Mapping) else {}
        prev = unsigned.get("prev_content") if isinstance(unsigned, Mapping) else None
        prev_membership = prev.get("membership") if isinstance(prev, Mapping) else None
        if membership == "invite":
            invite = index
        elif membership == "join" and prev_membership != "join":
            join = index
    return invite if invite >= 0 else join
