"""Every citizen-facing text the actions send, in German and English, as str.format templates.

Written to be read aloud by a screen reader: short sentences, no tables, no emoji, times and
dates in words. Keys are the same in both languages (a test checks that).
"""

from typing import Dict, List, Tuple

LANGUAGES: Tuple[str, ...] = ("de", "en")
DEFAULT_LANGUAGE = "de"

_TEXTS: Dict[str, Dict[str, str]] = {
    "de": {
        # the city data API
        "api_unavailable": (
            "Ich kann die Daten der Stadt gerade nicht abrufen. "
            "Bitte versuchen Sie es in ein paar Minuten noch einmal."
        ),
        "api_rejected": (
            "Diese Suche konnte ich leider nicht ausführen. Bitte fragen Sie etwas anders."
        ),
        "district_unknown": (
            "Diesen Stadtteil kenne ich nicht. Bitte nennen Sie einen Stadtteil von Rostock, "
            "zum Beispiel Südstadt oder Warnemünde."
        ),
        # places
        "ask_place_type": "Welche Art von Ort suchen Sie?",
        "places_heading": "{what}{where}{filter}: {shown} von {total} Treffern.",
        "places_heading_all": "{what}{where}{filter}: {total} Treffer.",
        "places_heading_one": "{what}{where}{filter}: ein Treffer.",
        "where_district": " im Stadtteil {district}",
        "where_district_group": " in {district} ({parts})",
        "where_near": " im Umkreis von zwei Kilometern",
        "where_near_wider": " im Umkreis von zehn Kilometern",
        "nearest_first": ", die nächsten zuerst",
        "where_landmark": " in der Nähe von {name}",
        "near_nothing_close": "Im Umkreis von zwei Kilometern habe ich nichts gefunden.",
        "where_city": " in Rostock",
        "filter_wheelchair": ", mit dem Rollstuhl nutzbar",
        "filter_blind": ", mit Blindenleitsystem",
        "filter_deaf": ", mit Induktionsschleife",
        "place_title": "{number}. {name}.",
        "place_address": "{address}.",
        "place_address_district": "{address}, Stadtteil {district}.",
        "place_only_district": "Stadtteil {district}.",
        "place_distance": "Entfernung: {distance}.",
        "place_open_now": "Jetzt geöffnet.",
        "place_closed_now": "Jetzt geschlossen.",
        "place_open_unknown": "Öffnungszeiten unbekannt.",
        "places_none": "Ich habe keine Treffer für {what}{where}{filter}.",
        "places_none_offer": "Soll ich woanders suchen?",
        "places_hint_where": (
            "Nennen Sie mir Ihren Stadtteil oder teilen Sie Ihren Standort, "
            "dann finde ich die nächsten."
        ),
        "button_district": "Im Stadtteil {district} suchen",
        "button_around": "Rund um {district} suchen",
        # accessibility in words
        "access_wheelchair_yes": "Rollstuhlgerecht.",
        "access_wheelchair_limited": "Eingeschränkt rollstuhlgerecht.",
        "access_wheelchair_limited_notes": "Eingeschränkt rollstuhlgerecht: {notes}.",
        "access_wheelchair_no": "Nicht rollstuhlgerecht.",
        "access_wheelchair_unknown": "Zum Rollstuhl liegen keine Angaben vor.",
        "access_wheelchair_toilet": "Mit rollstuhlgerechter Toilette.",
        "access_euro_key": "Mit Euroschlüssel.",
        "access_step_free": "Stufenloser Eingang.",
        "access_tactile_paving": "Mit Blindenleitsystem.",
        "access_induction_loop": "Mit Induktionsschleife für Hörgeräte.",
        "access_notes": "Hinweis: {notes}.",
        # distances
        "distance_under": "weniger als 50 Meter",
        "distance_m": "etwa {metres} Meter",
        "distance_km": "etwa {km} Kilometer",
        # clock times and dates, spoken
        "clock_hour": "{hour} Uhr",
        "clock_hour_minute": "{hour} Uhr {minute}",
        "clock_midnight": "Mitternacht",
        "clock_noon": "12 Uhr",
        "date": "{weekday}, {day}. {month}",
        "date_year": "{weekday}, {day}. {month} {year}",
        "date_time": "{date}, {time}",
        "month_year": "{month} {year}",
        # opening hours
        "ask_hours_place": "Für welchen Ort möchten Sie die Öffnungszeiten wissen?",
        "hours_no_match": "Einen Ort mit dem Namen „{name}“ habe ich nicht gefunden.",
        "hours_open": "{name} hat jetzt geöffnet, {until}.",
        "hours_open_no_until": "{name} hat jetzt geöffnet.",
        "hours_open_always": "{name} hat rund um die Uhr geöffnet.",
        "hours_closed": "{name} ist jetzt geschlossen.",
        "hours_next_open": "Geöffnet wieder {when}.",
        "hours_no_next_open": "In den nächsten Wochen ist keine Öffnung bekannt.",
        "hours_unknown": "Die Öffnungszeiten von {name} kenne ich leider nicht.",
        "hours_holiday": "Heute ist Feiertag: {holiday}.",
        "hours_holiday_unnamed": "Heute ist ein Feiertag.",
        "hours_also": "Meinten Sie einen anderen Ort?",
        "until_today": "heute bis {time}",
        "until_midnight": "bis Mitternacht",
        "until_day": "bis {day}, {time}",
        "when_today": "heute um {time}",
        "when_tomorrow": "morgen um {time}",
        "when_day": "am {day}, um {time}",
        # events
        "events_heading": "Veranstaltungen {period}{where}{filter}: {shown} von {total}.",
        "events_heading_all": "Veranstaltungen {period}{where}{filter}: {total}.",
        "events_heading_one": "Veranstaltungen {period}{where}{filter}: eine.",
        "events_where": " im Stadtteil {district}",
        "events_category": ", Bereich {category}",
        "events_none": "Ich habe keine Veranstaltungen {period}{where}{filter} gefunden.",
        "events_elsewhere": "In anderen Stadtteilen habe ich diese gefunden.",
        "events_when_unknown": (
            "Die Zeitangabe „{when}“ habe ich nicht verstanden. "
            "Ich suche in den nächsten sieben Tagen."
        ),
        "events_filter_other_access": (
            "Angaben für blinde oder gehörlose Menschen habe ich zu Veranstaltungen leider nicht."
        ),
        "events_offer_wider": "Soll ich in einem längeren Zeitraum suchen?",
        "button_next_30_days": "In den nächsten 30 Tagen",
        "when_next_30_days": "in den nächsten 30 Tagen",
        "event_title": "{number}. {name}.",
        "event_start": "{start}.",
        "event_running": "Läuft bis {end}.",
        "event_place": "Ort: {location}.",
        "event_place_district": "Ort: {location}, Stadtteil {district}.",
        "event_free": "Eintritt frei.",
        "event_not_free": "Mit Eintritt.",
        "event_wheelchair_yes": "Rollstuhlgerecht.",
        "event_wheelchair_limited": "Eingeschränkt rollstuhlgerecht.",
        "event_wheelchair_no": "Nicht rollstuhlgerecht.",
        "event_wheelchair_unknown": "Zur Barrierefreiheit liegen keine Angaben vor.",
        "period_day": "am {day}",
        "period_day_from": "am {day}, ab {time}",
        "period_days": "von {first}, bis {last}",
        "period_month": "im {month}",
        "period_default": "in den nächsten sieben Tagen",
        # clarify
        "clarify_two": "Ich bin nicht sicher, was Sie meinen. Meinen Sie eins davon?",
        "clarify_none": (
            "Das habe ich leider nicht verstanden. Ich kann Orte, Öffnungszeiten "
            "und Veranstaltungen in Rostock suchen."
        ),
    },
    "en": {
        "api_unavailable": (
            "I cannot get the city's data right now. Please try again in a few minutes."
        ),
        "api_rejected": "Sorry, I could not run this search. Please ask in a different way.",
        "district_unknown": (
            "I do not know this district. Please name a district of Rostock, "
            "for example Südstadt or Warnemünde."
        ),
        "ask_place_type": "What kind of place are you looking for?",
        "places_heading": "{what}{where}{filter}: {shown} of {total} results.",
        "places_heading_all": "{what}{where}{filter}: {total} results.",
        "places_heading_one": "{what}{where}{filter}: one result.",
        "where_district": " in {district}",
        "where_district_group": " in {district} ({parts})",
        "where_near": " within two kilometres",
        "where_near_wider": " within ten kilometres",
        "nearest_first": ", nearest first",
        "where_landmark": " near {name}",
        "near_nothing_close": "I found nothing within two kilometres.",
        "where_city": " in Rostock",
        "filter_wheelchair": ", usable with a wheelchair",
        "filter_blind": ", with tactile paving",
        "filter_deaf": ", with a hearing loop",
        "place_title": "{number}. {name}.",
        "place_address": "{address}.",
        "place_address_district": "{address}, district {district}.",
        "place_only_district": "District {district}.",
        "place_distance": "Distance: {distance}.",
        "place_open_now": "Open now.",
        "place_closed_now": "Closed now.",
        "place_open_unknown": "Opening hours unknown.",
        "places_none": "I found no {what}{where}{filter}.",
        "places_none_offer": "Shall I look somewhere else?",
        "places_hint_where": (
            "Tell me your district or share your location, and I will find the nearest ones."
        ),
        "button_district": "Search in {district}",
        "button_around": "Search around {district}",
        "access_wheelchair_yes": "Wheelchair accessible.",
        "access_wheelchair_limited": "Partly wheelchair accessible.",
        "access_wheelchair_limited_notes": "Partly wheelchair accessible: {notes}.",
        "access_wheelchair_no": "Not wheelchair accessible.",
        "access_wheelchair_unknown": "No information on wheelchair access.",
        "access_wheelchair_toilet": "Has a wheelchair accessible toilet.",
        "access_euro_key": "Opens with the Euro key.",
        "access_step_free": "Step-free entrance.",
        "access_tactile_paving": "Has tactile paving.",
        "access_induction_loop": "Has a hearing loop.",
        "access_notes": "Note: {notes}.",
        "distance_under": "less than 50 metres",
        "distance_m": "about {metres} metres",
        "distance_km": "about {km} kilometres",
        "clock_hour": "{hour} {half}",
        "clock_hour_minute": "{hour}:{minute:02d} {half}",
        "clock_midnight": "midnight",
        "clock_noon": "12 noon",
        "date": "{weekday}, {day} {month}",
        "date_year": "{weekday}, {day} {month} {year}",
        "date_time": "{date}, {time}",
        "month_year": "{month} {year}",
        "ask_hours_place": "Which place would you like the opening hours for?",
        "hours_no_match": "I found no place called “{name}”.",
        "hours_open": "{name} is open now, {until}.",
        "hours_open_no_until": "{name} is open now.",
        "hours_open_always": "{name} is open around the clock.",
        "hours_closed": "{name} is closed now.",
        "hours_next_open": "It opens again {when}.",
        "hours_no_next_open": "No opening is known for the next few weeks.",
        "hours_unknown": "Sorry, I do not know the opening hours of {name}.",
        "hours_holiday": "Today is a public holiday: {holiday}.",
        "hours_holiday_unnamed": "Today is a public holiday.",
        "hours_also": "Did you mean another place?",
        "until_today": "today until {time}",
        "until_midnight": "until midnight",
        "until_day": "until {day}, {time}",
        "when_today": "today at {time}",
        "when_tomorrow": "tomorrow at {time}",
        "when_day": "on {day}, at {time}",
        "events_heading": "Events {period}{where}{filter}: {shown} of {total}.",
        "events_heading_all": "Events {period}{where}{filter}: {total}.",
        "events_heading_one": "Events {period}{where}{filter}: one.",
        "events_where": " in {district}",
        "events_category": ", category {category}",
        "events_none": "I found no events {period}{where}{filter}.",
        "events_elsewhere": "I found these in other districts.",
        "events_when_unknown": (
            "I did not understand the time “{when}”. I will look at the next seven days."
        ),
        "events_filter_other_access": (
            "Sorry, I have no information for blind or deaf people about events."
        ),
        "events_offer_wider": "Shall I look over a longer time?",
        "button_next_30_days": "In the next 30 days",
        "when_next_30_days": "in the next 30 days",
        "event_title": "{number}. {name}.",
        "event_start": "{start}.",
        "event_running": "On until {end}.",
        "event_place": "Place: {location}.",
        "event_place_district": "Place: {location}, district {district}.",
        "event_free": "Free admission.",
        "event_not_free": "Admission charged.",
        "event_wheelchair_yes": "Wheelchair accessible.",
        "event_wheelchair_limited": "Partly wheelchair accessible.",
        "event_wheelchair_no": "Not wheelchair accessible.",
        "event_wheelchair_unknown": "No information on accessibility.",
        "period_day": "on {day}",
        "period_day_from": "on {day}, from {time}",
        "period_days": "from {first}, to {last}",
        "period_month": "in {month}",
        "period_default": "in the next seven days",
        "clarify_two": "I am not sure what you mean. Did you mean one of these?",
        "clarify_none": (
            "Sorry, I did not understand that. I can find places, opening hours "
            "and events in Rostock."
        ),
    },
}

