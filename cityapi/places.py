"""Places: queries (type, district, distance, accessibility, hours, text) and their JSON shape.

Distance search is two-phase: a bounding box on the covering index (type, lat, lon) gives candidate
ids and coordinates, the exact haversine distance filters and sorts them in Python, and only the
page's rows are then read in full. Statements are built once per combination of filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select, true

from cityapi.db import Database, PlainQuery
from cityapi.geo import bbox, within
from cityapi.hours import hours_answer, open_at
from cityapi.schema import places
from cityapi.text import search_words

_COLUMNS = [c for c in places.c if c.name not in ("search_text", "sort_name", "updated_at")]
_BY_ID = select(*_COLUMNS).where(places.c.id == bindparam("id"))
_BY_IDS: dict[int, Select[Any]] = {}
_CACHE_MAX = 50_000


def _by_ids(n: int) -> Select[Any]:
    """SELECT … WHERE id IN (:id_0, …) for n ids, built once per n."""
    if n not in _BY_IDS:
        _BY_IDS[n] = select(*_COLUMNS).where(
            places.c.id.in_([bindparam(f"id_{i}") for i in range(n)])
        )
    return _BY_IDS[n]


def _flag(value: object) -> bool | None:
    # SQLite's plain rows give 0/1 for booleans
    return None if value is None else bool(value)


def _like(word: str) -> str:
    escaped = word.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class PlaceFilter:
    """What GET /places asks for."""

    type: str | None = None
    districts: tuple[str, ...] | None = None  # one Stadtbereich, or a group's
    near: tuple[float, float] | None = None
    radius_m: int = 2000
    wheelchair: tuple[str, ...] | None = None
    tactile_paving: bool = False
    induction_loop: bool = False
    open_at: datetime | None = None
    q: str | None = None
    limit: int = 20
    offset: int = 0


def _static_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a Place that do not depend on the request."""
    return {
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
            "wheelchair_toilet": _flag(row["wheelchair_toilet"]),
            "euro_key": _flag(row["euro_key"]),
            "tactile_paving": _flag(row["tactile_paving"]),
            "induction_loop": _flag(row["induction_loop"]),
            "step_free_entrance": _flag(row["step_free_entrance"]),
            "notes": row["accessibility_notes"],
        },
    }


def _with_request_parts(
    static: dict[str, Any], now: datetime, distance_m: float | None
) -> dict[str, Any]:
    item = dict(static)  # nested objects are shared and never changed
    if distance_m is not None:
        item["distance_m"] = round(distance_m, 1)
    item["open_now"] = open_at(static["opening_hours"], now)
    return item


def place_json(
    row: Mapping[str, Any], now: datetime, distance_m: float | None = None
) -> dict[str, Any]:
    """A database row as the contract's Place."""
    return _with_request_parts(_static_json(row), now, distance_m)


def _shape(f: PlaceFilter) -> tuple[Any, ...]:
    """Which filters are present (not their values): the key of a prepared statement."""
    return (
        f.type is not None,
        f.near is not None,
        len(f.districts or ()),
        len(f.wheelchair or ()),
        f.tactile_paving,
        f.induction_loop,
        len(search_words(f.q or "")),
    )


def _params(f: PlaceFilter) -> dict[str, Any]:
    params: dict[str, Any] = {"type": f.type}
    for i, district in enumerate(f.districts or ()):
        params[f"district_{i}"] = district
    if f.near is not None:
        params["min_lat"], params["max_lat"], params["min_lon"], params["max_lon"] = bbox(
            f.near[0], f.near[1], f.radius_m
        )
    for i, value in enumerate(f.wheelchair or ()):
        params[f"wheelchair_{i}"] = value
    for i, word in enumerate(search_words(f.q or "")):
        params[f"word_{i}"] = _like(word)
    return params


def _where(shape: tuple[Any, ...]) -> ColumnElement[bool]:
    has_type, near, n_districts, n_wheelchair, tactile, induction, n_words = shape
    c = places.c
    conds: list[ColumnElement[bool]] = []
    if has_type:
        conds.append(c.type == bindparam("type"))
    if near:
        conds += [
            c.lat.between(bindparam("min_lat"), bindparam("max_lat")),
            c.lon.between(bindparam("min_lon"), bindparam("max_lon")),
        ]
    if n_districts:
        conds.append(c.district.in_([bindparam(f"district_{i}") for i in range(n_districts)]))
    if n_wheelchair:
        conds.append(c.wheelchair.in_([bindparam(f"wheelchair_{i}") for i in range(n_wheelchair)]))
    if tactile:
        conds.append(c.tactile_paving == True)  # noqa: E712  (SQL, not Python)
    if induction:
        conds.append(c.induction_loop == True)  # noqa: E712
    for i in range(n_words):
        # search_text is folded at import; the words are folded the same way
        conds.append(c.search_text.like(bindparam(f"word_{i}"), escape="/"))
    return and_(true(), *conds)


