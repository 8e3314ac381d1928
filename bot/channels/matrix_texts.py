"""The Matrix channel's own short answers, in German and English (the person's language is not
known at this point, so both are given; German first, as most people here write German)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "unsupported": (
        "Diese Art von Nachricht kann ich leider nicht lesen. Schreib mir bitte eine "
        "Textnachricht, schick einen Standort oder eine Sprachnachricht.\n"
        "Sorry, I can't read this kind of message. Please send me text, a location "
        "or a voice message."
    ),
    "too-long": (
        "Deine Nachricht ist zu lang für mich. Schreib mir bitte kürzer, in ein oder zwei Sätzen.\n"
        "Your message is too long for me. Please ask in one or two sentences."
    ),
    "malformed": (
        "Diese Nachricht konnte ich nicht lesen. Schreib sie mir bitte noch einmal als Text.\n"
        "I couldn't read this message. Please send it again as text."
    ),
    "bad-location": (
        "Diesen Standort konnte ich nicht lesen. Teile ihn bitte noch einmal oder nenne mir den "
        "Stadtteil.\n"
        "I couldn't read this location. Please share it again or tell me the district."
    ),
    "too-large": (
        "Diese Datei ist zu groß für mich. Bitte schick eine kleinere (höchstens 20 MB).\n"
        "This file is too large for me. Please send a smaller one (20 MB at most)."
    ),
    "undecryptable": (
        "Ich konnte deine verschlüsselte Nachricht nicht entschlüsseln. Bitte schick sie noch "
        "einmal. Hilft das nicht, verifiziere bitte deine Sitzung in deiner Matrix-App.\n"
        "I couldn't decrypt your encrypted message. Please send it again. If that doesn't help, "
        "please verify your session in your Matrix app."
    ),
    "media-failed": (
        "Deine Datei konnte ich nicht laden. Bitte schick sie noch einmal.\n"
        "I couldn't load your file. Please send it again."
    ),
    "error": (
        "Da ist bei mir gerade etwas schiefgegangen. Bitte versuch es gleich noch einmal.\n"
        "Something went wrong on my side. Please try again in a moment."
    ),
}
