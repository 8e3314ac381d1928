"""When staff want an announcement sent, as they type it in German or English (pure).

"jetzt" / "now" · "morgen 9 Uhr" / "tomorrow 9am" · "heute 18:30" · "Montag 10:00" ·
"5.12. 18 Uhr" · "am 5. Dezember um 18 Uhr" · "December 5 6pm" · "2026-12-05 18:00".
Times are Rostock's (Europe/Berlin); without a time of day it is 9:00, without a year the
next such date. python-dateutil reads the date and time once the German words are translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, cast
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

CITY_TIME: Final = ZoneInfo("Europe/Berlin")
DEFAULT_HOUR: Final = 9
# Staff schedule for the coming weeks, not years ahead (a typo such as 2062 is caught).
LATEST: Final = timedelta(days=366)
NOW_WORDS: Final = frozenset({"jetzt", "sofort", "gleich", "now", "immediately", "asap"})


class _Words(dateparser.parserinfo):
    """Month and weekday names in German and English."""

    # dateutil's own class attributes (its stubs expect fewer names per entry)
    MONTHS = cast(
        "list[tuple[str, str] | tuple[str, str, str]]",
        [
            ("Jan", "January", "Januar", "Jänner"),
            ("Feb", "February", "Februar"),
            ("Mar", "March", "März", "Maerz", "Mrz"),
            ("Apr", "April"),
            ("May", "Mai"),
            ("Jun", "June", "Juni"),
            ("Jul", "July", "Juli"),
            ("Aug", "August"),
            ("Sep", "Sept", "September"),
            ("Oct", "October", "Okt", "Oktober"),
            ("Nov", "November"),
            ("Dec", "December", "Dez", "Dezember"),
        ],
    )
    WEEKDAYS = cast(
        "list[tuple[str, str]]",
        [
            ("Mon", "Monday", "Mo", "Montag"),
            ("Tue", "Tuesday", "Di", "Dienstag"),
            ("Wed", "Wednesday", "Mi", "Mittwoch"),
            ("Thu", "Thursday", "Do", "Donnerstag"),
            ("Fri", "Friday", "Fr", "Freitag"),
            ("Sat", "Saturday", "Sa", "Samstag", "Sonnabend"),
            ("Sun", "Sunday", "So", "Sonntag"),
        ],
    )


_INFO: Final = _Words(dayfirst=True)
_RELATIVE_DAYS: Final = {
    "heute": 0,
    "today": 0,
    "morgen": 1,
    "tomorrow": 1,
    "übermorgen": 2,
    "uebermorgen": 2,
}
# Words that only join the parts ("am 5. Dezember um 18 Uhr", "next Monday at 10").
_FILLERS: Final = frozenset(
    {"um", "den", "at", "on", "ab", "next", "nächsten", "nächster", "kommenden", "this", "diesen"}
)
_HOUR_UHR = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*uhr\b")
_AT_HOUR = re.compile(r"\b(?:um|at)\s+(\d{1,2})(?![\d:.]|\s*[ap]\.?m)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}(?!\d))?")


@dataclass(frozen=True, slots=True)
class SendTime:
    """What was understood: now (`at` None) or a moment in UTC."""

    at: datetime | None


class SendTimeError(ValueError):
    """The words are no time we can send at; `code` says why: `unknown`, `past`, `too_far`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_send_time(words: str, now: datetime) -> SendTime:
    """The send time these words name, seen from `now` (aware); raises SendTimeError."""
    text = " ".join(words.casefold().replace(",", " ").split()).strip(" !")
    if not text:
        raise SendTimeError("unknown")
    if text.rstrip(".") in NOW_WORDS:
        return SendTime(None)
    local_now = now.astimezone(CITY_TIME)
    text = _HOUR_UHR.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text)
    text = _AT_HOUR.sub(lambda m: f"{m.group(1)}:00", text)
    # day/month/year is what dateutil reads unambiguously with dayfirst
    text = _ISO_DATE.sub(lambda m: f"{m.group(3)}/{m.group(2)}/{m.group(1)}", text)
    text = _DOTTED_DATE.sub(lambda m: "/".join(g for g in m.groups() if g), text)
    tokens: list[str] = []
    for token in text.split():
        if token in _RELATIVE_DAYS:
            day = local_now.date() + timedelta(days=_RELATIVE_DAYS[token])
            tokens.append(f"{day.day}/{day.month}/{day.year}")
        elif token == "am" and not (tokens and tokens[-1][-1:].isdigit()):
            continue  # German "am Montag", not English "9 am"
        elif token not in _FILLERS:
            tokens.append(token)
    if not tokens:
        raise SendTimeError("unknown")
    phrase = " ".join(tokens)
    # Two different defaults show which parts the words left out (year, time of day).
    base = local_now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    try:
        other = (base + timedelta(days=1)).replace(year=base.year + 1, hour=1)
        first = dateparser.parse(phrase, parserinfo=_INFO, default=base)
        second = dateparser.parse(phrase, parserinfo=_INFO, default=other)
    except (ValueError, OverflowError):
        raise SendTimeError("unknown") from None
    if first.tzinfo is not None:
        raise SendTimeError("unknown")  # a time zone typed in: not what staff in Rostock mean
    when = first
    if first.hour != second.hour:
        when = when.replace(hour=DEFAULT_HOUR, minute=0)
    moment = when.replace(tzinfo=CITY_TIME)
    same_day = (first.month, first.day) == (second.month, second.day)
    if moment < local_now and first.year != second.year:
        if same_day:
            moment = moment.replace(year=moment.year + 1)  # "5.1." in December: next January
        else:
            moment += timedelta(days=7)  # "Montag 10 Uhr" on a Monday afternoon: next week
    if moment <= local_now - timedelta(minutes=1):
        raise SendTimeError("past")
    if moment > local_now + LATEST:
        raise SendTimeError("too_far")
    return SendTime(moment.astimezone(UTC))


def city_time(moment: datetime) -> datetime:
    """A UTC moment in Rostock's time, to show it."""
    return moment.astimezone(CITY_TIME)


def now_utc() -> datetime:
    """The current moment (aware, UTC)."""
    return datetime.now(UTC)
