"""The person store: find, create and update what the gateway remembers about a person."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.messages import Button, ChannelName, Language
from bot.core.people import Person
from bot.store.identity import PeopleIds
from bot.store.models import (
    AnnouncementDraftRow,
    DeliveryRow,
    PersonRow,
    SubscriptionRow,
    WebOutboxRow,
)

_people = cast(Table, PersonRow.__table__)
_outbox = cast(Table, WebOutboxRow.__table__)
_subscriptions = cast(Table, SubscriptionRow.__table__)
_deliveries = cast(Table, DeliveryRow.__table__)
_drafts = cast(Table, AnnouncementDraftRow.__table__)
LAST_SEEN_PRECISION = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; we store UTC only.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _buttons_to_json(buttons: Sequence[Button]) -> list[dict[str, str]]:
    return [{"title": b.title, "payload": b.payload} for b in buttons]


def _person(row: Any, *, is_new: bool = False) -> Person:
    buttons = tuple(
        Button(title=str(b["title"]), payload=str(b["payload"])) for b in (row.last_buttons or [])
    )
    return Person(
        id=row.id,
        channel=row.channel,
        platform_id=row.platform_id,
        chat_id=row.chat_id,
        language="en" if row.language == "en" else "de",
        voice_replies=row.voice_replies,
        speech_rate=row.speech_rate,
        consent=row.consent,
        last_buttons=buttons,
        created_at=_as_utc(row.created_at),
        last_seen_at=_as_utc(row.last_seen_at),
        is_new=is_new,
        report_updates=getattr(row, "report_updates", None),
        spoke_by_voice=bool(getattr(row, "spoke_by_voice", False)),
    )


class SqlPersonStore:
    """Person records in the gateway's database, by opaque id or by channel and platform id.

    With `ids` (the gateway always gives them) platform ids and web chat addresses are stored
    as keyed hashes; without, as they are (tools and tests that need no key).
    """

    def __init__(self, engine: AsyncEngine, ids: PeopleIds | None = None) -> None:
        self._engine = engine
        self._ids = ids

    def _stored(self, channel: ChannelName, platform_id: str, chat_id: str) -> tuple[str, str]:
        if self._ids is None:
            return platform_id, chat_id
        return self._ids.platform(channel, platform_id), self._ids.address(channel, chat_id)

    @property
    def engine(self) -> AsyncEngine:
        """The gateway's database, for the stores kept beside the person records."""
        return self._engine

    async def get(self, person_id: str) -> Person | None:
        """The person with this opaque id, if any."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(_people).where(_people.c.id == person_id))).first()
        return _person(row) if row else None

    async def find(self, channel: ChannelName, platform_id: str) -> Person | None:
        """The person with this platform id on this channel, if any."""
        found = await self._find_stored(channel, self._stored(channel, platform_id, "")[0])
        # the caller's id, not its stored hash (staff roles are configured by platform id)
        return replace(found, platform_id=platform_id) if found else None

    async def _find_stored(self, channel: ChannelName, platform_id: str) -> Person | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_people).where(
                        _people.c.channel == channel, _people.c.platform_id == platform_id
                    )
                )
            ).first()
        return _person(row) if row else None

    async def touch(
        self, channel: ChannelName, platform_id: str, chat_id: str, language: Language
    ) -> Person:
        """Find the person and mark them seen now, or create them with this language."""
        given = platform_id
        person = await self._touch(channel, *self._stored(channel, platform_id, chat_id), language)
        # the caller's id, not its stored hash (staff roles are configured by platform id)
        return replace(person, platform_id=given)

    async def _touch(
        self, channel: ChannelName, platform_id: str, chat_id: str, language: Language
    ) -> Person:
        now = _now()
        async with self._engine.begin() as conn:
            query = select(_people).where(
                _people.c.channel == channel, _people.c.platform_id == platform_id
            )
            row = (await conn.execute(query)).first()
            if row is not None:
                person = _person(row)
                # "Last seen" needs minute precision only: skip the write during a conversation.
                if person.chat_id != chat_id or now - person.last_seen_at > LAST_SEEN_PRECISION:
                    await conn.execute(
                        update(_people)
                        .where(_people.c.id == row.id)
                        .values(last_seen_at=now, chat_id=chat_id)
                    )
                    person = replace(person, last_seen_at=now, chat_id=chat_id)
                return person
        values: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "channel": channel,
            "platform_id": platform_id,
            "chat_id": chat_id,
            "language": language,
            "voice_replies": None,
            "speech_rate": 0,
            "consent": None,
            "report_updates": None,
            "spoke_by_voice": False,
            "last_buttons": [],
            "created_at": now,
            "last_seen_at": now,
        }
        try:
            async with self._engine.begin() as conn:
                await conn.execute(insert(_people).values(**values))
        except IntegrityError:
            # Another worker created this person a moment ago: use theirs.
            found = await self._find_stored(channel, platform_id)
            if found is None:
                raise
            return found
        return _person(_Row(values), is_new=True)

    async def save(self, person: Person) -> None:
        """Write the person's changeable fields (language, voice, consent, last buttons)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(_people)
                .where(_people.c.id == person.id)
                .values(
                    language=person.language,
                    voice_replies=person.voice_replies,
                    speech_rate=person.speech_rate,
                    consent=person.consent,
                    report_updates=person.report_updates,
                    spoke_by_voice=person.spoke_by_voice,
                    last_buttons=_buttons_to_json(person.last_buttons),
                )
            )

    async def delete(self, person_id: str) -> bool:
        """Forget the person and what waits for them; True when a record was deleted."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(_outbox).where(_outbox.c.person_id == person_id))
            # Their subscriptions and announcement deliveries go with them.
            await conn.execute(
                delete(_subscriptions).where(_subscriptions.c.person_id == person_id)
            )
            await conn.execute(delete(_deliveries).where(_deliveries.c.person_id == person_id))
            # a staff person's unfinished announcement draft too
            await conn.execute(delete(_drafts).where(_drafts.c.person_id == person_id))
            result = await conn.execute(delete(_people).where(_people.c.id == person_id))
        return bool(result.rowcount)


class _Row:
    """Attribute access over a dict, so fresh inserts convert like fetched rows."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
