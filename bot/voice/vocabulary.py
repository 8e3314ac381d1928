"""The city's vocabulary (district, street and place names) and how it biases recognition.

Vosk's small models accept a runtime grammar: a list of phrases made of words the model already
knows. A grammar alone would forbid every other word, so recognition runs free first; only where
the free result has low-confidence words does a second, fast pass with a grammar of the free
result's confident words plus the city's names run, and a city name it finds replaces the unsure
words it overlaps in time. Names with words the model does not know cannot be biased towards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LOW_CONFIDENCE = 0.8  # free-result words below this may be replaced by a city name
ACCEPT_CONFIDENCE = 0.6  # a city name found by the grammar pass must be at least this sure
MAX_PHRASES = 3000  # keeps the grammar small enough to compile in a few milliseconds

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_HOUSE_NUMBER = re.compile(r"\s+\d+\s*[a-zA-Z]?(\s*[-/]\s*\d+\s*[a-zA-Z]?)?$")


def words_of(text: str) -> tuple[str, ...]:
    """The lower-case words of a name as a speech model spells them ("Lütten Klein" → 2 words)."""
    return tuple(w.lower() for w in _WORD.findall(text))


def street_of(address: str) -> str | None:
    """The street of an address such as "Neuer Markt 1, 18055 Rostock" ("Neuer Markt")."""
    first = address.split(",", 1)[0].strip()
    street = _HOUSE_NUMBER.sub("", first).strip()
    if not street or street[0].isdigit():
        return None
    return street


@dataclass(frozen=True, slots=True)
class Phrase:
    """One name in the city's vocabulary: its words as recognised, and how it is written."""

    words: tuple[str, ...]
    spelling: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The names recognition is biased towards; empty means free recognition only."""

    phrases: tuple[Phrase, ...] = ()
    _index: dict[str, list[Phrase]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, names: Iterable[str]) -> Vocabulary:
        """Build a vocabulary from names as the city writes them (duplicates dropped)."""
        seen: dict[tuple[str, ...], Phrase] = {}
        for name in names:
            words = words_of(name)
            if words and words not in seen and len(seen) < MAX_PHRASES:
                seen[words] = Phrase(words, name.strip())
        index: dict[str, list[Phrase]] = {}
        for phrase in seen.values():
            index.setdefault(phrase.words[0], []).append(phrase)
        for candidates in index.values():
            candidates.sort(key=lambda p: -len(p.words))  # longest match first
        return cls(tuple(seen.values()), index)

    def __len__(self) -> int:
        return len(self.phrases)

    def match_at(self, words: Sequence[str], i: int) -> Phrase | None:
        """The longest name starting at words[i], if any."""
        for phrase in self._index.get(words[i], ()):
            n = len(phrase.words)
            if tuple(words[i : i + n]) == phrase.words:
                return phrase
        return None


@dataclass(frozen=True, slots=True)
class Word:
    """A recognised word with its time span (seconds) and the recogniser's confidence."""

    text: str
    start: float
    end: float
    conf: float


def words_from_result(result: dict[str, object]) -> list[Word]:
    """The words of a Vosk result (recogniser with SetWords(True))."""
    items = result.get("result")
    if not isinstance(items, list):
        return []
    words = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("word"), str):
            words.append(
                Word(
                    str(item["word"]),
                    float(item.get("start", 0.0)),
                    float(item.get("end", 0.0)),
                    float(item.get("conf", 1.0)),
                )
            )
    return words


def needs_bias(free: Sequence[Word]) -> bool:
    """Whether the free result has words unsure enough to look for city names in their place."""
    return any(w.conf < LOW_CONFIDENCE for w in free)


def grammar_for(free: Sequence[Word], vocabulary: Vocabulary, known: Iterable[str]) -> list[str]:
    """The grammar of the second pass: the free result's sure words and the usable city names."""
    phrases = {w.text for w in free if w.conf >= LOW_CONFIDENCE}
    phrases.update(" ".join(p.words) for p in vocabulary.phrases)
    return [*sorted(phrases), *known]


@dataclass(frozen=True, slots=True)
class _Found:
    phrase: Phrase
    start: float
    end: float
    conf: float


def _names_in(words: Sequence[Word], vocabulary: Vocabulary) -> list[_Found]:
    texts = [w.text for w in words]
    found, i = [], 0
    while i < len(words):
        phrase = vocabulary.match_at(texts, i)
        if phrase is None:
            i += 1
            continue
        span = words[i : i + len(phrase.words)]
        found.append(_Found(phrase, span[0].start, span[-1].end, min(w.conf for w in span)))
        i += len(phrase.words)
    return found


def _overlaps(word: Word, start: float, end: float) -> bool:
    shared = min(word.end, end) - max(word.start, start)
    return shared > 0.5 * max(word.end - word.start, 1e-3)


def merge(free: Sequence[Word], biased: Sequence[Word], vocabulary: Vocabulary) -> list[str]:
    """The free result with unsure words replaced by the city names the biased pass heard there."""
    out: list[str | Word] = list(free)
    for name in _names_in(biased, vocabulary):
        if name.conf < ACCEPT_CONFIDENCE:
            continue
        hit = [
            i
            for i, w in enumerate(out)
            if isinstance(w, Word) and _overlaps(w, name.start, name.end)
        ]
        if not hit:
            continue
        replaced = [out[i] for i in hit]
        confs = [w.conf for w in replaced if isinstance(w, Word)]
        if min(confs) >= LOW_CONFIDENCE or name.conf <= sum(confs) / len(confs):
            continue
        out[hit[0] : hit[-1] + 1] = [name.phrase.spelling]
    return spell_names([w.text if isinstance(w, Word) else w for w in out], vocabulary)


def spell_names(words: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    """Write the city's names as the city spells them ("kröpeliner tor vorstadt" → one name)."""
    out, i = [], 0
    lowered = [w.lower() for w in words]
    while i < len(words):
        phrase = vocabulary.match_at(lowered, i) if vocabulary.phrases else None
        if phrase is None:
            out.append(words[i])
            i += 1
        else:
            out.append(phrase.spelling)
            i += len(phrase.words)
    return out