# Place types per language: (heading, inline) plural forms; German adjectives are lower case inline.
PLACE_TYPES: Dict[str, Dict[str, Tuple[str, str]]] = {
    "de": {
        "toilet": ("Öffentliche Toiletten", "öffentliche Toiletten"),
        "disabled_parking": ("Behindertenparkplätze", "Behindertenparkplätze"),
        "library": ("Bibliotheken", "Bibliotheken"),
        "playground": ("Spielplätze", "Spielplätze"),
        "beach": ("Strände", "Strände"),
        "museum": ("Museen", "Museen"),
        "swimming_pool": ("Schwimmbäder", "Schwimmbäder"),
        "citizen_office": ("Bürgerämter", "Bürgerämter"),
        "defibrillator": ("Defibrillatoren", "Defibrillatoren"),
        "parking_garage": ("Parkhäuser", "Parkhäuser"),
        "meeting_place": ("Begegnungsstätten", "Begegnungsstätten"),
        "public_transport_stop": ("Haltestellen", "Haltestellen"),
    },
    "en": {
        "toilet": ("Public toilets", "public toilets"),
        "disabled_parking": ("Disabled parking spaces", "disabled parking spaces"),
        "library": ("Libraries", "libraries"),
        "playground": ("Playgrounds", "playgrounds"),
        "beach": ("Beaches", "beaches"),
        "museum": ("Museums", "museums"),
        "swimming_pool": ("Swimming pools", "swimming pools"),
        "citizen_office": ("Citizens' offices", "citizens' offices"),
        "defibrillator": ("Defibrillators", "defibrillators"),
        "parking_garage": ("Car parks", "car parks"),
        "meeting_place": ("Community centres", "community centres"),
        "public_transport_stop": ("Public transport stops", "public transport stops"),
    },
}

