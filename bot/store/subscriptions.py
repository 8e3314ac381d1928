"""The subscription store: who confirmed which announcements they want (district, topic)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.messages import Language
from bot.core.ports import Subscription
from bot.store.models import SubscriptionRow

_subscriptions = cast(Table, SubscriptionRow.__table__)


class SqlSubscriptionStore:
    """The `SubscriptionStore` port in the gateway's database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def subscriptions(self, person_id: str) -> list[Subscription]:
        """The person's subscriptions, oldest first."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(_subscriptions.c.district, _subscriptions.c.topic)
                    .where(_subscriptions.c.person_id == person_id)
                    .order_by(_subscriptions.c.id)
                )
            ).all()
        return [Subscription(row.district, row.topic) for row in rows]

    async def subscribe(
        self, person_id: str, wanted: Sequence[Subscription], language: Language
    ) -> int:
        """Add the subscriptions the person does not have yet; how many were new."""
        have = set(await self.subscriptions(person_id))
        added = 0
        for sub in wanted:
            if sub in have:
                continue
            try:
                async with self._engine.begin() as conn:
                    await conn.execute(
                        _subscriptions.insert().values(
                            person_id=person_id,
                            district=sub.district,
                            topic=sub.topic,
                            language=language,
                            created_at=datetime.now(UTC),
                        )
                    )
            except IntegrityError:
                continue  # the same subscription from a second tap a moment ago
            have.add(sub)
            added += 1
        return added

    async def unsubscribe(
        self, person_id: str, districts: Sequence[str] | None, topic: str | None
    ) -> list[Subscription]:
        """Remove the person's subscriptions matching both filters (None: any); what went."""
        where = [_subscriptions.c.person_id == person_id]
        if districts is not None:
            where.append(_subscriptions.c.district.in_(list(districts)))
        if topic is not None:
            where.append(_subscriptions.c.topic == topic)
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(_subscriptions.c.id, _subscriptions.c.district, _subscriptions.c.topic)
                    .where(*where)
                    .order_by(_subscriptions.c.id)
                )
            ).all()
            if rows:
                await conn.execute(
                    delete(_subscriptions).where(_subscriptions.c.id.in_([r.id for r in rows]))
                )
        return [Subscription(row.district, row.topic) for row in rows]

    async def end_all(self, person_id: str) -> int:
        """Remove every subscription of a person who can no longer be reached; how many."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(_subscriptions).where(_subscriptions.c.person_id == person_id)
            )
        return int(result.rowcount or 0)
