"""What the Matrix channel remembers across restarts: the sync token, handled events, its device."""

from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

RECENT_EVENTS = 2000  # handled event ids kept to skip duplicates after a restart


@dataclass
class ChannelState:
    """The persisted part of the channel's state (a small JSON file in the store directory)."""

    next_batch: str | None = None
    device_id: str | None = None
    first_start_ms: int | None = None  # messages older than the bot's first start are history
    recent: OrderedDict[str, None] = field(default_factory=OrderedDict)
    sent: OrderedDict[str, None] = field(default_factory=OrderedDict)  # the bot's own event ids

    def seen(self, event_id: str) -> bool:
        """Whether this event was handled already."""
        return event_id in self.recent

    def mark(self, event_id: str) -> None:
        """Remember a handled event (bounded)."""
        _remember(self.recent, event_id)

    def mark_sent(self, event_id: str) -> None:
        """Remember an event the bot sent, so replies to it count as addressed to the bot."""
        _remember(self.sent, event_id)

    def to_json(self) -> str:
        """Serialise for the state file."""
        return json.dumps(
            {
                "next_batch": self.next_batch,
                "device_id": self.device_id,
                "first_start_ms": self.first_start_ms,
                "recent": list(self.recent),
                "sent": list(self.sent),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ChannelState:
        """Parse the state file; a damaged file starts afresh (and only costs the history skip)."""
        try:
            data = json.loads(text)
            token, device = data.get("next_batch"), data.get("device_id")
            first = data.get("first_start_ms")
            state = cls(
                next_batch=token if isinstance(token, str) else None,
                device_id=device if isinstance(device, str) else None,
                first_start_ms=first if isinstance(first, int) else None,
            )
            for key in ("recent", "sent"):
                ids = data.get(key)
                if isinstance(ids, list):
                    target = state.recent if key == "recent" else state.sent
                    for event_id in ids[-RECENT_EVENTS:]:
                        if isinstance(event_id, str):
                            target[event_id] = None
        except (ValueError, AttributeError):
            log.warning("matrix state file unreadable; starting without a sync token")
            return cls()
        return state


def _remember(ids: OrderedDict[str, None], event_id: str) -> None:
    ids[event_id] = None
    ids.move_to_end(event_id)
    while len(ids) > RECENT_EVENTS:
        ids.popitem(last=False)


class StateFile:
    """Reads and atomically writes the channel state (write to a temp file, then rename)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> ChannelState:
        """The saved state, or a fresh one on first start."""
        if not self.path.exists():
            return ChannelState()
        return ChannelState.from_json(self.path.read_text(encoding="utf-8"))

    def save(self, state: ChannelState) -> None:
        """Persist the state durably (fsync before the rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(state.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
