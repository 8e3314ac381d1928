"""Subscribing to the city's announcements by command, on every channel.

`/subscribe <district> [topic]` asks once and subscribes only on the "yes" it offered;
`/unsubscribe [district|topic]` (also `/stop`) removes at once and says what went;
`/subscriptions` lists them. German command words work too (/abonnieren, /abbestellen, /abos).

A wish in plain words without a district is asked which one; the citizen's next message answers
it ("Lichtenhagen", "in Dierkow", "ganz Rostock", "KTV"), a message that names no district is
asked again with the choices, and a new question is answered as that ("what the citizen just
said wins"). The question is pending while its "Ganz Rostock" button (`/subscribe_where{…}`,
carrying the topic) is the person's offered choice, so it survives a restart like any choice.
"""

from __future__ import annotations

import json
import re
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
    "strassen baustellenundverkehr constructionandtraffic sperrung sperrungen roadwork "
    "roadclosure roadclosures closures",
    "events": "events event veranstaltungen veranstaltung termine",
    "participation": "participation beteiligung ortsbeirat ortsbeirate council "
    "burgerbeteiligung beteiligungundortsbeirat participationandcouncil districtcouncil",
    "accessibility": "accessibility barrierefreiheit barrierefrei barrieren inklusion",
    "warnings": "warnings warning warnungen warnung unwetter",
}.items():
    for _word in _words.split():
        _TOPIC_WORDS[name_key(_word)] = _topic
for _word in ("allethemen", "alltopics", "alles"):
    _TOPIC_WORDS[_word] = ALL

SUBSCRIBE_CONFIRMED: Final = "/subscribe_confirmed"
SUBSCRIBE_CANCELLED: Final = "/subscribe_cancelled"
UNSUBSCRIBE_KEPT: Final = "/unsubscribe_kept"
# The whole-city answer to "which district?", + {"topic": "<topic>|all"}; while offered, the
# person's next message is taken as the district.
SUBSCRIBE_WHERE: Final = "/subscribe_where"
_SUBSCRIBE = frozenset({"/subscribe", "/abonnieren", "/abo"})
_UNSUBSCRIBE = frozenset({"/unsubscribe", "/abbestellen", "/stop"})
_LIST = frozenset({"/subscriptions", "/abos", "/abonnements"})

Action = Literal["subscribe", "unsubscribe", "list", "confirmed", "cancelled", "kept"]
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
    if stripped.startswith(SUBSCRIBE_WHERE + "{"):
        topic = _where_topic(stripped)
        if topic is None:
            return None
        return SubscriptionCommand("subscribe", "alle" if topic == ALL else f"alle {topic}")
    for intent, action in _INTENTS:
        if stripped.startswith(intent):
            words = _intent_words(stripped)
            return None if words is None else SubscriptionCommand(action, words)
    if stripped.startswith(SUBSCRIBE_CONFIRMED):
        return SubscriptionCommand("confirmed", stripped.removeprefix(SUBSCRIBE_CONFIRMED))
    if stripped == SUBSCRIBE_CANCELLED:
        return SubscriptionCommand("cancelled")
    if stripped == UNSUBSCRIBE_KEPT:
        return SubscriptionCommand("kept")
    first, _, rest = stripped.partition(" ")
    word = first.casefold().split("@", 1)[0]  # "/subscribe@rostock_bot" in Telegram groups
    if word in _SUBSCRIBE:
        return SubscriptionCommand("subscribe", rest.strip())
    if word in _UNSUBSCRIBE:
        return SubscriptionCommand("unsubscribe", rest.strip())
    if word in _LIST and not rest.strip():
        return SubscriptionCommand("list")
    return None


def _where_topic(payload: str) -> str | None:
    """The topic a which-district question keeps (`/subscribe_where{"topic": …}`)."""
    try:
        entities = json.loads(payload.removeprefix(SUBSCRIBE_WHERE))
    except ValueError:
        return None
    topic = entities.get("topic") if isinstance(entities, dict) else None
    return topic if topic == ALL or topic in TOPICS else None


def pending_where(person: Person) -> str | None:
    """The topic of the which-district question the person was just asked, if they were."""
    for button in person.last_buttons:
        if button.payload.startswith(SUBSCRIBE_WHERE + "{"):
            return _where_topic(button.payload)
    return None


# Words around a district in an answer to "which district?" ("in der KTV, bitte", "I live in
# Dierkow"): only these may stand beside it, anything else makes it a new question.
_ANSWER_FILLERS: Final = frozenset(
    name_key(w)
    for w in "in im ins der die das dem den aus für von vom bei nach nur ganz ganze ganzen gern "
    "gerne bitte ja ich wohne möchte hätte gerne mein meinem meinen stadtteil stadtbereich viertel "
    "nachrichten neuigkeiten infos und also ok okay dann the for from of in at around please "
    "yes i live would like my district area news just only and ok".split()
)
# An answer without a district that says no ("nein danke", "doch nicht"): nothing is subscribed.
_NO_WORDS: Final = frozenset(
    name_key(w)
    for w in "nein ne nee doch nicht lieber keine kein abbrechen danke no not cancel thanks "
    "never mind nope".split()
)
_NEGATIONS: Final = frozenset(
    name_key(w) for w in "nein ne nee nicht abbrechen no not cancel nope".split()
)
# A message starting like this is a question of its own, not the name of a district.
_QUESTION_WORDS: Final = frozenset(
    name_key(w)
    for w in "wo wie was wann wer welche welcher welches warum wieso gibt kann können hallo hi "
    "moin servus where what when who which why how is are can could hello hey".split()
)
_SHORT_ANSWER_WORDS: Final = 3


