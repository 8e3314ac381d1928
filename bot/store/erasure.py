"""Deleting and exporting a person's data in every store the gateway can reach, by their opaque id.

The gateway's database (the person record and the web chat's waiting messages), Rasa's SQL
tracker store (the conversation; the same RASA_TRACKER_STORE_URL Rasa uses, whose table is
`events`) and the city data API's reports (unlinked, as the reports themselves must stay). The
person id is Rasa's sender id and the reports' account id, so one id reaches all three.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.ports import Erased, ReportAccounts, ReportsUnavailable
from bot.store.database import create_engine
from bot.store.models import AnnouncementRow, DeliveryRow, WebOutboxRow
from bot.store.people import SqlPersonStore
from bot.store.subscriptions import SqlSubscriptionStore
from bot.store.telegram_inbox import forget_chat
from bot.store.web_outbox import WebOutbox

logger = logging.getLogger(__name__)
_outbox = cast(Table, WebOutboxRow.__table__)
_deliveries = cast(Table, DeliveryRow.__table__)
_announcements = cast(Table, AnnouncementRow.__table__)
# The tracker store's events that carry what was said (the rest are Rasa's bookkeeping).
_SAID = ("user", "bot")


def _missing_table(exc: DBAPIError) -> bool:
    # Rasa creates its table with the first conversation
    return "no such table" in str(exc) or "does not exist" in str(exc)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


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
        await self._forget_telegram_inbox(person_id)
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

    async def _forget_telegram_inbox(self, person_id: str) -> None:
        """Delete the stored Telegram updates (message texts) of the person's own chat.

        Only their private chat (a positive id): a group's waiting updates are its members'.
        Answered updates keep neither text nor chat, so only waiting ones can be found here.
        """
        person = await self._people.get(person_id)
        if person is None or person.channel != "telegram":
            return
        if person.chat_id.lstrip("-").isdigit() and int(person.chat_id) > 0:
            await forget_chat(self._people.engine, person.chat_id)

    async def _erase_conversation(self, person_id: str) -> int:
        if self._tracker is None:
            return 0
        try:
            async with self._tracker.begin() as conn:
                result = await conn.execute(
                    text("DELETE FROM events WHERE sender_id = :sender"), {"sender": person_id}
                )
        except DBAPIError as exc:
            if _missing_table(exc):
                return 0  # Rasa has kept no conversation at all yet
            raise
        return int(result.rowcount or 0)

    async def export(self, person_id: str) -> dict[str, object]:
        """Everything kept about the person (GDPR Art. 15 and 20), store by store."""
        person = await self._people.get(person_id)
        record: dict[str, object] | None = None
        if person is not None:
            record = {
                "id": person.id,
                "channel": person.channel,
                "language": person.language,
                "voice_replies": person.voice_replies,
                "speech_rate": person.speech_rate,
                "report_updates": person.report_updates,
                "offered_choices": [b.title for b in person.last_buttons],
                "first_seen": _iso(person.created_at),
                "last_seen": _iso(person.last_seen_at),
            }
        subscriptions = (
            [
                {"district": s.district, "topic": s.topic}
                for s in await self._subscriptions.subscriptions(person_id)
            ]
            if self._subscriptions
            else []
        )
        reports: list[dict[str, object]] | None = []
        if self._reports is not None:
            try:
                reports = await self._reports.reports(person_id)
            except ReportsUnavailable:
                reports = None  # the export says the city data API could not be asked
        return {
            "exported_at": datetime.now(UTC).isoformat(),
            "person": record,
            "subscriptions": subscriptions,
            "waiting_messages": await self._waiting(person_id),
            "announcements_pending": await self._pending(person_id),
            "reports": reports,
            "conversation": await self._conversation(person_id),
        }

    async def _waiting(self, person_id: str) -> list[dict[str, object]]:
        async with self._people.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(_outbox.c.message, _outbox.c.created_at)
                    .where(_outbox.c.person_id == person_id)
                    .order_by(_outbox.c.id)
                )
            ).all()
        return [
            {"text": (row.message or {}).get("text"), "kept_since": _iso(row.created_at)}
            for row in rows
        ]

    async def _pending(self, person_id: str) -> list[dict[str, object]]:
        query = (
            select(_announcements.c.text, _deliveries.c.status, _deliveries.c.channel)
            .join(_announcements, _announcements.c.id == _deliveries.c.announcement_id)
            .where(_deliveries.c.person_id == person_id, _deliveries.c.status == "pending")
            .order_by(_deliveries.c.id)
        )
        async with self._people.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [{"text": row.text, "channel": row.channel, "status": row.status} for row in rows]

    async def _conversation(self, person_id: str) -> list[dict[str, object]]:
        """What was said, in order: the person's messages and the assistant's answers."""
        if self._tracker is None:
            return []
        query = text(
            "SELECT type_name, timestamp, data FROM events WHERE sender_id = :sender ORDER BY id"
        )
        try:
            async with self._tracker.connect() as conn:
                rows = (await conn.execute(query, {"sender": person_id})).all()
        except DBAPIError as exc:
            if _missing_table(exc):
                return []
            raise
        said: list[dict[str, object]] = []
        for row in rows:
            if row.type_name not in _SAID:
                continue
            data: dict[str, Any] = json.loads(row.data or "{}")
            entry: dict[str, object] = {
                "from": "you" if row.type_name == "user" else "assistant",
                "at": datetime.fromtimestamp(float(row.timestamp), UTC).isoformat(),
                "text": data.get("text"),
            }
            said.append(entry)
        return said

    async def close(self) -> None:
        """Close the connections to the tracker store."""
        if self._tracker is not None:
            await self._tracker.dispose()