class PlaceStore:
    """Reads places from the database."""

    def __init__(self, db: Database):
        self._db = db
        self._candidates: dict[tuple[Any, ...], Select[Any]] = {}
        self._pages: dict[tuple[Any, ...], Select[Any]] = {}
        self._counts: dict[tuple[Any, ...], Select[Any]] = {}
        # Place JSON by id, for SQLite only: dropped whenever another connection (an import)
        # commits, which `PRAGMA data_version` tells us for the price of one tiny query.
        self._static: dict[int, dict[str, Any]] = {}
        self._marker: int | None = None

    async def _statics(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        marker = await self._db.change_marker()
        if marker is None or marker != self._marker or len(self._static) > _CACHE_MAX:
            self._static.clear()
            self._marker = marker
        missing = [i for i in ids if i not in self._static]
        if missing:
            params = {f"id_{n}": i for n, i in enumerate(missing)}
            for row in await self._db.fetch_plain(_by_ids(len(missing)), params):
                self._static[row["id"]] = _static_json(row)
        found = {i: self._static[i] for i in ids if i in self._static}
        if marker is None:
            self._static.clear()  # nothing tells us when PostgreSQL changes: keep nothing
        return found

    def _candidate_query(self, shape: tuple[Any, ...], with_hours: bool) -> Select[Any]:
        # Without an hours filter only id, lat and lon are read: the covering index answers alone.
        key = (*shape, with_hours)
        if key not in self._candidates:
            c = places.c
            columns = [c.id, c.lat, c.lon, *([c.opening_hours] if with_hours else [])]
            query = select(*columns).where(_where(shape))
            if not shape[1]:  # no distance to sort by: keep the name order
                query = query.order_by(c.sort_name, c.id)
            self._candidates[key] = query
        return self._candidates[key]

    def _page_query(self, shape: tuple[Any, ...]) -> Select[Any]:
        if shape not in self._pages:
            self._pages[shape] = (
                select(*_COLUMNS, func.count().over().label("total"))
                .where(_where(shape))
                .order_by(places.c.sort_name, places.c.id)
                .limit(bindparam("limit"))
                .offset(bindparam("offset"))
            )
            self._counts[shape] = (
                select(func.count().label("n")).select_from(places).where(_where(shape))
            )
        return self._pages[shape]

    async def search(self, f: PlaceFilter, now: datetime) -> tuple[list[dict[str, Any]], int]:
        """The page of places matching the filter, and how many match in all.

        How heavy a search is depends on how many rows its filters leave (a `near` or `open_at`
        without `type` reads the whole city), so the database runs each kind of search where
        its CPU time says it belongs: in the event loop, or in the worker pool (`run_plain`).
        """
        shape = _shape(f)
        params = _params(f)
        if f.near is None and f.open_at is None:
            page_query, count_query = self._page_query(shape), self._counts[shape]
            page_params = {**params, "limit": f.limit, "offset": f.offset}

            def first_page(query: PlainQuery) -> tuple[list[dict[str, Any]], int]:
                rows = query(page_query, page_params)
                if rows:
                    return [place_json(row, now) for row in rows], int(rows[0]["total"])
                return [], int(query(count_query, params)[0]["n"])

            return await self._db.run_plain(("places", shape), first_page)
        with_hours = f.open_at is not None
        candidate_query = self._candidate_query(shape, with_hours)

        def matching(query: PlainQuery) -> list[tuple[float | None, int]]:
            candidates = query(candidate_query, params)
            if f.near is not None:
                points = [(row["lat"], row["lon"]) for row in candidates]
                distances = within(f.near[0], f.near[1], f.radius_m, points)
            else:
                distances = [None] * len(candidates)
            matches: list[tuple[float | None, int]] = []
            for row, distance in zip(candidates, distances, strict=True):
                if f.near is not None and distance is None:
                    continue
                if f.open_at is not None and not open_at(row["opening_hours"], f.open_at):
                    continue
                matches.append((distance, row["id"]))
            if f.near is not None:
                matches.sort(key=lambda m: (m[0] or 0.0, m[1]))
            return matches

        # the radius changes how many candidates the box holds: it is part of the kind
        kind = ("places", shape, with_hours, f.radius_m.bit_length() if f.near else 0)
        matches = await self._db.run_plain(kind, matching)
        page = matches[f.offset : f.offset + f.limit]
        if not page:
            return [], len(matches)
        statics = await self._statics([i for _, i in page])
        items = [
            _with_request_parts(statics[i], now, distance) for distance, i in page if i in statics
        ]
        return items, len(matches)

    async def get(self, place_id: int, now: datetime) -> dict[str, Any] | None:
        """One place with its `hours` answer, or None."""
        rows = await self._db.fetch_plain(_BY_ID, {"id": place_id})
        if not rows:
            return None
        item = place_json(rows[0], now)
        item["hours"] = hours_answer(rows[0]["opening_hours"], now)
        return item
