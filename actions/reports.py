"""Barrier reports and ideas: taken in conversation, read back, filed through Open311.

The dialogue is the form `report_form`. `action_start_report` reads everything the first message
already says ("Die Rolltreppe an der Haltestelle Lange Straße steht still": category, place,
description), so the form asks only for what is missing. `validate_report_form` reads each answer
itself (the slots have custom mappings): it understands a shared location, a place's or district's
name, an address, "ja"/"nein", a correction of one part ("nein, der Ort stimmt nicht") and
"abbrechen", and it always answers with slot events, so the form never rejects an answer.
`action_file_report` files the report (or the vote for a duplicate) with an idempotency key made
at the start, so a repeated or retried filing never creates a second report.
"""

import json
import logging
import os
import re
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import spoken, texts
from actions.addresses import address_phrase, search_address
from actions.cityapi_client import (
    CityApiClient,
    CityApiError,
    CityApiNotFound,
    CityApiRejected,
    CityApiUnavailable,
    follow_request,
    shared_client,
)
from actions.common import as_float, intent_payload, language_of, latest_entity
from actions.timeexpr import BERLIN

logger = logging.getLogger(__name__)

FORM = "report_form"
REQUIRED = (
    "report_category",
    "report_place",
    "report_support",
    "report_description",
    "report_confirmed",
    # "none", or "email:…"/"phone:…" typed after the privacy notice: asked only when the person
    # chose to leave a contact at the read-back
    "report_contact",
)
SLOTS = (
    "report_kind",
    *REQUIRED,
    "report_lat",
    "report_lon",
    "report_district",
    "report_duplicate",
    "report_media",
    "report_council",
    "report_key",
)
MAX_PHOTOS = 3
CATEGORIES = ("lift", "kerb", "path", "signal", "tactile", "step", "toilet", "other")
IDEA = "idea"
NONE = "none"  # report_support when there is no open report nearby to support
MAX_DESCRIPTION = 4000
DUPLICATE_RADIUS_M = 100

# What a citizen says for each category; the first match wins, so "Rolltreppe" is a lift before
# "Treppe" is a step, and a blocked tactile strip is tactile paving before it is a blocked path.
_LEXICON: Tuple[Tuple[str, str], ...] = (
    ("lift", r"aufz[uü]g|fahrst[uü]hl|\blifts?\b|rolltreppe|elevator|escalator"),
    ("toilet", r"toilette|\bklos?\b|\bwc\b|toilet|restroom"),
    ("tactile", r"leitstreifen|leitsystem|blindenleit|bodenindikator|taktil|tactile|guide strip"),
    ("signal", r"ampel|piept|akustisch|traffic light|pedestrian light|crossing light|beep"),
    ("kerb", r"bordstein|absenkung|abgesenkt|\bkerb|\bcurb"),
    ("step", r"stufe|treppe|(keine|ohne|fehlt eine) rampe|no ramp|\bsteps?\b|stairs"),
    (
        "path",
        r"gehweg|fu(ß|ss)weg|b[uü]rgersteig|versperr|zugeparkt|zugestellt|blockier|baustelle"
        r"|e-roller|nicht (durch|vorbei|hoch)|pavement|sidewalk|blocked|footpath|\bpath\b",
    ),
)
_ESCALATOR = re.compile(r"rolltreppe|escalator", re.I)
_COUNCIL = re.compile(r"ortsbeirat|district council", re.I)
_CONTACT_WISH = re.compile(r"kontakt|erreichbar|r[uü]ckfrage|contact|reach me", re.I)
_EMAIL = re.compile(r"[^@\s<>,;]{1,64}@[^@\s<>,;]{1,190}\.[^@\s<>,;.]{2,63}")
_PHONE = re.compile(r"(?<![\w@])\+?\d[\d ()/-]{4,30}\d(?!\w)")
_NO_CONTACT = re.compile(r"\b(ohne|kein\w*|nein|lieber nicht|anonym|without|no|none)\b", re.I)
_ACCESS_IDEA = re.compile(
    r"barrierefrei|rollstuhl|rollator|rampe|blind|behindert|accessib|wheelchair", re.I
)
_BARE_IDEA = re.compile(
    r"^\s*(ich\s+)?(habe|hab|hätte|h[aä]tt)?\s*(eine|ne|einen)?\s*(idee|vorschlag|anregung)"
    r"(\s+(für|fuer)\s+(rostock|meinen stadtteil|den stadtteil|unseren stadtteil|die stadt))?"
    r"\s*[.!]?\s*$|^\s*(i\s+have\s+)?(an\s+)?(idea|suggestion)(\s+for\s+(rostock|my "
    r"neighbou?rhood|my district|the city))?\s*[.!]?\s*$",
    re.I,
)
_CANCEL = re.compile(
    r"\b(abbrechen|abbruch|stopp|vergiss es|lass (es|mal)|doch nicht|cancel|never ?mind|"
    r"forget it)\b",
    re.I,
)
_NO = re.compile(
    r"\b(nein|nee|ne|nö|nicht|falsch|stimmt nicht|ändern|korrigier\w*|no|nope|wrong|change|"
    r"not)\b",
    re.I,
)
_YES = re.compile(
    r"\b(ja|jawohl|jo|genau|richtig|passt|stimmt|korrekt|abschicken|absenden|senden|schicken|"
    r"unterstützen|gerne?|ok|okay|yes|yeah|yep|correct|send|support|sure)\b",
    re.I,
)
_PARTS: Tuple[Tuple[str, str], ...] = (
    (
        "place",
        r"\b(ort|orts|stelle|standort|adresse|haltestelle|wo|place|location|address|where)\b",
    ),
    ("category", r"\b(art|kategorie|problem|was kaputt|category|kind|type)\b"),
    ("description", r"\b(text|beschreibung|worte|wortlaut|description|words|wording)\b"),
)
_PREPOSITION = (
    r"(?:an der|an dem|am|an|bei der|bei dem|beim|bei|vor der|vor dem|vorm|vor|in der|in dem|im|"
    r"in|auf dem|auf der|hinter dem|hinter der|at the|at|near the|near|outside the|outside|"
    r"in the|on the)"
)
_PHRASE_END = (
    r"(?:ist|sind|war|steht|stehen|geht|gehen|fehlt|fehlen|funktioniert|funzt|hat|haben|kommt|"
    r"kommen|komme|piept|blockiert|versperrt|zugestellt|zugeparkt|kaputt|defekt|seit|schon|"
    r"wieder|mit|und|gibt|gäbe|wäre|ein|eine|einen|einem|mehr|kein|keine|is|are|was|has|have|"
    r"does|doesn't|doesnt|isn't|not|a|an|more|no)"
)
_PLACE_PHRASE = re.compile(rf"(?:^|\s){_PREPOSITION}\s+(.+?)(?=\s+{_PHRASE_END}\b|[,.!?;]|$)", re.I)
# a phrase that names a kind of place, not one place: never looked up on its own
_GENERIC = {
    "haltestelle", "bushaltestelle", "station", "bahnhof", "parkhaus", "kreuzung", "ampel",
    "straße", "strasse", "weg", "gehweg", "eingang", "ecke", "platz", "park", "spielplatz",
    "strand", "schule", "s-bahn", "tram", "straßenbahn", "der", "die", "dem", "stop",
    "crossing", "entrance", "street", "corner",
}  # fmt: skip
_STRIP_WORDS = {"haltestelle", "bushaltestelle", "s-bahn", "station", "stop", "tram", "der", "die"}


