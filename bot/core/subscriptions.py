"""Subscribing to the city's announcements by command, on every channel.

`/subscribe <district> [topic]` asks once and subscribes only on the "yes" it offered;
`/unsubscribe [district|topic]` (also `/stop`) removes at once and says what went;
`/subscriptions` lists them. German command words work too (/abonnieren, /abbestellen, /abos).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from bot.core import texts
from bot.core.districts import ALL, DistrictDirectory, name_key
from bot.core.messages import Button, Language, OutgoingMessage
from bot.core.people import Person
from bot.core.ports import Subscription, SubscriptionStore

# The topics an announcement may carry and a citizen may choose, with the words for them.
TOPICS: Final[tuple[str, ...]] = (
    "construction",
    "events",
    "participation",
    "accessibility",
    "warnings",
)
_TOPIC_WORDS: Final[dict[str, str]] = {}
for _topic, _words in {
    "construction": "construction baustellen baustelle verkehr traffic roadworks bauarbeiten "
    "strassen baustellenundverkehr constructionandtraffic",
    "events": "events event veranstaltungen veranstaltung termine",
    "participation": "participation beteiligung ortsbeirat ortsbeirate council "
    "burgerbeteiligung beteiligungundortsbeirat participationandcouncil",
    "accessibility": "accessibility barrierefreiheit barrierefrei barrieren inklusion",
    "warnings": "warnings warning warnungen warnung unwetter",
}.items():
    for _word in _words.split():
        _TOPIC_WORDS[name_key(_word)] = _topic
for _word in ("allethemen", "alltopics", "alles"):
    _TOPIC_WORDS[_word] = ALL

SUBSCRIBE_CONFIRMED: Final = "/subscribe_confirmed"
SUBSCRIBE_CANCELLED: Final = "/subscribe_cancelled"
_SUBSCRIBE = frozenset({"/subscribe", "/abonnieren", "/abo"})
_UNSUBSCRIBE = frozenset({"/unsubscribe", "/abbestellen", "/stop"})
_LIST = frozenset({"/subscriptions", "/abos", "/abonnements"})

Action = Literal["subscribe", "unsubscribe", "list", "confirmed", "cancelled"]
_INTENTS: Final[tuple[tuple[str, Action], ...]] = (
    ("/subscribe{", "subscribe"),
    ("/unsubscribe{", "unsubscribe"),
)


@dataclass(frozen=True, slots=True)
class SubscriptionCommand:
    """A subscription command: what to do and the words after the command."""

    action: Action
    words: str = ""


def _intent_words(stripped: str) -> str | None:
    """The district and topic of an intent payload such as `/subscribe{"district": "…"}`."""
    _, _, arguments = stripped.partition("{")
    try:
        entities = json.loads("{" + arguments)
    except ValueError:
        return None
    if not isinstance(entities, dict):
        return None
    named = [entities.get(key) for key in ("district", "topic")]
    return " ".join(value for value in named if isinstance(value, str))


def parse_subscription_command(text: str) -> SubscriptionCommand | None:
    """The subscription command in a text or button payload, if it is one.

    Intent payloads with entities count too (`/subscribe{"district": "Lichtenhagen",
    "topic": "construction"}`), so the assistant can offer subscribing as a button.
    """
    stripped = text.strip()
    for intent, action in _INTENTS:
        if stripped.startswith(intent):
            words = _intent_words(stripped)
            return None if words is None else SubscriptionCommand(action, words)
    if stripped.startswith(SUBSCRIBE_CONFIRMED):
        return SubscriptionCommand("confirmed", stripped.removeprefix(SUBSCRIBE_CONFIRMED))
    if stripped == SUBSCRIBE_CANCELLED:
        return SubscriptionCommand("cancelled")
    first, _, rest = stripped.partition(" ")
    word = first.casefold().split("@", 1)[0]  # "/subscribe@rostock_bot" in Telegram groups
    if word in _SUBSCRIBE:
        return SubscriptionCommand("subscribe", rest.strip())
    if word in _UNSUBSCRIBE:
        return SubscriptionCommand("unsubscribe", rest.strip())
    if word in _LIST and not rest.strip():
        return SubscriptionCommand("list")
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """What a command names: districts (None: not named) and a topic (None: not named)."""

    districts: tuple[str, ...] | None
    topic: str | None


def topic_of(words: str) -> str | None:
    """The topic these words name ("Baustellen", "Beteiligung und Ortsbeirat"), if any."""
    return _TOPIC_WORDS.get(name_key(words))


def parse_target(words: str, districts: DistrictDirectory) -> Target | str:
    """The districts and topic in "Lichtenhagen Baustellen"; the unknown words otherwise."""
    parts = words.split()
    if not parts:
        return Target(None, None)
    # The topic comes last and may be several words ("Baustellen und Verkehr").
    for cut in range(len(parts)):
        topic = topic_of(" ".join(parts[cut:]))
        if topic is None:
            continue
        if cut == 0:
            return Target(None, topic)
        place = districts.resolve(" ".join(parts[:cut]))
        if place is not None:
            return Target(place, topic)
    place = districts.resolve(words)
    if place is not None:
        return Target(place, None)
    return words


@dataclass(frozen=True, slots=True)
class SubscriptionAnswer:
    """The person after a subscription command (offered buttons), and what to answer."""

    person: Person
    messages: tuple[OutgoingMessage, ...]


class SubscriptionDesk:
    """Answers the subscription commands over the subscription store."""

    def __init__(self, store: SubscriptionStore, districts: DistrictDirectory) -> None:
        self._store = store
        self._districts = districts

    async def handle(self, person: Person, command: SubscriptionCommand) -> SubscriptionAnswer:
        """Answer one subscription command for this person."""
        if command.action == "subscribe":
            return self._ask(person, command.words)
        if command.action == "confirmed":
            return await self._confirmed(person, command.words)
        if command.action == "cancelled":
            return self._answer(replace(person, last_buttons=()), "subscribe_cancelled")
        if command.action == "unsubscribe":
            return await self._unsubscribe(person, command.words)
        return await self._list(person)

    def _ask(self, person: Person, words: str) -> SubscriptionAnswer:
        lang = person.language
        if not words:
            return self._answer(person, "subscribe_usage")
        target = parse_target(words, self._districts)
        if isinstance(target, str):
            return self._answer(person, "subscribe_unknown", name=target)
        places = target.districts or (ALL,)
        topic = target.topic or ALL
        confirm = SUBSCRIBE_CONFIRMED + json.dumps(
            {"districts": list(places), "topic": topic}, ensure_ascii=False
        )
        buttons = (
            Button(texts.text("subscribe_yes", lang), confirm),
            Button(texts.text("subscribe_no", lang), SUBSCRIBE_CANCELLED),
        )
        what = self.describe(lang, places, topic)
        question = OutgoingMessage(texts.text("subscribe_ask", lang, what=what), buttons=buttons)
        return SubscriptionAnswer(replace(person, last_buttons=buttons), (question,))

    async def _confirmed(self, person: Person, arguments: str) -> SubscriptionAnswer:
        # Only the "yes" just offered subscribes; its payload is ours, so it parses.
        offered = any(b.payload == SUBSCRIBE_CONFIRMED + arguments for b in person.last_buttons)
        person = replace(person, last_buttons=())
        if not offered:
            return self._answer(person, "subscribe_cancelled")
        chosen = json.loads(arguments)
        places = tuple(str(d) for d in chosen["districts"])
        topic = str(chosen["topic"])
        wanted = [Subscription(district, topic) for district in places]
        added = await self._store.subscribe(person.id, wanted, person.language)
        what = self.describe(person.language, places, topic)
        key = "subscribed" if added else "subscribed_already"
        return self._answer(person, key, what=what)

    async def _unsubscribe(self, person: Person, words: str) -> SubscriptionAnswer:
        lang = person.language
        target = parse_target(words, self._districts)
        if isinstance(target, str):
            return self._answer(person, "subscribe_unknown", name=target)
        districts = target.districts
        removed = await self._store.unsubscribe(person.id, districts, target.topic)
        if removed:
            return self._answer(person, "unsubscribed", removed=self.listing(lang, removed))
        left = await self._store.subscriptions(person.id)
        if not left:
            return self._answer(person, "subscriptions_none")
        return self._answer(person, "unsubscribe_no_match", listing=self.listing(lang, left))

    async def _list(self, person: Person) -> SubscriptionAnswer:
        found = await self._store.subscriptions(person.id)
        if not found:
            return self._answer(person, "subscriptions_none")
        listing = self.listing(person.language, found)
        return self._answer(person, "subscriptions_list", listing=listing)

    def describe(self, lang: Language, districts: Sequence[str], topic: str) -> str:
        """ "Baustellen und Verkehr aus Lichtenhagen" / "all topics for the whole city"."""
        about = texts.text(f"topic_{topic}", lang)
        if ALL in districts:
            where = texts.text("district_all", lang)
        else:
            where = texts.word_list(lang, self._districts.grouped(districts))
        return texts.text("subscription", lang, topic=about, where=where)

    def listing(self, lang: Language, subscriptions: Sequence[Subscription]) -> str:
        """Subscriptions in a sentence, one district list per topic."""
        by_topic: dict[tuple[str, bool], list[str]] = {}
        for sub in subscriptions:
            by_topic.setdefault((sub.topic, sub.district == ALL), []).append(sub.district)
        parts = [self.describe(lang, places, topic) for (topic, _), places in by_topic.items()]
        return texts.word_list(lang, parts)

    @staticmethod
    def _answer(person: Person, key: str, **values: str) -> SubscriptionAnswer:
        message = OutgoingMessage(texts.text(key, person.language, **values))
        return SubscriptionAnswer(person, (message,))
