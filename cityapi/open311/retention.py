"""Retention of personal data in reports: kept only as long as the report needs it.

Contact data (e-mail, names, phone, device id) of a closed report is removed after
CITYAPI_CONTACT_RETENTION_DAYS (default 90): the city may need to ask back while it works on it, not
after. Photos uploaded but never attached to a report are deleted after a day. The job runs at start
and then every few hours; `purge` takes the time as an argument, so tests move the clock.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, delete, select, update

from cityapi.db import Database
from cityapi.open311 import tables as t
from cityapi.open311.store import utcnow

log = logging.getLogger(__name__)

UPLOAD_LIFETIME = timedelta(days=1)
INTERVAL_S = 6 * 3600


@dataclass(frozen=True, slots=True)
class Purged:
    """What one run removed."""

    contacts: int
    uploads: list[str]


def purge(conn: Connection, now: datetime, contact_days: int) -> Purged:
    """Remove contact data of reports closed long enough ago and stale uploads' rows."""
    r = t.requests
    closed_before = now - timedelta(days=contact_days)
    has_contact = (
        r.c.email.is_not(None)
        | r.c.first_name.is_not(None)
        | r.c.last_name.is_not(None)
        | r.c.phone.is_not(None)
        | r.c.device_id.is_not(None)
    )
    result = conn.execute(
        update(r)
        .where(r.c.closed_at.is_not(None), r.c.closed_at < closed_before, has_contact)
        .values(email=None, first_name=None, last_name=None, phone=None, device_id=None)
    )
    stale = [
        row.name
        for row in conn.execute(
            select(t.uploads.c.name).where(t.uploads.c.created_at < now - UPLOAD_LIFETIME)
        )
    ]
    if stale:
        conn.execute(delete(t.uploads).where(t.uploads.c.name.in_(stale)))
    return Purged(int(result.rowcount or 0), stale)


async def run_once(db: Database, media_dir: Path, contact_days: int, now: datetime) -> Purged:
    """One run: the rows in a transaction, then the stale files."""
    purged = await db.transaction(lambda conn: purge(conn, now, contact_days))
    for name in purged.uploads:
        await asyncio.to_thread((media_dir / name).unlink, missing_ok=True)
    if purged.contacts or purged.uploads:
        log.info(
            "retention: contact data of %d closed reports and %d unattached photos removed",
            purged.contacts,
            len(purged.uploads),
        )
    return purged


async def run_forever(db: Database, media_dir: Path, contact_days: int) -> None:
    """Run at start and then every few hours, until cancelled."""
    while True:
        try:
            await run_once(db, media_dir, contact_days, utcnow())
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database away: next time
            log.warning("retention run failed: %s", type(exc).__name__)
        await asyncio.sleep(INTERVAL_S)