def category_in(message: str) -> Optional[str]:
    """The barrier category a message names, if any."""
    for category, pattern in _LEXICON:
        if re.search(pattern, message, re.I):
            return category
    return None


def service_code(category: Optional[str], description: str) -> str:
    """The Open311 service code of a category (ideas: accessibility or the district)."""
    if category == IDEA:
        return "idea-accessibility" if _ACCESS_IDEA.search(description) else "idea-district"
    return f"barrier-{category if category in CATEGORIES else 'other'}"


def place_phrase(message: str) -> Optional[str]:
    """The words after "an der", "am", "bei", "in" …: where the person says it is."""
    for match in _PLACE_PHRASE.finditer(message):
        phrase = match.group(1).strip(" \"'„“")
        words = phrase.split()
        if words and not all(w.lower() in _GENERIC for w in words) and len(words) <= 6:
            return phrase
    return None


def wanted_part(message: str, entity: Optional[str]) -> Optional[str]:
    """Which part of the report the person wants to change: place, category or description."""
    if entity in ("place", "category", "description", "cancel", "council", "contact"):
        return str(entity)
    for part, pattern in _PARTS:
        if re.search(pattern, message, re.I):
            return part
    return None


def is_yes(intent: str, message: str) -> bool:
    """A yes, unless it says no as well ("stimmt nicht")."""
    if intent == "deny" or _NO.search(message):
        return False
    return intent == "affirm" or bool(_YES.search(message))


def is_no(intent: str, message: str) -> bool:
    """A no."""
    return intent == "deny" or bool(_NO.search(message))


@dataclass(frozen=True)
class Place:
    """Where a report is: words to say back, coordinates and district when known."""

    words: str
    lat: Optional[float] = None
    lon: Optional[float] = None
    district: Optional[str] = None

    def events(self) -> List[EventType]:
        """The slots this place fills."""
        return [
            SlotSet("report_place", self.words),
            SlotSet("report_lat", self.lat),
            SlotSet("report_lon", self.lon),
            SlotSet("report_district", self.district),
        ]


async def _district_named(client: CityApiClient, phrase: str) -> Optional[str]:
    """The district a phrase names ("Südstadt", "KTV", "Dierkow"), as the city data API knows it."""
    try:
        page = await client.places(district=phrase[:80], limit=1)
    except CityApiRejected:
        return None
    covered = page.get("districts") or []
    if len(covered) == 1:
        return str(covered[0])
    return phrase if covered else None


