"""The Telegram inbox in the gateway's database: what it keeps, for whom, and for how long.

Against real databases at the newest schema: SQLite (the default) and PostgreSQL (production).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.database import create_engine, migrate
from bot.store.erasure import StoredPersonalData
from bot.store.models import TelegramInboxRow
from bot.store.people import SqlPersonStore
from bot.store.retention import RetentionJob
from bot.store.telegram_inbox import Arrival, TelegramInbox
from bot.store.web_outbox import WebOutbox

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
LEASE = timedelta(seconds=60)
_inbox = TelegramInboxRow.__table__


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/gateway.sqlite3"
        return
    name = f"gateway_inbox_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    url = database_url
    migrate(url)
    engine = create_engine(url)
    yield engine
    await engine.dispose()


def said(update_id: int, chat_id: int, text: str) -> Arrival:
    message = {"message_id": 1, "date": 0, "chat": {"id": chat_id, "type": "private"}}
    return Arrival(
        update_id, chat_id, {"update_id": update_id, "message": {**message, "text": text}}
    )


async def rows(engine: AsyncEngine) -> dict[int, tuple[str, str | None, bool]]:
    """update id → (status, chat, whether it holds the message)."""
    async with engine.connect() as conn:
        found = (
            await conn.execute(select(_inbox.c.update_id, _inbox.c.status, _inbox.c.chat_id,
                                      _inbox.c.payload))
        ).all()  # fmt: skip
    return {int(r.update_id): (r.status, r.chat_id, r.payload is not None) for r in found}


async def test_an_update_is_stored_once_and_its_text_and_chat_go_once_answered(
    engine: AsyncEngine,
) -> None:
    inbox = TelegramInbox(engine, "gateway-1", LEASE)
    assert await inbox.put([said(7, 4242, "Wo ist die Toilette?")]) == [
        said(7, 4242, "Wo ist die Toilette?")
    ]
    assert await inbox.put([said(7, 4242, "Wo ist die Toilette?")]) == []  # a repeat
    assert (await rows(engine))[7] == ("pending", "4242", True)
    await inbox.done([7])
    assert (await rows(engine))[7] == ("done", None, False)
    assert await inbox.put([said(7, 4242, "Wo ist die Toilette?")]) == []  # still a repeat


async def test_updates_held_by_a_running_gateway_stay_its_own_until_its_hold_runs_out(
    engine: AsyncEngine,
) -> None:
    running = TelegramInbox(engine, "gateway-1", LEASE)
    died = TelegramInbox(engine, "gateway-2", timedelta(0))  # its hold has run out at once
    other = TelegramInbox(engine, "gateway-3", LEASE)
    await running.put([said(1, 11, "a")])
    await died.put([said(3, 12, "c"), said(2, 12, "b")])
    taken = await other.take_over()
    assert [(k.update_id, k.chat_id, k.attempts) for k in taken] == [(2, 12, 2), (3, 12, 2)]
    assert await other.take_over() == []  # now held by gateway-3
    # a gateway that polls is the only receiver: at its start, all that waits is its own
    restarted = TelegramInbox(engine, "gateway-4", LEASE)
    assert [k.update_id for k in await restarted.take_over(all_pending=True)] == [1, 2, 3]


async def test_deleting_a_persons_data_deletes_their_waiting_updates_but_not_a_groups(
    engine: AsyncEngine,
) -> None:
    people = SqlPersonStore(engine)
    person = await people.touch("telegram", "4242", "4242", "de")
    in_group = await people.touch("telegram", "4343", "-100777", "de")
    inbox = TelegramInbox(engine, "gateway-1", LEASE)
    await inbox.put([said(1, 4242, "meine Adresse ist …"), said(2, -100777, "Hallo alle")])
    await inbox.put([said(3, 5151, "jemand anderes")])
    data = StoredPersonalData(people, WebOutbox(engine), None)
    await data.erase(person.id)
    await data.erase(in_group.id)
    assert await rows(engine) == {2: ("pending", "-100777", True), 3: ("pending", "5151", True)}
    # the update being answered when they asked is still known once answered (no repeat)
    await inbox.done([1])
    assert (await rows(engine))[1] == ("done", None, False)


async def test_retention_forgets_answered_ids_after_a_day_and_waiting_texts_after_the_period(
    engine: AsyncEngine,
) -> None:
    inbox = TelegramInbox(engine, "gateway-1", LEASE)
    await inbox.put([said(1, 4242, "beantwortet"), said(2, 4242, "wartet")])
    await inbox.done([1])

    async def purge(after: timedelta) -> None:
        job = RetentionJob(
            SqlPersonStore(engine),
            None,
            conversation_days=30,
            web_person_hours=24,
            clock=lambda: datetime.now(UTC) + after,
        )
        await job.run_once()

    await purge(timedelta(hours=23))
    assert set(await rows(engine)) == {1, 2}
    await purge(timedelta(hours=25))
    assert set(await rows(engine)) == {2}  # the answered id is no longer needed
    await purge(timedelta(days=31))
    assert await rows(engine) == {}  # a text never outlives the conversation period
