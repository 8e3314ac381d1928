"""What the gateway remembers about a person, as the core sees it (storage is a port)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.messages import Button, ChannelName, Language


@dataclass(frozen=True, slots=True)
class Person:
    """A person on one channel, as the gateway remembers them."""

    id: str
    channel: ChannelName
    platform_id: str
    chat_id: str
    language: Language
    voice_replies: bool | None
    speech_rate: int
    consent: bool | None
    last_buttons: tuple[Button, ...]
    created_at: datetime
    last_seen_at: datetime
    is_new: bool = False  # created by this very message
    # asked once after a first report: tell them when a report's status changes (None: not asked)
    report_updates: bool | None = None
    # their last message was a voice note (announcements come as one too, unless /voice off)
    spoke_by_voice: bool = False

    @property
    def hears(self) -> bool:
        """Whether messages the city writes first should come as a voice note too."""
        return self.voice_replies is True or (self.voice_replies is None and self.spoke_by_voice)