def _spellings(phrase: str) -> List[str]:
    """The phrase, without words like "Haltestelle", and with the adjective's ending as in names:
    "am Neuen Markt" is the stop "Neuer Markt", "an der Langen Straße" is "Lange Straße"."""
    words = " ".join(w for w in phrase.split() if w.lower() not in _STRIP_WORDS)
    variants = [phrase, words]
    for ending in ("er", "e", "es"):
        variants.append(re.sub(r"\b(\w+)en\b(?=\s)", rf"\1{ending}", words))
    return list(dict.fromkeys(v for v in variants if v))


async def _place_named(client: CityApiClient, phrase: str, language: str) -> Optional[Place]:
    for query in _spellings(phrase):
        if not query or all(w.lower() in _GENERIC for w in query.split()):
            continue
        page = await client.places(q=query[:200], limit=1)
        items = page.get("items") or []
        if items:
            item = items[0]
            district = item.get("district")
            name = str(item.get("name"))
            said = (
                texts.text(language, "report_place_named", name=name, district=district)
                if district
                else name
            )
            return Place(said, as_float(item.get("lat")), as_float(item.get("lon")), district)
    return None


async def resolve_place(
    client: CityApiClient,
    language: str,
    phrases: List[str],
    districts_only: Optional[List[str]] = None,
    *,
    message: str = "",
) -> Optional[Place]:
    """The first phrase that names a district or a place in the city's data.

    `districts_only`: shorter phrases ("Toitenwinkel" of "Toitenwinkel neben der Schule") that
    may name a district; a word on its own is never searched among the places' names.
    `message`: the whole message, searched for a street and house number only.
    """
    shorter = districts_only or []
    # "vor der Holbeinplatz 14": an address (in the whole message too) beats a district's name
    streets = dict.fromkeys(a for a in map(address_phrase, [message, *phrases]) if a)
    for street in streets:  # each street and number asked for once
        address = await search_address(client, street)
        if address is not None:
            words = f"{address.get('street')} {address.get('house_number')}"
            said = texts.text(
                language, "report_place_named", name=words, district=address.get("district")
            )
            return Place(
                said,
                as_float(address.get("lat")),
                as_float(address.get("lon")),
                str(address.get("district") or "") or None,
            )
    for phrase in [*phrases, *shorter]:
        phrase = phrase.strip()
        if not phrase:
            continue
        district = await _district_named(client, phrase)
        if district is not None:
            return Place(texts.text(language, "report_place_district", district=district),
                         district=district)  # fmt: skip
        if phrase in shorter:
            continue
        place = await _place_named(client, phrase, language)
        if place is not None:
            return place
    return None


async def place_at(client: CityApiClient, language: str, lat: float, lon: float) -> Optional[Place]:
    """A shared location in words, or None when it is not in Rostock."""
    try:
        found = await client.locate(lat, lon)
    except CityApiNotFound:
        return None
    district = str(found.get("district"))
    return Place(texts.text(language, "report_place_location", district=district), lat, lon,
                 district)  # fmt: skip


async def duplicate_near(
    client: CityApiClient, code: str, lat: float, lon: float
) -> Optional[Dict[str, Any]]:
    """The nearest open report of the same category within 100 m, if any."""
    found = await client.reports(
        service_code=code, lat=lat, long=lon, radius=DUPLICATE_RADIUS_M, status="open"
    )
    if not found:
        return None
    first = found[0]
    extended = first.get("extended_attributes") or {}
    return {
        "id": str(first.get("service_request_id")),
        "distance_m": extended.get("distance_m") or 0,
        "requested": first.get("requested_datetime"),
    }


def _candidate_phrases(tracker: Tracker, message: str) -> Tuple[List[str], List[str]]:
    """Phrases that may name the place, and shorter ones that may name a district."""
    phrase = place_phrase(message) or ""
    phrases = [
        str(latest_entity(tracker, "place_name") or ""),
        phrase,
        str(latest_entity(tracker, "district") or ""),
    ]
    words = phrase.split()
    # "Toitenwinkel einen Bolzplatz": the first words alone may be the district
    prefixes = [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]
    keep = [p for p in dict.fromkeys(phrases) if p and p.lower() not in _GENERIC]
    return keep, [p for p in prefixes if p not in keep and p.lower() not in _GENERIC]


def _shared_point(tracker: Tracker) -> Optional[Tuple[float, float]]:
    lat = as_float(latest_entity(tracker, "latitude"))
    lon = as_float(latest_entity(tracker, "longitude"))
    if lat is None or lon is None:
        return None
    return lat, lon