# The action server's custom payload for a subscription asked for in plain words
# ("Nachrichten aus Lichtenhagen, bitte"): {"subscription": {"action", "district", "topic"}}.
HEARD: Final = "subscription"
_HEARD_ACTIONS: Final[dict[str, Action]] = {
    "subscribe": "subscribe",
    "unsubscribe": "unsubscribe",
    "list": "list",
}


def heard(
    replies: Sequence[OutgoingMessage],
) -> tuple[SubscriptionCommand | None, list[OutgoingMessage]]:
    """The subscription the assistant heard, and the replies without the message carrying it.

    That message's text only says how to use the command; the core answers instead.
    """
    for index, message in enumerate(replies):
        request = message.custom.get(HEARD)
        if not isinstance(request, dict):
            continue
        action = _HEARD_ACTIONS.get(str(request.get("action")))
        if action is None:
            continue
        named = [request.get(key) for key in ("district", "topic")]
        words = " ".join(value.strip() for value in named if isinstance(value, str))
        rest = [*replies[:index], *replies[index + 1 :]]
        return SubscriptionCommand(action, words), rest
    return None, list(replies)


_WORD = re.compile(r"[^\W\d_][\w-]*")


def _phrases(text: str, longest: int = 3) -> list[str]:
    """The runs of up to `longest` words in a text, longest first at each position."""
    words = _WORD.findall(text)
    return [
        " ".join(words[start : start + size])
        for start in range(len(words))
        for size in range(min(longest, len(words) - start), 0, -1)
    ]


def completed(
    command: SubscriptionCommand, text: str, districts: DistrictDirectory
) -> SubscriptionCommand:
    """The heard request with the district and topic the words name that the NLU missed.

    Both are closed vocabularies, so they are also looked up in the citizen's own words
    ("keep me informed about construction in Dierkow"): a topic left out would otherwise
    subscribe to all topics, or end every subscription on "keine Baustellen mehr".
    """
    if command.action not in ("subscribe", "unsubscribe"):
        return command
    target = parse_target(command.words, districts)
    if isinstance(target, str):
        return command
    place, topic = None, None
    for phrase in _phrases(text):
        if target.districts is None and place is None and len(name_key(phrase)) > 2:
            found = districts.resolve(phrase)
            if found is not None and found != (ALL,):
                place = phrase
        if target.topic is None and topic is None and topic_of(phrase) not in (None, ALL):
            topic = phrase
    if place is None and topic is None:
        return command
    # districts first, the topic last, as parse_target reads them
    words = " ".join(w for w in (place, command.words, topic) if w)
    return replace(command, words=words)


@dataclass(frozen=True, slots=True)
class Target:
    """What a command names: districts (None: not named) and a topic (None: not named)."""

    districts: tuple[str, ...] | None
    topic: str | None


# German compounds name their kind last: "Unwetterwarnungen" are warnings, "Straßensperrungen"
# construction. Only words this long count as a compound's last part ("termine", not "event").
_COMPOUND_HEAD_MIN = 7


