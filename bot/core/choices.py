"""Picking one of the offered buttons by number, ordinal or title ("2", "zwei", "die erste")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.messages import Button

_ORDINALS: dict[str, int] = {}
for _index, _words in enumerate(
    [
        "1 eins erste erster ersten erstes one first 1st",
        "2 zwei zweite zweiter zweiten zweites two second 2nd",
        "3 drei dritte dritter dritten drittes three third 3rd",
        "4 vier vierte vierter vierten viertes four fourth 4th",
        "5 fünf fuenf fünfte fünfter fünften fünftes five fifth 5th",
        "6 sechs sechste sechster sechsten sechstes six sixth 6th",
        "7 sieben siebte siebter siebten siebtes seven seventh 7th",
        "8 acht achte achter achten achtes eight eighth 8th",
        "9 neun neunte neunter neunten neuntes nine ninth 9th",
        "10 zehn zehnte zehnter zehnten zehntes ten tenth 10th",
    ],
    start=1,
):
    for _word in _words.split():
        _ORDINALS[_word] = _index
_LAST = {"letzte", "letzter", "letzten", "letztes", "last"}
_FILLERS = {
    "die", "der", "das", "den", "the", "nummer", "number", "nr", "no", "option", "antwort",
    "answer", "bitte", "please", "ich", "nehme", "i", "take", "choose", "wähle", "one",
}  # fmt: skip
_PUNCTUATION = re.compile(r"[.!?,;:\"'„“”()]+")


def _normalise(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def choose(text: str, buttons: Sequence[Button]) -> Button | None:
    """The button the text picks, or None when the text is not a choice among these buttons."""
    if not buttons:
        return None
    wanted = _normalise(text)
    if not wanted:
        return None
    for button in buttons:
        if _normalise(button.title) == wanted:
            return button
    words = wanted.split()
    if len(words) > 4:
        return None
    # "one" is both a number and a filler ("the first one"): count it as a number only alone.
    content = [w for w in words if w not in _FILLERS] or words
    if len(content) != 1:
        return None
    word = content[0]
    if word in _LAST:
        return buttons[-1]
    index = _ORDINALS.get(word)
    if index is None and word.isdigit():
        index = int(word)
    if index is None or not 1 <= index <= len(buttons):
        return None
    return buttons[index - 1]