async def _place_events(
    client: CityApiClient, category: Optional[str], place: Place
) -> List[EventType]:
    """The place's slots, and the duplicate check that follows once a place is known."""
    events = place.events()
    duplicate = None
    if category not in (None, IDEA) and place.lat is not None and place.lon is not None:
        try:
            duplicate = await duplicate_near(
                client, service_code(category, ""), place.lat, place.lon
            )
        except CityApiError as exc:  # no duplicate check is no reason to lose the report
            logger.warning("duplicate check failed (%s)", type(exc).__name__)
    if duplicate is None:
        events += [SlotSet("report_duplicate", None), SlotSet("report_support", NONE)]
    else:
        events += [SlotSet("report_duplicate", json.dumps(duplicate)),
                   SlotSet("report_support", None)]  # fmt: skip
    return events


class _ReportAction(Action, ABC):
    """An action of the report dialogue that may call the city data API (abstract, so the action
    server does not register it)."""

    def __init__(self, client: Optional[CityApiClient] = None) -> None:
        """Use `client` when given (tests), else the shared client."""
        self._client = client

    @abstractmethod
    def name(self) -> Text:
        """The action's name in the domain."""

    def client(self, tracker: Tracker) -> CityApiClient:
        """The injected client, or the running loop's shared one; its calls carry the request
        id of the message being answered."""
        follow_request(tracker)
        return self._client or shared_client()


class ActionStartReport(_ReportAction):
    """Starts a report or an idea with everything the first message already says."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_start_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Clear an earlier report's slots, then fill what this message says."""
        language = language_of(tracker)
        client = self.client(tracker)
        message = (tracker.latest_message.get("text") or "").strip()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "attach_photo":  # what the photo's caption says, if anything
            message = str(latest_entity(tracker, "caption") or "/")
        is_idea = intent == "submit_idea"
        events: List[EventType] = [SlotSet(slot, None) for slot in SLOTS]
        media_id = latest_entity(tracker, "media_id") if intent == "attach_photo" else None
        if media_id:
            events.append(SlotSet("report_media", str(media_id)))
            dispatcher.utter_message(text=texts.text(language, "report_photo_first"))
        events += [
            SlotSet("report_kind", IDEA if is_idea else "problem"),
            SlotSet("report_key", uuid.uuid4().hex),
        ]
        button = latest_entity(tracker, "barrier")
        category = IDEA if is_idea else (button if button in CATEGORIES else category_in(message))
        if category is not None:
            events.append(SlotSet("report_category", category))
        if message.startswith("/"):
            description = ""
        elif is_idea:
            description = "" if _BARE_IDEA.match(message) else message[:MAX_DESCRIPTION]
        else:
            # a barrier's description is optional: what the person said, when it says more
            # than the category's name
            description = message[:MAX_DESCRIPTION] if len(message.split()) > 2 else ""
        if description or not is_idea:
            events.append(SlotSet("report_description", description))
        # "Frage an den Ortsbeirat …", or the question time's button: an idea for the council
        council = latest_entity(tracker, "district") if is_idea else None
        to_council = is_idea and (
            latest_entity(tracker, "report_part") == "council" or bool(_COUNCIL.search(message))
        )
        if to_council:
            events.append(SlotSet("report_council", "yes"))
        try:
            point = _shared_point(tracker)
            if to_council and council and latest_entity(tracker, "report_part") == "council":
                # the button names the council's own area: no search can do better
                place: Optional[Place] = Place(
                    texts.text(language, "report_place_district", district=council),
                    district=str(council),
                )
            elif point:
                place = await place_at(client, language, *point)
            else:
                phrases, prefixes = _candidate_phrases(tracker, message)
                place = await resolve_place(client, language, phrases, prefixes, message=message)
            if place is not None:
                events += await _place_events(client, category, place)
        except CityApiUnavailable as exc:
            logger.warning("report start: city data API unavailable (%s)", exc)
        if is_idea:
            events.append(SlotSet("report_support", NONE))
        events.append(SlotSet("report_contact", NONE))  # anonymous, unless the person chooses
        return events


def _cancel_events() -> List[EventType]:
    return [
        SlotSet("report_category", "other"),
        SlotSet("report_place", "-"),
        SlotSet("report_support", NONE),
        SlotSet("report_description", ""),
        SlotSet("report_confirmed", "cancel"),
        SlotSet("report_contact", NONE),
    ]


