"""Opening hours in OSM `opening_hours` syntax, evaluated in Europe/Berlin with MV holidays.

The `opening_hours` library only knows Germany's nationwide holidays, not those of one Land
(Reformationstag, Frauentag since 2023 in Mecklenburg-Vorpommern). So we evaluate `PH` ourselves:
the expression is parsed without any holiday calendar (`PH` then never matches), and for a day that
is an MV holiday (or follows one, for hours running past midnight) we evaluate a variant in which
`PH` is replaced by that holiday's weekday. Within that day this is exactly the rule's meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from opening_hours import (  # type: ignore[attr-defined]  # ParserError is missing from its stubs
    OpeningHours,
    ParserError,
    State,
)

BERLIN = ZoneInfo("Europe/Berlin")
_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_PH = re.compile(r"\bPH\b")
_SEARCH_DAYS = 60  # how far ahead "next_open" looks


@lru_cache(maxsize=1)
def mv_holidays() -> holidays.HolidayBase:
    """The public holidays of Mecklenburg-Vorpommern (names in German)."""
    return holidays.country_holidays("DE", subdiv="MV", language="de")


def holiday_name(day: date) -> str | None:
    """The name of the MV public holiday on that day, or None."""
    name = mv_holidays().get(day)
    return str(name) if name else None


@lru_cache(maxsize=1024)
def _holiday_weekdays(day: date) -> str:
    """'Th,Fr' for the holidays among the day before and the day itself (hours past midnight)."""
    hol = mv_holidays()
    days = [d for d in (day - timedelta(days=1), day) if d in hol]
    return ",".join(dict.fromkeys(_WEEKDAYS[d.weekday()] for d in days))


def _replace_ph(expression: str, weekdays: str) -> str:
    # Quoted comments keep their text; PH is only a selector outside quotes.
    parts = expression.split('"')
    for i in range(0, len(parts), 2):
        parts[i] = _PH.sub(weekdays, parts[i])
    return '"'.join(parts)


@lru_cache(maxsize=8192)
def _parse(expression: str) -> OpeningHours:
    return OpeningHours(expression, timezone=BERLIN, auto_country=False, auto_timezone=False)


@dataclass(frozen=True, slots=True)
class Interval:
    """An open interval [start, end) in Europe/Berlin."""

    start: datetime
    end: datetime


class Schedule:
    """A parsed opening-hours expression that answers in Europe/Berlin with MV holidays."""

    def __init__(self, expression: str):
        self.expression = expression
        self._base = _parse(expression)
        self._uses_ph = bool(_PH.search(expression))

    def _for_day(self, day: date) -> OpeningHours:
        if not self._uses_ph:
            return self._base
        weekdays = _holiday_weekdays(day)
        if not weekdays:
            return self._base
        return _parse(_replace_ph(self.expression, weekdays))

    def state(self, at: datetime) -> bool | None:
        """True when open at that moment, False when closed, None when the hours say unknown."""
        local = at.astimezone(BERLIN)
        found, _comment = self._for_day(local.date()).state(local)
        if found == State.OPEN:
            return True
        if found == State.UNKNOWN:
            return None
        return False

    def iter_open(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """Yield the open intervals between two moments, merged across midnight, lazily."""
        local_start = start.astimezone(BERLIN)
        local_end = end.astimezone(BERLIN)
        pending: Interval | None = None
        day = local_start.date()
        while datetime.combine(day, time(0), BERLIN) < local_end:
            lo = max(local_start, datetime.combine(day, time(0), BERLIN))
            hi = min(local_end, datetime.combine(day + timedelta(days=1), time(0), BERLIN))
            for i_start, i_end, state, _comment in self._for_day(day).intervals(lo, hi):
                if state != State.OPEN or i_end is None:
                    continue
                s, e = i_start.astimezone(BERLIN), i_end.astimezone(BERLIN)
                if pending is not None and pending.end >= s:
                    pending = Interval(pending.start, max(pending.end, e))
                    continue
                if pending is not None:
                    yield pending
                pending = Interval(s, e)
            day += timedelta(days=1)
        if pending is not None:
            yield pending

    def open_intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """The open intervals between two moments, merged across midnight."""
        return list(self.iter_open(start, end))


@lru_cache(maxsize=8192)
def schedule(expression: str) -> Schedule | None:
    """The schedule of an expression, or None when it is not valid opening_hours syntax."""
    try:
        return Schedule(expression)
    except (ParserError, SyntaxError, ValueError):
        return None


def is_valid(expression: str) -> bool:
    """Whether the text is opening_hours syntax the evaluator understands."""
    return schedule(expression) is not None


def open_at(expression: str | None, at: datetime) -> bool | None:
    """Open at that moment? None when the hours are unknown or unparseable."""
    if not expression:
        return None
    sched = schedule(expression)
    return None if sched is None else sched.state(at)


def _hhmm(moment: datetime, day: date) -> str:
    if moment.date() > day:
        return "24:00"
    return moment.strftime("%H:%M")


def hours_answer(expression: str | None, at: datetime) -> dict[str, object]:
    """The `hours` object of a place (contract): today's hours, open until, next opening."""
    local = at.astimezone(BERLIN)
    today = local.date()
    hol = holiday_name(today)
    answer: dict[str, object] = {
        "timezone": "Europe/Berlin",
        "is_open": None,
        "today": [],
        "open_until": None,
        "next_open": None,
        "is_public_holiday": hol is not None,
        "holiday_name": hol,
        "unknown": True,
    }
    sched = schedule(expression) if expression else None
    if sched is None:
        return answer
    day_start = datetime.combine(today, time(0), BERLIN)
    day_end = datetime.combine(today + timedelta(days=1), time(0), BERLIN)
    answer["today"] = [
        {"from": i.start.strftime("%H:%M"), "to": _hhmm(i.end, today)}
        for i in sched.open_intervals(day_start, day_end)
    ]
    state = sched.state(local)
    answer["is_open"] = state
    answer["unknown"] = state is None
    horizon = local + timedelta(days=_SEARCH_DAYS)
    first = next(sched.iter_open(local, horizon), None)
    if first is None:
        return answer
    if state and first.start <= local and first.end < horizon:
        answer["open_until"] = first.end.isoformat()
    elif not state:
        answer["next_open"] = first.start.isoformat()
    return answer
