"""The announcement office of the chat dialogue: drafts in the gateway's database, and the
announcement store and outbox the staff HTTP API uses (no second delivery path).

Confirming a draft inserts the announcement and deletes the draft in one transaction, so a
confirmation tapped twice, or repeated after a crash, never stores it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.broadcast.store import AnnouncementStore, insert_announcement
from bot.broadcast.validate import AnnouncementDraft
from bot.core.ports import DraftStep, StaffDraft, SubmittedAnnouncement
from bot.store.models import AnnouncementDraftRow

_drafts = cast(Table, AnnouncementDraftRow.__table__)
_STEPS: tuple[DraftStep, ...] = (
    "text",
    "text_en",
    "text_plain",
    "districts",
    "topics",
    "send_at",
    "preview",
)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; we store UTC only.
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _draft(row: Any) -> StaffDraft:
    step = cast(DraftStep, row.step) if row.step in _STEPS else "text"
    return StaffDraft(
        person_id=row.person_id,
        step=step,
        text=row.text,
        text_en=row.text_en,
        text_plain=row.text_plain,
        districts=tuple(row.districts or ()),
        topics=tuple(row.topics or ()),
        send_at=_utc(row.send_at),
    )


class SqlAnnouncementOffice:
    """`AnnouncementOffice` over the gateway's database and the announcement store."""

    def __init__(
        self, engine: AsyncEngine, store: AnnouncementStore, wake: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._store = store
        self._wake = wake  # the sender looks for due announcements at once

    async def draft(self, person_id: str) -> StaffDraft | None:
        """The person's draft in progress, if any."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(_drafts).where(_drafts.c.person_id == person_id))
            ).first()
        return _draft(row) if row else None

    async def save_draft(self, draft: StaffDraft) -> None:
        """Keep the draft as it is now."""
        values = {
            "step": draft.step,
            "text": draft.text,
            "text_en": draft.text_en,
            "text_plain": draft.text_plain,
            "districts": list(draft.districts),
            "topics": list(draft.topics),
            "send_at": draft.send_at,
            "updated_at": datetime.now(UTC),
        }
        async with self._engine.begin() as conn:
            changed = await conn.execute(
                update(_drafts).where(_drafts.c.person_id == draft.person_id).values(**values)
            )
            if not changed.rowcount:
                await conn.execute(insert(_drafts).values(person_id=draft.person_id, **values))

    async def drop_draft(self, person_id: str) -> bool:
        """Forget the person's draft; True when there was one."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(_drafts).where(_drafts.c.person_id == person_id))
        return bool(result.rowcount)

    async def submit(self, draft: StaffDraft, author: str, *, approved: bool) -> int | None:
        """Store the draft as an announcement and forget the draft, in one transaction."""
        if draft.text is None:
            return None
        announcement = AnnouncementDraft(
            text=draft.text,
            text_en=draft.text_en,
            text_plain=draft.text_plain,
            districts=draft.districts,
            topics=draft.topics,
            send_at=draft.send_at,
            author=author,
        )
        async with self._engine.begin() as conn:
            gone = await conn.execute(
                delete(_drafts).where(
                    _drafts.c.person_id == draft.person_id, _drafts.c.step == "preview"
                )
            )
            if not gone.rowcount:
                return None  # confirmed a moment ago, or cancelled
            announcement_id = await insert_announcement(
                conn, announcement, "approved" if approved else "draft"
            )
        if approved:
            self._wake()
        return announcement_id

    async def audience(self, districts: Sequence[str], topics: Sequence[str]) -> Mapping[str, int]:
        """How many people it would reach now, per channel (the staff API's count)."""
        reach = await self._store.audience(tuple(districts), tuple(topics))
        return reach.channels

    async def announcement(self, announcement_id: int) -> SubmittedAnnouncement | None:
        """A stored announcement, if there is one with this id."""
        found = await self._store.get(announcement_id)
        if found is None:
            return None
        return SubmittedAnnouncement(
            id=found.id,
            text=found.text,
            districts=found.districts,
            topics=found.topics,
            send_at=found.send_at,
            status=found.status,
            author=found.author,
        )

    async def reject(self, announcement_id: int, approver: str, reason: str | None) -> bool:
        """Reject an announcement waiting for approval: it is never sent."""
        return await self._store.reject(announcement_id, approver, reason)

    async def approve(self, announcement_id: int, approver: str) -> bool:
        """Approve an announcement waiting for approval, then let the sender look for it."""
        if not await self._store.approve(announcement_id, approver):
            return False
        self._wake()
        return True
