"""Time expressions as typed ("am Wochenende", "heute Abend", "next Saturday") → a time window.

Dates, relative days and month names go to `dateparser` (German and English). It does not model
periods such as "the weekend", "this evening" or "next week", nor "nächsten Samstag", so a small
table of those sits around it. Everything is resolved in Europe/Berlin against a given `now`.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Dict, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class TimeWindow:
    """A half-open window [start, end) in Europe/Berlin."""

    start: datetime
    end: datetime


_WEEKDAYS: Dict[str, int] = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
    "sonnabend": 5, "sonntag": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_MONTHS: Dict[str, int] = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "october": 10, "december": 12,
}  # fmt: skip
_RELATIVE_DAYS: Dict[str, int] = {
    "heute": 0, "today": 0, "morgen": 1, "tomorrow": 1, "übermorgen": 2,
}  # fmt: skip
# Parts of the day, as hours [from, to) on that day.
_PARTS_OF_DAY: Dict[str, Tuple[int, int]] = {
    "abend": (18, 24), "abends": (18, 24), "evening": (18, 24), "night": (18, 24),
    "nachmittag": (12, 18), "nachmittags": (12, 18), "afternoon": (12, 18),
    "vormittag": (6, 12), "vormittags": (6, 12), "morning": (6, 12), "früh": (6, 12),
}  # fmt: skip
_NEXT = {"nächste", "nächsten", "nächstes", "nächster", "kommende", "kommenden", "kommendes",
         "kommender", "next", "coming"}  # fmt: skip
_THIS = {"diese", "diesen", "dieses", "dieser", "this"}
_FILLER = {"am", "im", "an", "in", "on", "at", "the", "den", "dem", "der", "die", "das",
           "über", "over", "zum", "für", "for", "during", "während", "ab", "from"}  # fmt: skip
# Spellings without umlauts, as typed on keyboards without them.
_SPELLINGS = {"naechste": "nächste", "naechsten": "nächsten", "naechstes": "nächstes",
              "naechster": "nächster", "uebermorgen": "übermorgen", "maerz": "märz",
              "ueber": "über", "frueh": "früh", "waehrend": "während", "fuer": "für"}  # fmt: skip
_COMPOUND_PART = re.compile(r"^(\w+?)(abend|nachmittag|vormittag)s?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?$")
_COUNT_DAYS = re.compile(r"^(\d{1,3}) (tage|tagen|days)$")


def _tokens(text: str) -> List[str]:
    cleaned = re.sub(r"[?!,;:\"“”„]", " ", text.lower())
    words = [_SPELLINGS.get(w, w) for w in cleaned.split()]
    tokens: List[str] = []
    for word in words:
        match = _COMPOUND_PART.match(word)
        # "samstagabend", "morgenvormittag": a day name glued to a part of the day
        if match and (match.group(1) in _WEEKDAYS or match.group(1) in _RELATIVE_DAYS):
            tokens.extend([match.group(1), match.group(2)])
        elif word == "tonight":
            tokens.extend(["today", "evening"])
        else:
            tokens.append(word)
    return tokens


def _split_part_of_day(tokens: List[str]) -> Tuple[List[str], Optional[Tuple[int, int]]]:
    part: Optional[Tuple[int, int]] = None
    rest: List[str] = []
    for i, token in enumerate(tokens):
        previous = tokens[i - 1] if i else ""
        if token == "morgen" and previous in ("heute", "gestern"):
            part = _PARTS_OF_DAY["vormittag"]  # "heute Morgen" is this morning
        elif token in _PARTS_OF_DAY:
            part = _PARTS_OF_DAY[token]
        else:
            rest.append(token)
    return rest, part


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=BERLIN)


def _days(first: date, count: int) -> TimeWindow:
    return TimeWindow(_day(first), _day(first + timedelta(days=count)))


def _month(year: int, month: int) -> TimeWindow:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return TimeWindow(_day(date(year, month, 1)), _day(following))


def _next_month_named(today: date, month: int) -> TimeWindow:
    year = today.year if month >= today.month else today.year + 1
    return _month(year, month)


def _weekend(today: date, weeks_ahead: int) -> TimeWindow:
    # Saturday 00:00 to Monday 00:00; on a Saturday or Sunday "this weekend" is the current one.
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    if today.weekday() == 6:
        saturday = today - timedelta(days=1)
    return _days(saturday + timedelta(weeks=weeks_ahead), 2)


def _week(today: date, weeks_ahead: int) -> TimeWindow:
    monday = today - timedelta(days=today.weekday())
    return _days(monday + timedelta(weeks=weeks_ahead), 7)


def _from_table(words: List[str], today: date, now: datetime) -> Optional[TimeWindow]:
    ahead = 0
    while words and (words[0] in _FILLER or words[0] in _THIS or words[0] in _NEXT):
        if words[0] in _NEXT:
            ahead = 1
        words = words[1:]
    phrase = " ".join(words)
    if phrase == "day after tomorrow":
        return _days(today + timedelta(days=2), 1)
    if len(words) != 1:
        count = _COUNT_DAYS.match(phrase)
        if count and ahead:  # "die nächsten 30 Tage", "the next 30 days"
            return TimeWindow(now, now + timedelta(days=int(count.group(1))))
        return None
    word = words[0]
    if word in _RELATIVE_DAYS and not ahead:
        return _days(today + timedelta(days=_RELATIVE_DAYS[word]), 1)
    if word in _WEEKDAYS:
        # "Samstag" includes today; "nächsten Samstag" is the next one after today.
        delta = (_WEEKDAYS[word] - today.weekday()) % 7
        if ahead and delta == 0:
            delta = 7
        return _days(today + timedelta(days=delta), 1)
    if word in ("wochenende", "weekend"):
        return _weekend(today, ahead)
    if word in ("woche", "week"):
        return _week(today, ahead)
    if word in ("monat", "month"):
        if ahead:
            return _month(today.year + (today.month == 12), today.month % 12 + 1)
        return _month(today.year, today.month)
    if word in _MONTHS and not ahead:
        return _next_month_named(today, _MONTHS[word])
    day_month = _DAY_MONTH.match(word)
    if day_month:
        day, month = int(day_month.group(1)), int(day_month.group(2))
        try:
            candidate = date(today.year, month, day)
            if candidate < today:
                candidate = date(today.year + 1, month, day)
        except ValueError:
            return None
        return _days(candidate, 1)
    return None


def _from_dateparser(phrase: str, now: datetime, languages: Sequence[str]) -> Optional[TimeWindow]:
    parser = DateDataParser(
        languages=list(languages),
        settings={
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY",
            "TIMEZONE": "Europe/Berlin",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "RELATIVE_BASE": now.replace(tzinfo=None),
        },
    )
    data = parser.get_date_data(phrase)
    if data.date_obj is None:
        return None
    found = data.date_obj.date()
    if data.period == "month":
        return _month(found.year, found.month)
    if data.period == "week":
        return _week(found, 0)
    if data.period == "year":
        return TimeWindow(_day(date(found.year, 1, 1)), _day(date(found.year + 1, 1, 1)))
    return _days(found, 1)


def resolve(expression: str, now: datetime, language: str = "de") -> Optional[TimeWindow]:
    """The window meant by `expression` at `now` (aware), or None when it is not understood."""
    now = now.astimezone(BERLIN)
    today = now.date()
    tokens, part = _split_part_of_day(_tokens(expression))
    if not tokens and part:  # "abends", "in the evening": today
        tokens = ["heute"]
    words = tokens
    window = _from_table(words, today, now)
    if window is None and words:
        languages = ("en", "de") if language == "en" else ("de", "en")
        kept = [w for w in words if w not in _FILLER or w == "in"]
        window = _from_dateparser(" ".join(kept), now, languages)
    if window is None:
        return None
    if part and window.end - window.start == timedelta(days=1):
        start = window.start.replace(hour=part[0])
        end = window.end if part[1] == 24 else window.start.replace(hour=part[1])
        window = TimeWindow(start, end)
    return window


def find_in_text(text: str, now: datetime, language: str = "de") -> Optional[TimeWindow]:
    """A time expression somewhere in a whole message, for when the recognised one is not one.

    The NLU sometimes marks too little ("what is [on] this weekend"): the longest run of up to
    four words that is a known period wins. A lone month name needs a word before it ("in may"),
    since "may" and "march" are also ordinary English words.
    """
    now = now.astimezone(BERLIN)
    words = _tokens(text)
    for length in (4, 3, 2, 1):
        for start in range(len(words) - length + 1):
            run = words[start : start + length]
            if length == 1 and run[0] in _MONTHS:
                continue
            window = _from_table(run, now.date(), now)
            if window is not None:
                return window
    return None


def next_days(now: datetime, days: int) -> TimeWindow:
    """The window from `now` over the next `days` days."""
    now = now.astimezone(BERLIN)
    return TimeWindow(now, now + timedelta(days=days))


def clamp_to_now(window: TimeWindow, now: datetime) -> TimeWindow:
    """The part of `window` that is not yet over (its start moved up to `now`)."""
    now = now.astimezone(BERLIN)
    return TimeWindow(max(window.start, now), window.end) if window.end > now else window
