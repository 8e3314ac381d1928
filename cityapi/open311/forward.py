"""Forwarding: each new report goes on to an upstream Open311 endpoint (e.g. Klarschiff.HRO).

The report and its row in `open311_forward_queue` are committed together when it is filed, so the
queue is durable: an upstream that is down for hours only delays forwarding. A worker takes due
rows, posts each upstream and stores the upstream's id; a failure is retried with a growing pause
(up to an hour), a refusal (4xx) is kept with its reason and not retried. Rows are claimed with a
lease, so two instances of the service never post the same report at once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import aiohttp
from sqlalchemy import Connection, and_, select, update

from cityapi.db import Database
from cityapi.open311 import tables as t
from cityapi.open311.store import utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_PAUSE = timedelta(hours=1)
BATCH = 20


@dataclass(frozen=True, slots=True)
class Due:
    """A report to forward now."""

    request_id: int
    attempts: int
    form: dict[str, str]


def _form(row: Any) -> dict[str, str]:
    form = {"service_code": row.service_code}
    if row.lat is not None and row.lon is not None:
        form["lat"], form["long"] = f"{row.lat:.6f}", f"{row.lon:.6f}"
    if row.address:
        form["address_string"] = row.address
    for field, column in (
        ("description", "description"),
        ("email", "email"),
        ("first_name", "first_name"),
        ("last_name", "last_name"),
        ("phone", "phone"),
    ):
        value = getattr(row, column)
        if value:
            form[field] = value
    return form


def claim_due(conn: Connection, now: datetime, limit: int = BATCH) -> list[Due]:
    """Take up to `limit` due rows, leased for a while so no other worker takes them too."""
    q, r = t.forward_queue, t.requests
    statement = (
        select(q.c.request_id, q.c.attempts, r)
        .join(r, r.c.id == q.c.request_id)
        .where(and_(q.c.done_at.is_(None), q.c.next_attempt_at <= now))
        .order_by(q.c.next_attempt_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=q)
    rows = conn.execute(statement).all()
    if rows:
        conn.execute(
            update(q)
            .where(q.c.request_id.in_([row.request_id for row in rows]))
            .values(next_attempt_at=now + LEASE)
        )
    return [Due(row.request_id, row.attempts, _form(row)) for row in rows]


def mark_forwarded(conn: Connection, request_id: int, upstream_id: str, now: datetime) -> None:
    """The upstream took it: keep its id."""
    conn.execute(
        update(t.requests).where(t.requests.c.id == request_id).values(upstream_id=upstream_id)
    )
    conn.execute(
        update(t.forward_queue)
        .where(t.forward_queue.c.request_id == request_id)
        .values(done_at=now, last_error=None, attempts=t.forward_queue.c.attempts + 1)
    )


def mark_failed(
    conn: Connection, request_id: int, error: str, retry_at: datetime | None, now: datetime
) -> None:
    """Try again at `retry_at`; None: the upstream refused it, keep the reason and stop."""
    values: dict[str, Any] = {"last_error": error[:200], "attempts": t.forward_queue.c.attempts + 1}
    if retry_at is None:
        values["done_at"] = now
    else:
        values["next_attempt_at"] = retry_at
    conn.execute(
        update(t.forward_queue).where(t.forward_queue.c.request_id == request_id).values(**values)
    )


def pause(attempts: int, interval_s: float) -> timedelta:
    """The wait before the next try: doubling from the polling interval, at most an hour."""
    return min(timedelta(seconds=interval_s * 2 ** min(attempts, 20)), MAX_PAUSE)


class Refused(Exception):
    """The upstream answered 4xx: this report will not be taken as it is."""


class Forwarder:
    """Posts queued reports upstream until each has an upstream id."""

    def __init__(
        self,
        db: Database,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        interval_s: float,
    ):
        self._db = db
        self._session = session
        self._url = url.rstrip("/") + "/requests.json"
        self._api_key = api_key
        self._interval_s = interval_s
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A report was just filed: look at the queue now, not at the next interval."""
        self._wake.set()

    async def run(self) -> None:
        """Forward until cancelled."""
        while True:
            try:
                await self.forward_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database away: try again at the next interval
                log.warning("forwarding paused: %s", type(exc).__name__)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval_s)
            except TimeoutError:
                pass
            self._wake.clear()

    async def forward_due(self) -> int:
        """Forward what is due now; the number forwarded."""
        now = utcnow()
        due = await self._db.transaction(lambda conn: claim_due(conn, now))
        forwarded = 0
        for item in due:
            try:
                upstream_id = await self._post(item)
            except Refused as exc:
                log.warning("upstream refused report %s: %s", item.request_id, exc)
                failed = partial(mark_failed, request_id=item.request_id, error=str(exc),
                                 retry_at=None, now=utcnow())  # fmt: skip
                await self._db.transaction(failed)
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                error = type(exc).__name__
                log.info("forwarding report %s failed (%s); next try later", item.request_id, error)
                retry_at = utcnow() + pause(item.attempts, self._interval_s)
                failed = partial(mark_failed, request_id=item.request_id, error=error,
                                 retry_at=retry_at, now=utcnow())  # fmt: skip
                await self._db.transaction(failed)
            else:
                done = partial(mark_forwarded, request_id=item.request_id,
                               upstream_id=upstream_id, now=utcnow())  # fmt: skip
                await self._db.transaction(done)
                forwarded += 1
        return forwarded

    async def _post(self, item: Due) -> str:
        form = {**item.form, "api_key": self._api_key}
        headers = {"Idempotency-Key": f"smilecity-rostock-{item.request_id}"}
        async with self._session.post(
            self._url, data=form, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
        ) as response:
            if 400 <= response.status < 500:
                raise Refused(f"HTTP {response.status}")
            if response.status >= 300:
                raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
            body = await response.json(content_type=None)
        first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
        upstream = first.get("service_request_id") or (
            f"token:{first['token']}" if first.get("token") else None
        )
        if upstream is None:
            raise ValueError("the upstream answered without an id or token")
        return str(upstream)[:64]
