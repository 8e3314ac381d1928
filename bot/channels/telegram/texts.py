"""What the Telegram channel says on its own (commands, unsupported input), in German and English.

Answers to questions come from Rasa; these are only the channel's own short texts.
"""

from __future__ import annotations

from bot.core.messages import Language

# Keys the conversion function returns for answers the channel gives itself.
TEXTS: dict[str, dict[Language, str]] = {
    "start": {
        "de": (
            "Hallo! Ich bin der Bürger-Assistent von Rostock. "
            "Fragen Sie mich nach Orten, Öffnungszeiten und Veranstaltungen, "
            "zum Beispiel: Wo ist die nächste barrierefreie Toilette? "
            "Sie können schreiben, eine Sprachnachricht senden oder Ihren Standort teilen. "
            "Hilfe: /help. Sprache: /language."
        ),
        "en": (
            "Hello! I am Rostock's citizens' assistant. "
            "Ask me about places, opening hours and events, "
            "for example: Where is the nearest accessible toilet? "
            "You can type, send a voice message or share your location. "
            "Help: /help. Language: /language."
        ),
    },
    "privacy_link": {
        "de": "Datenschutz: {url}",
        "en": "Privacy notice: {url}",
    },
    "privacy": {
        "de": (
            "Datenschutz: Ich speichere Ihre Telegram-Nummer, Ihre Sprache und Ihre Fragen, "
            "damit ich antworten kann. Standorte und Fotos nutze ich nur für Ihre Frage "
            "oder Ihre Meldung. Ich gebe nichts an Werbefirmen weiter. Mehr dazu: /privacy"
        ),
        "en": (
            "Privacy: I store your Telegram id, your language and your questions "
            "so that I can answer. I use locations and photos only for your question "
            "or your report. I share nothing with advertisers. More: /privacy"
        ),
    },
    "help": {
        "de": (
            "Ich helfe bei Fragen zu Rostock: Orte wie Toiletten, Behindertenparkplätze, "
            "Bibliotheken oder Spielplätze, Öffnungszeiten und Veranstaltungen. "
            "Teilen Sie Ihren Standort, dann suche ich in Ihrer Nähe.\n"
            "Befehle:\n"
            "/start – Begrüßung\n"
            "/help – diese Hilfe\n"
            "/language – Sprache wählen\n"
            "/voice an – Antworten vorlesen (/voice aus – nur Text)\n"
            "/privacy – Datenschutz: was ich speichere\n"
            "/export – Ihre Daten als Datei\n"
            "/delete – Ihre Daten löschen"
        ),
        "en": (
            "I help with questions about Rostock: places such as toilets, disabled parking, "
            "libraries or playgrounds, opening hours and events. "
            "Share your location and I search near you.\n"
            "Commands:\n"
            "/start – welcome\n"
            "/help – this help\n"
            "/language – choose your language\n"
            "/voice on – read answers aloud (/voice off – text only)\n"
            "/privacy – privacy: what I keep\n"
            "/export – your data as a file\n"
            "/delete – delete your data"
        ),
    },
    "choose": {
        "de": "Bitte wählen Sie:",
        "en": "Please choose:",
    },
    "language": {
        "de": "Welche Sprache möchten Sie?",
        "en": "Which language would you like?",
    },
    "unknown_command": {
        "de": "Diesen Befehl kenne ich nicht. Hilfe: /help",
        "en": "I do not know this command. Help: /help",
    },
    "button_expired": {
        "de": "Diese Auswahl ist abgelaufen. Bitte fragen Sie noch einmal.",
        "en": "This choice has expired. Please ask again.",
    },
    "too_fast": {
        "de": (
            "Sie schreiben gerade sehr schnell. Ich beantworte zuerst Ihre bisherigen "
            "Nachrichten; was Sie jetzt weiter schicken, kann ich leider nicht annehmen. "
            "Bitte warten Sie meine Antworten ab und schreiben Sie dann gern wieder."
        ),
        "en": (
            "You are writing very fast right now. I will answer your earlier messages first; "
            "what you send now I cannot take, sorry. Please wait for my answers and then "
            "write again."
        ),
    },
    "error": {
        "de": "Entschuldigung, das hat nicht geklappt. Bitte versuchen Sie es gleich noch einmal.",
        "en": "Sorry, that did not work. Please try again in a moment.",
    },
}

# The /language choices: shown in their own language, sent to the core as Rasa intent payloads.
LANGUAGE_CHOICES: tuple[tuple[Language, str, str], ...] = (
    ("de", "Deutsch", '/change_language{"language": "de"}'),
    ("en", "English", '/change_language{"language": "en"}'),
)

# The command menu (setMyCommands) per language; the default scope uses German.
COMMAND_MENU: dict[Language, tuple[tuple[str, str], ...]] = {
    "de": (
        ("start", "Begrüßung und Datenschutz"),
        ("help", "Was ich kann"),
        ("language", "Sprache wählen"),
        ("voice", "Antworten vorlesen: /voice an oder aus"),
        ("privacy", "Datenschutz: was ich speichere"),
        ("export", "Meine Daten als Datei"),
        ("delete", "Meine Daten löschen"),
        ("subscribe", "Nachrichten der Stadt abonnieren: /subscribe Stadtteil"),
        ("subscriptions", "Meine Abos"),
        ("unsubscribe", "Abos beenden"),
    ),
    "en": (
        ("start", "Welcome and privacy"),
        ("help", "What I can do"),
        ("language", "Choose your language"),
        ("voice", "Read answers aloud: /voice on or off"),
        ("privacy", "Privacy: what I keep"),
        ("export", "My data as a file"),
        ("delete", "Delete my data"),
        ("subscribe", "Get news from the city: /subscribe district"),
        ("subscriptions", "My subscriptions"),
        ("unsubscribe", "End subscriptions"),
    ),
}


def text(key: str, language: Language) -> str:
    """The channel's own text for `key` in `language`."""
    return TEXTS[key][language]
