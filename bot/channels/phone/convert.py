"""Pure conversions of the phone line: who calls, what a turn sounds like, keys and voice frames."""

from __future__ import annotations

import math
import re
import struct
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.channels.phone.texts import CHOICE, GOODBYES
from bot.core.messages import Button, Language, OutgoingMessage
from bot.core.speech import speech_text

_NUMBER_WORDS: dict[Language, tuple[str, ...]] = {
    "de": ("eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
_NOT_WORD = re.compile(r"[^\w\s]+")
# RFC 4733 event codes of the keys 0-9, *, #.
_EVENT_KEYS = "0123456789*#"
# A sentence end followed by a space: where a long answer is cut into pieces to synthesise.
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")
MAX_PIECE_CHARS = 240


def caller_number(user: str | None) -> str | None:
    """The caller's number from the user part of the SIP From URI (None when withheld)."""
    if not user:
        return None
    number = user.strip()
    if number.lower() in ("anonymous", "unknown", "restricted", "private"):
        return None
    return number


def spoken_turn(messages: Sequence[OutgoingMessage], language: Language) -> str:
    """What a turn sounds like on the phone: the answers read aloud, choices by word and key."""
    parts = []
    for message in messages:
        parts.append(speech_text(replace(message, buttons=()), language))
        parts.extend(spoken_choices(message.buttons, language))
    return " ".join(p for p in parts if p.strip())


def spoken_choices(buttons: Sequence[Button], language: Language) -> list[str]:
    """Each button as "Für … sagen Sie eins oder drücken Sie die 1" (at most nine)."""
    words = _NUMBER_WORDS[language]
    out = []
    for i, button in enumerate(buttons[: len(words)]):
        title = button.title.strip().rstrip(".!?")
        out.append(CHOICE[language].format(title=title, word=words[i], digit=i + 1))
    return out


def offered_buttons(messages: Sequence[OutgoingMessage]) -> tuple[Button, ...]:
    """The choices a key press picks from: the buttons of the turn's last message with some."""
    for message in reversed(messages):
        if message.buttons:
            return message.buttons
    return ()


def button_for_key(key: str, buttons: Sequence[Button]) -> Button | None:
    """The button a pressed key chooses (1 is the first), if any."""
    if not key.isdigit() or key == "0":
        return None
    index = int(key) - 1
    return buttons[index] if index < len(buttons) else None


def is_goodbye(text: str) -> bool:
    """Whether the caller said goodbye ("auf Wiederhören", "tschüss", "goodbye")."""
    words = " ".join(_NOT_WORD.sub(" ", text.lower()).split())
    return words in GOODBYES


def pieces(text: str) -> list[str]:
    """A long answer cut at sentence ends, so its first sentence can sound while the rest is
    synthesised."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if out and len(out[-1]) + len(sentence) < MAX_PIECE_CHARS and len(out) > 1:
            out[-1] = f"{out[-1]} {sentence}"
        elif sentence:
            out.append(sentence)
    return out


def frame_level(pcm: bytes) -> float:
    """The loudness (RMS) of a frame of 16-bit PCM."""
    samples = array("h", pcm[: len(pcm) - len(pcm) % 2])
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """One RFC 4733 telephone-event packet: the key, whether it ended, and its RTP timestamp."""

    key: str
    end: bool
    timestamp: int


def telephone_event(packet: bytes) -> KeyEvent | None:
    """The key of an RTP telephone-event packet (RFC 4733), None for other events."""
    if len(packet) < 16:
        return None
    timestamp = struct.unpack(">L", packet[4:8])[0]
    csrc = packet[0] & 0x0F
    offset = 12 + 4 * csrc
    if len(packet) < offset + 4:
        return None
    event, flags = packet[offset], packet[offset + 1]
    if event >= len(_EVENT_KEYS):
        return None
    return KeyEvent(_EVENT_KEYS[event], bool(flags & 0x80), timestamp)


def info_key(content_type: str, body: str) -> str | None:
    """The key of a SIP INFO (application/dtmf-relay "Signal=5" or application/dtmf "5")."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/dtmf-relay":
        for line in body.splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal":
                key = value.strip()
                return key if key in _EVENT_KEYS else None
    if kind == "application/dtmf":
        key = body.strip()
        return key if key in _EVENT_KEYS else None
    return None


def tone(frequency: float, seconds: float, rate: int = 16_000, level: float = 0.3) -> bytes:
    """A sine tone as 16-bit mono PCM (the "Signalton" before the caller speaks)."""
    count = int(rate * seconds)
    fade = max(1, int(rate * 0.01))
    samples = array("h")
    for i in range(count):
        gain = min(1.0, i / fade, (count - i) / fade)
        samples.append(int(32767 * level * gain * math.sin(2 * math.pi * frequency * i / rate)))
    return samples.tobytes()
