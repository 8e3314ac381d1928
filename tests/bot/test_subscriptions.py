"""Subscribing by command on every channel: ask first, subscribe on the offered yes, say what
was removed (the core with the real subscription store on SQLite, a scripted assistant)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.broadcast.districts import load_districts
from bot.core import texts
from bot.core.conversation import Conversation
from bot.core.districts import DistrictDirectory
from bot.core.language import LanguageGuesser
from bot.core.messages import ChannelName, IncomingMessage, Language, OutgoingMessage
from bot.core.ports import AssistantReply, Subscription
from bot.core.subscriptions import (
    SUBSCRIBE_CONFIRMED,
    SubscriptionCommand,
    SubscriptionDesk,
    Target,
    completed,
    parse_subscription_command,
    parse_target,
)
from bot.store.database import create_engine, migrate
from bot.store.subscriptions import SqlSubscriptionStore
from tests.fakes import MemoryPersonStore, ScriptedAssistant


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


@pytest.fixture(scope="module")
def districts() -> DistrictDirectory:
    return load_districts()


@pytest.fixture
async def subscriptions(tmp_path: Path) -> AsyncIterator[SqlSubscriptionStore]:
    url = f"sqlite:///{tmp_path}/gateway.sqlite3"
    migrate(url)
    engine = create_engine(url)
    try:
        yield SqlSubscriptionStore(engine)
    finally:
        await engine.dispose()


class Chat:
    """One person writing to the core on one channel."""

    def __init__(self, core: Conversation, store: MemoryPersonStore, channel: ChannelName) -> None:
        self.core, self.store, self.channel = core, store, channel

    async def says(self, text: str | None, **fields: Any) -> list[str]:
        msg = IncomingMessage(
            channel=self.channel, sender_id="s1", chat_id="c1", text=text, **fields
        )
        turn = await self.core.handle(msg)
        return [m.text for m in turn.messages]

    @property
    def person_id(self) -> str:
        return self.store.people[(self.channel, "s1")].id

    @property
    def buttons(self) -> list[str]:
        return [b.title for b in self.store.people[(self.channel, "s1")].last_buttons]


@pytest.fixture
def chat(
    guesser: LanguageGuesser, districts: DistrictDirectory, subscriptions: SqlSubscriptionStore
) -> Chat:
    store = MemoryPersonStore()
    desk = SubscriptionDesk(subscriptions, districts)
    core = Conversation(store, ScriptedAssistant(), guesser, subscriptions=desk)
    return Chat(core, store, "telegram")


@pytest.mark.parametrize(
    ("words", "target"),
    [
        ("Lichtenhagen", Target(("Lichtenhagen",), None)),
        ("Warnemuende", Target(("Warnemünde",), None)),
        ("KTV Baustellen", Target(("Kröpeliner-Tor-Vorstadt",), "construction")),
        ("Groß Klein events", Target(("Groß Klein",), "events")),
        ("Markgrafenheide", Target(("Rostock-Heide",), None)),
        ("Dierkow", Target(("Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"), None)),
        ("alle Warnungen", Target(("all",), "warnings")),
        ("Beteiligung und Ortsbeirat", Target(None, "participation")),
        ("Südstadt Barrierefreiheit", Target(("Südstadt",), "accessibility")),
        ("Unwetterwarnungen", Target(None, "warnings")),
        ("Lichtenhagen Straßensperrungen", Target(("Lichtenhagen",), "construction")),
        ("Atlantis", "Atlantis"),
    ],
)
def test_districts_groups_and_topics_are_understood_as_citizens_write_them(
    words: str, target: Target | str, districts: DistrictDirectory
) -> None:
    assert parse_target(words, districts) == target


async def test_a_subscription_is_active_only_after_the_explicit_yes(
    chat: Chat, subscriptions: SqlSubscriptionStore
) -> None:
    asked = await chat.says("/subscribe Lichtenhagen Baustellen")
    assert "Baustellen und Verkehr aus Lichtenhagen" in asked[0]
    assert chat.buttons == ["Ja", "Nein"]
    assert await subscriptions.subscriptions(chat.person_id) == []
    done = await chat.says("ja")
    assert done == [texts.text("subscribed", "de", what="Baustellen und Verkehr aus Lichtenhagen")]
    assert await subscriptions.subscriptions(chat.person_id) == [
        Subscription("Lichtenhagen", "construction")
    ]
    listed = await chat.says("/subscriptions")
    assert "Baustellen und Verkehr aus Lichtenhagen" in listed[0]


async def test_no_or_an_unoffered_yes_subscribes_nothing(
    chat: Chat, subscriptions: SqlSubscriptionStore
) -> None:
    await chat.says("/abonnieren Warnemünde")
    assert await chat.says("Nein") == [texts.text("subscribe_cancelled", "de")]
    forged = SUBSCRIBE_CONFIRMED + '{"districts": ["all"], "topic": "all"}'
    assert await chat.says(None, payload=forged) == [texts.text("subscribe_cancelled", "de")]
    assert await subscriptions.subscriptions(chat.person_id) == []


async def test_an_english_speaker_subscribes_to_a_district_group_on_matrix(
    guesser: LanguageGuesser, districts: DistrictDirectory, subscriptions: SqlSubscriptionStore
) -> None:
    store = MemoryPersonStore()
    desk = SubscriptionDesk(subscriptions, districts)
    matrix = Chat(
        Conversation(store, ScriptedAssistant(), guesser, subscriptions=desk), store, "matrix"
    )
    asked = await matrix.says("/subscribe Dierkow events", language_hint="en")
    assert asked[0].startswith("Would you like to get news from the city: events for Dierkow?")
    assert matrix.buttons == ["Yes", "No"]
    done = await matrix.says("yes")
    assert done == [texts.text("subscribed", "en", what="events for Dierkow")]
    assert len(await subscriptions.subscriptions(matrix.person_id)) == 3
    again = await matrix.says("/subscribe Dierkow events")
    assert again[0].startswith("Would you like")
    assert await matrix.says("1") == [
        texts.text("subscribed_already", "en", what="events for Dierkow")
    ]


async def test_unsubscribe_says_what_was_removed_and_stop_ends_everything(
    chat: Chat, subscriptions: SqlSubscriptionStore
) -> None:
    await chat.says("/subscribe Lichtenhagen Baustellen")
    await chat.says("ja")
    await chat.says("/subscribe alle Warnungen")
    await chat.says("ja")
    removed = await chat.says("/unsubscribe Baustellen")
    assert removed == [
        texts.text("unsubscribed", "de", removed="Baustellen und Verkehr aus Lichtenhagen")
    ]
    nothing = await chat.says("/unsubscribe Südstadt")
    assert nothing == [
        texts.text("unsubscribe_no_match", "de", listing="Warnungen aus ganz Rostock")
    ]
    assert await chat.says("/stop") == [
        texts.text("unsubscribed", "de", removed="Warnungen aus ganz Rostock")
    ]
    assert await subscriptions.subscriptions(chat.person_id) == []
    assert await chat.says("/subscriptions") == [texts.text("subscriptions_none", "de")]


async def test_unknown_districts_and_a_bare_subscribe_explain_what_works(chat: Chat) -> None:
    unknown = await chat.says("/subscribe Atlantis")
    assert unknown == [texts.text("subscribe_unknown", "de", name="Atlantis")]
    usage = await chat.says("/subscribe")
    assert usage == [texts.text("subscribe_usage", "de")]
    assert chat.buttons == []


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/subscribe Lütten Klein", SubscriptionCommand("subscribe", "Lütten Klein")),
        ("/abos", SubscriptionCommand("list")),
        ("/stop", SubscriptionCommand("unsubscribe", "")),
        ("/unsubscribe@rostock_bot Baustellen", SubscriptionCommand("unsubscribe", "Baustellen")),
        (
            '/subscribe{"district": "Lichtenhagen", "topic": "construction"}',
            SubscriptionCommand("subscribe", "Lichtenhagen construction"),
        ),
        ('/unsubscribe{"topic": "events"}', SubscriptionCommand("unsubscribe", "events")),
        ("/subscribe{broken", None),
        ("/subscriptions please", None),
        ("ich möchte Nachrichten aus Lichtenhagen", None),
    ],
)
def test_commands_and_the_assistants_intent_payloads_are_recognised(
    text: str, command: SubscriptionCommand | None
) -> None:
    assert parse_subscription_command(text) == command


async def test_an_intent_payload_with_entities_asks_like_the_typed_command(chat: Chat) -> None:
    payload = '/subscribe{"district": "Lichtenhagen", "topic": "construction"}'
    asked = await chat.says(None, payload=payload)
    assert "Baustellen und Verkehr aus Lichtenhagen" in asked[0]
    assert chat.buttons == ["Ja", "Nein"]


@pytest.mark.parametrize(
    ("heard", "said", "words"),
    [
        # the NLU heard the district, missed the topic: the words name it
        (
            SubscriptionCommand("subscribe", "Dierkow"),
            "Please keep me informed about construction in Dierkow.",
            "Dierkow construction",
        ),
        # the NLU heard nothing: both come from the words, the district first
        (
            SubscriptionCommand("subscribe"),
            "Sagen Sie mir Bescheid, wenn es in der KTV Straßensperrungen gibt",
            "KTV Straßensperrungen",
        ),
        # "keine Baustellen mehr" ends that topic, not every subscription
        (SubscriptionCommand("unsubscribe"), "keine Baustellen mehr", "Baustellen"),
        # the whole city is never guessed from "der Stadt": asking which district is kinder
        (SubscriptionCommand("subscribe"), "Nachrichten der Stadt, bitte", ""),
        (SubscriptionCommand("list"), "was habe ich zu Baustellen abonniert", ""),
    ],
)
def test_what_the_nlu_missed_is_found_in_the_citizens_own_words(
    heard: SubscriptionCommand, said: str, words: str, districts: DistrictDirectory
) -> None:
    assert completed(heard, said, districts).words == words


def heard_in_words(topic: str | None = None) -> AssistantReply:
    """What the action server answers to a wish for news without a district (its custom
    payload, after the text a client without subscriptions would show)."""
    request: dict[str, object] = {"action": "subscribe"}
    if topic:
        request["topic"] = topic
    return AssistantReply(
        (OutgoingMessage("", custom={"subscription": request}),),
    )


NOT_A_DISTRICT = "Atlantis"
TOILET_DE = "Wo ist die nächste Toilette?"
TOILET_EN = "Where is the nearest toilet?"


def worded(
    guesser: LanguageGuesser,
    districts: DistrictDirectory,
    subscriptions: SqlSubscriptionStore,
    channel: ChannelName,
) -> tuple[Chat, ScriptedAssistant]:
    """A chat on a channel whose assistant hears wishes for news in plain words."""
    store = MemoryPersonStore()
    assistant = ScriptedAssistant(
        script={
            "Nachrichten über Baustellen, bitte": heard_in_words("Baustellen"),
            "Keep me posted about events, please": heard_in_words("events"),
            "Ich möchte informiert werden": heard_in_words(),
            TOILET_DE: AssistantReply((OutgoingMessage("Die nächste Toilette ist am Rathaus."),)),
            TOILET_EN: AssistantReply(
                (OutgoingMessage("The nearest toilet is at the town hall."),)
            ),
        }
    )
    desk = SubscriptionDesk(subscriptions, districts)
    core = Conversation(store, assistant, guesser, subscriptions=desk)
    return Chat(core, store, channel), assistant


@pytest.mark.parametrize("channel", ["telegram", "matrix", "web"])
@pytest.mark.parametrize(
    ("answer", "where", "stored"),
    [
        ("Lichtenhagen", "Lichtenhagen", ["Lichtenhagen"]),
        ("in Dierkow", "Dierkow", ["Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"]),
        ("ganz Rostock", "ganz Rostock", ["all"]),
        ("KTV", "Kröpeliner-Tor-Vorstadt", ["Kröpeliner-Tor-Vorstadt"]),
        ("Ich wohne in Lütten Klein", "Lütten Klein", ["Lütten Klein"]),
        ("Für Markgrafenheide, bitte", "Rostock-Heide", ["Rostock-Heide"]),
    ],
)
async def test_the_answer_to_which_district_completes_the_wish_and_the_yes_subscribes(
    guesser: LanguageGuesser,
    districts: DistrictDirectory,
    subscriptions: SqlSubscriptionStore,
    channel: ChannelName,
    answer: str,
    where: str,
    stored: list[str],
) -> None:
    chat, assistant = worded(guesser, districts, subscriptions, channel)
    asked = await chat.says("Nachrichten über Baustellen, bitte", language_hint="de")
    topic = "Baustellen und Verkehr"
    assert asked[-1] == texts.text("subscribe_which_topic", "de", topic=topic)
    assert chat.buttons == ["Ganz Rostock"]
    what = f"{topic} aus {where}"
    assert await chat.says(answer) == [texts.text("subscribe_ask", "de", what=what)]
    assert chat.buttons == ["Ja", "Nein"]
    assert await subscriptions.subscriptions(chat.person_id) == []  # not before the yes
    assert await chat.says("Ja") == [texts.text("subscribed", "de", what=what)]
    found = await subscriptions.subscriptions(chat.person_id)
    assert sorted(s.district for s in found) == stored
    assert {s.topic for s in found} == {"construction"}
    # the answer never went to the assistant, only the wish did
    assert [text for _, text, _ in assistant.asked] == ["Nachrichten über Baustellen, bitte"]


@pytest.mark.parametrize("channel", ["telegram", "matrix", "web"])
async def test_an_english_speaker_answers_which_district_in_english(
    guesser: LanguageGuesser,
    districts: DistrictDirectory,
    subscriptions: SqlSubscriptionStore,
    channel: ChannelName,
) -> None:
    chat, _ = worded(guesser, districts, subscriptions, channel)
    asked = await chat.says("Keep me posted about events, please", language_hint="en")
    assert asked[-1] == texts.text("subscribe_which_topic", "en", topic="events")
    assert chat.buttons == ["All of Rostock"]
    # "in" and "please" are no district, and "Warnemünde" does not make them German
    what = "events for Warnemünde"
    assert await chat.says("in Warnemünde please") == [texts.text("subscribe_ask", "en", what=what)]
    assert await chat.says("yes") == [texts.text("subscribed", "en", what=what)]
    assert await subscriptions.subscriptions(chat.person_id) == [
        Subscription("Warnemünde", "events")
    ]


async def test_the_whole_city_button_keeps_the_topic(
    guesser: LanguageGuesser, districts: DistrictDirectory, subscriptions: SqlSubscriptionStore
) -> None:
    chat, _ = worded(guesser, districts, subscriptions, "telegram")
    await chat.says("Keep me posted about events, please", language_hint="en")
    asked = await chat.says("1")  # the numbered choice, as Matrix shows it
    assert asked == [texts.text("subscribe_ask", "en", what="events for all of Rostock")]
    await chat.says("yes")
    assert await subscriptions.subscriptions(chat.person_id) == [Subscription("all", "events")]


async def test_an_answer_that_is_no_district_is_asked_again_with_the_choices(
    guesser: LanguageGuesser, districts: DistrictDirectory, subscriptions: SqlSubscriptionStore
) -> None:
    chat, assistant = worded(guesser, districts, subscriptions, "web")
    await chat.says("Ich möchte informiert werden", language_hint="de")
    again = await chat.says(NOT_A_DISTRICT)
    choices = texts.word_list("de", districts.grouped(districts.names))
    expected = texts.text("subscribe_where_again", "de", name="Atlantis", choices=choices)
    assert again == [expected]
    assert choices.startswith("Warnemünde, Rostock-Heide, Lichtenhagen")
    assert "Dierkow" in choices  # the group by the name citizens use
    assert "Dierkow-Neu" not in choices
    assert chat.buttons == ["Ganz Rostock"]
    # still asked: the next answer completes it
    assert await chat.says("Südstadt") == [
        texts.text("subscribe_ask", "de", what="alle Themen aus Südstadt")
    ]
    assert [text for _, text, _ in assistant.asked] == ["Ich möchte informiert werden"]


@pytest.mark.parametrize(("lang", "question"), [("de", TOILET_DE), ("en", TOILET_EN)])
async def test_a_new_question_instead_of_a_district_is_answered_and_drops_the_wish(
    guesser: LanguageGuesser,
    districts: DistrictDirectory,
    subscriptions: SqlSubscriptionStore,
    lang: Language,
    question: str,
) -> None:
    chat, assistant = worded(guesser, districts, subscriptions, "matrix")
    wish = (
        "Nachrichten über Baustellen, bitte"
        if lang == "de"
        else ("Keep me posted about events, please")
    )
    await chat.says(wish, language_hint=lang)
    answered = await chat.says(question)
    assert answered == [assistant.script[question].messages[0].text]
    assert chat.buttons == []  # the question about the district is gone
    # so a district named afterwards is an ordinary message for the assistant again
    await chat.says("Lichtenhagen")
    assert [text for _, text, _ in assistant.asked] == [wish, question, "Lichtenhagen"]
    assert await subscriptions.subscriptions(chat.person_id) == []


async def test_a_no_instead_of_a_district_subscribes_nothing(
    guesser: LanguageGuesser, districts: DistrictDirectory, subscriptions: SqlSubscriptionStore
) -> None:
    chat, assistant = worded(guesser, districts, subscriptions, "telegram")
    await chat.says("Ich möchte informiert werden", language_hint="de")
    assert await chat.says("Nein, danke") == [texts.text("subscribe_cancelled", "de")]
    assert chat.buttons == []
    assert await subscriptions.subscriptions(chat.person_id) == []
    assert len(assistant.asked) == 1
