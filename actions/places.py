"""Places of a type: in a district, near a shared location or anywhere, with access filters."""

import logging
import math
import re
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Sequence, Set, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import spoken, texts
from actions.cityapi_client import CityApiClient, Json, QueryValue
from actions.common import (
    CityDataAction,
    as_float,
    intent_payload,
    last_topic,
    latest_entity,
    said,
)
from actions.events import ActionFindEvents

logger = logging.getLogger(__name__)

MAX_RESULTS = 3
NEAR_RADIUS_M = 2000
WIDER_RADIUS_M = 10000
# What each asked-for need filters on (the contract's query parameters).
ACCESS_FILTERS: Dict[str, Dict[str, QueryValue]] = {
    "wheelchair": {"wheelchair": "yes,limited"},
    "blind": {"tactile_paving": True},
    "deaf": {"induction_loop": True},
}
# A toilet named for wheelchair users in one word ("Behindertentoilette", "Rolli-WC", "disabled
# toilet"): the word is a place type and a need at once, but the NLU gives only the type.
WHEELCHAIR_TOILET = re.compile(
    r"\b(behinderten|rollstuhl|rolli|barrierefreie?s?)[-\s]?(toilette|klo|wc)"
    r"|\b(disabled|accessible|wheelchair)\s+(toilet|loo|restroom|bathroom)",
    re.IGNORECASE,
)


def implied_accessibility(tracker: Tracker, place_type: Optional[str]) -> Optional[str]:
    """The need that the latest message's word for the place type carries, if any."""
    text = str((tracker.latest_message or {}).get("text") or "")
    if place_type == "toilet" and WHEELCHAIR_TOILET.search(text):
        return "wheelchair"
    return None


@dataclass(frozen=True)
class PlaceSearch:
    """What the person is looking for, read from the latest message and the slots."""

    place_type: Optional[str]
    district: Optional[str]
    near: Optional[Tuple[float, float]]
    accessibility: Optional[str]
    landmark: Optional[str] = None  # the named place `near` is the position of

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> "PlaceSearch":
        """A district named now beats a shared location, which beats an earlier district."""
        place_type = type_named_now(tracker) or said(tracker, "place_type", "places")
        accessibility = latest_entity(tracker, "accessibility") or implied_accessibility(
            tracker, str(place_type) if place_type else None
        )
        if accessibility is None:
            accessibility = said(tracker, "accessibility", "places")
        if accessibility not in ACCESS_FILTERS:
            accessibility = None
        district = latest_entity(tracker, "district")
        near = None
        if district is None:
            lat = as_float(said(tracker, "latitude", "places"))
            lon = as_float(said(tracker, "longitude", "places"))
            if lat is not None and lon is not None:
                near = (lat, lon)
            else:
                district = said(tracker, "district", "places")
        return cls(
            place_type=str(place_type) if place_type else None,
            district=str(district) if district else None,
            near=near,
            accessibility=accessibility,
        )

    def query(
        self, radius_m: int = NEAR_RADIUS_M, limit: int = MAX_RESULTS, anywhere: bool = False
    ) -> Dict[str, Any]:
        """The `GET /places` query for this search (`anywhere`: without district or location)."""
        params: Dict[str, Any] = {"type": self.place_type, "limit": limit}
        if self.near is not None and not anywhere:
            params["near"] = f"{self.near[0]:.6f},{self.near[1]:.6f}"
            params["radius"] = radius_m
        elif self.district and not anywhere:
            params["district"] = self.district
        if self.accessibility:
            params.update(ACCESS_FILTERS[self.accessibility])
        return params

    def entities(self, **changes: Any) -> Dict[str, Any]:
        """This search's entities for a button payload, with `changes` applied."""
        out: Dict[str, Any] = {"place_type": self.place_type}
        if self.accessibility:
            out["accessibility"] = self.accessibility
        out.update(changes)
        return out


def heading_parts(
    language: str, search: PlaceSearch, wider: bool = False, covered: Sequence[str] = ()
) -> Dict[str, str]:
    """The "what, where, filter" words of a heading or a "nothing found" sentence.

    `covered`: the Stadtbereiche the city data API searched for the district named, several
    for a group such as Dierkow, which the answer then names.
    """
    if search.landmark:
        where = texts.text(language, "where_landmark", name=search.landmark)
    elif search.near is not None:
        where = texts.text(language, "where_near_wider" if wider else "where_near")
    elif search.district and len(covered) > 1:
        where = texts.text(
            language,
            "where_district_group",
            district=search.district,
            parts=texts.word_list(language, list(covered)),
        )
    elif search.district:
        where = texts.text(language, "where_district", district=search.district)
    else:
        where = texts.text(language, "where_city")
    access = texts.text(language, f"filter_{search.accessibility}") if search.accessibility else ""
    return {"where": where, "filter": access}


