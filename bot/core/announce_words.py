"""The words of announcing from a chat (pure): staff commands, button payloads, and reading and
saying districts, topics and send times."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from bot.core import texts
from bot.core.districts import ALL, DistrictDirectory
from bot.core.messages import Language
from bot.core.sendtime import city_time
from bot.core.subscriptions import TOPICS, topic_of

SKIP: Final = "/announce_skip"
WHOLE_CITY: Final = "/announce_all"
TOPIC: Final = "/announce_topic"  # + " <topic>" or " none"
NOW: Final = "/announce_now"
CONFIRM: Final = "/announce_confirm"
CANCEL: Final = "/announce_cancel"
APPROVE: Final = "/announce_approve"  # + " <id>"
REJECT: Final = "/announce_reject"  # + " <id>": asks for the reason
REJECT_NOW: Final = "/announce_reject_now"  # + " <id>": rejects without a reason
REJECT_KEEP: Final = "/announce_reject_keep"  # + " <id>": does not reject after all
MAX_REASON_CHARS: Final = 1000
_START_WORDS: Final = frozenset({"/announce", "/ankuendigen", "/ankündigen"})
_CANCEL_WORDS: Final = frozenset({"/cancel", "/abbrechen", CANCEL})
_APPROVE_WORDS: Final = frozenset({"/approve", "/freigeben", APPROVE})
_REJECT_WORDS: Final = frozenset({"/reject", "/ablehnen", REJECT})
LIST_SPLIT = re.compile(r"\s*(?:[,;]|\bund\b|\band\b|&)\s*", re.IGNORECASE)
_NO_TOPIC_WORDS: Final = frozenset({"ohne thema", "keins", "kein thema", "none", "no topic"})

Kind = Literal[
    "start",
    "cancel",
    "approve",
    "reject",
    "reject_now",
    "reject_keep",
    "skip",
    "whole_city",
    "topic",
    "now",
    "confirm",
]
_BUTTONS: Final[dict[str, Kind]] = {
    SKIP: "skip",
    WHOLE_CITY: "whole_city",
    NOW: "now",
    CONFIRM: "confirm",
}
# Month names for English dates, whatever the process's locale.
_MONTHS_EN: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class StaffCommand:
    """A staff command typed or tapped, and its argument (a topic, an announcement number and
    perhaps a reason)."""

    kind: Kind
    argument: str = ""


def parse_staff_command(text: str) -> StaffCommand | None:
    """The staff command in a text or button payload, if it is one."""
    first, _, rest = text.strip().partition(" ")
    word = first.casefold().split("@", 1)[0]  # "/announce@rostock_bot" in Telegram groups
    rest = rest.strip()
    if word in _START_WORDS and not rest:
        return StaffCommand("start")
    if word in _CANCEL_WORDS and not rest:
        return StaffCommand("cancel")
    if word in _APPROVE_WORDS:
        return StaffCommand("approve", rest)
    if word in _REJECT_WORDS:
        return StaffCommand("reject", rest)
    if word == REJECT_NOW:
        return StaffCommand("reject_now", rest)
    if word == REJECT_KEEP:
        return StaffCommand("reject_keep", rest)
    if word == TOPIC:
        return StaffCommand("topic", rest)
    kind = _BUTTONS.get(word)
    if kind is not None and not rest:
        return StaffCommand(kind)
    return None


def read_districts(said: str, directory: DistrictDirectory) -> tuple[str, ...] | str:
    """Stadtbereiche named (empty: the whole city), or the first name not known."""
    whole = directory.resolve(said.strip())
    names = [said.strip()] if whole is not None else LIST_SPLIT.split(said.strip())
    found: list[str] = []
    for name in (n for n in names if n):
        resolved = directory.resolve(name)
        if resolved is None:
            return name
        if ALL in resolved:
            return ()
        found.extend(d for d in resolved if d not in found)
    return tuple(found) if found else said.strip()


def read_topics(words: str) -> tuple[str, ...] | str:
    """The topics named (empty: no topic), or the first word that is no topic."""
    cleaned = words.strip()
    if cleaned.casefold() in (*_NO_TOPIC_WORDS, "none"):
        return ()
    whole = topic_of(cleaned)
    if whole is not None:
        return TOPICS if whole == ALL else (whole,)
    found: list[str] = []
    for name in (n for n in LIST_SPLIT.split(cleaned) if n):
        topic = topic_of(name)
        if topic is None:
            return name
        if topic == ALL:
            return TOPICS  # every topic: everyone subscribed in these districts
        if topic not in found:
            found.append(topic)
    return tuple(found) if found else cleaned


def say_where(lang: Language, districts: Sequence[str], directory: DistrictDirectory) -> str:
    """The districts in words ("Lichtenhagen und Südstadt", "ganz Rostock")."""
    if not districts:
        return texts.text("district_all", lang)
    return texts.word_list(lang, directory.grouped(districts))


def say_topics(lang: Language, topics: Sequence[str]) -> str:
    """The topics in words."""
    if not topics:
        return texts.text("announce_topics_none", lang)
    return texts.word_list(lang, [texts.text(f"topic_{t}", lang) for t in topics])


def say_when(lang: Language, send_at: datetime | None) -> str:
    """The send time in words, in Rostock's time ("am 05.12.2026 um 18:00 Uhr", "sofort")."""
    if send_at is None:
        return texts.text("announce_when_now", lang)
    local = city_time(send_at)
    if lang == "de":
        date = local.strftime("%d.%m.%Y")
    else:
        date = f"{local.day:02d} {_MONTHS_EN[local.month - 1]} {local.year}"
    return texts.text("announce_when", lang, date=date, time=local.strftime("%H:%M"))
