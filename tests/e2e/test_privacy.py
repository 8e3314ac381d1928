"""Deleting one's data through the web chat of the real stack, checked in every store."""

from __future__ import annotations

import sqlite3

import pytest

from bot.core import texts
from tests.e2e.helpers import answer_text, new_sender, tracker
from tests.stack import Stack


def _tracker_rows(stack: Stack, person_id: str) -> int:
    path = stack.rasa_tracker_db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM events WHERE sender_id = ?", (person_id,)
            ).fetchone()[0]
        )


def test_delete_asks_then_removes_the_conversation_and_the_person_record(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Wo gibt es einen Spielplatz in Warnemünde?")
    assert status == 200, body
    person = stack.person_id("web", sender)
    assert _tracker_rows(stack, person) > 0

    status, body = stack.chat(sender, "/delete")
    assert status == 200, body
    assert answer_text(body) == texts.text("delete_ask", "de")
    yes = body["messages"][0]["buttons"][0]
    assert yes["title"] == "Ja, alles löschen"
    assert _tracker_rows(stack, person) > 0  # asking deletes nothing

    status, body = stack.chat(sender, yes["title"])  # the button's title, as typed or said
    assert status == 200, body
    assert "Gesprächsverlauf" in answer_text(body)
    # every store: Rasa's tracker store, Rasa's own view, the gateway's database
    assert _tracker_rows(stack, person) == 0
    assert not [e for e in tracker(stack, person)["events"] if e["event"] == "user"]
    with pytest.raises(LookupError):
        stack.person_id("web", sender)

    # writing again starts afresh, as the answer promised
    status, body = stack.chat(sender, "hallo")
    assert status == 200, body
    assert stack.person_id("web", sender) != person


def test_asking_to_be_forgotten_offers_the_deletion(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Vergesst bitte alles über mich")
    assert status == 200, body
    offered = [b for m in body["messages"] for b in m.get("buttons", [])]
    assert offered == [{"title": "Meine Daten löschen", "payload": "/delete"}], body
    status, body = stack.chat(sender, "Meine Daten löschen")  # the offered choice
    assert status == 200, body
    assert answer_text(body) == texts.text("delete_ask", "de")
