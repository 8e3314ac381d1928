"""Reports and ideas in the database: filing, reading, votes and status changes.

Every function takes a Connection inside a transaction (`Database.transaction`); a report, its first
status and its place in the forwarding queue are committed together, before anyone is told.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from cityapi.open311 import tables as t

RECEIVED, IN_PROCESS, PROCESSED, REJECTED = "RECEIVED", "IN_PROCESS", "PROCESSED", "REJECTED"
DETAILED_STATUSES = (RECEIVED, IN_PROCESS, PROCESSED, REJECTED)
OPEN_STATUSES = (RECEIVED, IN_PROCESS)
REJECT_REASONS = ("duplicate", "not_solvable", "not_responsible")
# Allowed moves: received → in process → processed, or rejected from any open state; a closed
# report can be reopened (set in process again) when a citizen says it is not fixed after all.
TRANSITIONS = {
    RECEIVED: (IN_PROCESS, PROCESSED, REJECTED),
    IN_PROCESS: (PROCESSED, REJECTED),
    PROCESSED: (IN_PROCESS,),
    REJECTED: (IN_PROCESS,),
}


def open_or_closed(detailed_status: str) -> str:
    """The Open311 status of a detailed status."""
    return "open" if detailed_status in OPEN_STATUSES else "closed"


@dataclass(frozen=True, slots=True)
class NewRequest:
    """What a POST requests.json carries, already checked."""

    service_code: str
    description: str
    attributes: dict[str, Any]
    lat: float | None
    lon: float | None
    address: str | None
    district: str | None
    ortsteil: str | None
    council: str | None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    account_id: str | None = None
    device_id: str | None = None
    idempotency_key: str | None = None
    photos: Sequence[tuple[str, str, int]] = ()  # (file name, content type, size)
    attach: Sequence[str] = ()  # names of photos uploaded before (media_id)
    forward: bool = False


class UnknownUpload(Exception):
    """A media_id that names no uploaded photo (or one already attached)."""


@dataclass(frozen=True, slots=True)
class Filed:
    """A filed report: its id and token, and whether this POST repeated an earlier one."""

    id: int
    token: str
    repeated: bool


def file_request(conn: Connection, new: NewRequest, now: datetime) -> Filed:
    """Store a new report with its first status; a repeated idempotency key returns the first."""
    if new.idempotency_key is not None:
        earlier = conn.execute(
            select(t.requests.c.id, t.requests.c.token).where(
                t.requests.c.idempotency_key == new.idempotency_key
            )
        ).first()
        if earlier is not None:
            return Filed(earlier.id, earlier.token, repeated=True)
    token = str(uuid.uuid4())
    request_id = conn.execute(
        insert(t.requests)
        .values(
            token=token,
            service_code=new.service_code,
            description=new.description,
            attributes=json.dumps(new.attributes, ensure_ascii=False),
            lat=new.lat,
            lon=new.lon,
            address=new.address,
            district=new.district,
            ortsteil=new.ortsteil,
            council=new.council,
            detailed_status=RECEIVED,
            requested_at=now,
            updated_at=now,
            email=new.email,
            first_name=new.first_name,
            last_name=new.last_name,
            phone=new.phone,
            account_id=new.account_id,
            device_id=new.device_id,
            idempotency_key=new.idempotency_key,
            votes=0,
        )
        .returning(t.requests.c.id)
    ).scalar_one()
    conn.execute(
        insert(t.status_history).values(
            request_id=request_id, detailed_status=RECEIVED, changed_at=now, changed_by=None
        )
    )
    photos = list(new.photos)
    for name in new.attach:
        upload = conn.execute(select(t.uploads).where(t.uploads.c.name == name)).first()
        if upload is None:
            raise UnknownUpload(name)
        conn.execute(delete(t.uploads).where(t.uploads.c.name == name))
        photos.append((upload.name, upload.content_type, upload.size))
    for name, content_type, size in photos:
        conn.execute(
            insert(t.media).values(
                request_id=request_id,
                name=name,
                content_type=content_type,
                size=size,
                created_at=now,
            )
        )
    if new.forward:
        conn.execute(insert(t.forward_queue).values(request_id=request_id, next_attempt_at=now))
    return Filed(request_id, token, repeated=False)


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """GET requests.json: the specification's filters and Klarschiff's extensions."""

    ids: tuple[int, ...] | None = None
    service_codes: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None  # open | closed
    detailed_statuses: tuple[str, ...] | None = None
    start: datetime | None = None
    end: datetime | None = None
    updated_after: datetime | None = None
    near: tuple[float, float] | None = None
    radius_m: int = 100
    account_id: str | None = None
    keyword_codes: tuple[str, ...] | None = None
    limit: int = 1000
    order_by_distance: bool = field(default=False)


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # equirectangular: exact enough for the few hundred metres a nearby search covers
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)


def find_requests(conn: Connection, f: RequestFilter) -> list[dict[str, Any]]:
    """Reports matching the filter, newest first (nearest first when a point is given)."""
    r = t.requests
    where: list[Any] = []
    if f.ids is not None:
        where.append(r.c.id.in_(f.ids))
    else:
        if f.service_codes:
            where.append(r.c.service_code.in_(f.service_codes))
        if f.keyword_codes is not None:
            where.append(r.c.service_code.in_(f.keyword_codes))
        detailed: set[str] = set(DETAILED_STATUSES)
        if f.statuses:
            detailed = {s for s in DETAILED_STATUSES if open_or_closed(s) in f.statuses}
        if f.detailed_statuses:
            detailed &= set(f.detailed_statuses)
        if detailed != set(DETAILED_STATUSES):
            where.append(r.c.detailed_status.in_(sorted(detailed)))
        if f.start is not None:
            where.append(r.c.requested_at >= f.start)
        if f.end is not None:
            where.append(r.c.requested_at <= f.end)
        if f.updated_after is not None:
            where.append(r.c.updated_at > f.updated_after)
        if f.account_id is not None:
            where.append(r.c.account_id == f.account_id)
        if f.near is not None:
            lat, lon = f.near
            dlat = f.radius_m / 111_000
            dlon = f.radius_m / (111_000 * math.cos(math.radians(lat)))
            where.append(r.c.lat.between(lat - dlat, lat + dlat))
            where.append(r.c.lon.between(lon - dlon, lon + dlon))
    rows = (
        conn.execute(
            select(r)
            .where(*where)
            .order_by(r.c.requested_at.desc(), r.c.id.desc())
            .limit(f.limit if f.near is None else 10_000)
        )
        .mappings()
        .all()
    )
    found = [dict(row) for row in rows]
    if f.near is not None and f.ids is None:
        lat, lon = f.near
        found = [
            {**row, "distance_m": _distance_m(lat, lon, row["lat"], row["lon"])}
            for row in found
            if row["lat"] is not None
        ]
        found = [row for row in found if row["distance_m"] <= f.radius_m]
        found.sort(key=lambda row: row["distance_m"])
        found = found[: f.limit]
    return _with_media(conn, found)


def _with_media(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        return rows
    names: dict[int, list[str]] = {}
    for media_row in conn.execute(
        select(t.media.c.request_id, t.media.c.name)
        .where(t.media.c.request_id.in_([row["id"] for row in rows]))
        .order_by(t.media.c.id)
    ):
        names.setdefault(media_row.request_id, []).append(media_row.name)
    for row in rows:
        row["media"] = names.get(row["id"], [])
    return rows


def request_by_token(conn: Connection, token: str) -> int | None:
    """The id of the report a POST answered with this token."""
    return conn.execute(
        select(t.requests.c.id).where(t.requests.c.token == token)
    ).scalar_one_or_none()


class VoteError(Exception):
    """A vote that cannot be counted (unknown or closed report)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def add_vote(conn: Connection, request_id: int, account_id: str, now: datetime) -> tuple[int, bool]:
    """Support an open report; (votes now, whether this vote was new). One vote per account."""
    row = conn.execute(
        select(t.requests.c.detailed_status).where(t.requests.c.id == request_id)
    ).first()
    if row is None:
        raise VoteError(404, f"There is no service request with id {request_id}.")
    if row.detailed_status not in OPEN_STATUSES:
        raise VoteError(400, "This service request is closed and takes no more votes.")
    try:
        with conn.begin_nested():
            conn.execute(
                insert(t.votes).values(request_id=request_id, account_id=account_id, created_at=now)
            )
    except IntegrityError:
        new = False
    else:
        new = True
        conn.execute(
            update(t.requests)
            .where(t.requests.c.id == request_id)
            .values(votes=t.requests.c.votes + 1)
        )
    votes = conn.execute(
        select(t.requests.c.votes).where(t.requests.c.id == request_id)
    ).scalar_one()
    return int(votes), new


