"""What the phone line says on its own (greeting, busy, goodbye, choices), in German and English.

Answers come from the core in the person's language; these texts follow the call's language.
"""

from __future__ import annotations

from typing import Literal

from bot.core.messages import Language

PhoneTextKey = Literal[
    "greeting",
    "ask",
    "busy",
    "still_there",
    "goodbye",
    "not_understood",
    "time_up",
    "error",
]

TEXTS: dict[PhoneTextKey, dict[Language, str]] = {
    "greeting": {
        # The English part is spoken in English: someone who does not speak German understands it.
        "de": (
            "Guten Tag, hier ist der Bürgerassistent der Hansestadt Rostock. "
            "Bitte sagen Sie Ihre Frage nach dem Signalton."
        ),
        "en": "For English, press 2.",
    },
    "ask": {
        "de": "Bitte sagen Sie Ihre Frage nach dem Signalton.",
        "en": "Please ask your question after the tone.",
    },
    "busy": {
        "de": (
            "Alle Leitungen des Bürgerassistenten sind gerade besetzt. "
            "Bitte rufen Sie in ein paar Minuten wieder an. Auf Wiederhören."
        ),
        "en": "All lines are busy. Please call again in a few minutes. Goodbye.",
    },
    "still_there": {
        "de": "Sind Sie noch da? Sagen Sie Ihre Frage nach dem Signalton.",
        "en": "Are you still there? Please ask your question after the tone.",
    },
    "goodbye": {
        "de": "Vielen Dank für Ihren Anruf. Auf Wiederhören.",
        "en": "Thank you for calling. Goodbye.",
    },
    "not_understood": {
        "de": "Das habe ich leider nicht verstanden. Bitte sagen Sie es noch einmal.",
        "en": "Sorry, I did not understand that. Please say it again.",
    },
    "time_up": {
        "de": (
            "Unsere Gesprächszeit ist leider um. Bitte rufen Sie gern wieder an. Auf Wiederhören."
        ),
        "en": "Our time is up, I am sorry. Please call again. Goodbye.",
    },
    "error": {
        "de": "Da ist bei mir etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.",
        "en": "Something went wrong on my side. Please try again in a moment.",
    },
}

# How a choice is offered: its title, the number word to say and the key to press.
CHOICE: dict[Language, str] = {
    "de": "Für {title} sagen Sie {word} oder drücken Sie die {digit}.",
    "en": "For {title}, say {word} or press {digit}.",
}

# What a caller says to end the call (compared without case and punctuation).
GOODBYES: frozenset[str] = frozenset(
    {
        "auf wiederhören",
        "auf wiedersehen",
        "tschüss",
        "tschüs",
        "ende",
        "auflegen",
        "goodbye",
        "good bye",
        "bye",
        "bye bye",
    }
)


def text(key: PhoneTextKey, language: Language) -> str:
    """The line's own text for `key` in `language`."""
    return TEXTS[key][language]
