"""Closed vocabularies (place types, districts, …) recognised deterministically after DIET.

DIET learns entities from examples; citizens type words it has never seen in that form: capitalised
nouns, compounds ("Behindertentoilette"), plurals ("Spielplätze"), typos ("Bibliotek", "Dirkow") and
spellings without umlauts ("Warnemuende"). The values of these entities form closed sets, so this
component learns every value and its surface forms from the training data (annotations, synonyms,
lookup tables) and, after the EntitySynonymMapper:

- maps each entity DIET found to its canonical value (start and end stay as DIET found them);
- replaces an entity whose words are not in the vocabulary by the vocabulary words inside it, or
  drops it (types listed in `keep_unknown` keep such an entity as it is);
- turns a `place_name` that is a place-type word into a `place_type`;
- adds entities DIET missed, for the intents listed per entity in `add_for_intents`.

Words are compared folded (case, umlauts as "ae" or "a", ß, spaces and hyphens), with German
inflection endings stripped, compounds of `compound_entities` by their last part, and typos within a
bounded Damerau-Levenshtein distance. Short words, function words and words that the training
examples use outside entities are never fuzzy-matched, so "bitte" never becomes an entity.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Set, Text, Tuple

from rapidfuzz.distance import DamerauLevenshtein
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils import write_json_to_file
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_json_file

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "closed_vocabulary.json"
# longest first; a stem keeps at least MIN_STEM letters ("Klos" stays, "Museen" becomes "muse")
INFLECTION_ENDINGS = ("ern", "em", "en", "er", "es", "e", "n", "s")
MIN_STEM = 4
MIN_FUZZY = 5  # shorter words are never corrected
# an entity DIET did not see is added from a typo from this length, or shorter when the word is
# capitalised inside the sentence like a name ("Dirkow" is Dierkow, "zu schmal" is no "Schmarl")
MIN_FUZZY_ADDED = 7
MIN_COMPOUND_HEAD = 4
MIN_COMPOUND_MODIFIER = 3
# what DIET sometimes takes for a place's name when the words are one of these vocabularies
PLACE_NAME_KINDS = ("place_type", "district")
MAX_WORDS = 4  # the longest surface form looked for, in words
WORD = re.compile(r"[^\W_]+", re.UNICODE)
_UMLAUTS_AE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})
_UMLAUTS_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
_NOT_LETTER = re.compile(r"[^a-z0-9]")

# Never corrected towards a vocabulary word, whatever the training data says.
FUNCTION_WORDS = frozenset(
    """
    aber alle allen aller alles also am an andere anderen auch auf aus bei beim bin bis bist bitte
    bitten da dann das dass dem den denen der des dessen die dies diese diesem diesen dieser dieses
    doch dort du durch ein eine einem einen einer eines einmal er es etwa etwas euch euer fuer
    für gibt gib gibts geht gern gerne gleich gut habe haben hallo hast hat hier hin hinter ich
    ihm ihn ihnen ihr im immer in ins ist ja jede jedem jeden jeder jetzt kann kannst kein keine
    keinen koennen können mal man mehr mein meine meinem meinen meiner mich mir mit morgen muss
    nach nah nahe naechste nächste naechsten nächsten nein nicht nichts noch nur ob oder ohne sehr
    sein seine sich sie sind so soll sollen sondern suche suchen ueber über um und uns unser unter
    viel vom von vor wann war warum was weil welche welcher welches wenn wer werden wie wieder
    will wir wird wo wohin woher wurde zu zum zur zwischen danke heute
    a about above after again all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its just me more most my near
    nearest next no nor not now of off on once only or other our out over own please same she
    should so some such than thanks that the their them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours hello hi
    """.split()
)


def fold(text: str, plain: bool = False) -> str:
    """Lower case, umlauts as "ae" (or plain "a"), ß as "ss", without spaces and hyphens."""
    lowered = text.lower().translate(_UMLAUTS_PLAIN if plain else _UMLAUTS_AE)
    return _NOT_LETTER.sub("", lowered)


def folds(text: str) -> Set[str]:
    """Both foldings of a text: "Warnemünde" is typed "Warnemuende" and "Warnemunde"."""
    return {key for key in (fold(text), fold(text, plain=True)) if key}


def stems(key: str) -> Set[str]:
    """The folded word and the stems left when a German inflection ending is stripped."""
    found = {key}
    for ending in INFLECTION_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= MIN_STEM:
            found.add(key[: -len(ending)])
    return found


def max_typos(length: int) -> int:
    """How many edits a word of that many letters may carry and still be recognised."""
    if length < MIN_FUZZY:
        return 0
    return 1 if length <= 8 else 2


@dataclass(frozen=True)
class Match:
    """A vocabulary word found in a text: character span, entity type and canonical value."""

    start: int
    end: int
    entity: str
    value: str
    how: str  # exact, stem, compound or fuzzy


def _words(text: str) -> List[Tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class ClosedVocabulary(GraphComponent, EntityExtractorMixin):
    """Recognises closed-vocabulary entities and maps them to their canonical values."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The entity types to handle and how (see the module docstring)."""
        return {
            "entities": ["place_type", "district"],
            "compound_entities": ["place_type"],
            "keep_unknown": ["district"],
            "add_for_intents": {},
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Fuzzy matching needs rapidfuzz."""
        return ["rapidfuzz"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Optional[Dict[Text, Any]] = None,
    ) -> None:
        """Creates the component, trained when `vocabulary` is given."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.entities: List[str] = list(self._config["entities"])
        self.compound_entities = set(self._config["compound_entities"])
        self.keep_unknown = set(self._config["keep_unknown"])
        self.add_for_intents: Dict[str, Set[str]] = {
            entity: set(intents or [])
            for entity, intents in self._config["add_for_intents"].items()
        }
        self._use(
            vocabulary or {"forms": {}, "canonical": {}, "context_words": [], "unannotated": {}}
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClosedVocabulary:
        """Creates an untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ClosedVocabulary:
        """Loads the vocabulary learnt in training."""
        vocabulary = None
        try:
            with model_storage.read_from(resource) as directory:
                vocabulary = read_json_file(directory / VOCABULARY_FILE)
        except ValueError:
            logger.warning(
                "No closed vocabulary in the model; entities are left as DIET found them"
            )
        return cls(config, model_storage, resource, vocabulary)

    # ---- training -----------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        """Learns each entity's canonical values and their surface forms from the training data."""
        wanted = set(self.entities)
        forms: Dict[str, Dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        canonical: Dict[str, Set[str]] = defaultdict(set)
        context_words: Set[str] = set()
        annotated_keys: Counter = Counter()
        synonyms = {key.lower(): value for key, value in training_data.entity_synonyms.items()}

        for example in training_data.training_examples:
            text = example.get(TEXT) or ""
            spans = []
            for entity in example.get(ENTITIES) or []:
                start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
                spans.append((start, end))
                if entity[ENTITY_ATTRIBUTE_TYPE] not in wanted:
                    continue
                value = str(entity.get(ENTITY_ATTRIBUTE_VALUE) or text[start:end])
                canonical[entity[ENTITY_ATTRIBUTE_TYPE]].add(value)
                for key in folds(text[start:end]):
                    forms[entity[ENTITY_ATTRIBUTE_TYPE]][key][value] += 1
                    annotated_keys[key] += 1
            for start, end, word in _words(text):
                if not any(s <= start and end <= e for s, e in spans):
                    context_words.update(folds(word))
        # a synonym belongs to the entity whose values or lookup table it shares
        in_lookups = {
            entity: {
                key
                for table in training_data.lookup_tables
                if table.get("name") == entity
                for item in table.get("elements") or []
                for key in folds(str(item))
            }
            for entity in wanted
        }
        for surface, value in synonyms.items():
            for entity in wanted:
                if (
                    value not in canonical[entity]
                    and (folds(surface) | folds(value)) & in_lookups[entity]
                ):
                    canonical[entity].add(value)
        for surface, value in synonyms.items():
            for entity in wanted:
                if value in canonical[entity]:
                    for key in folds(surface):
                        forms[entity][key][value] += 1
        for entity in wanted:
            for value in canonical[entity]:
                for key in folds(value):
                    forms[entity][key][value] += 1
        # lookup tables: an item counts when it maps onto a known value
        for table in training_data.lookup_tables:
            entity = table.get("name")
            if entity not in wanted:
                continue
            for item in table.get("elements") or []:
                item = str(item)
                value = synonyms.get(item.lower())
                if value is None or value not in canonical[entity]:
                    value = self._value_of_keys(forms[entity], folds(item))
                if value is not None:
                    for key in folds(item):
                        forms[entity][key][value] += 1
        # a vocabulary word that the examples of an intent use outside entities as often as inside
        # is not added when DIET missed it ("Strand" in a barrier report is where, not what)
        unannotated: Dict[str, int] = {}
        for example in training_data.training_examples:
            text = (example.get(TEXT) or "").lower()
            spans = [
                (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END])
                for e in example.get(ENTITIES) or []
            ]
            for entity in wanted:
                if example.get(INTENT) not in self.add_for_intents.get(entity, set()):
                    continue
                for match in self._exact_words(text, forms[entity], entity):
                    if not any(s <= match[0] and match[1] <= e for s, e in spans):
                        key = fold(text[match[0] : match[1]])
                        unannotated[key] = unannotated.get(key, 0) + 1

        vocabulary = {
            "forms": {
                entity: {key: dict(values) for key, values in forms[entity].items()}
                for entity in wanted
            },
            "canonical": {entity: sorted(canonical[entity]) for entity in wanted},
            "context_words": sorted(context_words),
            "unannotated": {
                key: count for key, count in unannotated.items() if count >= annotated_keys[key]
            },
        }
        with self._model_storage.write_to(self._resource) as directory:
            write_json_to_file(directory / VOCABULARY_FILE, vocabulary, separators=(",", ":"))
        self._use(vocabulary)
        logger.debug("Closed vocabulary: %s", {e: len(forms[e]) for e in wanted})
        return self._resource

    @staticmethod
    def _value_of_keys(forms: Dict[str, Counter], keys: Iterable[str]) -> Optional[str]:
        for key in keys:
            if forms.get(key):
                return str(Counter(forms[key]).most_common(1)[0][0])
        return None

    @staticmethod
    def _exact_words(text: str, forms: Dict[str, Any], entity: str) -> List[Tuple[int, int]]:
        words = _words(text)
        found = []
        for i in range(len(words)):
            for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
                chunk = text[words[i][0] : words[i + n - 1][1]]
                if fold(chunk) in forms:
                    found.append((words[i][0], words[i + n - 1][1]))
                    break
        return found

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Changes nothing in training: DIET learns from the annotations as written."""
        return training_data

    # ---- the vocabulary's indexes ------------------------------------------------------------

    def _use(self, vocabulary: Dict[str, Any]) -> None:
        """Builds the lookup indexes from a learnt (or loaded) vocabulary."""
        self.context_words = set(vocabulary["context_words"])
        self.unannotated = dict(vocabulary["unannotated"])
        # key → (entity, value), best supported first; stems of keys index the same entries
        self.exact: Dict[str, Tuple[str, str]] = {}
        self.stemmed: Dict[str, Tuple[str, str]] = {}
        support: Dict[str, int] = {}
        stem_support: Dict[str, int] = {}
        for entity in self.entities:
            for key, values in vocabulary["forms"].get(entity, {}).items():
                value, count = max(values.items(), key=lambda item: item[1])
                if count > support.get(key, 0):
                    support[key] = count
                    self.exact[key] = (entity, value)
                for stem in stems(key):
                    if count > stem_support.get(stem, 0):
                        stem_support[stem] = count
                        self.stemmed[stem] = (entity, value)
        self.fuzzy_keys: Dict[str, List[str]] = defaultdict(list)  # by first letter
        for key in self.exact:
            if len(key) >= MIN_FUZZY:
                self.fuzzy_keys[key[0]].append(key)
        self.compound_heads = {
            key: hit
            for key, hit in self.exact.items()
            if hit[0] in self.compound_entities and len(key) >= MIN_COMPOUND_HEAD
        }

    # ---- matching ---------------------------------------------------------------------------

    def lookup(
        self, words: str, allow_fuzzy: bool = True, allow_compound: bool = True
    ) -> Optional[Tuple[str, str, str]]:
        """The (entity, canonical value, how) of a word or phrase, or None.

        A compound is one word ("Neptun Schwimmhalle" names a place, it is not a compound).
        """
        keys = folds(words)
        for key in keys:
            if key in self.exact:
                return (*self.exact[key], "exact")
        for key in keys:
            for stem in stems(key):
                if stem in self.stemmed:
                    return (*self.stemmed[stem], "stem")
        compound = None
        if allow_compound and len(_words(words)) == 1:
            compound = self._compound(keys)
        if compound is not None:
            return (*compound, "compound")
        if allow_fuzzy:
            fuzzy = self._fuzzy(words)
            if fuzzy is not None:
                return (*fuzzy, "fuzzy")
        return None

    def _compound(self, keys: Set[str]) -> Optional[Tuple[str, str]]:
        """A compound by its last part: "Behindertentoilette" is a toilet."""
        for key in keys:
            for stem in sorted(stems(key), key=len, reverse=True):
                for cut in range(MIN_COMPOUND_MODIFIER, len(stem) - MIN_COMPOUND_HEAD + 1):
                    head = stem[cut:]
                    hit = self.compound_heads.get(head)
                    if hit is None:
                        hit = next(
                            (
                                self.stemmed[s]
                                for s in stems(head)
                                if s in self.stemmed
                                and self.stemmed[s][0] in self.compound_entities
                                and len(s) >= MIN_COMPOUND_HEAD + 1
                            ),
                            None,
                        )
                    if hit is not None:
                        return hit
                    # "Rollstuhlparkplatz": an accessibility modifier swapped in a known compound
                    modifier = self.exact.get(stem[:cut]) or self.stemmed.get(stem[:cut])
                    if modifier is not None and modifier[0] == "accessibility" and len(head) >= 6:
                        swapped = {
                            v
                            for k, v in self.compound_heads.items()
                            if k.endswith(head) and len(k) - len(head) >= MIN_COMPOUND_MODIFIER
                        }
                        if len(swapped) == 1:
                            return swapped.pop()
        return None

    def _fuzzy(self, words: str) -> Optional[Tuple[str, str]]:
        """A typo within the bound: one edit up to 8 letters, two from 9."""
        parts = [w for _, _, w in _words(words)]
        if not parts or any(self._protected(p) for p in parts):
            return None
        key = fold(words)
        bound = max_typos(len(key))
        if bound == 0:
            return None
        best: Dict[int, Set[Tuple[str, str]]] = defaultdict(set)
        for candidate_key in set(key) & set(self.fuzzy_keys):
            for known in self.fuzzy_keys[candidate_key]:
                if abs(len(known) - len(key)) > bound:
                    continue
                distance = DamerauLevenshtein.distance(key, known, score_cutoff=bound)
                if distance <= bound:
                    best[distance].add(self.exact[known])
        for distance in sorted(best):
            if len(best[distance]) == 1:
                return next(iter(best[distance]))
            return None  # two different values as close: no guess
        return None

    def _protected(self, word: str) -> bool:
        """Words never corrected: short, function words, words of the examples' context."""
        keys = folds(word)
        return (
            len(fold(word)) < MIN_FUZZY
            or word.lower() in FUNCTION_WORDS
            or any(key in FUNCTION_WORDS or key in self.context_words for key in keys)
        )

    def find(self, text: str) -> List[Match]:
        """All vocabulary words of a text, longest first, left to right, not overlapping."""
        words = _words(text)
        found: List[Match] = []
        i = 0
        while i < len(words):
            hit = None
            for fuzzy in (False, True):
                for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
                    if fuzzy and n > 2:
                        continue
                    start, end = words[i][0], words[i + n - 1][1]
                    result = self.lookup(text[start:end], allow_fuzzy=fuzzy)
                    if result is not None and (result[2] != "compound" or n == 1):
                        hit = Match(start, end, *result)
                        i += n
                        break
                if hit is not None:
                    break
            if hit is None:
                i += 1
            else:
                found.append(hit)
        return found

    # ---- inference --------------------------------------------------------------------------

    def process(self, messages: List[Message]) -> List[Message]:
        """Corrects, replaces and adds closed-vocabulary entities of each message."""
        for message in messages:
            text = message.get(TEXT)
            if not text or not self.exact:
                continue
            intent = (message.get(INTENT) or {}).get("name")
            entities = self.resolve(text, list(message.get(ENTITIES) or []), intent)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def resolve(
        self, text: str, entities: List[Dict[str, Any]], intent: Optional[str]
    ) -> List[Dict[str, Any]]:
        """The entities of one message after the vocabulary's corrections."""
        matches = self.find(text)
        result: List[Dict[str, Any]] = []
        for entity in entities:
            kind = entity.get(ENTITY_ATTRIBUTE_TYPE)
            start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
            if kind == "place_name" and start is not None:
                # "Toilette" and "Bibliotek" are kinds of place, "Lütten Klein" is a district;
                # "Stadtbibliothek" and "Bahnhof Lütten Klein" name one place
                hit = self.lookup(text[start:end], allow_compound=False)
                if hit is not None and hit[0] in PLACE_NAME_KINDS and hit[0] in self.entities:
                    result.append(self._entity(start, end, hit[0], hit[1]))
                    continue
            if kind not in self.entities or start is None:
                result.append(entity)
                continue
            value = self._canonical_value(kind, text[start:end], entity.get(ENTITY_ATTRIBUTE_VALUE))
            if value is not None:
                if value != entity.get(ENTITY_ATTRIBUTE_VALUE):
                    entity = {**entity, ENTITY_ATTRIBUTE_VALUE: value}
                    self.add_processor_name(entity)
                result.append(entity)
                continue
            inside = [m for m in matches if start <= m.start and m.end <= end]
            if inside:
                result.extend(self._entity(m.start, m.end, m.entity, m.value) for m in inside)
            elif kind in self.keep_unknown:
                result.append(entity)
        result = self._without_duplicates(result)
        for match in matches:
            if intent not in self.add_for_intents.get(match.entity, set()):
                continue
            words = fold(text[match.start : match.end])
            if self.unannotated.get(words) and match.how == "exact":
                continue
            if match.how == "fuzzy" and len(words) < MIN_FUZZY_ADDED:
                before = text[: match.start].strip()
                at_sentence_start = not before or before[-1] in ".!?:"
                if not text[match.start].isupper() or at_sentence_start:
                    continue
            if any(self._overlaps(match, e) for e in result):
                continue
            result.append(self._entity(match.start, match.end, match.entity, match.value))
        return sorted(result, key=lambda e: e.get(ENTITY_ATTRIBUTE_START) or 0)

    def _canonical_value(self, kind: str, words: str, value: Any) -> Optional[str]:
        """The canonical value of an entity DIET found, from its value or its words."""
        # the value as the synonyms left it: a canonical value or a known surface form of one
        # (the best supported: "evershagen" annotated without a value is "Evershagen")
        if value is not None:
            hit = self.lookup(str(value), allow_fuzzy=False, allow_compound=False)
            if hit is not None and hit[0] == kind:
                return hit[1]
        hit = self.lookup(words)
        if hit is not None and hit[0] == kind:
            return hit[1]
        return None

    def _entity(self, start: int, end: int, kind: str, value: str) -> Dict[str, Any]:
        entity = {
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            ENTITY_ATTRIBUTE_TYPE: kind,
            ENTITY_ATTRIBUTE_VALUE: value,
        }
        self.add_extractor_name([entity])
        return entity

    @staticmethod
    def _overlaps(match: Match, entity: Dict[str, Any]) -> bool:
        start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
        if start is None or end is None:
            return False
        return bool(match.start < end and start < match.end)

    @staticmethod
    def _without_duplicates(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        seen: Set[Tuple[Any, Any, Any]] = set()
        kept = []
        for entity in entities:
            key = (
                entity.get(ENTITY_ATTRIBUTE_START),
                entity.get(ENTITY_ATTRIBUTE_END),
                entity.get(ENTITY_ATTRIBUTE_TYPE),
            )
            if key not in seen:
                seen.add(key)
                kept.append(entity)
        return kept
