"""What a reply sounds like when it is read aloud: choices numbered, links and symbols tamed."""

from __future__ import annotations

import re
import unicodedata
from typing import Final
from urllib.parse import urlsplit

from bot.core.messages import Language, OutgoingMessage

# Numbers the person can say back ("zwei") to pick a choice; bot/core/choices.py understands them.
_NUMBERS: Final[dict[Language, tuple[str, ...]]] = {
    "de": ("eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn"),
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
}
_CHOOSE: Final[dict[Language, str]] = {"de": "Sie können wählen:", "en": "You can choose:"}
_LINK: Final[dict[Language, str]] = {"de": "Link zu {host}", "en": "link to {host}"}
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMPHASIS = re.compile(r"[*_`~]+")
_MARKUP = re.compile(r"[#|<>\[\]{}]+")
_BULLET = re.compile(r"^\s*(?:[-•·▪–]|\d+[.)])\s+", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")


def _host(url: str) -> str:
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    return host or url


def _without_symbols(text: str) -> str:
    # Emoji and pictographs are read as long names ("grinning face") or noise; drop them.
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in ("So", "Sk", "Cs", "Co", "Cn")
    )


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?:;":
        text += "."
    return text


def speech_text(message: OutgoingMessage, language: Language) -> str:
    """The reply as it should be spoken: plain sentences, links by site name, choices numbered."""
    link = _LINK[language]
    text = _URL.sub(lambda m: link.format(host=_host(m.group(0).rstrip(".,;:!?"))), message.text)
    text = _without_symbols(text)
    text = _MARKUP.sub(" ", _EMPHASIS.sub("", text))
    # Each line (list item, paragraph) becomes a sentence, so the voice pauses between them.
    lines = [_SPACES.sub(" ", line).strip() for line in _BULLET.sub("", text).splitlines()]
    spoken = " ".join(_sentence(line) for line in lines if line)
    if message.buttons:
        numbers = _NUMBERS[language]
        choices = []
        for i, button in enumerate(message.buttons):
            number = numbers[i] if i < len(numbers) else str(i + 1)
            title = _MARKUP.sub(" ", _EMPHASIS.sub("", _without_symbols(button.title)))
            title = _SPACES.sub(" ", title).strip()
            choices.append(f"{number}, {_sentence(title)}")
        spoken = f"{spoken} {_CHOOSE[language]} {' '.join(choices)}".strip()
    return spoken
