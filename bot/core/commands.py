"""Text commands the core answers itself on every channel (/voice …, /privacy, /export, /delete)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from bot.core import texts
from bot.core.people import Person
from bot.core.privacy import asks_about_own_data

MIN_RATE, MAX_RATE = -2, 3  # the VoiceService's speech-rate range

VoiceCommand = Literal["on", "off", "faster", "slower", "usage"]
_ALIASES: dict[str, VoiceCommand] = {
    "on": "on", "an": "on", "ein": "on",
    "off": "off", "aus": "off",
    "faster": "faster", "schneller": "faster",
    "slower": "slower", "langsamer": "slower",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CommandResult:
    """The person after the command, and what to answer."""

    person: Person
    answer: str


def parse_voice_command(text: str) -> VoiceCommand | None:
    """The /voice sub-command in the text ("usage" when it is missing or unknown), else None."""
    words = text.strip().casefold().split()
    if not words or words[0].split("@", 1)[0] not in ("/voice", "/vorlesen"):
        return None
    if len(words) != 2:
        return "usage"
    return _ALIASES.get(words[1], "usage")


def apply_voice_command(person: Person, command: VoiceCommand) -> CommandResult:
    """Change the person's voice settings as the command asks and say what changed."""
    lang = person.language
    if command == "on":
        return CommandResult(replace(person, voice_replies=True), texts.text("voice_on", lang))
    if command == "off":
        return CommandResult(replace(person, voice_replies=False), texts.text("voice_off", lang))
    if command == "faster":
        if person.speech_rate >= MAX_RATE:
            return CommandResult(person, texts.text("voice_fastest", lang))
        faster = replace(person, speech_rate=person.speech_rate + 1)
        return CommandResult(faster, texts.text("voice_faster", lang))
    if command == "slower":
        if person.speech_rate <= MIN_RATE:
            return CommandResult(person, texts.text("voice_slowest", lang))
        slower = replace(person, speech_rate=person.speech_rate - 1)
        return CommandResult(slower, texts.text("voice_slower", lang))
    return CommandResult(person, texts.text("voice_usage", lang))


# Deleting one's data: /delete asks, and only the confirmation it offered deletes.
DELETE_CONFIRMED = "/delete_confirmed"
DELETE_CANCELLED = "/delete_cancelled"
_DELETE_WORDS = ("/delete", "/löschen", "/loeschen", "/forget")
_NOTICE_WORDS = ("/privacy", "/datenschutz")
_EXPORT_WORDS = ("/export", "/datenexport", "/meinedaten")

# "notice": the privacy notice; "export": the person's data as a file; the rest: deleting.
PrivacyStep = Literal["notice", "export", "ask", "confirmed", "cancelled"]


def parse_privacy_command(text: str) -> PrivacyStep | None:
    """Which privacy step the text (typed, a button's payload, a question) is, if any."""
    words = text.strip().casefold().split()
    if len(words) != 1:
        return "notice" if not text.startswith("/") and asks_about_own_data(text) else None
    word = words[0].split("@", 1)[0]  # "/delete@rostock_bot" in Telegram groups
    if word in _NOTICE_WORDS:
        return "notice"
    if word in _EXPORT_WORDS:
        return "export"
    if word in _DELETE_WORDS:
        return "ask"
    if word == DELETE_CONFIRMED:
        return "confirmed"
    if word == DELETE_CANCELLED:
        return "cancelled"
    return None
