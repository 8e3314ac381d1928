"""The privacy notice and the data export in the core: what it states, what the file holds."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import IncomingMessage
from bot.core.privacy import PrivacyPolicy
from tests.fakes import MemoryPersonalData, MemoryPersonStore, ScriptedAssistant

POLICY = PrivacyPolicy(
    contact="datenschutz@example.org",
    conversation_days=14,
    web_person_hours=6,
    report_contact_days=60,
    url="https://www.rostock.de/datenschutz-assistent",
)


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


def _core(
    guesser: LanguageGuesser, *, personal_data: bool = True
) -> tuple[Conversation, MemoryPersonStore, MemoryPersonalData, ScriptedAssistant]:
    store = MemoryPersonStore()
    data = MemoryPersonalData(store)
    assistant = ScriptedAssistant()
    core = Conversation(
        store,
        assistant,
        guesser,
        personal_data=data if personal_data else None,
        privacy=POLICY,
    )
    return core, store, data, assistant


MSG = IncomingMessage(channel="matrix", sender_id="@anna:example.org", chat_id="!r:example.org")


@pytest.mark.parametrize(
    "said",
    ["/privacy", "/datenschutz", "Was wisst ihr über mich?", "was speichert ihr von mir"],
)
async def test_the_notice_states_the_configured_periods_and_the_contact(
    guesser: LanguageGuesser, said: str
) -> None:
    core, _, _, assistant = _core(guesser)
    turn = await core.handle(replace(MSG, text=said))
    [told] = turn.messages
    for fact in ("14 Tage", "6 Stunden", "60 Tage", "datenschutz@example.org",
                 "Sprachnachrichten speichere ich nicht", POLICY.url or ""):  # fmt: skip
        assert fact in told.text, (fact, told.text)
    assert [b.payload for b in told.buttons] == ["/export", "/delete"]
    assert assistant.asked == []  # the question never reaches the assistant


async def test_the_notice_in_english_and_its_offered_export_by_number(
    guesser: LanguageGuesser,
) -> None:
    core, store, data, _ = _core(guesser)
    turn = await core.handle(replace(MSG, text="What do you know about me?", language_hint="en"))
    assert turn.messages[0].text.startswith("Privacy: this is what I keep about you")
    assert "14 days after your last message" in turn.messages[0].text
    person = store.people[("matrix", "@anna:example.org")]
    data.conversation_events[person.id] = 2
    export = await core.handle(replace(MSG, text="1"))  # the first offered choice
    [answer] = export.messages
    assert answer.document is not None
    assert answer.document.filename.startswith("smile-city-rostock-my-data-")
    content = json.loads(answer.document.data)
    assert content["person"]["id"] == person.id
    assert len(content["conversation"]) == 2
    assert "Here is everything I keep about you" in answer.text


async def test_the_export_says_when_the_reports_could_not_be_asked(
    guesser: LanguageGuesser,
) -> None:
    core, _, data, _ = _core(guesser)
    data.reports_away = True
    turn = await core.handle(replace(MSG, text="/export"))
    assert turn.messages[0].document is not None
    assert "später noch einmal /export" in turn.messages[0].text


async def test_without_the_stores_the_export_names_the_contact(guesser: LanguageGuesser) -> None:
    core, _, _, _ = _core(guesser, personal_data=False)
    turn = await core.handle(replace(MSG, text="/export"))
    assert turn.messages[0].document is None
    assert "datenschutz@example.org" in turn.messages[0].text


async def test_ordinary_questions_still_go_to_the_assistant(guesser: LanguageGuesser) -> None:
    core, _, _, assistant = _core(guesser)
    await core.handle(replace(MSG, text="Was wisst ihr über die Südstadt?"))
    assert [text for _, text, _ in assistant.asked] == ["Was wisst ihr über die Südstadt?"]
