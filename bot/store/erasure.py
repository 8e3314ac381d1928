"""Deleting a person's data from every store the gateway can reach, by their opaque id.

The gateway's database (the person record and the web chat's waiting messages), Rasa's SQL
tracker store (the conversation; the same RASA_TRACKER_STORE_URL Rasa uses, whose table is
`events`) and the city data API's reports (unlinked, as the reports themselves must stay). The
person id is Rasa's sender id and the reports' account id, so one id reaches all three.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.ports import Erased, ReportAccounts, ReportsUnavailable
from bot.store.database import create_engine
from bot.store.people import SqlPersonStore
from bot.store.subscriptions import SqlSubscriptionStore
from bot.store.web_outbox import WebOutbox

logger = logging.getLogger(__name__)


class StoredPersonalData:
    """The `PersonalData` port over the gateway's database and Rasa's tracker store."""

    def __init__(
        self,
        people: SqlPersonStore,
        outbox: WebOutbox,
        tracker_store_url: str | None,
        subscriptions: SqlSubscriptionStore | None = None,
        reports: ReportAccounts | None = None,
    ) -> None:
        self._people = people
        self._reports = reports
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._tracker: AsyncEngine | None = (
            create_engine(tracker_store_url) if tracker_store_url else None
        )

    async def erase(self, person_id: str) -> Erased:
        """Unlink their reports, delete the conversation, the waiting messages, the record."""
        reports, unreachable = 0, False
        if self._reports is not None:
            try:
                reports = await self._reports.forget(person_id)
            except ReportsUnavailable:
                unreachable = True  # said in the answer; /delete again unlinks them later
        events = await self._erase_conversation(person_id)
        waiting = await self._outbox.forget(person_id)
        subscribed = await self._subscriptions.end_all(person_id) if self._subscriptions else 0
        settings = await self._people.delete(person_id)  # with their announcement deliveries
        logger.info("deleted the data of person %s on request", person_id)
        return Erased(
            conversation_events=events,
            settings=settings,
            waiting_messages=waiting,
            subscriptions=subscribed,
            reports=reports,
            reports_unreachable=unreachable,
        )

    async def _erase_conversation(self, person_id: str) -> int:
        if self._tracker is None:
            return 0
        try:
            async with self._tracker.begin() as conn:
                result = await conn.execute(
                    text("DELETE FROM events WHERE sender_id = :sender"), {"sender": person_id}
                )
        except DBAPIError as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                return 0  # Rasa has kept no conversation at all yet
            raise
        return int(result.rowcount or 0)

    async def close(self) -> None:
        """Close the connections to the tracker store."""
        if self._tracker is not None:
            await self._tracker.dispose()
