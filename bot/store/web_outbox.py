"""The web chat's outbox in the gateway's database: messages waiting for a person's next visit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.models import WebOutboxRow

_outbox = cast(Table, WebOutboxRow.__table__)


class WebOutbox:
    """Waiting messages per web chat address, oldest first, at most `capacity` per address."""

    def __init__(self, engine: AsyncEngine, *, capacity: int = 100) -> None:
        self._engine = engine
        self._capacity = capacity

    async def put(self, person_id: str, address: str, message: dict[str, Any]) -> int:
        """Keep one message for the address; the oldest go when more than `capacity` wait."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                insert(_outbox).values(
                    person_id=person_id,
                    address=address,
                    message=message,
                    created_at=datetime.now(UTC),
                )
            )
            key = result.inserted_primary_key
            assert key is not None  # an INSERT of one row always has its key
            new_id = int(key[0])
            waiting = await conn.scalar(
                select(func.count()).select_from(_outbox).where(_outbox.c.address == address)
            )
            if waiting and waiting > self._capacity:
                oldest = (
                    select(_outbox.c.id)
                    .where(_outbox.c.address == address)
                    .order_by(_outbox.c.id)
                    .limit(waiting - self._capacity)
                )
                await conn.execute(delete(_outbox).where(_outbox.c.id.in_(oldest)))
        return new_id

    async def waiting(self, address: str, after: int = 0) -> list[tuple[int, dict[str, Any]]]:
        """The messages waiting for the address with their ids (> `after`), oldest first (kept)."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(_outbox.c.id, _outbox.c.message)
                    .where(_outbox.c.address == address, _outbox.c.id > after)
                    .order_by(_outbox.c.id)
                )
            ).all()
        return [(int(row.id), dict(row.message)) for row in rows]

    async def remove(self, ids: list[int]) -> None:
        """Forget messages that reached the person."""
        if ids:
            async with self._engine.begin() as conn:
                await conn.execute(delete(_outbox).where(_outbox.c.id.in_(ids)))

    async def received(self, address: str, upto: int) -> None:
        """The page confirmed it showed every message up to this id: forget them."""
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(_outbox).where(_outbox.c.address == address, _outbox.c.id <= upto)
            )

    async def forget(self, person_id: str) -> int:
        """Delete everything waiting for a person (their data is deleted); how many."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(_outbox).where(_outbox.c.person_id == person_id))
        return int(result.rowcount or 0)