# The place types offered as buttons when someone did not say which kind of place.
COMMON_PLACE_TYPES: Tuple[str, ...] = (
    "toilet",
    "disabled_parking",
    "library",
    "playground",
    "citizen_office",
    "defibrillator",
)

EVENT_CATEGORIES: Dict[str, Dict[str, str]] = {
    "de": {
        "music": "Musik",
        "market": "Markt",
        "exhibition": "Ausstellung",
        "theatre": "Theater",
        "sport": "Sport",
        "family": "Familie",
        "festival": "Fest",
        "guided_tour": "Führung",
        "talk": "Vortrag",
        "film": "Film",
        "other": "Sonstiges",
    },
    "en": {
        "music": "music",
        "market": "markets",
        "exhibition": "exhibitions",
        "theatre": "theatre",
        "sport": "sport",
        "family": "family",
        "festival": "festivals",
        "guided_tour": "guided tours",
        "talk": "talks",
        "film": "film",
        "other": "other",
    },
}

# Button titles for intents offered by action_clarify; intents without a title (affirm, deny,
# out_of_scope, share_location, choose_option) are never offered: they make no sense as a choice.
INTENT_TITLES: Dict[str, Dict[str, str]] = {
    "de": {
        "ask_place": "Einen Ort suchen",
        "ask_opening_hours": "Öffnungszeiten erfragen",
        "ask_event": "Veranstaltungen suchen",
        "submit_idea": "Eine Idee einreichen",
        "report_barrier": "Eine Barriere melden",
        "ask_report_status": "Stand einer Meldung erfragen",
        "subscribe": "Nachrichten abonnieren",
        "unsubscribe": "Nachrichten abbestellen",
        "change_language": "Sprache wechseln",
        "delete_my_data": "Meine Daten löschen",
        "contact_human": "Mit einem Menschen sprechen",
        "help": "Hilfe",
        "greet": "Hallo sagen",
        "goodbye": "Tschüss sagen",
        "thank": "Danke sagen",
        "bot_challenge": "Bist du ein Bot?",
    },
    "en": {
        "ask_place": "Find a place",
        "ask_opening_hours": "Ask for opening hours",
        "ask_event": "Find events",
        "submit_idea": "Submit an idea",
        "report_barrier": "Report a barrier",
        "ask_report_status": "Ask about a report",
        "subscribe": "Subscribe to news",
        "unsubscribe": "Unsubscribe from news",
        "change_language": "Change the language",
        "delete_my_data": "Delete my data",
        "contact_human": "Talk to a person",
        "help": "Help",
        "greet": "Say hello",
        "goodbye": "Say goodbye",
        "thank": "Say thank you",
        "bot_challenge": "Are you a bot?",
    },
}

