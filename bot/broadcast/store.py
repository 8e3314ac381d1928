"""Announcements and their deliveries in the gateway's database (the durable outbox).

An announcement's deliveries, one row per recipient, are written in the same transaction that
moves it from approved to sending, before anything is sent. A worker claims due rows for a
while (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers never take the same row),
sends, and marks each row sent or failed; rows of a worker that died are taken up again when
its claim runs out, and rows marked sent are never sent again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    DateTime,
    Integer,
    Select,
    String,
    Table,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.broadcast.validate import AnnouncementDraft
from bot.core.districts import ALL
from bot.core.messages import ChannelName, Language
from bot.store.models import AnnouncementRow, DeliveryRow, PersonRow, SubscriptionRow

_announcements = cast(Table, AnnouncementRow.__table__)
_deliveries = cast(Table, DeliveryRow.__table__)
_people = cast(Table, PersonRow.__table__)
_subscriptions = cast(Table, SubscriptionRow.__table__)
CHANNELS: tuple[ChannelName, ...] = ("telegram", "matrix", "web")


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; we store UTC only.
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Announcement:
    """An announcement as stored."""

    id: int
    text: str
    text_en: str | None
    text_plain: str | None
    districts: tuple[str, ...]
    topics: tuple[str, ...]
    send_at: datetime | None
    status: str
    author: str
    approver: str | None  # who approved or rejected it
    created_at: datetime
    rejection_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Audience:
    """How many people an announcement reaches, per channel and per language."""

    channels: dict[str, int]
    languages: dict[str, int]


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a worker holds now, with what it needs to send it."""

    id: int
    announcement_id: int
    person_id: str
    channel: ChannelName
    attempts: int
    address: str | None  # None: the person's data was deleted meanwhile
    language: Language
    voice_replies: bool | None
    speech_rate: int
    spoke_by_voice: bool = False
    held_until: datetime | None = None  # this worker's lease, as written by the claim

    @property
    def hears(self) -> bool:
        """A voice note too: they asked for spoken answers, or last spoke and did not refuse."""
        return self.voice_replies is True or (self.voice_replies is None and self.spoke_by_voice)


def _announcement(row: Any) -> Announcement:
    return Announcement(
        id=int(row.id),
        text=row.text,
        text_en=row.text_en,
        text_plain=row.text_plain,
        districts=tuple(row.districts or ()),
        topics=tuple(row.topics or ()),
        send_at=_utc(row.send_at),
        status=row.status,
        author=row.author,
        approver=row.approver,
        created_at=cast(datetime, _utc(row.created_at)),
        rejection_reason=row.rejection_reason,
    )


def audience(districts: tuple[str, ...], topics: tuple[str, ...]) -> Select[Any]:
    """The people subscribed to these districts (empty: any) and topics (empty: general news,
    for all-topics subscribers only), one row per person."""
    subs, people = _subscriptions, _people
    where = []
    if districts:
        where.append(or_(subs.c.district == ALL, subs.c.district.in_(list(districts))))
    if topics:
        where.append(or_(subs.c.topic == ALL, subs.c.topic.in_(list(topics))))
    else:
        where.append(subs.c.topic == ALL)
    return (
        select(subs.c.person_id, people.c.channel, people.c.language)
        .distinct()
        .join_from(subs, people, people.c.id == subs.c.person_id)
        .where(*where)
    )


async def insert_announcement(conn: AsyncConnection, draft: AnnouncementDraft, status: str) -> int:
    """Insert a new announcement (draft: waiting for approval; approved) in this transaction."""
    result = await conn.execute(
        insert(_announcements).values(
            text=draft.text,
            text_en=draft.text_en,
            text_plain=draft.text_plain,
            districts=list(draft.districts),
            topics=list(draft.topics),
            send_at=draft.send_at,
            status=status,
            author=draft.author,
            approver=None,
            created_at=datetime.now(UTC),
        )
    )
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has its key
    return int(key[0])


