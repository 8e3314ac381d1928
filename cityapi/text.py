"""Text folding for search: case, ß and umlaut spellings do not matter."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, ß→ss, umlauts and accents to their base letter, single spaces."""
    lowered = text.casefold().replace("ß", "ss")
    for spelled, umlaut in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        lowered = lowered.replace(spelled, umlaut)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip()


def search_words(query: str, max_words: int = 6) -> list[str]:
    """The folded words of a free-text query (at most `max_words`)."""
    return [w for w in fold(query).split(" ") if w][:max_words]