def heading(language: str, search: PlaceSearch, page: Json, wider: bool = False) -> str:
    """E.g. "Öffentliche Toiletten im Stadtteil Südstadt: 3 von 7 Treffern."."""
    shown, total = len(page.get("items") or []), int(page.get("total") or 0)
    key = "places_heading" if total > shown else "places_heading_all"
    if total == 1:
        key = "places_heading_one"
    what = texts.place_type_name(language, search.place_type or "", heading=True)
    parts = heading_parts(language, search, wider, page.get("districts") or ())
    if search.near is not None:
        parts["filter"] += texts.text(language, "nearest_first")
    return texts.text(language, key, what=what, shown=shown, total=total, **parts)


def accessibility_words(language: str, place: Json, asked: Optional[str]) -> List[str]:
    """The place's accessibility as sentences: "Rollstuhlgerecht. Mit Euroschlüssel."."""
    access = place.get("accessibility") or {}
    wheelchair = access.get("wheelchair") or "unknown"
    notes = (access.get("notes") or "").strip().rstrip(".")
    sentences = []
    if wheelchair == "limited" and notes:
        sentences.append(texts.text(language, "access_wheelchair_limited_notes", notes=notes))
        notes = ""
    elif wheelchair in ("yes", "limited", "no"):
        sentences.append(texts.text(language, f"access_wheelchair_{wheelchair}"))
    else:
        sentences.append(texts.text(language, "access_wheelchair_unknown"))
    if access.get("wheelchair_toilet") and place.get("type") != "toilet":
        sentences.append(texts.text(language, "access_wheelchair_toilet"))
    if access.get("euro_key"):
        sentences.append(texts.text(language, "access_euro_key"))
    if access.get("step_free_entrance") and wheelchair != "yes":
        sentences.append(texts.text(language, "access_step_free"))
    if access.get("tactile_paving"):
        sentences.append(texts.text(language, "access_tactile_paving"))
    if access.get("induction_loop"):
        sentences.append(texts.text(language, "access_induction_loop"))
    if notes and asked:
        sentences.append(texts.text(language, "access_notes", notes=notes))
    return sentences


def open_words(language: str, place: Json) -> str:
    """Open now, closed now, or hours unknown."""
    open_now = place.get("open_now")
    if open_now is True:
        return texts.text(language, "place_open_now")
    if open_now is False:
        return texts.text(language, "place_closed_now")
    return texts.text(language, "place_open_unknown")


def place_answer(
    language: str, number: int, place: Json, search: PlaceSearch, with_district: bool
) -> str:
    """One result as a few short sentences."""
    sentences = [texts.text(language, "place_title", number=number, name=place.get("name"))]
    address, district = place.get("address"), place.get("district")
    if address and district and with_district:
        sentences.append(
            texts.text(language, "place_address_district", address=address, district=district)
        )
    elif address:
        sentences.append(texts.text(language, "place_address", address=address))
    elif district:
        sentences.append(texts.text(language, "place_only_district", district=district))
    if place.get("distance_m") is not None:
        metres = spoken.distance(language, float(place["distance_m"]))
        sentences.append(texts.text(language, "place_distance", distance=metres))
    sentences.extend(accessibility_words(language, place, search.accessibility))
    sentences.append(open_words(language, place))
    return " ".join(sentences)


def _distance_km(a: Tuple[float, float], b: Tuple[float, float]) -> float:
    # Equirectangular approximation: plenty for comparing districts within one city.
    x = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    y = math.radians(b[0] - a[0])
    return 6371.0 * math.hypot(x, y)


def _matches(district: Json, name: str) -> bool:
    wanted = name.casefold()
    names = [district.get("name") or "", *(district.get("ortsteile") or [])]
    return any(str(n).casefold() == wanted for n in names)


def neighbour(
    districts: List[Json], name: str, having: Set[str]
) -> Tuple[Optional[Json], Optional[Json]]:
    """The district called `name`, and of the districts `having` results the nearest to it."""
    own = next((d for d in districts if _matches(d, name)), None)
    if own is None or not own.get("centroid"):
        return own, None
    centre = (own["centroid"]["lat"], own["centroid"]["lon"])
    others = [
        d for d in districts if d is not own and d.get("centroid") and d.get("name") in having
    ]
    if not others:
        return own, None
    nearest = min(
        others, key=lambda d: _distance_km(centre, (d["centroid"]["lat"], d["centroid"]["lon"]))
    )
    return own, nearest


