"""The assistant through POST /api/chat against the real stack (city data, Rasa, actions)."""

from __future__ import annotations

import base64
import re
from datetime import datetime

from bot.core import texts
from tests.e2e.helpers import (
    AMBIGUOUS,
    BERLIN,
    actions_run,
    answer_text,
    city,
    language_of_answer,
    last_intent,
    new_sender,
    this_weekend,
    tracker,
)
from tests.stack import Stack


def test_accessible_toilet_in_suedstadt_is_named_from_the_city_data_in_german(
    stack: Stack,
) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "wo ist eine rollstuhlgerechte toilette in der südstadt")
    assert status == 200, body
    text = answer_text(body)
    toilets = city(
        stack, "/places", type="toilet", district="Südstadt", wheelchair="yes,limited", limit=100
    )["items"]
    assert toilets, "the sample data has wheelchair-usable toilets in Südstadt"
    assert any(t["name"] in text for t in toilets), text
    # nothing from another district is offered as a Südstadt toilet
    others = city(stack, "/places", type="toilet", limit=100)["items"]
    assert not any(o["name"] in text for o in others if o["district"] != "Südstadt"), text
    assert body["language"] == "de"
    assert language_of_answer(text) == "de"


def test_an_english_question_is_answered_in_english(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "where is a wheelchair accessible toilet in Südstadt")
    assert status == 200, body
    text = answer_text(body)
    toilets = city(
        stack, "/places", type="toilet", district="Südstadt", wheelchair="yes,limited", limit=100
    )["items"]
    assert any(t["name"] in text for t in toilets), text
    assert body["language"] == "en"
    assert language_of_answer(text) == "en"
    person = stack.person_id("web", sender)
    assert tracker(stack, person)["slots"]["language"] == "en"


def test_opening_hours_agree_with_the_city_data(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "wann hat die Stadtbibliothek geöffnet")
    assert status == 200, body
    text = answer_text(body)
    found = city(stack, "/places", q="stadtbibliothek", limit=3)["items"]
    assert found
    place = city(stack, f"/places/{found[0]['id']}")
    assert place["name"] in text, text
    is_open = place["hours"]["is_open"]
    if is_open:
        assert "geöffnet" in text, text
    else:
        assert "geschlossen" in text, text
        # when closed, the answer says when it opens next (a clock time)
        assert re.search(r"\d{1,2}([:.]\d{2})? Uhr|\d{1,2}:\d{2}", text), text


def test_weekend_events_come_from_the_city_calendar(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "was ist am wochenende los")
    assert status == 200, body
    text = answer_text(body)
    start, end = this_weekend(datetime.now(BERLIN).date())
    events = city(
        stack, "/events", **{"from": start.isoformat(), "to": end.isoformat(), "limit": 100}
    )["items"]
    assert events, "the sample data has events on the coming weekend"
    assert any(e["name"] in text for e in events), text
    later = city(
        stack,
        "/events",
        **{"from": end.isoformat(), "to": end.replace(year=end.year + 1).isoformat()},
    )["items"]
    weekend_names = {e["name"] for e in events}
    assert not any(e["name"] in text for e in later if e["name"] not in weekend_names), text


def test_asking_for_english_switches_all_later_answers(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "hallo")
    assert status == 200, body
    assert body["language"] == "de"
    status, body = stack.chat(sender, "can you speak english")
    assert status == 200, body
    assert body["language"] == "en"
    # a short message keeps the new language: the greeting comes in English
    status, body = stack.chat(sender, "hallo")
    assert status == 200, body
    assert body["language"] == "en"
    person = stack.person_id("web", sender)
    assert tracker(stack, person)["slots"]["language"] == "en"
    status, body = stack.chat(sender, "was ist am wochenende los")
    assert status == 200, body
    assert body["language"] == "de"  # a clearly German question switches back
    assert language_of_answer(answer_text(body)) == "de"


def test_after_a_language_switch_refusals_and_the_web_chats_own_errors_are_in_english(
    stack: Stack,
) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "can you speak english")
    assert (status, body["language"]) == (200, "en"), body
    # The core's refusal follows the language the assistant switched to ...
    status, body = stack.chat(sender, "x" * 4001)
    assert (status, body["error"]["code"]) == (413, "message_too_long")
    assert body["messages"][0]["text"] == texts.text("too_long", "en")
    # ... and so does the web chat's own answer to a request it cannot read.
    status, body = stack.chat(sender, "hallo", voice="yes")
    assert (status, body["error"]["code"]) == (400, "invalid_voice")
    assert body["messages"][0]["text"] == texts.text("unreadable", "en")


def test_the_page_language_choice_is_set_in_rasa_before_the_first_answer(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "hallo", lang="en")
    assert status == 200, body
    assert body["language"] == "en"
    person = stack.person_id("web", sender)
    assert tracker(stack, person)["slots"]["language"] == "en"


def test_an_unclear_message_gets_choices_and_a_number_picks_one(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, AMBIGUOUS)
    assert status == 200, body
    person = stack.person_id("web", sender)
    assert "action_clarify" in actions_run(stack, person)
    buttons = [b for m in body["messages"] for b in m.get("buttons", [])]
    assert len(buttons) >= 2, body
    second = buttons[1]["payload"]
    # "2" is not sent to Rasa as text: the gateway sends the second button's payload
    status, body = stack.chat(sender, "2")
    assert status == 200, body
    assert last_intent(stack, person) == re.match(r"/(\w+)", second).group(1)  # type: ignore[union-attr]


def test_out_of_scope_questions_get_the_out_of_scope_answer(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "wer hat die fußball weltmeisterschaft 2014 gewonnen")
    assert status == 200, body
    assert answer_text(body)
    person = stack.person_id("web", sender)
    assert "utter_out_of_scope" in actions_run(stack, person)


def test_voice_command_turns_spoken_answers_on_and_off(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "/voice on")
    assert status == 200, body
    assert body["messages"][0]["text"] == texts.text("voice_on", "de")
    status, body = stack.chat(sender, "hallo")
    assert status == 200, body
    spoken = [m for m in body["messages"] if m["text"].strip()]
    assert spoken
    assert all(m.get("audio") and m.get("audio_mime", "").startswith("audio/") for m in spoken)
    assert base64.b64decode(spoken[0]["audio"])[:4] == b"OggS"
    status, body = stack.chat(sender, "/voice off")
    assert status == 200, body
    status, body = stack.chat(sender, "hallo")
    assert status == 200, body
    assert not any("audio" in m for m in body["messages"])


def test_a_short_english_greeting_is_answered_in_english(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Hello!")
    assert status == 200, body
    assert language_of_answer(answer_text(body)) == "en", body
    status, body = stack.chat(new_sender(), "Moin!")
    assert status == 200, body
    assert language_of_answer(answer_text(body)) == "de", body
