"""The core's turn without I/O: `Conversation` with an in-memory person store and a scripted
assistant (both shaped like the real ones, tests/fakes.py)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core import texts
from bot.core.commands import DELETE_CANCELLED, DELETE_CONFIRMED
from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import Button, IncomingMessage, OutgoingMessage
from bot.core.ports import AssistantReply
from tests.fakes import MemoryPersonalData, MemoryPersonStore, ScriptedAssistant

SWITCH = "can you speak english with me"
PLACES = (
    Button("Toiletten", '/ask_place{"place_type": "toilet"}'),
    Button("Spielplätze", '/ask_place{"place_type": "playground"}'),
)


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


def message(text: str | None = None, **fields: object) -> IncomingMessage:
    return IncomingMessage(channel="telegram", sender_id="77", chat_id="77", text=text, **fields)  # type: ignore[arg-type]


def conversation(
    guesser: LanguageGuesser, assistant: ScriptedAssistant
) -> tuple[Conversation, MemoryPersonStore]:
    store = MemoryPersonStore()
    return Conversation(store, assistant, guesser), store


async def test_a_language_switch_by_the_assistant_is_the_turns_language_and_remembered(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant(
        {SWITCH: AssistantReply((OutgoingMessage("From now on I answer in English."),), "en")}
    )
    core, store = conversation(guesser, assistant)
    first = await core.handle(message("Hallo"))
    assert first.language == "de"
    switched = await core.handle(message(SWITCH))
    assert switched.language == "en"
    assert switched.refusal is None
    assert [m.text for m in switched.messages] == ["From now on I answer in English."]
    assert (await store.find("telegram", "77")) is not None
    assert store.people[("telegram", "77")].language == "en"
    # The next refusal is already in the new language, without asking the assistant.
    empty = await core.handle(message("   "))
    assert empty.language == "en"
    assert empty.messages[0].text == texts.text("empty", "en")


async def test_a_refusal_is_coded_in_the_turn_and_the_assistant_is_not_asked(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant()
    core, _ = conversation(guesser, assistant)
    too_long = await core.handle(message("Rampe " * 700))
    assert too_long.refusal == "too_long"
    assert [m.text for m in too_long.messages] == [texts.text("too_long", "de")]
    sticker = await core.handle(message(unusable="unsupported", language_hint="en"))
    assert sticker.refusal == "unsupported"
    assert sticker.messages[0].text == texts.text("unsupported", "de")  # known person: German
    assert assistant.asked == []


async def test_the_assistant_down_gives_a_polite_coded_answer_and_keeps_the_language_choice(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant(down=True)
    core, store = conversation(guesser, assistant)
    turn = await core.handle(message("Wo ist die nächste Toilette?", language_choice="en"))
    assert turn.refusal == "assistant_unavailable"
    assert turn.language == "en"
    assert [m.text for m in turn.messages] == [texts.text("assistant_unavailable", "en")]
    assert store.people[("telegram", "77")].language == "en"  # persisted before asking


async def test_a_button_chosen_by_number_is_sent_as_its_payload(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant(
        {"Was gibt es?": AssistantReply((OutgoingMessage("Was suchen Sie?", buttons=PLACES),))}
    )
    core, _ = conversation(guesser, assistant)
    offered = await core.handle(message("Was gibt es?"))
    assert offered.messages[0].buttons == PLACES
    await core.handle(message("zwei"))
    assert [text for _, text, _ in assistant.asked] == ["Was gibt es?", PLACES[1].payload]


async def test_a_new_english_person_gets_the_assistants_language_set_once(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant()
    core, _ = conversation(guesser, assistant)
    nothing = await core.handle(message("Hello there", language_hint="en"))
    assert nothing.messages[0].text == texts.text("no_answer", "en")
    await core.handle(message("And another question"))
    assert [language for _, language in assistant.languages] == ["en"]


def forgetful(guesser: LanguageGuesser) -> tuple[Conversation, MemoryPersonStore, Any]:
    store = MemoryPersonStore()
    data = MemoryPersonalData(store)
    assistant = ScriptedAssistant({"Hallo": AssistantReply((OutgoingMessage("Moin!"),))})
    return Conversation(store, assistant, guesser, personal_data=data), store, data


async def test_delete_asks_first_and_the_offered_yes_deletes_everything(
    guesser: LanguageGuesser,
) -> None:
    core, store, data = forgetful(guesser)
    await core.handle(message("Hallo"))
    person_id = store.people[("telegram", "77")].id
    data.conversation_events[person_id] = 12
    asked = await core.handle(message("/delete"))
    assert asked.messages[0].text == texts.text("delete_ask", "de")
    assert [b.payload for b in asked.messages[0].buttons] == [DELETE_CONFIRMED, DELETE_CANCELLED]
    assert data.erased == []  # nothing is deleted by asking
    done = await core.handle(message("1"))  # the first choice, as a screen-reader user says it
    assert data.erased == [person_id]
    assert ("telegram", "77") not in store.people  # and nothing of the person was written again
    assert "Einstellungen" in done.messages[0].text
    assert "Gesprächsverlauf" in done.messages[0].text


async def test_a_confirmation_that_was_not_offered_deletes_nothing(
    guesser: LanguageGuesser,
) -> None:
    core, store, data = forgetful(guesser)
    await core.handle(message("Hallo"))
    turn = await core.handle(message(DELETE_CONFIRMED))
    assert data.erased == []
    assert turn.messages[0].text == texts.text("delete_cancelled", "de")
    asked = await core.handle(message("/delete"))
    assert asked.messages[0].buttons
    kept = await core.handle(message("Nein, behalten"))
    assert data.erased == []
    assert kept.messages[0].text == texts.text("delete_cancelled", "de")
    assert ("telegram", "77") in store.people