class ValidateReportForm(_ReportAction):
    """Reads the answer to the question the form asked, and every correction."""

    def name(self) -> Text:
        """The form's validation action."""
        return "validate_report_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Slot events for the answer; never nothing, so the form always takes the turn."""
        requested = tracker.get_slot("requested_slot")
        if requested is None:  # the form starts: the slots were checked by action_start_report
            return [SlotSet(s, tracker.get_slot(s)) for s in REQUIRED if tracker.get_slot(s)]
        language = language_of(tracker)
        message = (tracker.latest_message.get("text") or "").strip()
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        part = latest_entity(tracker, "report_part")
        if part == "cancel" or (_CANCEL.search(message) and len(message.split()) <= 4):
            return _cancel_events()
        if intent == "attach_photo":
            return self._photo(dispatcher, tracker, language, requested)
        client = self.client(tracker)
        try:
            return await self._answer(
                dispatcher, tracker, language, client, requested, message, intent
            )
        except CityApiUnavailable as exc:
            logger.warning("report form: city data API unavailable (%s)", exc)
            if requested == "report_place" and len(message) >= 2 and not message.startswith("/"):
                return [*Place(message[:300]).events(), SlotSet("report_support", NONE)]
            dispatcher.utter_message(text=texts.text(language, "api_unavailable"))
            return [SlotSet(requested, None)]

    async def _answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
        requested: str,
        message: str,
        intent: str,
    ) -> List[EventType]:
        category = tracker.get_slot("report_category")
        if requested == "report_category":
            chosen = latest_entity(tracker, "barrier")
            found = chosen if chosen in CATEGORIES else category_in(message)
            if found is None and len(message.split()) >= 3 and not message.startswith("/"):
                found = "other"  # said in words we do not know: the city reads the text
            if found is None:
                dispatcher.utter_message(text=texts.text(language, "report_ask_category_again"))
                return [SlotSet("report_category", None)]
            events: List[EventType] = [SlotSet("report_category", found)]
            if not tracker.get_slot("report_description") and not message.startswith("/"):
                events.append(SlotSet("report_description", message[:MAX_DESCRIPTION]))
            lat, lon = tracker.get_slot("report_lat"), tracker.get_slot("report_lon")
            if lat is not None and lon is not None and tracker.get_slot("report_place"):
                place = Place(
                    str(tracker.get_slot("report_place")),
                    lat,
                    lon,
                    tracker.get_slot("report_district"),
                )
                events += await _place_events(client, found, place)
            return events
        if requested == "report_place":
            point = _shared_point(tracker)
            found_place: Optional[Place]
            if point is not None:
                found_place = await place_at(client, language, *point)
                if found_place is None:
                    dispatcher.utter_message(text=texts.text(language, "report_place_outside"))
                    return [SlotSet("report_place", None)]
            else:
                phrases, prefixes = _candidate_phrases(tracker, message)
                found_place = await resolve_place(client, language, [*phrases, message], prefixes)
                if found_place is None:
                    if len(message) < 2 or message.startswith("/"):
                        return [SlotSet("report_place", None)]
                    found_place = Place(message[:300])  # an address, filed as the person said it
            return await _place_events(client, category, found_place)
        if requested == "report_support":
            if is_yes(intent, message):
                return [SlotSet("report_support", "yes"), SlotSet("report_confirmed", "support")]
            if is_no(intent, message):
                return [SlotSet("report_support", "no")]
            return [SlotSet("report_support", None)]
        if requested == "report_description":
            if len(message) < 3 or message.startswith("/"):
                return [SlotSet("report_description", None)]
            return [SlotSet("report_description", message[:MAX_DESCRIPTION])]
        if requested == "report_confirmed":
            return self._confirmation(dispatcher, tracker, language, message, intent)
        if requested == "report_contact":
            return contact_answer(dispatcher, language, message, intent)
        return [SlotSet(requested, tracker.get_slot(requested))]

    def _photo(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str, requested: str
    ) -> List[EventType]:
        """A photo sent during the report: kept with it, then the same question again."""
        media_id = latest_entity(tracker, "media_id")
        photos = [p for p in (tracker.get_slot("report_media") or "").split(",") if p]
        if media_id and len(photos) < MAX_PHOTOS and media_id not in photos:
            photos.append(str(media_id))
            dispatcher.utter_message(text=texts.text(language, "report_photo_taken"))
        else:
            dispatcher.utter_message(text=texts.text(language, "report_photo_enough"))
        return [SlotSet("report_media", ",".join(photos) or None), SlotSet(requested, None)]

    def _confirmation(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        message: str,
        intent: str,
    ) -> List[EventType]:
        part = wanted_part(message, latest_entity(tracker, "report_part"))
        if part == "contact" or (is_yes(intent, message) and _CONTACT_WISH.search(message)):
            # "ja, mit Kontakt": the privacy notice comes first, then the contact is asked for
            return [SlotSet("report_confirmed", "yes"), SlotSet("report_contact", None)]
        if is_yes(intent, message) and part is None:
            return [SlotSet("report_confirmed", "yes")]
        if part == "council" or (
            tracker.get_slot("report_kind") == IDEA and _COUNCIL.search(message)
        ):  # "ja, auch an den Ortsbeirat"
            return [SlotSet("report_council", "yes"), SlotSet("report_confirmed", "yes")]
        if part == "place":
            return [
                SlotSet("report_place", None),
                SlotSet("report_lat", None),
                SlotSet("report_lon", None),
                SlotSet("report_district", None),
                SlotSet("report_support", None),
                SlotSet("report_duplicate", None),
                SlotSet("report_confirmed", None),
            ]
        if part == "category" and tracker.get_slot("report_kind") != IDEA:
            return [
                SlotSet("report_category", None),
                SlotSet("report_support", None),
                SlotSet("report_duplicate", None),
                SlotSet("report_confirmed", None),
            ]
        if part == "description" or (part == "category" and tracker.get_slot("report_kind")):
            return [SlotSet("report_description", None), SlotSet("report_confirmed", None)]
        if is_no(intent, message):
            dispatcher.utter_message(
                text=texts.text(language, "report_what_to_fix"),
                buttons=_fix_buttons(language, tracker.get_slot("report_kind") == IDEA),
            )
        return [SlotSet("report_confirmed", None)]


