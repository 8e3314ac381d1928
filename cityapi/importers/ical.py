"""iCalendar feeds (RFC 5545) of events; recurring ones (RRULE, RDATE, EXDATE) as occurrences."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import recurring_ical_events
from icalendar import Calendar

from cityapi.hours import BERLIN
from cityapi.importers import values as v
from cityapi.importers.records import EventRecord, ImportFileError, RowError

Parsed = tuple[str, EventRecord | RowError]

# Occurrences of a series are kept from a month back to a year ahead of the import.
LOOK_BACK = timedelta(days=31)
LOOK_AHEAD = timedelta(days=366)
MAX_OCCURRENCES = 1000  # per series: an hourly rule must not flood the events table


def _moment(prop: Any, what: str) -> datetime:
    if prop is None:
        raise RowError(f"{what} is missing")
    value = prop.dt
    if isinstance(value, datetime):
        return value.replace(tzinfo=BERLIN) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time(0), BERLIN)
    raise RowError(f"{what} is not a date")


def read_ical(
    path: Path, source: str, window: tuple[datetime, datetime] | None = None
) -> Iterator[Parsed]:
    """The VEVENTs of a feed (UID, SUMMARY, DTSTART, DTEND, LOCATION, GEO, CATEGORIES, X-…).

    A recurring event becomes one record per occurrence inside `window` (default: a month back to
    a year ahead), each with the source id `UID#<start in UTC>`; changed occurrences (RECURRENCE-ID)
    and EXDATEs are honoured, in the event's own time zone across daylight-saving changes.
    """
    try:
        calendar = Calendar.from_ical(path.read_bytes())
    except (OSError, ValueError, IndexError, KeyError) as exc:
        raise ImportFileError(f"{path.name} is not an iCalendar file: {exc}") from exc
    if not isinstance(calendar, Calendar):
        raise ImportFileError(f"{path.name} is not an iCalendar file")
    components = list(calendar.walk("VEVENT"))
    series = {
        str(c.get("UID"))
        for c in components
        if c.get("UID") and (c.get("RRULE") is not None or c.get("RDATE") is not None)
    }
    for index, component in enumerate(components):
        uid = str(component.get("UID") or "")
        if uid in series:
            continue
        where = f"VEVENT {index}" + (f" ({uid[:60]})" if uid else "")
        try:
            yield where, _event(component, source)
        except (RowError, ValueError, TypeError) as exc:
            yield where, exc if isinstance(exc, RowError) else RowError(str(exc))
    if series:
        now = datetime.now(UTC)
        start, end = window or (now - LOOK_BACK, now + LOOK_AHEAD)
        for uid in sorted(series):
            yield from _occurrences(calendar, uid, source, start, end)


def _occurrences(
    calendar: Calendar, uid: str, source: str, start: datetime, end: datetime
) -> Iterator[Parsed]:
    """One series expanded, on a calendar of its own so that a broken rule spoils only it."""
    single = Calendar()
    for timezone in calendar.walk("VTIMEZONE"):
        single.add_component(timezone)
    for component in calendar.walk("VEVENT"):
        if str(component.get("UID") or "") == uid:
            single.add_component(component)
    where = f"VEVENT series ({uid[:60]})"
    try:
        occurrences = recurring_ical_events.of(single).between(start, end)
    except Exception as exc:  # the library raises its own and dateutil's errors for bad rules
        yield where, RowError(f"its recurrence cannot be expanded: {exc}")
        return
    for count, occurrence in enumerate(occurrences):
        if count == MAX_OCCURRENCES:
            yield where, RowError(f"more than {MAX_OCCURRENCES} occurrences; the rest is left out")
            return
        try:
            record = _event(occurrence, source)
        except (RowError, ValueError, TypeError) as exc:
            yield where, exc if isinstance(exc, RowError) else RowError(str(exc))
            continue
        moment = _moment(occurrence.get("RECURRENCE-ID") or occurrence.get("DTSTART"), "DTSTART")
        record.source_id = f"{uid[:180]}#{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        yield f"{where} at {record.start.isoformat()}", record


def _event(component: Any, source: str) -> EventRecord:
    uid = v.clean(component.get("UID"), 200)
    if not uid:
        raise RowError("UID is missing")
    name = v.clean(component.get("SUMMARY"), 300)
    if not name:
        raise RowError("SUMMARY is missing")
    start = _moment(component.get("DTSTART"), "DTSTART")
    end: datetime | None = None
    if component.get("DTEND") is not None:
        end = _moment(component.get("DTEND"), "DTEND")
    elif component.get("DURATION") is not None:
        end = start + component.get("DURATION").dt
    if end is not None and end < start:
        raise RowError("DTEND is before DTSTART")
    if end is not None and end - start > timedelta(days=400):
        raise RowError("the event lasts longer than 400 days")
    location = v.clean(component.get("LOCATION"), 600)
    location_name, address = None, None
    if location:
        head, _, tail = location.partition(",")
        location_name, address = head.strip(), (tail.strip() or None)
    lat = lon = None
    if component.get("GEO") is not None:
        geo = component.get("GEO")
        lat, lon = v.rostock_point(geo.latitude, geo.longitude)
    categories: list[str] = []
    raw_categories = component.get("CATEGORIES")
    for entry in raw_categories if isinstance(raw_categories, list) else [raw_categories]:
        if entry is not None:
            categories += [str(c) for c in entry.cats]
    summary = component.get("SUMMARY")
    language = getattr(summary, "params", {}).get("LANGUAGE") or component.get("X-LANGUAGE")
    return EventRecord(
        name=name,
        start=start,
        end=end,
        source=source,
        source_id=uid,
        location_name=location_name,
        address=address,
        district=v.clean(component.get("X-DISTRICT"), 64),
        lat=lat,
        lon=lon,
        category=v.category(*categories),
        wheelchair=v.wheelchair(component.get("X-WHEELCHAIR")) or "unknown",
        is_free=v.optional_bool(component.get("X-FREE")),
        description=v.clean(component.get("DESCRIPTION"), 4000),
        url=v.clean(component.get("URL"), 500),
        language=v.clean(language, 8),
    )