def topic_of(words: str) -> str | None:
    """The topic these words name ("Baustellen", "Beteiligung und Ortsbeirat"), if any."""
    key = name_key(words)
    if key in _TOPIC_WORDS or len(words.split()) != 1:
        return _TOPIC_WORDS.get(key)
    heads = [w for w in _TOPIC_WORDS if len(w) >= _COMPOUND_HEAD_MIN and key.endswith(w)]
    return _TOPIC_WORDS[max(heads, key=len)] if heads else None


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

    def answer_where(self, person: Person, said: str) -> SubscriptionAnswer | None:
        """The person's answer to "which district?" when they were just asked it: the yes
        question for that district, the question again with the choices, or None when the
        message is something else (then it is answered as that and the question is dropped)."""
        topic = pending_where(person)
        if topic is None or said.lstrip().startswith("/"):
            return None
        words = _WORD.findall(said)
        places: list[str] = []
        named_topic: str | None = None
        other: list[str] = []
        at = 0
        while at < len(words):
            for size in range(min(3, len(words) - at), 0, -1):
                phrase = " ".join(words[at : at + size])
                # a single letter is a district's code only as the whole answer ("I" in "I live")
                whole = len(words) == 1
                found = (
                    self._districts.resolve(phrase) if whole or len(name_key(phrase)) > 2 else None
                )
                if found is not None:
                    places.extend(d for d in found if d not in places)
                    break
                named = topic_of(phrase)
                if named is not None and named != ALL:
                    named_topic = named
                    break
            else:
                other.append(name_key(words[at]))
                size = 1
            at += size
        keys = [k for k in other if k not in _ANSWER_FILLERS]
        if places and not keys:
            chosen = (ALL,) if ALL in places else tuple(places)
            return self._ask_for(person, chosen, named_topic or topic)
        if places or (words and name_key(words[0]) in _QUESTION_WORDS):
            return None  # "Wo ist die nächste Toilette in Lichtenhagen?": a question of its own
        if other and all(k in _NO_WORDS for k in other) and any(k in _NEGATIONS for k in other):
            return self._answer(replace(person, last_buttons=()), "subscribe_cancelled")
        if len(words) > _SHORT_ANSWER_WORDS or "?" in said:
            return None
        return self._where_again(person, topic, said)

    def _which(self, lang: Language, topic: str) -> OutgoingMessage:
        """ "Which district?" with the whole city as a button that keeps the topic."""
        payload = SUBSCRIBE_WHERE + json.dumps({"topic": topic}, ensure_ascii=False)
        whole_city = Button(texts.text("subscribe_all_button", lang), payload)
        if topic == ALL:
            question = texts.text("subscribe_which", lang)
        else:
            about = texts.text(f"topic_{topic}", lang)
            question = texts.text("subscribe_which_topic", lang, topic=about)
        return OutgoingMessage(question, buttons=(whole_city,))

    def _where_again(self, person: Person, topic: str, said: str) -> SubscriptionAnswer:
        lang = person.language
        which = self._which(lang, topic)
        choices = texts.word_list(lang, self._districts.grouped(self._districts.names))
        again = texts.text(
            "subscribe_where_again", lang, name=" ".join(said.split())[:60], choices=choices
        )
        message = replace(which, text=again)
        return SubscriptionAnswer(replace(person, last_buttons=which.buttons), (message,))

    async def in_words(
        self,
        person: Person,
        request: SubscriptionCommand,
        said: str,
        replies: list[OutgoingMessage],
    ) -> tuple[Person, list[OutgoingMessage]]:
        """A subscription asked for in plain words: answered like the command would be, with
        what the NLU missed taken from the words; ending everything is asked first, and a wish
        without a district is asked which one (or the whole city, a button)."""
        request = completed(request, said, self._districts) if said else request
        if request.action == "unsubscribe" and not request.words:
            return await self.ask_to_end_all(person, replies)
        target = parse_target(request.words, self._districts)
        if request.action == "subscribe" and isinstance(target, Target) and not target.districts:
            which = self._which(person.language, target.topic or ALL)
            return replace(person, last_buttons=which.buttons), [*replies, which]
        answer = await self.handle(person, request)
        return answer.person, [*replies, *answer.messages]

    async def ask_to_end_all(
        self, person: Person, replies: list[OutgoingMessage]
    ) -> tuple[Person, list[OutgoingMessage]]:
        """Asked in words to stop everything: which subscriptions would end, and a yes for it.

        The yes is `/unsubscribe` itself, so it removes them and says what was removed.
        """
        found = await self._store.subscriptions(person.id)
        lang = person.language
        if not found:
            return person, [*replies, OutgoingMessage(texts.text("subscriptions_none", lang))]
        buttons = (
            Button(texts.text("unsubscribe_all_yes", lang), "/unsubscribe"),
            Button(texts.text("unsubscribe_all_no", lang), UNSUBSCRIBE_KEPT),
        )
        listing = self.listing(lang, found)
        question = OutgoingMessage(
            texts.text("unsubscribe_all_ask", lang, listing=listing), buttons=buttons
        )
        return replace(person, last_buttons=buttons), [*replies, question]

    async def handle(self, person: Person, command: SubscriptionCommand) -> SubscriptionAnswer:
        """Answer one subscription command for this person."""
        if command.action == "subscribe":
            return self._ask(person, command.words)
        if command.action == "confirmed":
            return await self._confirmed(person, command.words)
        if command.action == "cancelled":
            return self._answer(replace(person, last_buttons=()), "subscribe_cancelled")
        if command.action == "kept":
            return self._answer(replace(person, last_buttons=()), "unsubscribe_kept")
        if command.action == "unsubscribe":
            return await self._unsubscribe(person, command.words)
        return await self._list(person)

    def _ask(self, person: Person, words: str) -> SubscriptionAnswer:
        if not words:
            return self._answer(person, "subscribe_usage")
        target = parse_target(words, self._districts)
        if isinstance(target, str):
            return self._answer(person, "subscribe_unknown", name=target)
        return self._ask_for(person, target.districts or (ALL,), target.topic or ALL)

    def _ask_for(self, person: Person, places: Sequence[str], topic: str) -> SubscriptionAnswer:
        """Whether to subscribe to this topic in these districts, with the yes that does it."""
        lang = person.language
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