def contact_answer(
    dispatcher: CollectingDispatcher, language: str, message: str, intent: str
) -> List[EventType]:
    """The answer to the contact question: an e-mail address, a phone number, or none."""
    email = _EMAIL.search(message)
    if email is not None:
        return [SlotSet("report_contact", f"email:{email.group(0)}")]
    phone = _PHONE.search(message)
    if phone is not None and sum(c.isdigit() for c in phone.group(0)) >= 6:
        return [SlotSet("report_contact", "phone:" + " ".join(phone.group(0).split()))]
    if intent == "deny" or _NO_CONTACT.search(message):
        return [SlotSet("report_contact", NONE)]
    dispatcher.utter_message(
        text=texts.text(language, "report_contact_again"), buttons=_no_contact_button(language)
    )
    return [SlotSet("report_contact", None)]


def _no_contact_button(language: str) -> List[Dict[str, str]]:
    return [{"title": texts.text(language, "report_button_no_contact"), "payload": "/deny"}]


def _fix_buttons(language: str, is_idea: bool) -> List[Dict[str, str]]:
    parts = ["place", "description"] if is_idea else ["place", "category", "description"]
    buttons = [
        {
            "title": texts.text(language, f"report_button_fix_{part}"),
            "payload": intent_payload("deny", {"report_part": part}),
        }
        for part in parts
    ]
    buttons.append(
        {
            "title": texts.text(language, "report_button_cancel"),
            "payload": intent_payload("deny", {"report_part": "cancel"}),
        }
    )
    return buttons


class ActionAskReportCategory(Action):
    """Asks what is wrong, with a button per category."""

    def name(self) -> Text:
        """The form's question for report_category."""
        return "action_ask_report_category"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The question and the categories."""
        language = language_of(tracker)
        buttons = [
            {
                "title": texts.text(language, f"report_button_{c}"),
                "payload": intent_payload("report_barrier", {"barrier": c}),
            }
            for c in CATEGORIES
        ]
        dispatcher.utter_message(text=texts.text(language, "report_ask_category"), buttons=buttons)
        return []


class ActionAskReportPlace(Action):
    """Asks where it is."""

    def name(self) -> Text:
        """The form's question for report_place."""
        return "action_ask_report_place"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Where? (the gateway offers its location button with every question)."""
        language = language_of(tracker)
        key = (
            "report_ask_place_idea"
            if tracker.get_slot("report_kind") == IDEA
            else "report_ask_place"
        )
        dispatcher.utter_message(text=texts.text(language, key))
        return []


class ActionAskReportDescription(Action):
    """Asks for the idea (or, after a correction, the description)."""

    def name(self) -> Text:
        """The form's question for report_description."""
        return "action_ask_report_description"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """What is the idea?"""
        language = language_of(tracker)
        is_idea = tracker.get_slot("report_kind") == IDEA
        key = "report_ask_description_idea" if is_idea else "report_ask_description"
        if is_idea and tracker.get_slot("report_council"):
            key = "report_ask_description_council"
        dispatcher.utter_message(text=texts.text(language, key))
        return []


def _when(language: str, moment: Optional[str]) -> str:
    if not moment:
        return ""
    try:
        when = datetime.fromisoformat(moment).astimezone(BERLIN)
    except ValueError:
        return ""
    return spoken.day(language, when.date(), datetime.now(BERLIN).date())