class StatusError(Exception):
    """A status change that is not allowed."""

    def __init__(self, status: int, message: str, parameter: str | None):
        super().__init__(message)
        self.status = status
        self.parameter = parameter


def change_status(
    conn: Connection,
    request_id: int,
    detailed_status: str,
    note: str | None,
    reason: str | None,
    by: str | None,
    now: datetime,
) -> int:
    """Move a report to a new status with a public note; the change is kept in the history."""
    row = conn.execute(
        select(t.requests.c.detailed_status).where(t.requests.c.id == request_id)
    ).first()
    if row is None:
        raise StatusError(404, f"There is no report with id {request_id}.", "id")
    if detailed_status not in TRANSITIONS[row.detailed_status]:
        raise StatusError(
            409,
            f"A report in status {row.detailed_status} cannot move to {detailed_status}.",
            "status",
        )
    closed = open_or_closed(detailed_status) == "closed"
    conn.execute(
        update(t.requests)
        .where(t.requests.c.id == request_id)
        .values(
            detailed_status=detailed_status,
            status_notes=note,
            reason=reason if detailed_status == REJECTED else None,
            updated_at=now,
            closed_at=now if closed else None,
        )
    )
    return int(
        conn.execute(
            insert(t.status_history)
            .values(
                request_id=request_id,
                detailed_status=detailed_status,
                note=note,
                changed_by=by,
                changed_at=now,
            )
            .returning(t.status_history.c.id)
        ).scalar_one()
    )


