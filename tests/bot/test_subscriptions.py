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
from bot.core.messages import ChannelName, IncomingMessage
from bot.core.ports import Subscription
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
