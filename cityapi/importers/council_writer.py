"""Writes councils and meetings from an OParl walk: upsert by OParl id, removal of deleted ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from cityapi.importers.oparl_records import CouncilRecord, Harvest, MeetingRecord
from cityapi.importers.records import ImportReport
from cityapi.importers.writer import differs
from cityapi.schema import agenda_items, councils, meetings
from cityapi.text import fold


def _council_values(record: CouncilRecord, source: str) -> dict[str, Any]:
    values = asdict(record)
    values["districts"] = ";".join(record.districts)
    values["ortsteile"] = ";".join(record.ortsteile)
    values["source"] = source
    return values


def _remove_meetings(conn: Connection, ids: Iterable[int]) -> int:
    # explicit, not ON DELETE CASCADE: the importer's SQLite connections run without foreign keys
    chosen = list(ids)
    for start in range(0, len(chosen), 500):
        chunk = chosen[start : start + 500]
        conn.execute(delete(agenda_items).where(agenda_items.c.meeting_id.in_(chunk)))
        conn.execute(delete(meetings).where(meetings.c.id.in_(chunk)))
    return len(chosen)


def _gone(existing: dict[str, Any], harvest: Harvest, source: str, unlisted_too: bool) -> list[int]:
    """Rows the source deleted, and (after a complete full walk) those it no longer lists."""
    return [
        row["id"]
        for oparl_id, row in existing.items()
        if oparl_id in harvest.deleted
        or (unlisted_too and row["source"] == source and oparl_id not in harvest.listed)
    ]


def write_councils(
    conn: Connection, harvest: Harvest, source: str, full: bool, report: ImportReport
) -> None:
    """Upsert the councils; remove those marked deleted, and in a full walk those not listed."""
    now = datetime.now(UTC)
    existing = {r["oparl_id"]: r for r in conn.execute(select(councils)).mappings()}
    seen: set[str] = set()
    for record in harvest.councils:
        if record.oparl_id in seen:
            continue  # pages shifted under the walk; the first copy counts
        seen.add(record.oparl_id)
        values = _council_values(record, source)
        old = existing.get(record.oparl_id)
        if old is None:
            conn.execute(councils.insert().values(**values, updated_at=now))
            report.created += 1
        elif any(differs(old[k], values[k]) for k in values):
            conn.execute(
                councils.update().where(councils.c.id == old["id"]).values(**values, updated_at=now)
            )
            report.updated += 1
        else:
            report.unchanged += 1
    gone = _gone(existing, harvest, source, full and harvest.councils_complete)
    if gone:
        held = conn.execute(select(meetings.c.id).where(meetings.c.council_id.in_(gone)))
        _remove_meetings(conn, [row.id for row in held])
        conn.execute(delete(councils).where(councils.c.id.in_(gone)))
        report.removed += len(gone)


def _meeting_values(
    record: MeetingRecord, council_id: int, council_name: str, source: str
) -> dict[str, Any]:
    values = asdict(record)
    values.pop("organizations")
    values.pop("agenda")
    values["start_at"], values["end_at"] = values.pop("start"), values.pop("end")
    values["name"] = record.name or f"Sitzung: {council_name}"
    values["council_id"] = council_id
    values["source"] = source
    values["search_text"] = fold(" ".join([values["name"], *(i.title for i in record.agenda)]))
    return values


def _agenda_rows(record: MeetingRecord) -> list[tuple[Any, ...]]:
    return [(i.number, i.title, i.public, i.position, i.oparl_id) for i in record.agenda]


def write_meetings(
    conn: Connection, harvest: Harvest, source: str, full: bool, report: ImportReport
) -> None:
    """Upsert meetings and their agendas; remove deleted ones, and in a full walk unlisted ones."""
    now = datetime.now(UTC)
    council_by_oparl = {
        row.oparl_id: (row.id, row.name)
        for row in conn.execute(select(councils.c.id, councils.c.oparl_id, councils.c.name))
    }
    existing = {r["oparl_id"]: r for r in conn.execute(select(meetings)).mappings()}
    agendas: dict[int, list[tuple[Any, ...]]] = {}
    for row in conn.execute(
        select(
            agenda_items.c.meeting_id,
            agenda_items.c.number,
            agenda_items.c.title,
            agenda_items.c.public,
            agenda_items.c.position,
            agenda_items.c.oparl_id,
        ).order_by(agenda_items.c.meeting_id, agenda_items.c.position, agenda_items.c.id)
    ):
        agendas.setdefault(row.meeting_id, []).append(tuple(row)[1:])
    seen: set[str] = set()
    for record in harvest.meetings:
        if record.oparl_id in seen:
            continue
        seen.add(record.oparl_id)
        known = [council_by_oparl[o] for o in record.organizations if o in council_by_oparl]
        council = known[0] if known else None
        if council is None:
            report.skip(f"meeting {record.oparl_id}", "none of its organizations is a council")
            continue
        values = _meeting_values(record, council[0], council[1], source)
        rows = _agenda_rows(record)
        old = existing.get(record.oparl_id)
        if old is None:
            result = conn.execute(meetings.insert().values(**values, updated_at=now))
            inserted = result.inserted_primary_key
            assert inserted is not None
            meeting_id = int(inserted[0])
            report.created += 1
        elif any(differs(old[k], values[k]) for k in values) or agendas.get(old["id"], []) != rows:
            meeting_id = old["id"]
            conn.execute(
                meetings.update()
                .where(meetings.c.id == meeting_id)
                .values(**values, updated_at=now)
            )
            conn.execute(delete(agenda_items).where(agenda_items.c.meeting_id == meeting_id))
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        if rows:
            conn.execute(
                agenda_items.insert(),
                [
                    {
                        "meeting_id": meeting_id,
                        "number": number,
                        "title": title,
                        "public": public,
                        "position": position,
                        "oparl_id": oparl_id,
                    }
                    for number, title, public, position, oparl_id in rows
                ],
            )
    gone = _gone(existing, harvest, source, full and harvest.meetings_complete)
    report.removed += _remove_meetings(conn, gone)
