"""Writes imported records: upsert by (source, source_id); a second import changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, func, select

from cityapi.districts import DistrictRegistry
from cityapi.importers.records import EventRecord, ImportReport, PlaceRecord, RowError
from cityapi.schema import EVENT_CATEGORIES, PLACE_TYPES, WHEELCHAIR_VALUES, events, places
from cityapi.text import fold

Record = TypeVar("Record", PlaceRecord, EventRecord)


def _place_values(record: PlaceRecord, districts: DistrictRegistry) -> dict[str, Any]:
    if record.type not in PLACE_TYPES:
        raise RowError(f"place type '{record.type}' is unknown")
    if record.wheelchair not in WHEELCHAIR_VALUES:
        raise RowError(
            f"wheelchair '{record.wheelchair}' is not one of {', '.join(WHEELCHAIR_VALUES)}"
        )
    found = districts.locate(record.lat, record.lon)
    if found is None:
        raise RowError(f"coordinates {record.lat}, {record.lon} are outside Rostock's districts")
    values = asdict(record)
    # The polygon decides: published gemeindeteil names are sometimes stale or abbreviated.
    values["district"], values["ortsteil"] = found.district, found.ortsteil
    values["sort_name"] = fold(record.name)[:300]
    values["search_text"] = fold(
        " ".join(
            p
            for p in (
                record.name,
                record.address,
                record.description,
                found.district,
                found.ortsteil,
            )
            if p
        )
    )
    return values


def _event_values(
    record: EventRecord, districts: DistrictRegistry, place_index: dict[str, tuple[int, str | None]]
) -> dict[str, Any]:
    if record.category not in EVENT_CATEGORIES:
        raise RowError(f"category '{record.category}' is unknown")
    values = asdict(record)
    values["start_at"], values["end_at"] = values.pop("start"), values.pop("end")
    place = place_index.get(fold(record.location_name or ""))
    values["place_id"] = place[0] if place else None
    district = None
    if record.district:
        district = districts.normalise(record.district)
        if district is None:
            raise RowError(f"district '{record.district}' is unknown")
    elif record.lat is not None and record.lon is not None:
        found = districts.locate(record.lat, record.lon)
        district = found.district if found else None
    elif place:
        district = place[1]
    values["district"] = district
    values["search_text"] = fold(
        " ".join(
            p
            for p in (
                record.name,
                record.location_name,
                record.address,
                record.description,
                district,
            )
            if p
        )
    )
    return values


def _upsert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], report: ImportReport
) -> None:
    if not rows:
        return
    source = rows[0]["source"]
    compared = [k for k in rows[0] if k not in ("source", "source_id")]
    existing = {
        r["source_id"]: r
        for r in conn.execute(
            select(table.c.id, table.c.source_id, *[table.c[k] for k in compared]).where(
                table.c.source == source
            )
        ).mappings()
    }
    now = datetime.now(UTC)
    inserts: list[dict[str, Any]] = []
    for row in rows:
        old = existing.get(row["source_id"])
        if old is None:
            inserts.append({**row, "updated_at": now})
            report.created += 1
        elif any(differs(old[k], row[k]) for k in compared):
            conn.execute(
                table.update().where(table.c.id == old["id"]).values(**row, updated_at=now)
            )
            report.updated += 1
        else:
            report.unchanged += 1
    if inserts:
        conn.execute(table.insert(), inserts)


def differs(old: object, new: object) -> bool:
    """Whether a stored value and a newly read one differ (floats and times compared as values)."""
    if isinstance(old, float) and isinstance(new, float):
        return abs(old - new) > 1e-9
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old != new.astimezone(UTC)
    return old != new


def _dedupe(
    rows: list[dict[str, Any]], labels: list[str], report: ImportReport
) -> list[dict[str, Any]]:
    seen: set[str] = set()
    kept = []
    for row, label in zip(rows, labels, strict=True):
        if row["source_id"] in seen:
            report.skip(label, f"id '{row['source_id']}' appears twice in the file")
            continue
        seen.add(row["source_id"])
        kept.append(row)
    return kept


def _valid_rows(
    parsed: Iterable[tuple[str, Record | RowError]],
    to_values: Callable[[Record], dict[str, Any]],
    report: ImportReport,
) -> list[dict[str, Any]]:
    """The table rows of the good records, each id once; bad ones are counted and skipped."""
    rows, labels = [], []
    for where, item in parsed:
        report.read += 1
        try:
            if isinstance(item, RowError):
                raise item
            rows.append(to_values(item))
            labels.append(where)
        except RowError as exc:
            report.skip(where, str(exc))
    return _dedupe(rows, labels, report)


def write_places(
    conn: Connection,
    parsed: Iterable[tuple[str, PlaceRecord | RowError]],
    districts: DistrictRegistry,
    report: ImportReport,
) -> None:
    """Validate, locate and upsert places; bad rows are counted in the report and skipped."""
    rows = _valid_rows(parsed, lambda item: _place_values(item, districts), report)
    _upsert(conn, places, rows, report)


def place_index(conn: Connection) -> dict[str, tuple[int, str | None]]:
    """Places by folded name, for linking events to the place they happen at."""
    index: dict[str, tuple[int, str | None]] = {}
    for row in conn.execute(
        select(places.c.id, places.c.name, places.c.district).order_by(places.c.id)
    ):
        index.setdefault(fold(row.name), (row.id, row.district))
    return index


def write_events(
    conn: Connection,
    parsed: Iterable[tuple[str, EventRecord | RowError]],
    districts: DistrictRegistry,
    report: ImportReport,
) -> None:
    """Validate, place and upsert events; bad entries are counted in the report and skipped."""
    index = place_index(conn)
    rows = _valid_rows(parsed, lambda item: _event_values(item, districts, index), report)
    _upsert(conn, events, rows, report)


def count(conn: Connection, table: Table) -> int:
    """Rows in a table."""
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