class AnnouncementStore:
    """Announcements, their audiences and their per-recipient deliveries."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._skip_locked = engine.dialect.name == "postgresql"

    async def create(self, draft: AnnouncementDraft, status: str) -> int:
        """Store a new announcement (draft or approved); its id."""
        async with self._engine.begin() as conn:
            return await insert_announcement(conn, draft, status)

    async def get(self, announcement_id: int) -> Announcement | None:
        """The announcement with this id, if any."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_announcements).where(_announcements.c.id == announcement_id)
                )
            ).first()
        return _announcement(row) if row else None

    async def approve(self, announcement_id: int, approver: str) -> bool:
        """Approve a draft; False when it is no (longer a) draft."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(_announcements)
                .where(_announcements.c.id == announcement_id, _announcements.c.status == "draft")
                .values(status="approved", approver=approver)
            )
        return bool(result.rowcount)

    async def reject(self, announcement_id: int, approver: str, reason: str | None) -> bool:
        """Reject a draft: it is never sent; False when it is no (longer a) draft."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(_announcements)
                .where(_announcements.c.id == announcement_id, _announcements.c.status == "draft")
                .values(status="rejected", approver=approver, rejection_reason=reason)
            )
        return bool(result.rowcount)

    async def audience(self, districts: tuple[str, ...], topics: tuple[str, ...]) -> Audience:
        """Who would receive an announcement for these districts and topics now."""
        who = audience(districts, topics).subquery()
        query = select(who.c.channel, who.c.language, func.count()).group_by(
            who.c.channel, who.c.language
        )
        channels: dict[str, int] = {channel: 0 for channel in CHANNELS}
        languages = {"de": 0, "en": 0}
        async with self._engine.connect() as conn:
            for channel, language, count in (await conn.execute(query)).all():
                channels[channel] = channels.get(channel, 0) + int(count)
                lang = "en" if language == "en" else "de"
                languages[lang] += int(count)
        return Audience(channels, languages)

    async def report(self, announcement_id: int) -> dict[str, dict[str, Any]]:
        """Deliveries per channel: pending, sent, failed, and why they failed."""
        d = _deliveries
        query = (
            select(d.c.channel, d.c.status, d.c.last_error_code, func.count())
            .where(d.c.announcement_id == announcement_id)
            .group_by(d.c.channel, d.c.status, d.c.last_error_code)
        )
        report: dict[str, dict[str, Any]] = {
            channel: {"pending": 0, "sent": 0, "failed": 0, "failed_reasons": {}}
            for channel in CHANNELS
        }
        async with self._engine.connect() as conn:
            for channel, status, code, count in (await conn.execute(query)).all():
                counts = report.setdefault(
                    channel, {"pending": 0, "sent": 0, "failed": 0, "failed_reasons": {}}
                )
                counts[status] = counts.get(status, 0) + int(count)
                if status == "failed":
                    reasons = counts["failed_reasons"]
                    reasons[code or "unknown"] = reasons.get(code or "unknown", 0) + int(count)
        return report

    async def queue_due(self, now: datetime) -> list[int]:
        """Write the deliveries of approved announcements whose time has come; their ids."""
        a = _announcements
        due = (
            select(a.c.id, a.c.districts, a.c.topics)
            .where(a.c.status == "approved", or_(a.c.send_at.is_(None), a.c.send_at <= now))
            .order_by(a.c.id)
            .limit(20)
        )
        if self._skip_locked:
            due = due.with_for_update(skip_locked=True)
        queued: list[int] = []
        async with self._engine.begin() as conn:
            for row in (await conn.execute(due)).all():
                moved = await conn.execute(
                    update(a)
                    .where(a.c.id == row.id, a.c.status == "approved")
                    .values(status="sending")
                )
                if not moved.rowcount:
                    continue  # another worker queued it a moment ago
                await self._write_deliveries(
                    conn, int(row.id), tuple(row.districts or ()), tuple(row.topics or ()), now
                )
                queued.append(int(row.id))
        return queued

    async def _write_deliveries(
        self,
        conn: AsyncConnection,
        announcement_id: int,
        districts: tuple[str, ...],
        topics: tuple[str, ...],
        now: datetime,
    ) -> None:
        who = audience(districts, topics).subquery()
        rows = select(
            literal(announcement_id, Integer),
            who.c.person_id,
            who.c.channel,
            literal("pending", String),
            literal(0, Integer),
            literal(now, DateTime(timezone=True)),
        )
        d = _deliveries
        columns = ["announcement_id", "person_id", "channel", "status", "attempts"]
        await conn.execute(insert(d).from_select([*columns, "next_attempt_at"], rows))

    async def claim(self, now: datetime, limit: int, lease_s: float) -> list[Claimed]:
        """Hold up to `limit` due deliveries for this worker for `lease_s` seconds."""
        d, p = _deliveries, _people
        due = (
            select(d.c.id)
            .where(
                d.c.status == "pending",
                d.c.next_attempt_at <= now,
                or_(d.c.claimed_until.is_(None), d.c.claimed_until < now),
            )
            .order_by(d.c.id)
            .limit(limit)
        )
        if self._skip_locked:
            due = due.with_for_update(skip_locked=True)
        held_until = now + timedelta(seconds=lease_s)
        async with self._engine.begin() as conn:
            ids = list((await conn.execute(due)).scalars())
            if not ids:
                return []
            await conn.execute(update(d).where(d.c.id.in_(ids)).values(claimed_until=held_until))
            rows = (
                await conn.execute(
                    select(
                        d.c.id,
                        d.c.announcement_id,
                        d.c.person_id,
                        d.c.channel,
                        d.c.attempts,
                        p.c.chat_id,
                        p.c.language,
                        p.c.voice_replies,
                        p.c.speech_rate,
                        p.c.spoke_by_voice,
                    )
                    .join_from(d, p, p.c.id == d.c.person_id, isouter=True)
                    .where(d.c.id.in_(ids))
                    .order_by(d.c.id)
                )
            ).all()
        return [
            Claimed(
                id=int(row.id),
                announcement_id=int(row.announcement_id),
                person_id=row.person_id,
                channel=row.channel,
                attempts=int(row.attempts),
                address=row.chat_id,
                language="en" if row.language == "en" else "de",
                voice_replies=row.voice_replies,
                speech_rate=int(row.speech_rate or 0),
                spoke_by_voice=bool(row.spoke_by_voice),
                held_until=held_until,
            )
            for row in rows
        ]

    async def renew(self, delivery: Claimed, lease_s: float) -> Claimed | None:
        """Hold the delivery `lease_s` seconds more, right before sending it; None when it is no
        longer this worker's (its lease ran out and another worker took it, or it was done).

        A batch can outlast its lease (long `retry_after` waits): without this check a second
        worker would take up the rest and both would send.
        """
        d = _deliveries
        until = datetime.now(UTC) + timedelta(seconds=lease_s)
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(d)
                .where(
                    d.c.id == delivery.id,
                    d.c.status == "pending",
                    d.c.claimed_until == delivery.held_until,
                )
                .values(claimed_until=until)
            )
        if result.rowcount != 1:
            return None
        return replace(delivery, held_until=until)

    async def mark_sent(self, delivery_id: int) -> None:
        """The platform accepted the message: never send it again."""
        await self._mark(delivery_id, status="sent", sent_at=datetime.now(UTC))

    async def mark_retry(
        self, delivery: Claimed, seconds: float, reason: str, max_attempts: int
    ) -> bool:
        """A transient failure: try again after `seconds`; failed after `max_attempts`.
        True when it will be tried again."""
        attempts = delivery.attempts + 1
        if attempts >= max_attempts:
            await self._mark(delivery.id, status="failed", attempts=attempts, code=reason)
            return False
        later = datetime.now(UTC) + timedelta(seconds=max(seconds, 0.0))
        await self._mark(delivery.id, attempts=attempts, code=reason, next_attempt_at=later)
        return True

    async def mark_failed(self, delivery: Claimed, reason: str, *, gone: bool) -> None:
        """A permanent failure; for a recipient who is gone, their subscriptions end too."""
        async with self._engine.begin() as conn:
            await self._update(
                conn, delivery.id, status="failed", attempts=delivery.attempts + 1, code=reason
            )
            if gone:
                await conn.execute(
                    delete(_subscriptions).where(_subscriptions.c.person_id == delivery.person_id)
                )

    async def _mark(self, delivery_id: int, **values: Any) -> None:
        async with self._engine.begin() as conn:
            await self._update(conn, delivery_id, **values)

    @staticmethod
    async def _update(
        conn: AsyncConnection,
        delivery_id: int,
        *,
        status: str | None = None,
        attempts: int | None = None,
        code: str | None = None,
        sent_at: datetime | None = None,
        next_attempt_at: datetime | None = None,
    ) -> None:
        values: dict[str, Any] = {"claimed_until": None}
        if status is not None:
            values["status"] = status
        if attempts is not None:
            values["attempts"] = attempts
        if code is not None:
            values["last_error_code"] = code[:64]
        if sent_at is not None:
            values["sent_at"] = sent_at
            values["attempts"] = _deliveries.c.attempts + 1
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        await conn.execute(
            update(_deliveries)
            .where(_deliveries.c.id == delivery_id, _deliveries.c.status == "pending")
            .values(**values)
        )

    async def finish(self) -> list[int]:
        """Mark sending announcements without pending deliveries as sent; their ids."""
        a, d = _announcements, _deliveries
        still = exists(select(d.c.id).where(d.c.announcement_id == a.c.id, d.c.status == "pending"))
        async with self._engine.begin() as conn:
            ids = list(
                (
                    await conn.execute(select(a.c.id).where(a.c.status == "sending", ~still))
                ).scalars()
            )
            if ids:
                await conn.execute(update(a).where(a.c.id.in_(ids)).values(status="sent"))
        return [int(i) for i in ids]
