"""Subscriptions asked for in plain words, through the web chat and the real stack: Rasa hears
the wish, the action hands it to the gateway, which asks for the yes and keeps the subscription."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.core import texts
from tests.e2e.helpers import answer_text, new_sender
from tests.stack import Stack


def _say(stack: Stack, sender: str, message: str) -> dict[str, Any]:
    status, body = stack.chat(sender, message)
    assert status == 200, body
    return dict(body)


def _stored(stack: Stack, sender: str) -> list[tuple[str, str]]:
    """What the gateway's database holds for this person: (district, topic) rows."""
    person = stack.person_id("web", sender)
    with sqlite3.connect(stack.gateway_db_url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            "SELECT district, topic FROM subscriptions WHERE person_id = ? ORDER BY district",
            (person,),
        ).fetchall()
    return [(str(d), str(t)) for d, t in rows]


def _buttons(body: dict[str, Any]) -> list[str]:
    return [b["title"] for m in body["messages"] for b in m.get("buttons", [])]


def test_news_from_a_district_asked_in_words_is_subscribed_only_after_yes_then_ended(
    stack: Stack,
) -> None:
    sender = new_sender()
    body = _say(stack, sender, "Nachrichten aus Lichtenhagen, bitte")
    what = "alle Themen aus Lichtenhagen"
    assert answer_text(body) == texts.text("subscribe_ask", "de", what=what), body
    assert _buttons(body) == ["Ja", "Nein"]
    assert _stored(stack, sender) == []  # asked, not yet subscribed

    body = _say(stack, sender, "Ja")
    assert answer_text(body) == texts.text("subscribed", "de", what=what)
    assert _stored(stack, sender) == [("Lichtenhagen", "all")]

    body = _say(stack, sender, "Was habe ich abonniert?")
    assert "Sie haben abonniert: alle Themen aus Lichtenhagen" in answer_text(body), body

    body = _say(stack, sender, "Keine Nachrichten aus Lichtenhagen mehr, bitte")
    assert answer_text(body) == texts.text("unsubscribed", "de", removed=what), body
    assert _stored(stack, sender) == []


def test_a_topic_in_a_group_of_districts_asked_in_english_is_confirmed_in_english(
    stack: Stack,
) -> None:
    sender = new_sender()
    body = _say(stack, sender, "Please keep me informed about construction in Dierkow.")
    text = answer_text(body)
    assert text.startswith("Would you like to get news from the city: construction and traffic")
    assert "Dierkow" in text, text
    assert _buttons(body) == ["Yes", "No"]
    body = _say(stack, sender, "yes")
    assert answer_text(body).startswith("Done. You will now get news: construction and traffic")
    assert _stored(stack, sender) == [
        ("Dierkow-Neu", "construction"),
        ("Dierkow-Ost", "construction"),
        ("Dierkow-West", "construction"),
    ]


def test_a_wish_for_news_without_a_district_asks_which_and_offers_the_whole_city(
    stack: Stack,
) -> None:
    sender = new_sender()
    body = _say(stack, sender, "Ich möchte von der Stadt auf dem Laufenden gehalten werden.")
    assert answer_text(body) == texts.text("subscribe_which", "de"), body
    assert _buttons(body) == ["Ganz Rostock"]
    body = _say(stack, sender, "Ganz Rostock")
    whole_city = texts.text("subscribe_ask", "de", what="alle Themen aus ganz Rostock")
    assert answer_text(body) == whole_city, body
    body = _say(stack, sender, "Nein")
    assert answer_text(body) == texts.text("subscribe_cancelled", "de")
    assert _stored(stack, sender) == []


def test_ending_everything_in_words_is_asked_first_and_a_no_keeps_them(stack: Stack) -> None:
    sender = new_sender()
    _say(stack, sender, "/subscribe Warnemünde")
    _say(stack, sender, "Ja")
    assert _stored(stack, sender) == [("Warnemünde", "all")]

    body = _say(stack, sender, "Bitte schicken Sie mir gar keine Nachrichten mehr.")
    ask = texts.text("unsubscribe_all_ask", "de", listing="alle Themen aus Warnemünde")
    assert answer_text(body) == ask, body
    assert _buttons(body) == ["Ja, alle beenden", "Nein, behalten"]
    body = _say(stack, sender, "Nein, behalten")
    assert answer_text(body) == texts.text("unsubscribe_kept", "de")
    assert _stored(stack, sender) == [("Warnemünde", "all")]

    _say(stack, sender, "Bitte schicken Sie mir gar keine Nachrichten mehr.")
    body = _say(stack, sender, "Ja, alle beenden")
    removed = texts.text("unsubscribed", "de", removed="alle Themen aus Warnemünde")
    assert answer_text(body) == removed, body
    assert _stored(stack, sender) == []


def test_the_district_named_after_the_question_completes_a_topic_wish(stack: Stack) -> None:
    sender = new_sender()
    body = _say(stack, sender, "Nachrichten über Baustellen, bitte")
    topic = "Baustellen und Verkehr"
    assert answer_text(body) == texts.text("subscribe_which_topic", "de", topic=topic), body
    assert _buttons(body) == ["Ganz Rostock"]
    body = _say(stack, sender, "Atlantis")
    assert answer_text(body).startswith("„Atlantis“ kenne ich nicht als Stadtteil"), body
    assert _buttons(body) == ["Ganz Rostock"]
    body = _say(stack, sender, "KTV")
    what = f"{topic} aus Kröpeliner-Tor-Vorstadt"
    assert answer_text(body) == texts.text("subscribe_ask", "de", what=what), body
    assert _stored(stack, sender) == []
    body = _say(stack, sender, "Ja")
    assert answer_text(body) == texts.text("subscribed", "de", what=what), body
    assert _stored(stack, sender) == [("Kröpeliner-Tor-Vorstadt", "construction")]


def test_an_english_wish_is_completed_by_in_dierkow(stack: Stack) -> None:
    sender = new_sender()
    body = _say(stack, sender, "Please keep me posted about events.")
    assert answer_text(body) == texts.text("subscribe_which_topic", "en", topic="events"), body
    body = _say(stack, sender, "in Dierkow")
    what = "events for Dierkow"
    assert answer_text(body) == texts.text("subscribe_ask", "en", what=what), body
    body = _say(stack, sender, "yes")
    assert answer_text(body) == texts.text("subscribed", "en", what=what), body
    assert [d for d, _ in _stored(stack, sender)] == ["Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"]


def test_a_new_question_instead_of_the_district_is_answered_and_the_wish_dropped(
    stack: Stack,
) -> None:
    sender = new_sender()
    body = _say(stack, sender, "Nachrichten über Baustellen, bitte")
    assert _buttons(body) == ["Ganz Rostock"], body
    body = _say(stack, sender, "Wo ist die nächste Toilette?")
    text = answer_text(body)
    assert text.startswith("Öffentliche Toiletten in Rostock"), body
    assert "kenne ich nicht als Stadtteil" not in text, body
    # the toilet search asks for a district too: the answer now belongs to it
    body = _say(stack, sender, "Lichtenhagen")
    assert "Toilette" in answer_text(body), body
    assert not answer_text(body).startswith("Möchten Sie Nachrichten der Stadt"), body
    assert _stored(stack, sender) == []
