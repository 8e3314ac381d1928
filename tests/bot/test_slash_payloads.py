"""Slash payloads typed or forged by a person never reach Rasa as intents with entities; the
buttons just offered and a few plain commands do (`Conversation` with tests/fakes.py)."""

from __future__ import annotations

import pytest

from bot.core import texts
from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import Button, IncomingMessage, Location, OutgoingMessage
from bot.core.ports import AssistantReply
from tests.fakes import MemoryPersonStore, ScriptedAssistant

TOILETS = '/ask_place{"place_type": "toilet"}'
OFFER = AssistantReply(
    (OutgoingMessage("Was suchen Sie?", buttons=(Button("Toiletten", TOILETS),)),), None
)
FORGED = [
    '/share_location{"latitude": 54.09, "longitude": 12.13}',
    '/attach_photo{"media_id": "someone-elses-photo"}',
    '/deny{"report_part": "place"}',
    '/ask_place{"place_type": "toilet", "district": "Warnemünde"}',
    "  /restart",
    "/session_start",
    "/greet{}",
]


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


def web(text: str | None = None, **fields: object) -> IncomingMessage:
    return IncomingMessage(channel="web", sender_id="w1", chat_id="w1", text=text, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", FORGED)
async def test_a_typed_intent_payload_is_answered_by_the_gateway_not_sent_to_rasa(
    guesser: LanguageGuesser, typed: str
) -> None:
    assistant = ScriptedAssistant()
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    turn = await core.handle(web(typed))
    assert assistant.asked == []
    assert [m.text for m in turn.messages] == [texts.text("not_offered", "de")]


async def test_a_forged_button_tap_is_refused_and_the_offered_one_goes_through(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant({"Hallo": OFFER})
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    forged = '/ask_place{"place_type": "library", "district": "Südstadt"}'
    turn = await core.handle(web(payload=forged))  # e.g. made-up Telegram callback data
    assert turn.messages[0].text == texts.text("not_offered", "de")
    assert assistant.asked == []
    await core.handle(web("Hallo"))
    await core.handle(web(payload=TOILETS))  # the tapped button
    await core.handle(web("Hallo"))
    await core.handle(web(TOILETS))  # the web page sends a tap as the message
    assert [text for _, text, _ in assistant.asked] == ["Hallo", TOILETS, "Hallo", TOILETS]


async def test_an_offered_payload_is_no_longer_taken_once_another_answer_replaced_it(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant({"Hallo": OFFER})
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    await core.handle(web("Hallo"))
    await core.handle(web("Danke"))  # answered without buttons
    turn = await core.handle(web(payload=TOILETS))
    assert turn.messages[0].text == texts.text("not_offered", "de")
    assert [text for _, text, _ in assistant.asked] == ["Hallo", "Danke"]


async def test_plain_commands_go_to_rasa_in_its_spelling(guesser: LanguageGuesser) -> None:
    assistant = ScriptedAssistant()
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    for typed in ("/help", " /HELP ", "/greet", "/contact_human", "Wo ist ein Spielplatz?"):
        await core.handle(web(typed))
    assert [text for _, text, _ in assistant.asked] == [
        "/help",
        "/help",
        "/greet",
        "/contact_human",
        "Wo ist ein Spielplatz?",
    ]


async def test_a_shared_location_still_reaches_rasa_as_the_gateways_payload(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant()
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    await core.handle(web(location=Location(54.0887, 12.1402)))
    assert [text for _, text, _ in assistant.asked] == [
        '/share_location{"latitude": 54.0887, "longitude": 12.1402}'
    ]


async def test_the_answer_is_in_the_persons_language(guesser: LanguageGuesser) -> None:
    assistant = ScriptedAssistant()
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    turn = await core.handle(web(FORGED[1], language_choice="en"))
    assert turn.language == "en"
    assert turn.refusal is None
    assert [m.text for m in turn.messages] == [texts.text("not_offered", "en")]


async def test_a_button_of_an_older_answer_counts_as_its_title_typed(
    guesser: LanguageGuesser,
) -> None:
    assistant = ScriptedAssistant({"Hallo": OFFER})
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    await core.handle(web("Hallo"))
    await core.handle(web("Danke"))  # answered without buttons
    # Telegram keeps the older button tappable and sends its title along
    await core.handle(web("Toiletten", payload=TOILETS))
    assert [text for _, text, _ in assistant.asked] == ["Hallo", "Danke", "Toiletten"]


async def test_the_channels_own_language_choice_goes_through(guesser: LanguageGuesser) -> None:
    assistant = ScriptedAssistant()
    core = Conversation(MemoryPersonStore(), assistant, guesser)
    choice = '/change_language{"language": "en"}'  # Telegram's /language buttons
    await core.handle(web("English", payload=choice, language_choice="en"))
    assert [text for _, text, _ in assistant.asked] == [choice]
