"""Changing the language, and asking back with the two likeliest intents when the NLU is unsure."""

import json

from actions.clarify import ActionClarify
from actions.language import ActionChangeLanguage
from actions.reset import ActionResetSearch
from builders import make_tracker, run_action, tracker_from_payload


async def test_asking_for_english_sets_the_slot_and_tells_the_gateway() -> None:
    tracker = make_tracker(intent="change_language", entities={"language": "en"})
    answer = await run_action(ActionChangeLanguage(), tracker)

    assert answer.events == [
        {"event": "slot", "timestamp": None, "name": "language", "value": "en"}
    ]
    assert [m["custom"] for m in answer.messages] == [{"language": "en"}]
    # the confirmation is the rule's utter_language_changed, in the new language
    assert answer.texts == []


async def test_without_a_named_language_it_switches_to_the_other() -> None:
    to_german = await run_action(
        ActionChangeLanguage(), make_tracker(intent="change_language", language="en")
    )
    to_english = await run_action(
        ActionChangeLanguage(), make_tracker(intent="change_language", language="de")
    )

    assert to_german.events[0]["value"] == "de"
    assert to_german.messages[0]["custom"] == {"language": "de"}
    assert to_english.events[0]["value"] == "en"


async def test_unsure_nlu_offers_the_two_likeliest_intents_with_the_entities() -> None:
    tracker = make_tracker(
        intent="nlu_fallback",
        entities={"place_type": "toilet", "district": "Südstadt"},
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "ask_opening_hours", "confidence": 0.41},
            {"name": "ask_place", "confidence": 0.38},
            {"name": "ask_event", "confidence": 0.1},
        ],
        text="toilette südstadt wann",
    )
    answer = await run_action(ActionClarify(), tracker)

    assert answer.texts == ["Ich bin nicht sicher, was Sie meinen. Meinen Sie eins davon?"]
    assert [b["title"] for b in answer.buttons] == ["Öffnungszeiten erfragen", "Einen Ort suchen"]
    assert (
        answer.buttons[1]["payload"] == '/ask_place{"place_type": "toilet", "district": "Südstadt"}'
    )
    # the payload is what Rasa parses back into the intent and its entities
    chosen = tracker_from_payload(answer.buttons[0]["payload"])
    assert chosen.latest_message["intent"]["name"] == "ask_opening_hours"
    assert chosen.get_slot("district") == "Südstadt"


async def test_clarify_in_english_skips_yes_and_no() -> None:
    tracker = make_tracker(
        intent="nlu_fallback",
        language="en",
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.6},
            {"name": "affirm", "confidence": 0.3},
            {"name": "ask_event", "confidence": 0.2},
            {"name": "help", "confidence": 0.1},
        ],
    )
    answer = await run_action(ActionClarify(), tracker)

    assert answer.texts == ["I am not sure what you mean. Did you mean one of these?"]
    assert answer.buttons == [
        {"title": "Find events", "payload": "/ask_event"},
        {"title": "Help", "payload": "/help"},
    ]


async def test_clarify_without_any_ranking_offers_the_main_topics() -> None:
    tracker = make_tracker(
        intent="nlu_fallback", intent_ranking=[{"name": "nlu_fallback", "confidence": 0.2}]
    )
    answer = await run_action(ActionClarify(), tracker)

    assert answer.texts[0].startswith("Das habe ich leider nicht verstanden.")
    assert [b["payload"] for b in answer.buttons] == [
        "/ask_place",
        "/ask_opening_hours",
        "/ask_event",
    ]


async def test_reset_search_forgets_the_search_but_not_the_language() -> None:
    tracker = make_tracker(
        intent="restart_search",
        slots={"place_type": "toilet", "district": "Südstadt", "when": "heute"},
        language="en",
    )
    answer = await run_action(ActionResetSearch(), tracker)

    assert {e["name"]: e["value"] for e in answer.events} == {
        "place_type": None,
        "district": None,
        "when": None,
    }
    assert json.dumps(answer.messages) == "[]"
