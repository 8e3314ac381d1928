"""Places: queries (type, district, distance, accessibility, hours, text) and their JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, and_, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from cityapi.geo import bbox, haversine_m
from cityapi.hours import hours_answer, open_at
from cityapi.schema import places
from cityapi.text import search_words

_COLUMNS = [c for c in places.c if c.name not in ("search_text", "sort_name", "updated_at")]


@dataclass(frozen=True, slots=True)
class PlaceFilter:
    """What GET /places asks for."""

    type: str | None = None
    district: str | None = None
    near: tuple[float, float] | None = None
    radius_m: int = 2000
    wheelchair: tuple[str, ...] | None = None
    tactile_paving: bool = False
    induction_loop: bool = False
    open_at: datetime | None = None
    q: str | None = None
    limit: int = 20
    offset: int = 0


def place_json(
    row: RowMapping, now: datetime, distance_m: float | None = None
) -> dict[str, Any]:
    """A database row as the contract's Place."""
    item: dict[str, Any] = {
        "id": row["id"],
        "type": row["type"],
        "name": row["name"],
        "address": row["address"],
        "district": row["district"],
        "ortsteil": row["ortsteil"],
        "lat": row["lat"],
        "lon": row["lon"],
        "opening_hours": row["opening_hours"],
        "contact": {"phone": row["phone"], "email": row["email"], "website": row["website"]},
        "description": row["description"],
        "source": row["source"],
        "source_id": row["source_id"],
        "accessibility": {
            "wheelchair": row["wheelchair"],
            "wheelchair_toilet": row["wheelchair_toilet"],
            "euro_key": row["euro_key"],
            "tactile_paving": row["tactile_paving"],
            "induction_loop": row["induction_loop"],
            "step_free_entrance": row["step_free_entrance"],
            "notes": row["accessibility_notes"],
        },
    }
    if distance_m is not None:
        item["distance_m"] = round(distance_m, 1)
    item["open_now"] = open_at(row["opening_hours"], now)
    return item


class PlaceStore:
    """Reads places from the database."""

    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    def _conditions(self, f: PlaceFilter) -> list[ColumnElement[bool]]:
        c = places.c
        conds: list[ColumnElement[bool]] = []
        if f.type:
            conds.append(c.type == f.type)
        if f.near:
            min_lat, max_lat, min_lon, max_lon = bbox(f.near[0], f.near[1], f.radius_m)
            conds += [c.lat.between(min_lat, max_lat), c.lon.between(min_lon, max_lon)]
        if f.district:
            conds.append(c.district == f.district)
        if f.wheelchair:
            conds.append(c.wheelchair.in_(f.wheelchair))
        if f.tactile_paving:
            conds.append(c.tactile_paving.is_(True))
        if f.induction_loop:
            conds.append(c.induction_loop.is_(True))
        for word in search_words(f.q or ""):
            conds.append(c.search_text.contains(word, autoescape=True))
        return conds

    async def search(self, f: PlaceFilter, now: datetime) -> tuple[list[dict[str, Any]], int]:
        """The page of places matching the filter, and how many match in all."""
        where = and_(*self._conditions(f))
        if f.near is None and f.open_at is None:
            return await self._sql_page(f, where, now)
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(*_COLUMNS).where(where).order_by(places.c.sort_name, places.c.id)
            )
            rows = result.mappings().all()
        matches: list[tuple[float | None, RowMapping]] = []
        for row in rows:
            distance = None
            if f.near is not None:
                distance = haversine_m(f.near[0], f.near[1], row["lat"], row["lon"])
                if distance > f.radius_m:
                    continue
            if f.open_at is not None and not open_at(row["opening_hours"], f.open_at):
                continue
            matches.append((distance, row))
        if f.near is not None:
            matches.sort(key=lambda m: m[0] or 0.0)
        page = matches[f.offset : f.offset + f.limit]
        return [place_json(row, now, distance) for distance, row in page], len(matches)

    async def _sql_page(
        self, f: PlaceFilter, where: ColumnElement[bool], now: datetime
    ) -> tuple[list[dict[str, Any]], int]:
        query = (
            select(*_COLUMNS, func.count().over().label("total"))
            .where(where)
            .order_by(places.c.sort_name, places.c.id)
            .limit(f.limit)
            .offset(f.offset)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
            if rows:
                total = int(rows[0]["total"])
            else:
                total = int(
                    (
                        await conn.execute(select(func.count()).select_from(places).where(where))
                    ).scalar_one()
                )
        return [place_json(row, now) for row in rows], total

    async def get(self, place_id: int, now: datetime) -> dict[str, Any] | None:
        """One place with its `hours` answer, or None."""
        async with self._engine.connect() as conn:
            row = (
                (await conn.execute(select(*_COLUMNS).where(places.c.id == place_id)))
                .mappings()
                .first()
            )
        if row is None:
            return None
        item = place_json(row, now)
        item["hours"] = hours_answer(row["opening_hours"], now)
        return item
