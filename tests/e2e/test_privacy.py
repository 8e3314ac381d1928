"""Deleting one's data through the web chat of the real stack, checked in every store."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from typing import Any

import pytest

from bot.core import texts
from tests.e2e.helpers import answer_text, new_sender, tracker
from tests.stack import Stack, http_json


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


def _staff(stack: Stack, path: str) -> tuple[int, Any]:
    return http_json(
        "GET",
        f"{stack.cityapi_url}{path}",
        headers={"Authorization": f"Bearer {stack.staff_token}"},
    )


def test_a_reporters_export_holds_everything_and_delete_empties_every_store(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Am Doberaner Platz ist der Bordstein nicht abgesenkt")
    assert "Soll ich das so an die Stadt schicken?" in answer_text(body), body
    status, body = stack.chat(sender, "ja, bitte abschicken")
    found = re.search(r"Ihre Nummer ist (\d+)", answer_text(body))
    assert found, body
    number = found.group(1)
    assert stack.chat(sender, "/subscribe Stadtmitte")[0] == 200
    assert stack.chat(sender, "Ja")[0] == 200
    person = stack.person_id("web", sender)

    # staff see the report, never the reporter's chat id or account
    status, staff_view = _staff(stack, f"/staff/reports/{number}")
    assert status == 200, staff_view
    assert sender not in json.dumps(staff_view)
    assert person not in json.dumps(staff_view)

    # the export: record, subscriptions, the report and the conversation
    status, body = stack.chat(sender, "/export")
    assert status == 200, body
    [message] = body["messages"]
    document = message["document"]
    assert document["filename"].endswith(".json")
    assert document["mime_type"] == "application/json"
    raw = base64.b64decode(document["data"]).decode()
    data = json.loads(raw)
    assert data["person"]["id"] == person
    assert data["person"]["channel"] == "web"
    assert data["subscriptions"] == [{"district": "Stadtmitte", "topic": "all"}]
    assert [str(r["id"]) for r in data["reports"]] == [number]
    said = [e["text"] for e in data["conversation"] if e["from"] == "you"]
    assert said[0] == "Am Doberaner Platz ist der Bordstein nicht abgesenkt", said
    assert any(e["from"] == "assistant" for e in data["conversation"])
    assert sender not in raw  # the export needs no platform id either

    status, body = stack.chat(sender, "/delete")
    status, body = stack.chat(sender, "Ja, alles löschen")
    assert status == 200, body
    said_back = answer_text(body)
    assert "Gesprächsverlauf" in said_back
    assert "Abos" in said_back
    assert "1 Meldungen" in said_back
    # every store, asked afterwards: the tracker store, Rasa, the gateway, the city data API
    assert _tracker_rows(stack, person) == 0
    assert not [e for e in tracker(stack, person)["events"] if e["event"] == "user"]
    with pytest.raises(LookupError):
        stack.person_id("web", sender)
    path = stack.gateway_db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        for table in ("subscriptions", "web_outbox", "deliveries"):
            rows = conn.execute(f"SELECT count(*) FROM {table} WHERE person_id = ?", (person,))
            assert rows.fetchone()[0] == 0, table
    status, mine = _staff(stack, f"/staff/accounts/{person}/reports")
    assert status == 200, mine
    assert mine["items"] == []
    status, staff_view = _staff(stack, f"/staff/reports/{number}")
    assert status == 200, staff_view  # the report stays, anonymised
    assert staff_view["contact"] == {"email": None, "first_name": None, "last_name": None,
                                     "phone": None}  # fmt: skip