class ActionAskReportSupport(Action):
    """Offers to support the open report of the same kind nearby."""

    def name(self) -> Text:
        """The form's question for report_support."""
        return "action_ask_report_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """ "Das wurde schon gemeldet — möchten Sie die Meldung unterstützen?"."""
        language = language_of(tracker)
        duplicate = json.loads(tracker.get_slot("report_duplicate") or "{}")
        what = texts.text(language, f"report_cat_{tracker.get_slot('report_category') or 'other'}")
        dispatcher.utter_message(
            text=texts.text(
                language,
                "report_duplicate",
                what=what,
                distance=spoken.distance(language, float(duplicate.get("distance_m") or 0)),
                date=_when(language, duplicate.get("requested")),
            ),
            buttons=[
                {"title": texts.text(language, "report_button_support"), "payload": "/affirm"},
                {"title": texts.text(language, "report_button_new"), "payload": "/deny"},
            ],
        )
        return []


class ActionAskReportContact(Action):
    """The short privacy notice, then the question for an e-mail address or phone number."""

    def name(self) -> Text:
        """The form's question for report_contact."""
        return "action_ask_report_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """What is kept, why, for how long; a button to send without."""
        language = language_of(tracker)
        days = contact_retention_days()
        dispatcher.utter_message(
            text=texts.text(language, "report_contact_notice", days=days),
            buttons=_no_contact_button(language),
        )
        return []


def contact_retention_days(environ: Optional[Mapping[str, str]] = None) -> int:
    """How long the city data API keeps a closed report's contact (CITYAPI_CONTACT_RETENTION_DAYS,
    the same variable it reads; 90 days when unset)."""
    raw = (os.environ if environ is None else environ).get("CITYAPI_CONTACT_RETENTION_DAYS", "")
    return int(raw) if raw.strip().isdigit() and int(raw) > 0 else 90


class ActionAskReportConfirmed(Action):
    """Reads the whole report back in plain sentences and asks to send it."""

    def name(self) -> Text:
        """The form's question for report_confirmed."""
        return "action_ask_report_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The read-back, with buttons to send, correct one part or cancel."""
        language = language_of(tracker)
        is_idea = tracker.get_slot("report_kind") == IDEA
        description = tracker.get_slot("report_description") or ""
        place = tracker.get_slot("report_place") or ""
        to_council = is_idea and bool(tracker.get_slot("report_council"))
        district = tracker.get_slot("report_district")
        if to_council and district:
            summary = texts.text(
                language, "report_readback_idea_council", district=district, description=description
            )
        elif is_idea:
            summary = texts.text(
                language, "report_readback_idea", place=place, description=description
            )
        else:
            said = (
                texts.text(language, "report_readback_description", description=description)
                if description
                else ""
            )
            what = texts.text(
                language, f"report_cat_{tracker.get_slot('report_category') or 'other'}"
            )
            summary = texts.text(
                language, "report_readback", what=what, place=place, description=said
            )
        photos = len([p for p in (tracker.get_slot("report_media") or "").split(",") if p])
        if photos:
            summary = summary.replace(
                texts.text(language, "report_readback_question"),
                texts.text(language, "report_readback_photos", count=photos)
                + " "
                + texts.text(language, "report_readback_question"),
            )
        buttons = [
            {"title": texts.text(language, "report_button_send"), "payload": "/affirm"},
            {
                "title": texts.text(language, "report_button_send_contact"),
                "payload": intent_payload("affirm", {"report_part": "contact"}),
            },
        ]
        if is_idea and district and not to_council:
            buttons.append(
                {
                    "title": texts.text(language, "report_button_council"),
                    "payload": intent_payload("affirm", {"report_part": "council"}),
                }
            )
        buttons += _fix_buttons(language, is_idea)
        dispatcher.utter_message(text=summary, buttons=buttons)
        return []


def _votes(language: str, count: int) -> str:
    if count == 1:
        return texts.text(language, "votes_one")
    return texts.text(language, "votes_many", n=count)


def _form_fields(tracker: Tracker) -> Dict[str, str]:
    category = tracker.get_slot("report_category")
    description = tracker.get_slot("report_description") or ""
    fields = {
        "service_code": service_code(category, description),
        "account_id": tracker.sender_id,
    }
    if description:
        fields["description"] = description[:MAX_DESCRIPTION]
    lat, lon = tracker.get_slot("report_lat"), tracker.get_slot("report_lon")
    if lat is not None and lon is not None:
        fields["lat"], fields["long"] = f"{float(lat):.6f}", f"{float(lon):.6f}"
    else:
        fields["address_string"] = (
            tracker.get_slot("report_district") or tracker.get_slot("report_place") or ""
        )[:300]
    if category == "lift":
        device = "escalator" if _ESCALATOR.search(description) else "lift"
        fields["attribute[device]"] = device
    if tracker.get_slot("report_media"):
        fields["media_id"] = str(tracker.get_slot("report_media"))
    if category == IDEA:
        fields["attribute[to_council]"] = "yes" if tracker.get_slot("report_council") else "no"
    contact = str(tracker.get_slot("report_contact") or "")
    if contact.startswith("email:"):
        fields["email"] = contact.removeprefix("email:")[:254]
    elif contact.startswith("phone:"):
        fields["phone"] = contact.removeprefix("phone:")[:40]
    return fields


