"""What the Matrix channel says on its own (platform problems), in German and English.

Everything else, refusals included, comes from the core in the person's language; these texts
follow the language of the room's last turn.
"""

from __future__ import annotations

from typing import Literal

from bot.core.messages import Language

MatrixTextKey = Literal["undecryptable", "media_failed", "error"]

TEXTS: dict[MatrixTextKey, dict[Language, str]] = {
    "undecryptable": {
        "de": (
            "Ich konnte Ihre verschlüsselte Nachricht nicht entschlüsseln. Bitte senden Sie sie "
            "noch einmal. Hilft das nicht, verifizieren Sie bitte Ihre Sitzung in Ihrer Matrix-App."
        ),
        "en": (
            "I could not decrypt your encrypted message. Please send it again. If that does not "
            "help, please verify your session in your Matrix app."
        ),
    },
    "media_failed": {
        "de": "Ihre Datei konnte ich nicht laden. Bitte senden Sie sie noch einmal.",
        "en": "I could not load your file. Please send it again.",
    },
    "error": {
        "de": "Da ist bei mir etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.",
        "en": "Something went wrong on my side. Please try again in a moment.",
    },
}


def text(key: MatrixTextKey, language: Language) -> str:
    """The channel's own text for `key` in `language`."""
    return TEXTS[key][language]
