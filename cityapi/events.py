"""Events: queries by time window, district, category, access and text (schema.org Event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, and_, func, select

from cityapi.db import Database
from cityapi.hours import BERLIN
from cityapi.schema import events
from cityapi.text import search_words

_COLUMNS = [c for c in events.c if c.name not in ("search_text", "updated_at", "lat", "lon")]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What GET /events asks for."""

    start: datetime
    end: datetime
    districts: tuple[str, ...] | None = None  # one Stadtbereich, or a group's
    category: str | None = None
    wheelchair: tuple[str, ...] | None = None
    free: bool = False
    q: str | None = None
    limit: int = 20
    offset: int = 0


def berlin_iso(moment: datetime | None) -> str | None:
    """ISO 8601 in Rostock's time, with its offset; None stays None."""
    return None if moment is None else moment.astimezone(BERLIN).isoformat()


def event_json(row: RowMapping) -> dict[str, Any]:
    """A database row as the contract's Event."""
    return {
        "id": row["id"],
        "name": row["name"],
        "start": berlin_iso(row["start_at"]),
        "end": berlin_iso(row["end_at"]),
        "place_id": row["place_id"],
        "location_name": row["location_name"],
        "address": row["address"],
        "district": row["district"],
        "category": row["category"],
        "wheelchair": row["wheelchair"],
        "is_free": row["is_free"],
        "description": row["description"],
        "url": row["url"],
        "language": row["language"],
        "source": row["source"],
        "source_id": row["source_id"],
    }


class EventStore:
    """Reads events from the database."""

    def __init__(self, db: Database):
        self._db = db

    async def search(self, f: EventFilter) -> tuple[list[dict[str, Any]], int]:
        """The page of events overlapping the window, sorted by start, and the total."""
        c = events.c
        conds: list[ColumnElement[bool]] = [
            c.start_at < f.end,
            func.coalesce(c.end_at, c.start_at) >= f.start,
        ]
        if f.districts:
            conds.append(c.district.in_(f.districts))
        if f.category:
            conds.append(c.category == f.category)
        if f.wheelchair:
            conds.append(c.wheelchair.in_(f.wheelchair))
        if f.free:
            conds.append(c.is_free.is_(True))
        for word in search_words(f.q or ""):
            conds.append(c.search_text.contains(word, autoescape=True))
        where = and_(*conds)
        query = (
            select(*_COLUMNS, func.count().over().label("total"))
            .where(where)
            .order_by(c.start_at, c.id)
            .limit(f.limit)
            .offset(f.offset)
        )
        rows = await self._db.fetch(query)
        if rows:
            return [event_json(row) for row in rows], int(rows[0]["total"])
        counted = await self._db.fetch(
            select(func.count().label("n")).select_from(events).where(where)
        )
        return [], int(counted[0]["n"])

    async def get(self, event_id: int) -> dict[str, Any] | None:
        """One event, or None."""
        rows = await self._db.fetch(select(*_COLUMNS).where(events.c.id == event_id))
        return event_json(rows[0]) if rows else None
