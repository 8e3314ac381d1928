"""What the core says to citizens by itself (refusals, voice commands), in German and English.

Keys include every `Refusal` code. A channel's own texts (its commands, its platform's
problems) live in its package's `texts.py`; answers to questions come from Rasa.
"""

from __future__ import annotations

from typing import Final

from bot.core.messages import Language

_TEXTS: Final[dict[str, dict[Language, str]]] = {
    "report_updates_ask": {
        "de": "Soll ich Ihnen hier Bescheid sagen, wenn sich der Stand Ihrer Meldungen ändert?",
        "en": "Shall I let you know here when the status of your reports changes?",
    },
    "report_updates_yes": {"de": "Ja, Bescheid sagen", "en": "Yes, let me know"},
    "report_updates_no": {"de": "Nein, danke", "en": "No, thank you"},
    "report_updates_on": {
        "de": "Gut, ich sage Ihnen Bescheid, sobald sich etwas ändert. "
        "Abbestellen: schreiben Sie „keine Nachrichten zu Meldungen“ oder /delete.",
        "en": "Good, I will let you know as soon as something changes. To stop: write "
        "“no report news” or /delete.",
    },
    "report_updates_off": {
        "de": "Gut, dann schreibe ich Ihnen dazu nicht von selbst. "
        "Fragen Sie mich einfach nach dem Stand.",
        "en": "All right, I will not write to you about it on my own. Just ask me for the status.",
    },
    "report_updates_promise": {
        "de": "Ich sage Ihnen Bescheid, wenn sich der Stand ändert.",
        "en": "I will let you know when the status changes.",
    },
    "report_update": {
        "de": "Neues zu Ihrer Meldung {id}: {status}.",
        "en": "News on your report {id}: {status}.",
    },
    "report_update_note": {"de": "Hinweis der Stadt: {note}", "en": "Note from the city: {note}"},
    "report_status_IN_PROCESS": {
        "de": "Sie ist jetzt in Bearbeitung",
        "en": "it is now being worked on",
    },
    "report_status_PROCESSED": {"de": "Sie ist erledigt", "en": "it has been dealt with"},
    "report_status_REJECTED": {
        "de": "Sie wird nicht bearbeitet",
        "en": "it will not be worked on",
    },
    "report_status_RECEIVED": {"de": "Sie ist eingegangen", "en": "it has been received"},
    "assistant_unavailable": {
        "de": "Ich bin gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
        "en": "I am not available right now. Please try again in a moment.",
    },
    "delete_ask": {
        "de": "Soll ich alles löschen, was ich über Sie gespeichert habe? Das sind der "
        "Gesprächsverlauf, Ihre Sprach- und Vorlese-Einstellungen, Ihre Abos und Nachrichten, "
        "die auf Sie warten. Das kann man nicht rückgängig machen.",
        "en": "Shall I delete everything I keep about you? That is our conversation, your "
        "language and reading-aloud settings, your subscriptions and messages waiting for "
        "you. This cannot be undone.",
    },
    "delete_yes": {"de": "Ja, alles löschen", "en": "Yes, delete everything"},
    "delete_no": {"de": "Nein, behalten", "en": "No, keep it"},
    "delete_cancelled": {
        "de": "Gut, ich habe nichts gelöscht.",
        "en": "All right, I have deleted nothing.",
    },
    "delete_unavailable": {
        "de": "Das Löschen geht hier gerade nicht. Bitte wenden Sie sich an den Bürgerservice "
        "der Hanse- und Universitätsstadt Rostock, Telefon 0381 381-0.",
        "en": "Deleting does not work here right now. Please contact the citizens' service of "
        "the city of Rostock, phone +49 381 381-0.",
    },
    "deleted": {
        "de": "Erledigt. Gelöscht sind {removed}. "
        "Wenn Sie wieder schreiben, fange ich ganz neu an.",
        "en": "Done. I have deleted {removed}. If you write again, I start afresh.",
    },
    "deleted_settings": {
        "de": "Ihre Einstellungen (Sprache, Vorlesen)",
        "en": "your settings (language, reading aloud)",
    },
    "deleted_conversation": {"de": "unser Gesprächsverlauf", "en": "our conversation"},
    "deleted_subscriptions": {"de": "Ihre Abos", "en": "your subscriptions"},
    "deleted_reports": {
        "de": "die Verbindung zu Ihren {count} Meldungen (die Meldungen bleiben ohne Ihren "
        "Namen bei der Stadt)",
        "en": "the link to your {count} reports (the reports stay with the city, without "
        "your name)",
    },
    "deleted_reports_later": {
        "de": "Ihre Meldungen konnte ich gerade nicht von Ihnen lösen, weil der Dienst der "
        "Stadt nicht erreichbar war. Bitte schreiben Sie später noch einmal /delete.",
        "en": "I could not unlink your reports just now, as the city's service was not "
        "reachable. Please send /delete again later.",
    },
    "deleted_waiting": {
        "de": "{count} wartende Nachrichten",
        "en": "{count} waiting messages",
    },
    "empty": {
        "de": "Ihre Nachricht war leer. Bitte schreiben Sie Ihre Frage.",
        "en": "Your message was empty. Please type your question.",
    },
    "too_long": {
        "de": "Ihre Nachricht ist zu lang. Bitte schreiben Sie höchstens 4000 Zeichen.",
        "en": "Your message is too long. Please write at most 4,000 characters.",
    },
    "rate_limited": {
        "de": "Sie schreiben gerade sehr schnell. Bitte warten Sie einen Moment, "
        "dann antworte ich wieder.",
        "en": "You are writing very fast. Please wait a moment, then I will answer again.",
    },
    "unreadable": {
        "de": "Ich konnte Ihre Nachricht nicht lesen. Bitte schreiben Sie Ihre Frage als Text.",
        "en": "I could not read your message. Please type your question as text.",
    },
    "unsupported": {
        "de": "Diese Art von Nachricht kann ich nicht lesen. "
        "Bitte schreiben Sie mir, senden Sie eine Sprachnachricht oder Ihren Standort.",
        "en": "I cannot read this kind of message. "
        "Please type, send a voice message or share your location.",
    },
    "too_large": {
        "de": "Diese Datei ist zu groß. Bitte senden Sie eine kürzere Aufnahme oder ein Foto.",
        "en": "This file is too large. Please send a shorter recording or a photo.",
    },
    "bad_location": {
        "de": "Diesen Standort konnte ich nicht lesen. "
        "Bitte teilen Sie ihn noch einmal oder nennen Sie den Stadtteil.",
        "en": "I could not read this location. Please share it again or name the district.",
    },
    "not_offered": {
        "de": "Diese Auswahl oder diesen Befehl kenne ich nicht, oder die Auswahl gilt nicht mehr. "
        "Schreiben Sie bitte in eigenen Worten, was Sie suchen, oder „Hilfe“.",
        "en": "I do not know this choice or command, or the choice is no longer open. "
        "Please write in your own words what you are looking for, or type “help”.",
    },
    "no_answer": {
        "de": "Dazu habe ich gerade keine Antwort. "
        "Schreiben Sie „Hilfe“, dann sage ich, was ich kann.",
        "en": "I have no answer to that right now. Type “help” and I will tell you what I can do.",
    },
    "image_unsupported": {
        "de": "Fotos kann ich gerade nicht annehmen. Bitte beschreiben Sie es mit Worten.",
        "en": "I cannot take photos right now. Please describe it in words.",
    },
    "image_refused": {
        "de": "Dieses Bild kann ich nicht annehmen. Bitte schicken Sie ein Foto (JPEG, PNG oder "
        "WebP) von höchstens 8 MB, oder beschreiben Sie es mit Worten.",
        "en": "I cannot take this picture. Please send a photo (JPEG, PNG or WebP) of at most "
        "8 MB, or describe it in words.",
    },
    "voice_unavailable": {
        "de": "Sprachnachrichten kann ich gerade nicht verstehen. Bitte schreiben Sie Ihre Frage.",
        "en": "I cannot understand voice messages right now. Please type your question.",
    },
    "voice_failed": {
        "de": "Ich habe Ihre Sprachnachricht nicht verstanden. "
        "Bitte sprechen Sie noch einmal oder schreiben Sie Ihre Frage.",
        "en": "I did not understand your voice message. Please speak again or type your question.",
    },
    "voice_too_long": {
        "de": "Ihre Sprachnachricht ist zu lang. Bitte sprechen Sie höchstens zwei Minuten.",
        "en": "Your voice message is too long. Please speak for two minutes at most.",
    },
    "understood": {"de": "Verstanden: {text}", "en": "I understood: {text}"},
    "voice_on": {
        "de": "Ab jetzt lese ich Ihnen meine Antworten vor.",
        "en": "From now on I will read my answers aloud.",
    },
    "voice_off": {
        "de": "Ab jetzt antworte ich nur schriftlich.",
        "en": "From now on I will answer in writing only.",
    },
    "voice_faster": {"de": "Ich spreche jetzt schneller.", "en": "I will speak faster now."},
    "voice_slower": {"de": "Ich spreche jetzt langsamer.", "en": "I will speak more slowly now."},
    "voice_fastest": {
        "de": "Schneller kann ich nicht sprechen.",
        "en": "I cannot speak any faster.",
    },
    "voice_slowest": {
        "de": "Langsamer kann ich nicht sprechen.",
        "en": "I cannot speak any more slowly.",
    },
    "voice_usage": {
        "de": "So steuern Sie das Vorlesen: /voice on, /voice off, /voice faster, /voice slower.",
        "en": "To control reading aloud: /voice on, /voice off, /voice faster, /voice slower.",
    },
    "announcement_footer": {
        "de": "Hanse- und Universitätsstadt Rostock · Abbestellen: /unsubscribe",
        "en": "City of Rostock · To stop these messages: /unsubscribe",
    },
    "subscribe_usage": {
        "de": "So bekommen Sie Nachrichten der Stadt: /subscribe und der Stadtteil, zum Beispiel "
        "/subscribe Lichtenhagen. Mit einem Thema: /subscribe Lichtenhagen Baustellen. Themen: "
        "Baustellen und Verkehr, Veranstaltungen, Beteiligung und Ortsbeirat, Barrierefreiheit, "
        "Warnungen. Für die ganze Stadt: /subscribe alle.",
        "en": "To get news from the city: /subscribe and the district, for example "
        "/subscribe Lichtenhagen. With a topic: /subscribe Lichtenhagen construction. Topics: "
        "construction, events, participation, accessibility, warnings. For the whole city: "
        "/subscribe all.",
    },
    "subscribe_unknown": {
        "de": "„{name}“ kenne ich nicht als Stadtteil oder Thema. Bitte nennen Sie einen Stadtteil "
        "von Rostock, zum Beispiel Lichtenhagen, Südstadt oder Dierkow, oder „alle“ für die "
        "ganze Stadt.",
        "en": "I do not know “{name}” as a district or topic. Please name a district of Rostock, "
        "for example Lichtenhagen, Südstadt or Dierkow, or “all” for the whole city.",
    },
    "subscribe_ask": {
        "de": "Möchten Sie Nachrichten der Stadt bekommen: {what}? "
        "Sie können das jederzeit mit /unsubscribe beenden.",
        "en": "Would you like to get news from the city: {what}? "
        "You can end this at any time with /unsubscribe.",
    },
    "subscribe_yes": {"de": "Ja", "en": "Yes"},
    "subscribe_no": {"de": "Nein", "en": "No"},
    "subscribe_cancelled": {
        "de": "Gut, ich habe nichts abonniert.",
        "en": "All right, I have not subscribed you to anything.",
    },
    "subscribed": {
        "de": "Erledigt. Sie bekommen jetzt Nachrichten: {what}. Abbestellen: /unsubscribe",
        "en": "Done. You will now get news: {what}. To stop: /unsubscribe",
    },
    "subscribed_already": {
        "de": "Das haben Sie schon abonniert: {what}.",
        "en": "You have already subscribed to this: {what}.",
    },
    "unsubscribed": {
        "de": "Erledigt. Abbestellt: {removed}.",
        "en": "Done. Unsubscribed: {removed}.",
    },
    "unsubscribe_no_match": {
        "de": "Das hatten Sie nicht abonniert. Sie haben abonniert: {listing}.",
        "en": "You had not subscribed to that. Your subscriptions: {listing}.",
    },
    "subscriptions_none": {
        "de": "Sie haben nichts abonniert. Zum Beispiel: /subscribe Lichtenhagen",
        "en": "You have no subscriptions. For example: /subscribe Lichtenhagen",
    },
    "subscriptions_list": {
        "de": "Sie haben abonniert: {listing}. Abbestellen: /unsubscribe",
        "en": "Your subscriptions: {listing}. To stop: /unsubscribe",
    },
    "subscriptions_unavailable": {
        "de": "Nachrichten der Stadt kann man hier gerade nicht abonnieren.",
        "en": "News from the city cannot be subscribed to here right now.",
    },
    "subscription": {"de": "{topic} aus {where}", "en": "{topic} for {where}"},
    "district_all": {"de": "ganz Rostock", "en": "all of Rostock"},
    "topic_all": {"de": "alle Themen", "en": "all topics"},
    "topic_construction": {"de": "Baustellen und Verkehr", "en": "construction and traffic"},
    "topic_events": {"de": "Veranstaltungen", "en": "events"},
    "topic_participation": {
        "de": "Beteiligung und Ortsbeirat",
        "en": "participation and local councils",
    },
    "topic_accessibility": {"de": "Barrierefreiheit", "en": "accessibility"},
    "topic_warnings": {"de": "Warnungen", "en": "warnings"},
}


def text(key: str, language: Language, **values: str) -> str:
    """The citizen text `key` in this language, with {placeholders} filled in."""
    template = _TEXTS[key][language]
    return template.format(**values) if values else template


def keys() -> frozenset[str]:
    """All text keys (for tests that every text exists in both languages)."""
    return frozenset(_TEXTS)


def word_list(language: Language, words: list[str]) -> str:
    """Words joined as a sentence says them: "A, B und C" / "A, B and C"."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + (" und " if language == "de" else " and ") + words[-1]
