"""The retention job against the real stack's stores, with its clock moved forward (no sleeping).

Conversations are kept by the real Rasa in its SQL tracker store, people by the real gateway; the
job runs in the test against the same databases, as it runs inside the gateway.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.store.database import create_engine
from bot.store.people import SqlPersonStore
from bot.store.retention import RetentionJob
from tests.e2e.helpers import new_sender, tracker
from tests.stack import Stack


def _said(stack: Stack, person_id: str) -> list[str]:
    return [e["text"] for e in tracker(stack, person_id)["events"] if e["event"] == "user"]


def _events(stack: Stack, person_id: str) -> int:
    path = stack.rasa_tracker_db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        query = "SELECT count(*) FROM events WHERE sender_id = ?"
        return int(conn.execute(query, (person_id,)).fetchone()[0])


async def _run(stack: Stack, after: timedelta, forgotten: list[str]) -> tuple[int, int]:
    gateway = create_engine(stack.gateway_db_url)
    rasa = create_engine(stack.rasa_tracker_db_url)
    try:
        job = RetentionJob(
            SqlPersonStore(gateway),
            rasa,
            conversation_days=30,
            web_person_hours=24,
            clock=lambda: datetime.now(UTC) + after,
            forgotten=forgotten.extend,
        )
        purged = await job.run_once()
    finally:
        await gateway.dispose()
        await rasa.dispose()
    return purged.conversations, purged.web_people


async def test_an_anonymous_web_chat_person_goes_after_a_day_and_a_subscriber_stays(
    stack: Stack,
) -> None:
    anonymous, subscriber = new_sender(), new_sender()
    assert stack.chat(anonymous, "Wo ist eine Toilette in der Südstadt?")[0] == 200
    assert stack.chat(subscriber, "Wo ist eine Toilette in Warnemünde?")[0] == 200
    assert stack.chat(subscriber, "/subscribe Warnemünde")[0] == 200
    assert stack.chat(subscriber, "Ja")[0] == 200
    gone, kept = stack.person_id("web", anonymous), stack.person_id("web", subscriber)

    forgotten: list[str] = []
    await _run(stack, timedelta(hours=23), forgotten)  # not yet
    assert stack.person_id("web", anonymous) == gone
    assert _events(stack, gone) > 0

    await _run(stack, timedelta(hours=25), forgotten)
    with pytest.raises(LookupError):
        stack.person_id("web", anonymous)
    assert _events(stack, gone) == 0
    assert _said(stack, gone) == []  # Rasa itself has no conversation left
    assert gone in forgotten
    assert stack.person_id("web", subscriber) == kept  # subscribed: not anonymous
    assert _events(stack, kept) > 0


async def test_a_conversation_goes_thirty_days_after_its_last_message(stack: Stack) -> None:
    sender = new_sender()
    assert stack.chat(sender, "/subscribe Südstadt")[0] == 200
    assert stack.chat(sender, "Ja")[0] == 200
    assert stack.chat(sender, "Wann hat die Stadtbibliothek geöffnet?")[0] == 200
    person = stack.person_id("web", sender)
    assert _said(stack, person)

    await _run(stack, timedelta(days=29), [])
    assert _said(stack, person)
    await _run(stack, timedelta(days=31), [])
    assert _events(stack, person) == 0
    assert _said(stack, person) == []
    assert stack.person_id("web", sender) == person  # the subscriber's settings stay

    # writing again starts a new conversation that is kept
    status, body = stack.chat(sender, "Wo ist ein Spielplatz in Warnemünde?")
    assert status == 200, body
    assert _said(stack, person) == ["Wo ist ein Spielplatz in Warnemünde?"]
