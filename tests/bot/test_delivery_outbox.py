"""The durable outbox of announcements: a restart mid-send sends nothing twice and loses
nothing, and two workers on PostgreSQL never take the same delivery (real stores, the real web
chat channel as the outbound port)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.broadcast.sender import AnnouncementSender, message_text, text_language
from bot.broadcast.settings import BroadcastSettings
from bot.broadcast.store import Announcement, AnnouncementStore
from bot.broadcast.validate import AnnouncementDraft
from bot.channels.web.adapter import WebChannel
from bot.core.messages import DeliveryResult, OutgoingMessage, Recipient, RetryAfter
from bot.core.ports import Subscription
from bot.store.database import create_engine, migrate
from bot.store.people import SqlPersonStore
from bot.store.subscriptions import SqlSubscriptionStore
from bot.store.web_outbox import WebOutbox

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
NEWS = AnnouncementDraft(
    text="Der Ortsbeirat Lichtenhagen tagt am Dienstag um 18 Uhr.",
    text_en=None,
    text_plain=None,
    districts=("Lichtenhagen",),
    topics=("participation",),
    send_at=None,
    author="Ortsamt Nord",
)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/gateway.sqlite3"
    migrate(url)
    return url


@pytest.fixture
async def sqlite(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    name = f"gateway_outbox_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def web_subscribers(engine: AsyncEngine, count: int) -> list[str]:
    """Web chat people subscribed to Lichtenhagen; their sender ids."""
    people, subscriptions = SqlPersonStore(engine), SqlSubscriptionStore(engine)
    senders = []
    for number in range(count):
        sender = f"web-{number}"
        person = await people.touch("web", sender, sender, "de")
        await subscriptions.subscribe(person.id, [Subscription("Lichtenhagen", "all")], "de")
        senders.append(sender)
    return senders


def web_channel(engine: AsyncEngine) -> WebChannel:
    return WebChannel(SqlPersonStore(engine), WebOutbox(engine))


def settings(**values: object) -> BroadcastSettings:
    return BroadcastSettings.model_validate({"poll_s": 0.05, "lease_s": 0.3, **values})


async def received(engine: AsyncEngine, senders: list[str]) -> dict[str, int]:
    outbox = WebOutbox(engine)
    return {sender: len(await outbox.waiting(sender)) for sender in senders}


async def test_a_restart_mid_send_resumes_the_pending_and_resends_none_that_were_sent(
    sqlite: AsyncEngine, sqlite_url: str
) -> None:
    senders = await web_subscribers(sqlite, 5)
    store = AnnouncementStore(sqlite)
    announcement_id = await store.create(NEWS, "approved")
    # The first gateway writes the deliveries, takes them all, sends two, then is killed.
    now = datetime.now(UTC)
    assert await store.queue_due(now) == [announcement_id]
    held = await store.claim(now, 10, lease_s=0.3)
    assert len(held) == 5
    web = web_channel(sqlite)
    for delivery in held[:2]:
        assert delivery.address is not None
        await web.send(
            Recipient(delivery.person_id, "web", delivery.address), OutgoingMessage(NEWS.text)
        )
        await store.mark_sent(delivery.id)
    report = (await store.report(announcement_id))["web"]
    assert (report["sent"], report["pending"]) == (2, 3)

    # The restarted gateway: new engine, new store, new sender on the same database.
    restarted = create_engine(sqlite_url)
    try:
        sender = AnnouncementSender(
            AnnouncementStore(restarted), {"web": web_channel(restarted)}, settings()
        )
        assert await sender.run_once() == 0  # the killed worker's hold has not run out yet
        await asyncio.sleep(0.35)
        assert await sender.run_once() == 3
        assert await sender.run_once() == 0
        assert await received(restarted, senders) == dict.fromkeys(senders, 1)
        after = await AnnouncementStore(restarted).get(announcement_id)
        assert after is not None
        assert after.status == "sent"
        report = (await AnnouncementStore(restarted).report(announcement_id))["web"]
        assert (report["sent"], report["pending"], report["failed"]) == (5, 0, 0)
    finally:
        await restarted.dispose()


async def test_a_worker_whose_hold_ran_out_sends_none_of_what_another_worker_took(
    sqlite: AsyncEngine,
) -> None:
    senders = await web_subscribers(sqlite, 3)
    store = AnnouncementStore(sqlite)
    await store.create(NEWS, "approved")
    now = datetime.now(UTC)
    await store.queue_due(now)
    # a slow worker's batch outlasts its hold (long retry_after waits) ...
    held = await store.claim(now, 10, lease_s=0.3)
    assert len(held) == 3
    assert await store.renew(held[0], 0.3) is not None  # still its own: held a little longer
    await asyncio.sleep(0.65)
    # ... so another worker takes the deliveries up and sends them
    other = AnnouncementSender(AnnouncementStore(sqlite), {"web": web_channel(sqlite)}, settings())
    assert await other.run_once() == 3
    # the slow worker, before its next send, finds they are no longer its own
    assert [await store.renew(delivery, 30) for delivery in held] == [None, None, None]
    assert await received(sqlite, senders) == dict.fromkeys(senders, 1)


async def test_two_workers_on_postgresql_send_each_delivery_once(postgres_url: str) -> None:
    migrate(postgres_url)
    first, second = create_engine(postgres_url), create_engine(postgres_url)
    try:
        senders = await web_subscribers(first, 60)
        announcement_id = await AnnouncementStore(first).create(NEWS, "approved")
        workers = [
            AnnouncementSender(
                AnnouncementStore(engine),
                {"web": web_channel(engine)},
                # a hold longer than a batch takes on a busy machine: no worker died here
                settings(concurrency=5, lease_s=30),
            )
            for engine in (first, second)
        ]
        handled = await asyncio.gather(*(_drain(worker) for worker in workers))
        assert sum(handled) == 60 + 1  # the deliveries and queuing the announcement once
        assert all(count > 1 for count in handled)  # both workers did part of it
        assert await received(first, senders) == dict.fromkeys(senders, 1)
        report = (await AnnouncementStore(second).report(announcement_id))["web"]
        assert report["sent"] == 60
    finally:
        await first.dispose()
        await second.dispose()


async def _drain(worker: AnnouncementSender) -> int:
    total = 0
    idle = 0
    while idle < 3:
        handled = await worker.run_once()
        total += handled
        idle = 0 if handled else idle + 1
        await asyncio.sleep(0)
    return total


async def test_a_deleted_person_is_not_written_to_and_their_subscriptions_go(
    sqlite: AsyncEngine,
) -> None:
    senders = await web_subscribers(sqlite, 2)
    people = SqlPersonStore(sqlite)
    gone = await people.find("web", senders[0])
    assert gone is not None
    store = AnnouncementStore(sqlite)
    announcement_id = await store.create(NEWS, "approved")
    await store.queue_due(datetime.now(UTC))
    assert await people.delete(gone.id)  # asked to be forgotten after the deliveries were written
    sender = AnnouncementSender(store, {"web": web_channel(sqlite)}, settings())
    await sender.run_once()
    assert await received(sqlite, senders) == {senders[0]: 0, senders[1]: 1}
    assert await SqlSubscriptionStore(sqlite).subscriptions(gone.id) == []
    report = (await store.report(announcement_id))["web"]
    assert report["sent"] == 1


def test_english_readers_get_the_english_text_only_when_staff_wrote_one() -> None:
    both = Announcement(
        1, "Straße gesperrt.", "Road closed.", None, (), (), None, "approved", "a", None,
        datetime.now(UTC),
    )  # fmt: skip
    german_only = replace(both, text_en=None)
    assert text_language(both, "en") == "en"
    assert message_text(both, "en").startswith("Road closed.\n\nCity of Rostock")
    assert text_language(both, "de") == "de"
    assert text_language(german_only, "en") == "de"  # German text, never read in an English voice
    assert message_text(german_only, "de").startswith("Straße gesperrt.\n\nHanse- und")


class FirstAttemptFails:
    """The web chat channel behind a platform that times out on each address's first attempt
    (the message may have gone out: only the delivery key can tell a repeat)."""

    name = "web"

    def __init__(self, channel: WebChannel) -> None:
        self._channel = channel
        self.keys: dict[str, list[str | None]] = {}

    async def send(self, recipient: Recipient, message: OutgoingMessage) -> DeliveryResult:
        """Record the key; answer RetryAfter the first time, deliver after."""
        attempts = self.keys.setdefault(recipient.address, [])
        attempts.append(message.delivery_key)
        if len(attempts) == 1:
            return RetryAfter(0.01, "timeout")
        return await self._channel.send(recipient, message)


async def test_every_attempt_at_a_delivery_carries_the_same_key_and_no_other_delivery_has_it(
    sqlite: AsyncEngine,
) -> None:
    senders = await web_subscribers(sqlite, 3)
    store = AnnouncementStore(sqlite)
    await store.create(NEWS, "approved")
    channel = FirstAttemptFails(web_channel(sqlite))
    sender = AnnouncementSender(store, {"web": channel}, settings())
    assert await sender.run_once() == 4  # one queued announcement, three attempts
    await asyncio.sleep(0.05)
    for _ in range(50):
        if await sender.run_once() == 0 and all(len(k) == 2 for k in channel.keys.values()):
            break
        await asyncio.sleep(0.05)
    assert await received(sqlite, senders) == dict.fromkeys(senders, 1)
    keys = list(channel.keys.values())
    assert all(first == again and first for first, again in keys)
    assert len({first for first, _ in keys}) == 3
