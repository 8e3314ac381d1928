"""Which language a person writes in: German or English, and only when the text says so clearly."""

from __future__ import annotations

import re

from lingua import Language as LinguaLanguage
from lingua import LanguageDetector, LanguageDetectorBuilder

from bot.core.messages import Language

_LINGUA = {LinguaLanguage.GERMAN: "de", LinguaLanguage.ENGLISH: "en"}


class LanguageGuesser:
    """Detects German or English with lingua; short or ambiguous texts give no answer."""

    def __init__(self, *, min_words: int = 3, min_confidence: float = 0.8) -> None:
        self._min_words = min_words
        self._min_confidence = min_confidence
        self._detector: LanguageDetector = (
            LanguageDetectorBuilder.from_languages(*_LINGUA)
            .with_preloaded_language_models()
            .build()
        )

    def detect(self, text: str) -> Language | None:
        """The language of the text when it is long enough and clearly one of de/en, else None.

        A short English greeting, thanks or goodbye ("Hello!", "Good morning") says it too:
        whoever opens with one wants the answer in English.
        """
        words = text.split()
        if len(words) < self._min_words:
            return _SHORT_PHRASES.get(" ".join(re.findall(r"[^\W\d_]+", text.casefold())))
        sample = _without_proper_names(words)
        best = self._detector.compute_language_confidence_values(sample)[0]
        if best.value < self._min_confidence:
            return None
        return "en" if _LINGUA[best.language] == "en" else "de"


def _without_proper_names(words: list[str]) -> str:
    # Rostock's place names (Südstadt, Warnemünde) make English questions look German: drop
    # capitalised words after the first one, and words with umlauts or ß, which in an English
    # question are nearly always such names however they are typed ("in warnemünde"); a German
    # question keeps plenty of German without them. Unless too little text would remain.
    kept = [
        w
        for i, w in enumerate(words)
        if (i == 0 or not w[:1].isupper()) and not any(c in _NAME_LETTERS for c in w.lower())
    ]
    return " ".join(kept if len(kept) >= 3 else words)


_NAME_LETTERS = frozenset("äöüß")

# English greetings, thanks and goodbyes of two words at most, which German speakers do not
# write ("hi", "hey", "ok" and "thanks" they do, so those keep the remembered language). A
# German "Hallo" keeps it too: German is the default, and an English reader may well say it.
_SHORT_PHRASES: dict[str, Language] = dict.fromkeys(
    "hello|hello there|hi there|good morning|good afternoon|good evening|greetings|howdy|"
    "thank you|many thanks|goodbye|good bye|bye bye|see you".split("|"),
    "en",
)
