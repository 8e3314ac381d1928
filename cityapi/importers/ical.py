"""iCalendar feeds (RFC 5545) of events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from icalendar import Calendar

from cityapi.hours import BERLIN
from cityapi.importers import values as v
from cityapi.importers.records import EventRecord, ImportFileError, RowError

Parsed = tuple[str, EventRecord | RowError]


def _moment(prop: Any, what: str) -> datetime:
    if prop is None:
        raise RowError(f"{what} is missing")
    value = prop.dt
    if isinstance(value, datetime):
        return value.replace(tzinfo=BERLIN) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time(0), BERLIN)
    raise RowError(f"{what} is not a date")


def read_ical(path: Path, source: str) -> Iterator[Parsed]:
    """The VEVENTs of a feed (UID, SUMMARY, DTSTART, DTEND, LOCATION, GEO, CATEGORIES, X-…)."""
    try:
        calendar = Calendar.from_ical(path.read_bytes())
    except (OSError, ValueError, IndexError, KeyError) as exc:
        raise ImportFileError(f"{path.name} is not an iCalendar file: {exc}") from exc
    if not isinstance(calendar, Calendar):
        raise ImportFileError(f"{path.name} is not an iCalendar file")
    for index, component in enumerate(calendar.walk("VEVENT")):
        uid = str(component.get("UID") or "")
        where = f"VEVENT {index}" + (f" ({uid[:60]})" if uid else "")
        try:
            yield where, _event(component, source)
        except (RowError, ValueError, TypeError) as exc:
            yield where, exc if isinstance(exc, RowError) else RowError(str(exc))


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
