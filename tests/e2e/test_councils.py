"""The Ortsbeiräte through the web chat, the real stack: meeting, agenda, room, Ortsamt."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from typing import Any

from tests.e2e.helpers import BERLIN, answer_text, city, new_sender
from tests.stack import Stack

GERMAN_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


def _council(stack: Stack, district: str) -> dict[str, Any]:
    items = city(stack, "/councils", district=district)["items"]
    assert len(items) == 1, items
    return dict(items[0])


def _next_meeting(stack: Stack, council_id: int) -> dict[str, Any]:
    now = datetime.now(BERLIN).isoformat()
    items = city(stack, "/meetings", council=council_id, **{"from": now}, limit=10)["items"]
    held = [m for m in items if not m["cancelled"]]
    assert held, "the sample has upcoming meetings for every Ortsbeirat"
    return dict(held[0])


def _day(meeting: dict[str, Any]) -> str:
    start = datetime.fromisoformat(meeting["start"]).astimezone(BERLIN)
    return f"{start.day}. {GERMAN_MONTHS[start.month - 1]}"


def _chat(stack: Stack, sender: str, message: str) -> str:
    status, body = stack.chat(sender, message)
    assert status == 200, body
    return answer_text(body)


def test_the_council_stays_in_context_from_meeting_to_agenda_room_and_ortsamt(
    stack: Stack,
) -> None:
    council = _council(stack, "Toitenwinkel")
    meeting = _next_meeting(stack, council["id"])
    sender = new_sender()

    text = _chat(stack, sender, "Wann tagt der Ortsbeirat Toitenwinkel?")
    assert "Der Ortsbeirat Toitenwinkel tagt als Nächstes" in text, text
    if datetime.fromisoformat(meeting["start"]).astimezone(BERLIN).date() > (
        datetime.now(BERLIN).date()
    ):
        assert _day(meeting) in text or "morgen" in text, text
    assert meeting["location"]["address"] in text, text

    text = _chat(stack, sender, "Was steht auf der Tagesordnung?")
    assert "Tagesordnung: Ortsbeirat Toitenwinkel" in text, text
    for item in meeting["agenda"]:
        assert (item["title"] in text) is item["public"], (item, text)

    text = _chat(stack, sender, "Ist die Sitzung barrierefrei?")
    assert "rollstuhlgerecht" in text, text

    text = _chat(stack, sender, "Wie erreiche ich das Ortsamt?")
    assert text.startswith(
        f"{council['office']['name']}, zuständig für Ortsbeirat Toitenwinkel."
    ), text
    assert council["office"]["phone"] in text, text


def test_the_council_question_waits_for_the_district(stack: Stack) -> None:
    sender = new_sender()

    text = _chat(stack, sender, "Welcher Ortsbeirat ist für mich zuständig?")
    assert text.startswith("Für welchen Stadtteil möchten Sie das wissen?"), text

    text = _chat(stack, sender, "Lütten Klein")
    assert "Zuständig ist der Ortsbeirat Lütten Klein." in text, text


def test_an_english_question_about_the_council_is_answered_in_english(stack: Stack) -> None:
    sender = new_sender()

    text = _chat(stack, sender, "When does the district council of Südstadt meet?")
    assert "The Ortsbeirat Südstadt meets next on" in text, text


def _buttons(body: dict[str, Any]) -> list[dict[str, str]]:
    return [b for m in body.get("messages", []) for b in m.get("buttons", [])]


def test_a_question_for_the_council_is_noted_at_question_time_and_filed_to_it(
    stack: Stack,
) -> None:
    council = _council(stack, "Toitenwinkel")
    sender = new_sender()
    status, body = stack.chat(sender, "Wann ist die nächste Einwohnerfragestunde in Toitenwinkel?")
    assert status == 200, body
    assert "Einwohnerfragestunde" in answer_text(body), body
    offer = next(b for b in _buttons(body) if b["title"] == f"Frage an den {council['name']}")

    text = _chat(stack, sender, offer["payload"])
    assert text.startswith("Was möchten Sie den Ortsbeirat fragen oder ihm vorschlagen?"), text
    question = "Wann wird die Bushaltestelle am Zentrum barrierefrei umgebaut?"
    text = _chat(stack, sender, question)
    assert "Ihr Anliegen an den Ortsbeirat Toitenwinkel" in text, text
    assert question in text, text
    text = _chat(stack, sender, "Ja")
    assert "auch für den Ortsbeirat Toitenwinkel" in text, text
    found = re.search(r"Ihre Nummer ist (\d+)", text)
    assert found, text
    idea = city(stack, f"/open311/v2/requests/{found.group(1)}.json", extensions="true")[0]
    assert idea["description"] == question
    assert idea["extended_attributes"]["council"] == "Toitenwinkel"


def test_keeping_up_with_a_council_in_words_subscribes_its_districts_to_participation(
    stack: Stack,
) -> None:
    sender = new_sender()
    text = _chat(stack, sender, "Halten Sie mich über den Ortsbeirat Dierkow auf dem Laufenden")
    assert text.startswith("Möchten Sie Nachrichten der Stadt"), text
    assert "Dierkow" in text, text
    text = _chat(stack, sender, "Ja")
    assert text.startswith("Erledigt."), text
    person = stack.person_id("web", sender)
    with sqlite3.connect(stack.gateway_db_url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            "SELECT district, topic FROM subscriptions WHERE person_id = ? ORDER BY district",
            (person,),
        ).fetchall()
    assert rows == [
        ("Dierkow-Neu", "participation"),
        ("Dierkow-Ost", "participation"),
        ("Dierkow-West", "participation"),
    ]


def test_an_address_finds_its_council_asked_at_once_or_after_the_question(stack: Stack) -> None:
    sender = new_sender()
    text = _chat(stack, sender, "Welcher Ortsbeirat ist für die Holbeinplatz 14 zuständig?")
    assert text.startswith("Die Adresse Holbeinplatz 14 liegt in Reutershagen."), text
    assert "Zuständig ist der Ortsbeirat Reutershagen." in text, text

    sender = new_sender()
    text = _chat(stack, sender, "Welcher Ortsbeirat ist für mich zuständig?")
    assert text.startswith("Für welchen Stadtteil möchten Sie das wissen?"), text
    text = _chat(stack, sender, "Ziolkowskistraße 28")
    assert "Die Adresse Ziolkowskistraße 28 liegt in Südstadt." in text, text
    assert "Zuständig ist der Ortsbeirat Südstadt." in text, text