class ActionFileReport(_ReportAction):
    """Files the confirmed report, or the vote for the one already there."""

    def name(self) -> Text:
        """Runs when the report form is done."""
        return "action_file_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """File, then say the reference number; on failure keep the report and ask again."""
        language = language_of(tracker)
        confirmed = tracker.get_slot("report_confirmed")
        done = [SlotSet(slot, None) for slot in SLOTS]
        if confirmed not in ("yes", "support"):
            dispatcher.utter_message(text=texts.text(language, "report_cancelled"))
            return done
        client = self.client(tracker)
        try:
            if confirmed == "support":
                duplicate = json.loads(tracker.get_slot("report_duplicate") or "{}")
                answer = await client.support_report(str(duplicate["id"]), tracker.sender_id)
                key = (
                    "report_supported"
                    if answer.get("counted", True)
                    else "report_supported_already"
                )
                votes = _votes(language, int(answer.get("votes") or 1))
                dispatcher.utter_message(
                    text=texts.text(language, key, id=duplicate["id"], votes=votes)
                )
                return done
            idempotency_key = f"{tracker.sender_id}:{tracker.get_slot('report_key') or ''}"
            filed = await client.file_report(_form_fields(tracker), idempotency_key[:100])
        except CityApiUnavailable as exc:
            logger.warning("filing a report: city data API unavailable (%s)", exc)
            dispatcher.utter_message(text=texts.text(language, "report_not_sent"))
            # back to the read-back: "abschicken" files again, with the same idempotency key
            return [SlotSet("report_confirmed", None), ActiveLoop(FORM)]
        except CityApiRejected as exc:
            logger.warning("filing a report: refused (%s)", exc.error_code)
            dispatcher.utter_message(text=texts.text(language, "report_rejected"))
            return [
                SlotSet("report_place", None),
                SlotSet("report_lat", None),
                SlotSet("report_lon", None),
                SlotSet("report_confirmed", None),
                ActiveLoop(FORM),
            ]
        key = "report_filed_idea" if tracker.get_slot("report_kind") == IDEA else "report_filed"
        if key == "report_filed_idea" and tracker.get_slot("report_council"):
            key = "report_filed_idea_council"
        dispatcher.utter_message(
            text=texts.text(
                language,
                key,
                id=filed["service_request_id"],
                district=tracker.get_slot("report_district") or "",
            )
        )
        # the gateway asks once whether the person wants news when the status changes
        dispatcher.utter_message(json_message={"report_filed": str(filed["service_request_id"])})
        return done


_STATUS_KEYS = {
    "RECEIVED": "status_received",
    "IN_PROCESS": "status_in_process",
    "PROCESSED": "status_processed",
    "REJECTED": "status_rejected",
}
_CODE_CATEGORY = {f"barrier-{c}": c for c in CATEGORIES}


def describe_report(language: str, report: Dict[str, Any]) -> List[str]:
    """A report's state in sentences: number, kind, status with reason, date, note, votes."""
    extended = report.get("extended_attributes") or {}
    detailed = extended.get("detailed_status") or "RECEIVED"
    code = str(report.get("service_code") or "")
    if code.startswith("idea-"):
        what = texts.text(language, "report_cat_idea")
    elif language == "de" and report.get("service_name"):
        what = str(report["service_name"])  # the category's name as the city data API says it
    elif code in _CODE_CATEGORY:
        what = texts.text(language, f"report_cat_{_CODE_CATEGORY[code]}")
    else:
        what = str(report.get("service_name") or texts.text(language, "report_cat_unknown"))
    reason = extended.get("reason")
    lines = [
        texts.text(
            language,
            "report_status",
            id=report.get("service_request_id"),
            what=what,
            status=texts.text(language, _STATUS_KEYS.get(detailed, "status_received")),
            reason=texts.text(language, f"status_reason_{reason}")
            if detailed == "REJECTED" and reason in ("duplicate", "not_solvable", "not_responsible")
            else "",
            date=_when(
                language, report.get("updated_datetime") or report.get("requested_datetime")
            ),
        )
    ]
    if report.get("status_notes"):
        lines.append(texts.text(language, "report_status_note", note=report["status_notes"]))
    votes = int(extended.get("votes") or 0)
    if votes:
        lines.append(texts.text(language, "report_status_votes", votes=_votes(language, votes)))
    return lines


class ActionReportStatus(_ReportAction):
    """Answers "Gibt es Neues zu 1234?" and "zeig mir meine Meldungen" in words."""

    def name(self) -> Text:
        """The action for ask_report_status."""
        return "action_report_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """One report by its number, or the person's own reports, newest first."""
        language = language_of(tracker)
        client = self.client(tracker)
        raw = latest_entity(tracker, "report_id")
        number = re.sub(r"\D", "", str(raw or ""))
        if not number:
            found = re.search(r"\b(\d{1,9})\b", tracker.latest_message.get("text") or "")
            number = found.group(1) if found else ""
        try:
            if number:
                report = await client.report(int(number))
                if report is None:
                    dispatcher.utter_message(
                        text=texts.text(language, "report_status_unknown", id=number)
                    )
                else:
                    dispatcher.utter_message(text=" ".join(describe_report(language, report)))
                return []
            mine = await client.reports(account_id=tracker.sender_id, max_requests=5)
        except CityApiError as exc:
            logger.warning("report status: %s", type(exc).__name__)
            dispatcher.utter_message(text=texts.text(language, "api_unavailable"))
            return []
        if not mine:
            dispatcher.utter_message(text=texts.text(language, "report_status_none"))
            return []
        heading = (
            texts.text(language, "report_status_mine_one")
            if len(mine) == 1
            else texts.text(language, "report_status_mine", count=len(mine))
        )
        lines = [heading] + [" ".join(describe_report(language, r)) for r in mine[:5]]
        dispatcher.utter_message(text="\n".join(lines))
        return []
