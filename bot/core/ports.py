"""Interfaces between the core and its plug-ins: channels and the voice pipeline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.core.messages import (
    Audio,
    ChannelName,
    DeliveryResult,
    IncomingMessage,
    Language,
    OutgoingMessage,
    Recipient,
)

# What a channel adapter calls for every incoming message: the core's Conversation.handle.
MessageHandler = Callable[[IncomingMessage], Awaitable[list[OutgoingMessage]]]


class Channel(Protocol):
    """A chat platform adapter: a long-lived component with start/stop hooks."""

    name: str

    async def start(self) -> None:
        """Connect to the platform and begin delivering messages to the handler."""

    async def stop(self) -> None:
        """Stop receiving, finish sending what is queued, release connections."""


class OutboundChannel(Protocol):
    """The outbound port: the city writes to a person first (announcements, report status)."""

    name: ChannelName

    async def send(self, recipient: Recipient, message: OutgoingMessage) -> DeliveryResult:
        """Deliver one message; never raises for platform failures, answers with a result."""


@dataclass(frozen=True, slots=True)
class Transcript:
    """What speech-to-text heard."""

    text: str
    language: Language
    confidence: float | None = None


class VoiceError(Exception):
    """A voice stage failed; `code` names it (decode-failed, stt-failed, tts-failed, too-long)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class VoiceService(Protocol):
    """Speech in and out for the core: decode → speech-to-text, and text-to-speech → encode."""

    async def transcribe(self, audio: Audio, language: Language) -> Transcript:
        """Decode any audio container to 16 kHz mono PCM and recognise it; raises VoiceError."""

    async def synthesize(self, text: str, language: Language, rate: int = 0) -> Audio:
        """Speak text as OGG/Opus (rate: -2 slowest … +3 fastest); raises VoiceError."""
