"""Runs an import: reads a file with the right reader and writes it in one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from cityapi.districts import DistrictRegistry
from cityapi.hours import BERLIN
from cityapi.importers.ical import LOOK_AHEAD, LOOK_BACK, read_ical
from cityapi.importers.jsonld import read_jsonld
from cityapi.importers.opendata_hro import read_geojson, read_toiletten_csv
from cityapi.importers.records import EventRecord, ImportFileError, ImportReport, RowError
from cityapi.importers.writer import write_events, write_places
from cityapi.schema import PLACE_TYPES
from cityapi.settings import sync_url

KINDS = ("toiletten", "geojson", "ical", "jsonld")
DEFAULT_SOURCES = {
    "toiletten": "opendata-hro:toiletten",
    "geojson": "opendata-hro:{type}",
    "ical": "ical:{stem}",
    "jsonld": "jsonld:{stem}",
}


def _shift(
    parsed: Iterator[tuple[str, EventRecord | RowError]], days: int
) -> Iterator[tuple[str, EventRecord | RowError]]:
    """Move events by whole days, keeping their wall-clock time in Rostock (DST-safe)."""
    for where, item in parsed:
        if isinstance(item, EventRecord) and days:

            def move(moment: datetime) -> datetime:
                local = moment.astimezone(BERLIN)
                return datetime.combine(local.date() + timedelta(days=days), local.time(), BERLIN)

            item = replace(item, start=move(item.start), end=move(item.end) if item.end else None)
        yield where, item


def run_import(
    database_url: str,
    kind: str,
    path: Path,
    districts: DistrictRegistry,
    *,
    source: str | None = None,
    place_type: str | None = None,
    shift_days: int = 0,
) -> ImportReport:
    """Import one file; raises ImportFileError when the file as a whole is unusable."""
    if kind not in KINDS:
        raise ImportFileError(f"unknown import kind '{kind}'; use one of {', '.join(KINDS)}")
    if kind == "geojson" and place_type not in PLACE_TYPES:
        raise ImportFileError(f"GeoJSON needs --type, one of {', '.join(PLACE_TYPES)}")
    if not path.is_file():
        raise ImportFileError(f"{path} does not exist")
    source = source or DEFAULT_SOURCES[kind].format(type=place_type, stem=path.stem)
    report = ImportReport(source)
    engine = create_engine(sync_url(database_url), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            if kind == "toiletten":
                write_places(conn, read_toiletten_csv(path, source), districts, report)
            elif kind == "geojson":
                assert place_type is not None
                write_places(conn, read_geojson(path, place_type, source), districts, report)
            elif kind == "ical":
                # a shifted feed is expanded around the day it will be moved to
                now = datetime.now(BERLIN) - timedelta(days=shift_days)
                window = (now - LOOK_BACK, now + LOOK_AHEAD)
                parsed = _shift(read_ical(path, source, window), shift_days)
                write_events(conn, parsed, districts, report)
            else:
                write_events(conn, _shift(read_jsonld(path, source), shift_days), districts, report)
    finally:
        engine.dispose()
    return report


def import_sample(
    database_url: str, data_dir: Path, districts: DistrictRegistry, today: date
) -> list[ImportReport]:
    """Load the shipped sample (data/sample/manifest.json), events moved to start around `today`."""
    sample_dir = data_dir / "sample"
    manifest = json.loads((sample_dir / "manifest.json").read_text(encoding="utf-8"))
    # Whole weeks, so that a Sunday tour stays on a Sunday: the anchor (a Monday) moves to the
    # Monday of this week, and the sample's three weeks of events cover today, this weekend and
    # next week whatever the weekday.
    shift = (today - date.fromisoformat(manifest["anchor_date"])).days // 7 * 7
    reports = []
    for entry in manifest["files"]:
        if entry["kind"] == "oparl":
            from cityapi.importers.oparl_runner import import_oparl_sample

            reports.extend(import_oparl_sample(database_url, data_dir, districts, today))
            continue
        reports.append(
            run_import(
                database_url,
                entry["kind"],
                sample_dir / entry["file"],
                districts,
                source=entry["source"],
                place_type=entry.get("type"),
                shift_days=shift if entry["kind"] in ("ical", "jsonld") else 0,
            )
        )
    return reports