WEEKDAYS: Dict[str, Tuple[str, ...]] = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

MONTHS: Dict[str, Tuple[str, ...]] = {
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def language_or_default(value: object) -> str:
    """The language code to answer in: the given one when supported, else German."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


def text(language: str, key: str, **values: object) -> str:
    """The text for `key` in `language`, filled with `values`."""
    return _TEXTS[language_or_default(language)][key].format(**values)


def place_type_name(language: str, place_type: str, heading: bool = False) -> str:
    """The spoken plural name of a place type, capitalised when it starts a heading."""
    names = PLACE_TYPES[language_or_default(language)].get(place_type)
    if names is None:
        return place_type
    return names[0] if heading else names[1]


def category_name(language: str, category: str) -> str:
    """The spoken name of an event category."""
    return EVENT_CATEGORIES[language_or_default(language)].get(category, category)


def intent_title(language: str, intent: str) -> "str | None":
    """The button title for an intent, or None when it is not offered."""
    return INTENT_TITLES[language_or_default(language)].get(intent)


def all_keys(language: str) -> "set[str]":
    """The text keys defined for a language (for the completeness test)."""
    return set(_TEXTS[language])


def word_list(language: str, words: List[str]) -> str:
    """Words joined as a sentence says them: "A, B und C" / "A, B and C"."""
    if len(words) < 2:
        return "".join(words)
    last = " und " if language == "de" else " and "
    return ", ".join(words[:-1]) + last + words[-1]


# --- reports and ideas (Open311) -----------------------------------------------------------------
_REPORT_TEXTS: Dict[str, Dict[str, str]] = {
    "de": {
        "report_ask_category": "Was genau ist das Problem? Wählen Sie oder sagen Sie es mir.",
        "report_ask_category_again": "Das habe ich nicht verstanden.",
        "report_cat_lift": "einen Aufzug oder eine Rolltreppe außer Betrieb",
        "report_cat_kerb": "einen Bordstein, der nicht abgesenkt ist",
        "report_cat_path": "einen versperrten Weg",
        "report_cat_signal": "eine Ampel ohne Ton oder zu kurz grün",
        "report_cat_tactile": "ein fehlendes oder zugestelltes Blindenleitsystem",
        "report_cat_step": "eine Stufe ohne Rampe",
        "report_cat_toilet": "eine geschlossene oder defekte barrierefreie Toilette",
        "report_cat_other": "eine andere Barriere",
        "report_button_lift": "Aufzug oder Rolltreppe",
        "report_button_kerb": "Bordstein",
        "report_button_path": "Weg versperrt",
        "report_button_signal": "Ampel",
        "report_button_tactile": "Blindenleitsystem",
        "report_button_step": "Stufe ohne Rampe",
        "report_button_toilet": "Toilette",
        "report_button_other": "Etwas anderes",
        "report_ask_place": (
            "Wo ist das? Nennen Sie eine Haltestelle, einen Ort oder eine Adresse, "
            "oder teilen Sie Ihren Standort."
        ),
        "report_ask_place_idea": "Für welchen Stadtteil oder Ort ist Ihre Idee?",
        "report_ask_description_idea": (
            "Was ist Ihre Idee? Beschreiben Sie sie in ein, zwei Sätzen."
        ),
        "report_ask_description_council": (
            "Was möchten Sie den Ortsbeirat fragen oder ihm vorschlagen? "
            "Sagen Sie es in ein, zwei Sätzen."
        ),
        "report_ask_description": "Beschreiben Sie bitte kurz, was nicht stimmt.",
        "report_place_named": "{name}, Stadtteil {district}",
        "report_place_location": "Ihr geteilter Standort im Stadtteil {district}",
        "report_place_district": "Stadtteil {district}",
        "report_place_words": "{words}",
        "report_place_outside": (
            "Dieser Standort liegt nicht in Rostock. Ich nehme nur Meldungen aus Rostock auf. "
            "Wo ist es genau?"
        ),
        "report_duplicate": (
            "Das wurde schon gemeldet: Am {date} hat jemand {what} gemeldet, "
            "{distance} von hier. Möchten Sie diese Meldung unterstützen? Dann zählt Ihre "
            "Stimme dort, statt einer neuen Meldung."
        ),
        "report_button_support": "Ja, unterstützen",
        "report_button_new": "Nein, neu melden",
        "report_readback": (
            "Ich fasse zusammen. Sie melden {what}. Ort: {place}.{description} "
            "Soll ich das so an die Stadt schicken?"
        ),
        "report_readback_idea": (
            "Ich fasse zusammen. Ihre Idee für {place}: „{description}“. "
            "Soll ich das so an die Stadt schicken?"
        ),
        "report_readback_idea_council": (
            "Ich fasse zusammen. Ihr Anliegen an den Ortsbeirat {district}: „{description}“. "
            "Soll ich das so an die Stadt und den Ortsbeirat schicken?"
        ),
        "report_readback_description": " Ihre Worte: „{description}“.",
        "report_readback_question": "Soll ich das so an die Stadt schicken?",
        "report_readback_photos": "Fotos dazu: {count}.",
        "report_photo_first": "Danke für das Foto. Ich nehme es zur Meldung.",
        "report_photo_taken": "Danke, das Foto nehme ich zur Meldung.",
        "report_photo_enough": "Mehr als drei Fotos kann ich zu einer Meldung nicht nehmen.",
        "report_button_send": "Ja, abschicken",
        "report_button_council": "Ja, auch an den Ortsbeirat",
        "report_button_send_contact": "Senden, mit Kontakt für Rückfragen",
        "report_button_no_contact": "Ohne Kontakt senden",
        "report_contact_notice": (
            "Damit die Stadt Sie bei Rückfragen erreichen kann, gebe ich ihr Ihre E-Mail-Adresse "
            "oder Telefonnummer mit der Meldung weiter. Sie wird nur dafür genutzt, nicht "
            "veröffentlicht, und {days} Tage nach Abschluss der Meldung gelöscht; mit „Vergiss "
            "mich“ auch sofort. Wenn Sie einverstanden sind, schreiben Sie mir Ihre E-Mail-Adresse "
            "oder Telefonnummer. Sonst sende ich die Meldung ohne Kontakt."
        ),
        "report_contact_again": (
            "Das habe ich nicht als E-Mail-Adresse oder Telefonnummer erkannt. Schreiben Sie sie "
            "bitte noch einmal, zum Beispiel name@example.de oder 0381 1234567, oder senden Sie "
            "ohne Kontakt."
        ),
        "report_button_fix_place": "Ort ändern",
        "report_button_fix_category": "Art ändern",
        "report_button_fix_description": "Text ändern",
        "report_button_cancel": "Abbrechen",
        "report_what_to_fix": "Was soll ich ändern: den Ort, die Art oder den Text?",
        "report_cancelled": "Gut, ich habe nichts abgeschickt.",
        "report_filed": (
            "Danke! Ihre Meldung ist bei der Stadt eingegangen. Ihre Nummer ist {id}. "
            "Fragen Sie mich jederzeit: „Gibt es Neues zu {id}?“"
        ),
        "report_filed_idea": (
            "Danke! Ihre Idee ist bei der Stadt eingegangen. Ihre Nummer ist {id}. "
            "Fragen Sie mich jederzeit: „Gibt es Neues zu {id}?“"
        ),
        "report_filed_idea_council": (
            "Danke! Ihre Idee ist bei der Stadt eingegangen, auch für den Ortsbeirat {district}. "
            "Ihre Nummer ist {id}. Fragen Sie mich jederzeit: „Gibt es Neues zu {id}?“"
        ),
        "report_supported": (
            "Danke! Ich habe Ihre Unterstützung zur Meldung {id} gezählt. Sie hat jetzt {votes}."
        ),
        "report_supported_already": "Sie unterstützen die Meldung {id} schon. Danke!",
        "report_not_sent": (
            "Ich konnte Ihre Meldung gerade nicht an die Stadt schicken. Ich habe sie mir gemerkt: "
            "sagen Sie „abschicken“, dann versuche ich es noch einmal."
        ),
        "report_rejected": (
            "Die Stadt hat die Meldung so nicht angenommen. Bitte versuchen Sie es noch einmal "
            "mit einer anderen Ortsangabe."
        ),
        "status_received": "eingegangen",
        "status_in_process": "in Bearbeitung",
        "status_processed": "erledigt",
        "status_rejected": "wird nicht bearbeitet",
        "status_reason_duplicate": ", weil es schon gemeldet war",
        "status_reason_not_solvable": ", weil die Stadt es nicht lösen kann",
        "status_reason_not_responsible": ", weil die Stadt nicht zuständig ist",
        "report_status": "Meldung {id}, {what}: {status}{reason}, Stand {date}.",
        "report_status_note": "Hinweis der Stadt: {note}",
        "report_status_votes": "Unterstützt: {votes}.",
        "votes_one": "eine Unterstützung",
        "votes_many": "{n} Unterstützungen",
        "report_status_unknown": "Eine Meldung mit der Nummer {id} habe ich nicht gefunden.",
        "report_status_mine": "Sie haben {count} Meldungen. Die neuesten:",
        "report_status_mine_one": "Sie haben eine Meldung.",
        "report_status_none": (
            "Von Ihnen habe ich noch keine Meldung. Sie können mir eine Barriere melden "
            "oder eine Idee für Ihren Stadtteil sagen."
        ),
        "report_cat_idea": "Idee",
        "report_cat_unknown": "Meldung",
    },
    "en": {
        "report_ask_category": "What exactly is the problem? Choose or tell me.",
        "report_ask_category_again": "I did not understand that.",
        "report_cat_lift": "a lift or escalator out of order",
        "report_cat_kerb": "a kerb that is not lowered",
        "report_cat_path": "a blocked path",
        "report_cat_signal": "a traffic light without sound or too short",
        "report_cat_tactile": "missing or blocked tactile paving",
        "report_cat_step": "a step without a ramp",
        "report_cat_toilet": "an accessible toilet that is closed or broken",
        "report_cat_other": "another barrier",
        "report_button_lift": "Lift or escalator",
        "report_button_kerb": "Kerb",
        "report_button_path": "Path blocked",
        "report_button_signal": "Traffic light",
        "report_button_tactile": "Tactile paving",
        "report_button_step": "Step without ramp",
        "report_button_toilet": "Toilet",
        "report_button_other": "Something else",
        "report_ask_place": (
            "Where is it? Name a stop, a place or an address, or share your location."
        ),
        "report_ask_place_idea": "Which district or place is your idea for?",
        "report_ask_description_idea": "What is your idea? Describe it in a sentence or two.",
        "report_ask_description_council": (
            "What would you like to ask or suggest to the district council? "
            "Say it in a sentence or two."
        ),
        "report_ask_description": "Please describe briefly what is wrong.",
        "report_place_named": "{name}, district {district}",
        "report_place_location": "your shared location in the district {district}",
        "report_place_district": "the district {district}",
        "report_place_words": "{words}",
        "report_place_outside": (
            "This location is not in Rostock. I only take reports from Rostock. "
            "Where exactly is it?"
        ),
        "report_duplicate": (
            "This has already been reported: on {date}, someone reported {what}, "
            "{distance} from here. "
            "Would you like to support that report? Your vote then counts there "
            "instead of a new report."
        ),
        "report_button_support": "Yes, support it",
        "report_button_new": "No, report it anew",
        "report_readback": (
            "Let me sum up. You are reporting {what}. Place: {place}.{description} "
            "Shall I send it to the city like this?"
        ),
        "report_readback_idea": (
            "Let me sum up. Your idea for {place}: “{description}”. "
            "Shall I send it to the city like this?"
        ),
        "report_readback_idea_council": (
            "Let me sum up. Your question or idea for the district council {district}: "
            "“{description}”. Shall I send it to the city and the council like this?"
        ),
        "report_readback_description": " Your words: “{description}”.",
        "report_readback_question": "Shall I send it to the city like this?",
        "report_readback_photos": "Photos with it: {count}.",
        "report_photo_first": "Thank you for the photo. I will add it to the report.",
        "report_photo_taken": "Thank you, I will add the photo to the report.",
        "report_photo_enough": "I cannot take more than three photos for one report.",
        "report_button_send": "Yes, send it",
        "report_button_council": "Yes, to the district council too",
        "report_button_send_contact": "Send, with a contact for questions",
        "report_button_no_contact": "Send without a contact",
        "report_contact_notice": (
            "So that the city can reach you with questions, I pass your e-mail address or phone "
            "number on with the report. It is used only for that, never published, and deleted "
            "{days} days after the report is closed, or at once when you say “forget me”. If you "
            "agree, write me your e-mail address or phone number. Otherwise I send the report "
            "without a contact."
        ),
        "report_contact_again": (
            "I did not recognise that as an e-mail address or phone number. Please write it "
            "again, for example name@example.org or 0381 1234567, or send without a contact."
        ),
        "report_button_fix_place": "Change the place",
        "report_button_fix_category": "Change the kind",
        "report_button_fix_description": "Change the text",
        "report_button_cancel": "Cancel",
        "report_what_to_fix": "What shall I change: the place, the kind or the text?",
        "report_cancelled": "All right, I have not sent anything.",
        "report_filed": (
            "Thank you! Your report has reached the city. Your number is {id}. "
            "Ask me any time: “Any news on {id}?”"
        ),
        "report_filed_idea": (
            "Thank you! Your idea has reached the city. Your number is {id}. "
            "Ask me any time: “Any news on {id}?”"
        ),
        "report_filed_idea_council": (
            "Thank you! Your idea has reached the city, for the district council {district} "
            "too. Your number is {id}. Ask me any time: “Any news on {id}?”"
        ),
        "report_supported": (
            "Thank you! I have counted your support for report {id}. It now has {votes}."
        ),
        "report_supported_already": "You already support report {id}. Thank you!",
        "report_not_sent": (
            "I could not send your report to the city just now. I have kept it: "
            "say “send”, and I will try again."
        ),
        "report_rejected": (
            "The city did not accept the report like this. Please try again with another place."
        ),
        "status_received": "received",
        "status_in_process": "in progress",
        "status_processed": "done",
        "status_rejected": "will not be handled",
        "status_reason_duplicate": ", because it had already been reported",
        "status_reason_not_solvable": ", because the city cannot solve it",
        "status_reason_not_responsible": ", because the city is not responsible",
        "report_status": "Report {id}, {what}: {status}{reason}, as of {date}.",
        "report_status_note": "Note from the city: {note}",
        "report_status_votes": "Support: {votes}.",
        "votes_one": "one supporter",
        "votes_many": "{n} supporters",
        "report_status_unknown": "I have not found a report with the number {id}.",
        "report_status_mine": "You have {count} reports. The latest:",
        "report_status_mine_one": "You have one report.",
        "report_status_none": (
            "I have no report from you yet. You can report a barrier to me "
            "or tell me an idea for your district."
        ),
        "report_cat_idea": "idea",
        "report_cat_unknown": "report",
    },
}
for _language, _texts in _REPORT_TEXTS.items():
    _TEXTS[_language].update(_texts)


# --- Ortsbeiräte (district councils) -------------------------------------------------------------
_COUNCIL_TEXTS: Dict[str, Dict[str, str]] = {
    "de": {
        "council_ask_district": (
            "Für welchen Stadtteil möchten Sie das wissen? Nennen Sie Ihren Stadtteil, "
            "zum Beispiel Südstadt, oder teilen Sie Ihren Standort."
        ),
        "subscription_by_command": (
            "Nachrichten der Stadt abonnieren Sie mit /subscribe und Ihrem Stadtteil, "
            "zum Beispiel /subscribe Lichtenhagen Baustellen."
        ),
        "council_ask_district_again": (
            "Diesen Stadtteil kenne ich nicht. Bitte nennen Sie einen Stadtteil von Rostock, "
            "zum Beispiel Südstadt, oder teilen Sie Ihren Standort."
        ),
        "council_outside": (
            "Dieser Standort liegt nicht in Rostock. Bitte nennen Sie einen Stadtteil von Rostock."
        ),
        "council_none": "Für {district} habe ich keinen Ortsbeirat gefunden.",
        "council_location": "Ihr Standort liegt in {place}.",
        "council_address": "Die Adresse {address} liegt in {place}.",
        "council_responsible": "Zuständig ist der {name}.",
        "council_area": "Er vertritt {area}.",
        "council_group": "Für {district} gibt es {count} Ortsbeiräte: {parts}.",
        "council_group_part": "den {name} für {area}",
        "council_group_short": "Für {district} gibt es {count} Ortsbeiräte.",
        "council_next": "Die nächste Sitzung ist {when}.",
        "council_next_named": "Der {name} tagt als Nächstes {when}.",
        "council_more": "Was möchten Sie noch wissen?",
        "council_button_ask_council_meeting": "Nächste Sitzung",
        "council_button_ask_council_agenda": "Tagesordnung",
        "council_button_ask_council_contact": "Ortsamt erreichen",
        "council_button_ask_council_access": "Ist der Raum barrierefrei?",
        "council_meets": "Der {name} tagt als Nächstes {when}.",
        "council_no_meeting": (
            "Für den {name} ist in den nächsten sechs Monaten keine Sitzung angekündigt."
        ),
        "council_cancelled": "Die Sitzung am {day} fällt aus.",
        "council_place": "Ort: {place}.",
        "council_place_unknown": "Der Ort ist noch nicht bekannt.",
        "council_room_yes": "Der Raum ist rollstuhlgerecht.",
        "council_room_limited": "Der Raum ist eingeschränkt rollstuhlgerecht.",
        "council_room_limited_notes": "Der Raum ist eingeschränkt rollstuhlgerecht: {notes}.",
        "council_room_no": "Der Raum ist nicht rollstuhlgerecht.",
        "council_room_unknown": "Zur Barrierefreiheit des Raums liegen keine Angaben vor.",
        "council_room_notes": "Hinweis: {notes}.",
        "council_public": "Die Sitzung ist öffentlich. Sie können zuhören.",
        "council_not_public": "Die Sitzung ist nicht öffentlich.",
        "council_question_time_item": (
            "Auf der Tagesordnung steht eine Einwohnerfragestunde, Punkt {number}. "
            "Dort können Sie Ihre Fragen stellen."
        ),
        "council_agenda_heading": "Tagesordnung: {name}, Sitzung {when}.",
        "council_agenda_item": "Punkt {number}: {title}.",
        "council_agenda_unpublished": "Die Tagesordnung ist noch nicht veröffentlicht.",
        "council_agenda_closed_part": "Danach folgt ein nicht öffentlicher Teil.",
        "council_which": "Es gibt {count} Ortsbeiräte: {names}. Welchen meinen Sie?",
        "council_access_help": (
            "Wenn Sie Unterstützung brauchen, melden Sie sich vorher beim Ortsamt, Telefon {phone}."
        ),
        "council_office": "{office}, zuständig für {names}.",
        "council_office_address": "Adresse: {value}.",
        "council_office_phone": "Telefon: {value}.",
        "council_office_email": "E-Mail: {value}.",
        "council_office_url": "Internet: {value}.",
        "council_office_unknown": "Die Kontaktdaten des Ortsamts für den {name} kenne ich nicht.",
        "council_question_time": (
            "Die nächste Einwohnerfragestunde im {name} ist {when}, "
            "als Punkt {number} der Tagesordnung."
        ),
        "council_question_time_how": (
            "So nehmen Sie teil: Kommen Sie zur Sitzung. In der Einwohnerfragestunde können "
            "Einwohnerinnen und Einwohner ihre Fragen an den Ortsbeirat stellen."
        ),
        "council_question_time_office": (
            "Fragen zur Teilnahme beantwortet das Ortsamt, Telefon {phone}."
        ),
        "council_question_note": (
            "Sie können mir Ihre Frage oder Idee auch jetzt sagen: Ich gebe sie an die Stadt "
            "und den {name} weiter."
        ),
        "council_question_note_button": "Frage an den {name}",
        "council_question_time_none": (
            "In den angekündigten Sitzungen im {name} steht keine Einwohnerfragestunde "
            "auf der Tagesordnung."
        ),
        "council_question_time_none_phone": (
            "In den angekündigten Sitzungen im {name} steht keine Einwohnerfragestunde "
            "auf der Tagesordnung. Fragen Sie beim Ortsamt nach, Telefon {phone}."
        ),
    },
    "en": {
        "council_ask_district": (
            "Which district would you like to know about? Name your district, for example "
            "Südstadt, or share your location."
        ),
        "subscription_by_command": (
            "You subscribe to the city's news with /subscribe and your district, "
            "for example /subscribe Lichtenhagen construction."
        ),
        "council_ask_district_again": (
            "I do not know this district. Please name a district of Rostock, for example "
            "Südstadt, or share your location."
        ),
        "council_outside": "This location is not in Rostock. Please name a district of Rostock.",
        "council_none": "I found no district council for {district}.",
        "council_location": "Your location is in {place}.",
        "council_address": "The address {address} is in {place}.",
        "council_responsible": "Your district council is the {name}.",
        "council_area": "It represents {area}.",
        "council_group": "{district} has {count} district councils: {parts}.",
        "council_group_part": "the {name} for {area}",
        "council_group_short": "{district} has {count} district councils.",
        "council_next": "Its next meeting is {when}.",
        "council_next_named": "The {name} meets next {when}.",
        "council_more": "What else would you like to know?",
        "council_button_ask_council_meeting": "Next meeting",
        "council_button_ask_council_agenda": "Agenda",
        "council_button_ask_council_contact": "Contact the local office",
        "council_button_ask_council_access": "Is the room accessible?",
        "council_meets": "The {name} meets next {when}.",
        "council_no_meeting": "No meeting of the {name} is announced for the next six months.",
        "council_cancelled": "The meeting on {day} is cancelled.",
        "council_place": "Place: {place}.",
        "council_place_unknown": "The place is not known yet.",
        "council_room_yes": "The room is wheelchair accessible.",
        "council_room_limited": "The room is partly wheelchair accessible.",
        "council_room_limited_notes": "The room is partly wheelchair accessible: {notes}.",
        "council_room_no": "The room is not wheelchair accessible.",
        "council_room_unknown": "There is no information on the room's accessibility.",
        "council_room_notes": "Note: {notes}.",
        "council_public": "The meeting is public. You can listen in.",
        "council_not_public": "The meeting is not public.",
        "council_question_time_item": (
            "The agenda has a residents' question time, item {number}. "
            "You can ask your questions there."
        ),
        "council_agenda_heading": "Agenda: {name}, meeting {when}.",
        "council_agenda_item": "Item {number}: {title}.",
        "council_agenda_unpublished": "The agenda has not been published yet.",
        "council_agenda_closed_part": "A part that is not public follows.",
        "council_which": "There are {count} district councils: {names}. Which one do you mean?",
        "council_access_help": (
            "If you need assistance, please contact the local office beforehand, phone {phone}."
        ),
        "council_office": "{office}, serving {names}.",
        "council_office_address": "Address: {value}.",
        "council_office_phone": "Phone: {value}.",
        "council_office_email": "Email: {value}.",
        "council_office_url": "Web: {value}.",
        "council_office_unknown": "I do not know the local office's contact for the {name}.",
        "council_question_time": (
            "The next residents' question time of the {name} is {when}, as item {number} "
            "of the agenda."
        ),
        "council_question_time_how": (
            "How to take part: come to the meeting. In the residents' question time, residents "
            "can put their questions to the district council."
        ),
        "council_question_time_office": (
            "The local office answers questions about taking part, phone {phone}."
        ),
        "council_question_note": (
            "You can also tell me your question or idea now: I will pass it on to the city and "
            "the {name}."
        ),
        "council_question_note_button": "Question for the {name}",
        "council_question_time_none": (
            "The announced meetings of the {name} have no residents' question time on the agenda."
        ),
        "council_question_time_none_phone": (
            "The announced meetings of the {name} have no residents' question time on the agenda. "
            "Please ask the local office, phone {phone}."
        ),
    },
}
for _language, _texts in _COUNCIL_TEXTS.items():
    _TEXTS[_language].update(_texts)


_COUNT_WORDS = {
    "de": ("null", "ein", "zwei", "drei", "vier", "fünf"),
    "en": ("no", "one", "two", "three", "four", "five"),
}


def count_word(language: str, count: int) -> str:
    """A small count as a word ("zwei", "two"); digits from six on."""
    words = _COUNT_WORDS[language_or_default(language)]
    return words[count] if 0 <= count < len(words) else str(count)
