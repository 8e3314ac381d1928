"""The retention job: conversations and anonymous web-chat people are deleted after their period.

- Conversations in Rasa's SQL tracker store (`events`): deleted when their last event is older
  than `RETENTION_CONVERSATION_DAYS` (30); the person's settings stay, the next message starts
  a new conversation.
- Web-chat people (a random id in a browser, no subscription, no report news asked for): their
  record, waiting messages and conversation go `RETENTION_WEB_PERSON_HOURS` (24) after their
  last message.
- Telegram's inbox: an answered update keeps only its id, for a day (to recognise repeats); an
  update still waiting (with its text) goes after `RETENTION_CONVERSATION_DAYS` at the latest.
- Report contact data is the city data API's (`CITYAPI_CONTACT_RETENTION_DAYS`); voice audio is
  never written anywhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, exists, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.models import PersonRow, SubscriptionRow
from bot.store.people import SqlPersonStore
from bot.store.telegram_inbox import prune

logger = logging.getLogger(__name__)
_people = cast(Table, PersonRow.__table__)
_subscriptions = cast(Table, SubscriptionRow.__table__)
Clock = Callable[[], datetime]
# Deleted per statement, so a long backlog never holds the tracker store's lock for long.
_BATCH = 200


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Purged:
    """What one run deleted."""

    conversations: int
    web_people: int


class RetentionJob:
    """Deletes what has outlived its period, once per `interval_s` (and once at start)."""

    def __init__(
        self,
        people: SqlPersonStore,
        tracker: AsyncEngine | None,
        *,
        conversation_days: int,
        web_person_hours: int,
        interval_s: float = 3600.0,
        clock: Clock = _utcnow,
        forgotten: Callable[[Sequence[str]], None] | None = None,
    ) -> None:
        self._people = people
        self._tracker = tracker
        self._conversation_age = timedelta(days=conversation_days)
        self._web_person_age = timedelta(hours=web_person_hours)
        self._interval_s = interval_s
        self._clock = clock
        # told which conversations went (the core forgets what it told Rasa about them)
        self._forgotten = forgotten

    async def run(self) -> None:
        """Purge now and then every interval, until cancelled; a failed run is retried later."""
        while True:
            try:
                await self.run_once()
            except Exception:
                logger.exception(
                    "the retention job failed; it runs again in %.0f s", self._interval_s
                )
            await asyncio.sleep(self._interval_s)

    async def run_once(self) -> Purged:
        """Delete the web people and conversations past their period; how many."""
        now = self._clock()
        gone = await self._old_web_people(now - self._web_person_age)
        for person_id in gone:
            await self._people.delete(person_id)  # with waiting messages and deliveries
        await self._delete_conversations(gone)
        stale = await self._stale_conversations(now - self._conversation_age)
        await self._delete_conversations(stale)
        await prune(self._people.engine, now, self._conversation_age)
        conversations = sorted(set(gone) | set(stale))
        if self._forgotten is not None and conversations:
            self._forgotten(conversations)
        if gone or stale:
            logger.info(
                "retention: deleted %d conversations and %d web-chat people",
                len(stale),
                len(gone),
            )
        return Purged(conversations=len(stale), web_people=len(gone))

    async def _old_web_people(self, seen_before: datetime) -> list[str]:
        subscribed = exists().where(_subscriptions.c.person_id == _people.c.id)
        query = select(_people.c.id).where(
            _people.c.channel == "web",
            _people.c.last_seen_at < seen_before,
            ~subscribed,
            # who asked to hear about their reports is no longer anonymous
            or_(_people.c.report_updates.is_(None), _people.c.report_updates.is_(False)),
        )
        async with self._people.engine.connect() as conn:
            return [str(row.id) for row in (await conn.execute(query)).all()]

    async def _stale_conversations(self, active_before: datetime) -> list[str]:
        if self._tracker is None:
            return []
        query = text(
            "SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :cutoff"
        )
        try:
            async with self._tracker.connect() as conn:
                rows = (await conn.execute(query, {"cutoff": active_before.timestamp()})).all()
        except DBAPIError as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                return []  # Rasa has kept no conversation yet
            raise
        return [str(row.sender_id) for row in rows]

    async def _delete_conversations(self, sender_ids: Sequence[str]) -> None:
        if self._tracker is None or not sender_ids:
            return
        # the tracker store's table is Rasa's: plain SQL keeps us off its schema
        delete = text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        for start in range(0, len(sender_ids), _BATCH):
            batch = list(sender_ids[start : start + _BATCH])
            try:
                async with self._tracker.begin() as conn:
                    await conn.execute(delete, {"ids": batch})
            except DBAPIError as exc:
                if "no such table" in str(exc) or "does not exist" in str(exc):
                    return
                raise
