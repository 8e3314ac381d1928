"""Councils (Ortsbeiräte, Bürgerschaft, committees) and their meetings, as the API answers them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, and_, case, func, select

from cityapi.db import Database
from cityapi.events import berlin_iso
from cityapi.schema import agenda_items, councils, meetings
from cityapi.text import search_words

NEXT_MEETINGS = 5  # upcoming meetings shown with one council
_AHEAD = timedelta(days=366)  # how far "next meeting" looks


@dataclass(frozen=True, slots=True)
class MeetingFilter:
    """What GET /meetings asks for."""

    start: datetime
    end: datetime
    council_ids: tuple[int, ...] | None = None
    q: str | None = None
    limit: int = 20
    offset: int = 0


def _split(raw: str | None) -> list[str]:
    return [part for part in (raw or "").split(";") if part]


def council_json(row: RowMapping) -> dict[str, Any]:
    """A council row as the contract's Council."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "name": row["name"],
        "short_name": row["short_name"],
        "districts": _split(row["districts"]),
        "ortsteile": _split(row["ortsteile"]),
        "office": {
            "name": row["office_name"],
            "address": row["office_address"],
            "phone": row["office_phone"],
            "email": row["office_email"],
            "url": row["office_url"],
        },
        "web": row["web"],
        "oparl_id": row["oparl_id"],
    }


_MEETING_COLUMNS = [
    *(c for c in meetings.c if c.name not in ("search_text", "updated_at", "source")),
    councils.c.name.label("council_name"),
    councils.c.short_name.label("council_short_name"),
]


def meeting_json(row: RowMapping, agenda: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A meeting row as the contract's Meeting (with its agenda when given)."""
    body: dict[str, Any] = {
        "id": row["id"],
        "council": {
            "id": row["council_id"],
            "name": row["council_name"],
            "short_name": row["council_short_name"],
        },
        "name": row["name"],
        "start": berlin_iso(row["start_at"]),
        "end": berlin_iso(row["end_at"]),
        "location": {
            "name": row["location_name"],
            "address": row["location_address"],
            "wheelchair": row["wheelchair"],
            "accessibility_notes": row["accessibility_notes"],
        },
        "public": row["public"],
        "cancelled": bool(row["cancelled"]),
        "state": row["state"],
        "web": row["web"],
        "oparl_id": row["oparl_id"],
        "modified": berlin_iso(row["modified"]),
    }
    if agenda is not None:
        body["agenda"] = agenda
    return body


class CouncilStore:
    """Reads councils and meetings from the database."""

    def __init__(self, db: Database):
        self._db = db

    async def all(self) -> list[dict[str, Any]]:
        """Every council, Ortsbeiräte first, then by name."""
        rank = case({"ortsbeirat": 0, "buergerschaft": 1}, value=councils.c.kind, else_=2)
        rows = await self._db.fetch(select(councils).order_by(rank, councils.c.name, councils.c.id))
        return [council_json(row) for row in rows]

    async def next_meetings(self, council_ids: Sequence[int], now: datetime) -> dict[int, Any]:
        """The next meeting that is not cancelled, by council (without agenda)."""
        if not council_ids:
            return {}
        c = meetings.c
        ranked = (
            select(
                c.id,
                func.row_number()
                .over(partition_by=c.council_id, order_by=(c.start_at, c.id))
                .label("rank"),
            )
            .where(
                c.council_id.in_(council_ids),
                c.start_at >= now,
                c.start_at < now + _AHEAD,
                c.cancelled.is_(False),
            )
            .subquery()
        )
        rows = await self._db.fetch(
            select(*_MEETING_COLUMNS)
            .join(councils, councils.c.id == c.council_id)
            .join(ranked, ranked.c.id == c.id)
            .where(ranked.c.rank == 1)
        )
        return {row["council_id"]: meeting_json(row, None) for row in rows}

    async def get(self, council_id: int, now: datetime) -> dict[str, Any] | None:
        """One council with its next meetings and their agendas."""
        rows = await self._db.fetch(select(councils).where(councils.c.id == council_id))
        if not rows:
            return None
        body = council_json(rows[0])
        upcoming, _total = await self.meetings(
            MeetingFilter(now, now + _AHEAD, (council_id,), limit=NEXT_MEETINGS)
        )
        body["next_meetings"] = upcoming
        return body

    async def meetings(self, f: MeetingFilter) -> tuple[list[dict[str, Any]], int]:
        """The page of meetings starting in the window, sorted by start, and the total."""
        c = meetings.c
        conds: list[ColumnElement[bool]] = [c.start_at >= f.start, c.start_at < f.end]
        if f.council_ids is not None:
            conds.append(c.council_id.in_(f.council_ids))
        for word in search_words(f.q or ""):
            conds.append(c.search_text.contains(word, autoescape=True))
        where = and_(*conds)
        rows = await self._db.fetch(
            select(*_MEETING_COLUMNS, func.count().over().label("total"))
            .join(councils, councils.c.id == c.council_id)
            .where(where)
            .order_by(c.start_at, c.id)
            .limit(f.limit)
            .offset(f.offset)
        )
        if not rows:
            counted = await self._db.fetch(
                select(func.count().label("n")).select_from(meetings).where(where)
            )
            return [], int(counted[0]["n"])
        agendas = await self._agendas([row["id"] for row in rows])
        items = [meeting_json(row, agendas.get(row["id"], [])) for row in rows]
        return items, int(rows[0]["total"])

    async def _agendas(self, meeting_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        a = agenda_items.c
        rows = await self._db.fetch(
            select(a.meeting_id, a.number, a.title, a.public)
            .where(a.meeting_id.in_(meeting_ids))
            .order_by(a.meeting_id, a.position, a.id)
        )
        found: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            found.setdefault(row["meeting_id"], []).append(
                {"number": row["number"], "title": row["title"], "public": row["public"]}
            )
        return found