def history(conn: Connection, request_id: int) -> list[dict[str, Any]]:
    """Every status a report went through, oldest first."""
    h = t.status_history
    return [
        dict(row)
        for row in conn.execute(
            select(h.c.detailed_status, h.c.note, h.c.changed_at)
            .where(h.c.request_id == request_id)
            .order_by(h.c.id)
        ).mappings()
    ]


def changes_after(conn: Connection, after: int, limit: int) -> list[dict[str, Any]]:
    """Status changes after a change id (not the first RECEIVED), for pushing them to reporters."""
    h, r = t.status_history, t.requests
    rows = conn.execute(
        select(
            h.c.id.label("change_id"),
            h.c.request_id,
            h.c.detailed_status,
            h.c.note,
            h.c.changed_at,
            r.c.service_code,
            r.c.account_id,
        )
        .join(r, r.c.id == h.c.request_id)
        .where(h.c.id > after, or_(h.c.detailed_status != RECEIVED, h.c.changed_by.is_not(None)))
        .order_by(h.c.id)
        .limit(limit)
    ).mappings()
    return [dict(row) for row in rows]


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def add_upload(conn: Connection, name: str, content_type: str, size: int, now: datetime) -> None:
    """Remember an uploaded photo until a report attaches it."""
    conn.execute(
        insert(t.uploads).values(name=name, content_type=content_type, size=size, created_at=now)
    )


def attached_photo(conn: Connection, name: str) -> str | None:
    """The content type of a photo attached to a report, or None."""
    return conn.execute(
        select(t.media.c.content_type).where(t.media.c.name == name)
    ).scalar_one_or_none()


def forget_account(conn: Connection, account_id: str) -> int:
    """Unlink a person from their reports and votes (the reports stay, without them)."""
    result = conn.execute(
        update(t.requests)
        .where(t.requests.c.account_id == account_id)
        .values(
            account_id=None, email=None, first_name=None, last_name=None, phone=None,
            device_id=None,
        )
    )  # fmt: skip
    votes = conn.execute(
        select(t.votes.c.request_id).where(t.votes.c.account_id == account_id)
    ).all()
    for vote in votes:  # the vote still counts, but no longer says whose it is
        conn.execute(
            update(t.votes)
            .where(t.votes.c.request_id == vote.request_id, t.votes.c.account_id == account_id)
            .values(account_id=f"forgotten-{uuid.uuid4().hex}")
        )
    return int(result.rowcount or 0)
