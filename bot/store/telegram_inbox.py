"""The Telegram inbox in the gateway's database: updates kept from arrival until answered.

Persist first, acknowledge second: an update is written here (keyed by its update id, so a
repeat is dropped) before Telegram is told it arrived, and marked done after its answer was sent.
A done row keeps only the update id (no text, no chat) to recognise repeats, for a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.models import TelegramInboxRow

_inbox = cast(Table, TelegramInboxRow.__table__)
# Telegram keeps an update for at most 24 hours, so it never comes again after that.
DONE_KEPT = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update as it came: its id, its chat (None for updates without one) and its JSON."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Kept:
    """A pending update taken from the inbox, with how often it was taken up so far."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int


class TelegramInbox:
    """Pending and done Telegram updates; `owner` names this process, `lease` how long it holds."""

    def __init__(self, engine: AsyncEngine, owner: str, lease: timedelta) -> None:
        self._engine = engine
        self._owner = owner
        self._lease = lease

    def _insert(self) -> Any:
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(_inbox).on_conflict_do_nothing(index_elements=["update_id"])

    async def put(self, arrivals: Sequence[Arrival]) -> list[Arrival]:
        """Store the updates (in one transaction); those not stored before, held by us."""
        now = _now()
        fresh: list[Arrival] = []
        async with self._engine.begin() as conn:
            for arrival in arrivals:
                result = await conn.execute(
                    self._insert()
                    .values(
                        update_id=arrival.update_id,
                        chat_id=None if arrival.chat_id is None else str(arrival.chat_id),
                        payload=arrival.payload,
                        status="pending",
                        owner=self._owner,
                        claimed_until=now + self._lease,
                        attempts=1,
                        received_at=now,
                    )
                    # rowcount is not reliable for ON CONFLICT DO NOTHING on every driver
                    .returning(_inbox.c.update_id)
                )
                if result.first() is not None:
                    fresh.append(arrival)
        return fresh

    async def take_over(self, *, all_pending: bool = False) -> list[Kept]:
        """Hold the pending updates no one holds any longer (or all of them), oldest first.

        A process that polls is the only one receiving (Telegram refuses a second poller), so at
        its start every pending update is its own: `all_pending`.
        """
        now = _now()
        free = _inbox.c.status == "pending"
        if not all_pending:
            free = and_(free, or_(_inbox.c.claimed_until.is_(None), _inbox.c.claimed_until < now))
        async with self._engine.begin() as conn:
            ids = [
                int(i)
                for i in (
                    await conn.execute(
                        select(_inbox.c.update_id).where(free).order_by(_inbox.c.update_id)
                    )
                ).scalars()
            ]
            kept: list[Kept] = []
            for update_id in ids:
                # the same condition again: another worker may have taken it meanwhile
                taken = await conn.execute(
                    update(_inbox)
                    .where(_inbox.c.update_id == update_id, free)
                    .values(
                        owner=self._owner,
                        claimed_until=now + self._lease,
                        attempts=_inbox.c.attempts + 1,
                    )
                    .returning(_inbox.c.chat_id, _inbox.c.payload, _inbox.c.attempts)
                )
                row = taken.first()
                if row is not None and row.payload is not None:
                    chat = None if row.chat_id is None else int(row.chat_id)
                    kept.append(Kept(update_id, chat, dict(row.payload), int(row.attempts)))
        return kept

    async def renew(self) -> None:
        """Keep holding what this process has not answered yet."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(_inbox)
                .where(_inbox.c.owner == self._owner, _inbox.c.status == "pending")
                .values(claimed_until=_now() + self._lease)
            )

    async def done(self, update_ids: Sequence[int]) -> None:
        """The updates are answered (or declined): forget their text and chat, keep their ids."""
        if not update_ids:
            return
        now = _now()
        async with self._engine.begin() as conn:
            await conn.execute(
                update(_inbox)
                .where(_inbox.c.update_id.in_(list(update_ids)))
                .values(
                    status="done",
                    payload=None,
                    chat_id=None,
                    owner=None,
                    claimed_until=None,
                    done_at=now,
                )
            )
            # a row deleted meanwhile (the person's data was deleted) still marks the id seen
            await conn.execute(
                self._insert(),
                [
                    {
                        "update_id": i,
                        "status": "done",
                        "attempts": 1,
                        "received_at": now,
                        "done_at": now,
                    }
                    for i in update_ids
                ],
            )


async def forget_chat(engine: AsyncEngine, chat_id: str) -> int:
    """Delete the waiting updates of a chat (their texts); how many."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(_inbox).where(_inbox.c.chat_id == chat_id))
    return int(result.rowcount or 0)


async def prune(engine: AsyncEngine, now: datetime, pending_kept: timedelta) -> int:
    """Delete done rows older than a day and pending ones (with text) older than `pending_kept`."""
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(_inbox).where(
                or_(
                    and_(_inbox.c.status == "done", _inbox.c.done_at < now - DONE_KEPT),
                    _inbox.c.received_at < now - max(pending_kept, DONE_KEPT),
                )
            )
        )
    return int(result.rowcount or 0)
