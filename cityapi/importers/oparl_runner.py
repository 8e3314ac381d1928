"""Runs an OParl import: walk the system, then write councils and meetings in one transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, delete, select
from sqlalchemy.pool import NullPool

from cityapi.districts import DistrictRegistry
from cityapi.importers.council_areas import CouncilAreas
from cityapi.importers.council_writer import write_councils, write_meetings
from cityapi.importers.oparl import HttpSource, OParlSource, Walker
from cityapi.importers.oparl_sample import SAMPLE_FILE, SampleOParl, SampleSource
from cityapi.importers.records import ImportReport
from cityapi.schema import oparl_imports
from cityapi.settings import sync_url

AREAS_FILE = Path("councils") / "ortsbeiraete_hro.csv"
SAMPLE_SOURCE = "sample:oparl"
# `modified_since` reaches back a little before the last run: clocks of two servers differ.
OVERLAP = timedelta(minutes=10)
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=60, connect=10)


def load_areas(data_dir: Path, districts: DistrictRegistry) -> CouncilAreas:
    """The Ortsbeirat areas shipped under data/councils/."""
    return CouncilAreas.load(data_dir / AREAS_FILE, districts)


async def import_oparl(
    database_url: str,
    source: OParlSource,
    system_url: str,
    areas: CouncilAreas,
    *,
    source_name: str | None = None,
    full: bool = False,
) -> list[ImportReport]:
    """Import one OParl system; only changes since the last run unless `full` or the first run.

    A full walk also removes what the source no longer lists, unless a page of that list failed.
    """
    name = source_name or f"oparl:{system_url}"
    engine = create_engine(sync_url(database_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            last = conn.execute(
                select(oparl_imports.c.started_at).where(oparl_imports.c.source == name)
            ).scalar_one_or_none()
        since = None if full or last is None else last - OVERLAP
        started = datetime.now(UTC)
        reports = (ImportReport(f"{name} councils"), ImportReport(f"{name} meetings"))
        harvest = await Walker(source, areas, *reports).walk(system_url, since)
        with engine.begin() as conn:
            write_councils(conn, harvest, name, since is None, reports[0])
            write_meetings(conn, harvest, name, since is None, reports[1])
            conn.execute(delete(oparl_imports).where(oparl_imports.c.source == name))
            conn.execute(oparl_imports.insert().values(source=name, started_at=started))
    finally:
        engine.dispose()
    return list(reports)


async def import_oparl_http(
    database_url: str, system_url: str, areas: CouncilAreas, *, full: bool = False
) -> list[ImportReport]:
    """Import an OParl system over HTTP."""
    headers = {"User-Agent": "smilecity-rostock-cityapi (OParl importer)"}
    async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT, headers=headers) as session:
        return await import_oparl(database_url, HttpSource(session), system_url, areas, full=full)


def import_oparl_sample(
    database_url: str, data_dir: Path, districts: DistrictRegistry, today: date
) -> list[ImportReport]:
    """Load the OParl sample, its meetings moved to lie around `today` (always a full import)."""
    sample = SampleOParl.load(data_dir / "sample" / SAMPLE_FILE, today)
    return asyncio.run(
        import_oparl(
            database_url,
            SampleSource(sample),
            sample.system_url,
            load_areas(data_dir, districts),
            source_name=SAMPLE_SOURCE,
            full=True,
        )
    )