class ActionFindPlaces(CityDataAction):
    """Finds places of a type by district or near a shared location, nearest first."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_find_places"

    async def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
    ) -> List[Dict[Text, Any]]:
        """Search, then list up to three results or offer a wider search."""
        search = PlaceSearch.from_tracker(tracker)
        name = place_name(tracker)
        if name and type_named_now(tracker) is None:
            await describe_named_place(dispatcher, language, client, name)
            return []
        if not search.place_type:
            if last_topic(tracker) == "events" and _refines_events(tracker):
                # "und in Warnemünde?" after events: the NLU heard a place question, but the
                # person is narrowing down the events just listed
                events = ActionFindEvents(client, self._now)
                return await events.answer(dispatcher, tracker, language, client)
            ask_place_type(dispatcher, language)
            return []
        if name and latest_entity(tracker, "district") is None:
            search = await near_landmark(client, search, name)
        page = await client.places(**search.query())
        wider = False
        if not page.get("items") and search.near is not None:
            dispatcher.utter_message(text=texts.text(language, "near_nothing_close"))
            page = await client.places(**search.query(radius_m=WIDER_RADIUS_M))
            wider = True
        items = page.get("items") or []
        if not items:
            await self._nothing_found(dispatcher, language, search, client, wider)
            return []
        dispatcher.utter_message(text=heading(language, search, page, wider))
        # in a group of districts (Dierkow) each place says which of them it is in
        each_district = not search.district or len(page.get("districts") or ()) > 1
        for number, place in enumerate(items[:MAX_RESULTS], start=1):
            text = place_answer(language, number, place, search, with_district=each_district)
            dispatcher.utter_message(text=text)
        if search.near is None and not search.district:
            dispatcher.utter_message(text=texts.text(language, "places_hint_where"))
        return []

    async def _nothing_found(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        search: PlaceSearch,
        client: CityApiClient,
        wider: bool,
    ) -> None:
        what = texts.place_type_name(language, search.place_type or "")
        sentence = texts.text(
            language, "places_none", what=what, **heading_parts(language, search, wider)
        )
        if not search.district:
            dispatcher.utter_message(text=sentence)
            return
        # only a district that has what was asked for is worth offering
        elsewhere = await client.places(**search.query(limit=100, anywhere=True))
        having = {str(p.get("district")) for p in elsewhere.get("items") or []}
        own, nearest = neighbour(await client.districts(), search.district, having)
        buttons = []
        if nearest is not None:
            buttons.append(
                {
                    "title": texts.text(language, "button_district", district=nearest["name"]),
                    "payload": intent_payload(
                        "ask_place", search.entities(district=nearest["name"])
                    ),
                }
            )
        if own is not None and own.get("centroid"):
            centre = own["centroid"]
            buttons.append(
                {
                    "title": texts.text(language, "button_around", district=own["name"]),
                    "payload": intent_payload(
                        "ask_place",
                        search.entities(latitude=centre["lat"], longitude=centre["lon"]),
                    ),
                }
            )
        if buttons:
            sentence += " " + texts.text(language, "places_none_offer")
        dispatcher.utter_message(text=sentence, buttons=buttons)


def place_name(tracker: Tracker) -> Optional[str]:
    """The place named in the latest message; a place type's word is not a name."""
    name = latest_entity(tracker, "place_name")
    if name is None or str(name) in texts.PLACE_TYPES["de"]:
        # the NLU's synonyms map "ortsamt" to citizen_office even inside a place_name
        return None
    return str(name)


def _refines_events(tracker: Tracker) -> bool:
    # only a district, time, category or need was said: nothing that makes it a place question
    said_now = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
    return bool(said_now) and said_now <= {"district", "when", "event_category", "accessibility"}


def type_named_now(tracker: Tracker) -> Optional[str]:
    """The place type asked for in the latest message (also when it came as a place_name)."""
    for candidate in (latest_entity(tracker, "place_type"), latest_entity(tracker, "place_name")):
        if candidate is not None and str(candidate) in texts.PLACE_TYPES["de"]:
            return str(candidate)
    return None


def ask_place_type(dispatcher: CollectingDispatcher, language: str) -> None:
    """Ask which kind of place, offering the common ones as buttons."""
    buttons = [
        {
            "title": texts.place_type_name(language, place_type, heading=True),
            "payload": intent_payload("ask_place", {"place_type": place_type}),
        }
        for place_type in texts.COMMON_PLACE_TYPES
    ]
    dispatcher.utter_message(text=texts.text(language, "ask_place_type"), buttons=buttons)


async def near_landmark(client: CityApiClient, search: PlaceSearch, name: str) -> PlaceSearch:
    """The search moved to the named place ("Parkplatz am Hauptbahnhof"), when the city knows it."""
    page = await client.places(q=name, limit=1)
    items = page.get("items") or []
    if not items or items[0].get("lat") is None or items[0].get("lon") is None:
        return search
    position = (float(items[0]["lat"]), float(items[0]["lon"]))
    # said as the person named it: the match may be a defibrillator *at* the Hauptbahnhof
    label = name.strip()
    return replace(search, district=None, near=position, landmark=label[:1].upper() + label[1:])


async def describe_named_place(
    dispatcher: CollectingDispatcher, language: str, client: CityApiClient, name: str
) -> None:
    """Where a place asked for by name is, how accessible and whether it is open now."""
    page = await client.places(q=name, limit=MAX_RESULTS)
    items = page.get("items") or []
    if not items:
        dispatcher.utter_message(text=texts.text(language, "hours_no_match", name=name))
        return
    empty = PlaceSearch(place_type=None, district=None, near=None, accessibility=None)
    for number, place in enumerate(items, start=1):
        dispatcher.utter_message(
            text=place_answer(language, number, place, empty, with_district=True)
        )
