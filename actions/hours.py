"""Opening hours of a named place or of a type's places: open now, until when, next opening."""

import asyncio
import logging
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import spoken, texts
from actions.cityapi_client import CityApiClient, Json
from actions.common import CityDataAction, intent_payload, said
from actions.places import (
    MAX_RESULTS,
    PlaceSearch,
    heading,
    heading_parts,
    place_name,
    type_named_now,
)
from actions.timeexpr import BERLIN

logger = logging.getLogger(__name__)


def _moment(value: Any) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).astimezone(BERLIN)
    except ValueError:
        return None


def _open_until(language: str, until: datetime, today: date) -> str:
    if until.date() == today:
        return texts.text(language, "until_today", time=spoken.clock(language, until))
    if until.date() == today + timedelta(days=1) and (until.hour, until.minute) == (0, 0):
        return texts.text(language, "until_midnight")
    return texts.text(
        language,
        "until_day",
        day=spoken.day(language, until.date(), today),
        time=spoken.clock(language, until),
    )


def _next_open(language: str, moment: datetime, today: date) -> str:
    time_words = spoken.clock(language, moment)
    if moment.date() == today:
        return texts.text(language, "when_today", time=time_words)
    if moment.date() == today + timedelta(days=1):
        return texts.text(language, "when_tomorrow", time=time_words)
    return texts.text(
        language, "when_day", day=spoken.day(language, moment.date(), today), time=time_words
    )


def hours_answer(language: str, place: Json, now: datetime) -> str:
    """Open now and until when, or closed and when it opens again, for one place with `hours`."""
    name = place.get("name") or ""
    hours = place.get("hours") or {}
    if not hours or hours.get("unknown") or hours.get("is_open") is None:
        return texts.text(language, "hours_unknown", name=name)
    today = now.astimezone(BERLIN).date()
    sentences = []
    if hours.get("is_public_holiday"):
        holiday = hours.get("holiday_name")
        if holiday:
            sentences.append(texts.text(language, "hours_holiday", holiday=holiday))
        else:
            sentences.append(texts.text(language, "hours_holiday_unnamed"))
    if hours.get("is_open"):
        until = _moment(hours.get("open_until"))
        if until is None and hours.get("today") == [{"from": "00:00", "to": "24:00"}]:
            sentences.append(texts.text(language, "hours_open_always", name=name))
        elif until is None:
            sentences.append(texts.text(language, "hours_open_no_until", name=name))
        else:
            sentences.append(
                texts.text(
                    language, "hours_open", name=name, until=_open_until(language, until, today)
                )
            )
    else:
        sentences.append(texts.text(language, "hours_closed", name=name))
        next_open = _moment(hours.get("next_open"))
        if next_open is None:
            sentences.append(texts.text(language, "hours_no_next_open"))
        else:
            sentences.append(
                texts.text(language, "hours_next_open", when=_next_open(language, next_open, today))
            )
    return " ".join(sentences)


class ActionOpeningHours(CityDataAction):
    """Says whether a place is open now, until when, and when it opens next."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_opening_hours"

    async def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
    ) -> List[Dict[Text, Any]]:
        """A named place first; else the places of the asked type; else ask which place."""
        name = place_name(tracker)
        if name is None and type_named_now(tracker) is None:
            remembered = said(tracker, "place_name", "places")
            name = str(remembered) if remembered else None
        search = PlaceSearch.from_tracker(tracker)
        if name:
            await self._named_place(dispatcher, language, client, str(name), search)
            return []
        if not search.place_type:
            dispatcher.utter_message(text=texts.text(language, "ask_hours_place"))
            return []
        page = await client.places(**search.query())
        items = (page.get("items") or [])[:MAX_RESULTS]
        if not items:
            what = texts.place_type_name(language, search.place_type)
            dispatcher.utter_message(
                text=texts.text(
                    language, "places_none", what=what, **heading_parts(language, search)
                )
            )
            return []
        details = await asyncio.gather(*(client.place(int(item["id"])) for item in items))
        dispatcher.utter_message(text=heading(language, search, page))
        for number, detail in enumerate(details, start=1):
            text = f"{number}. {hours_answer(language, detail, self.now())}"
            if detail.get("address"):
                text += " " + texts.text(language, "place_address", address=detail["address"])
            dispatcher.utter_message(text=text)
        return []

    async def _named_place(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        client: CityApiClient,
        name: str,
        search: PlaceSearch,
    ) -> None:
        # "das Ortsamt in der Südstadt": the type and district asked now narrow the name down
        narrowed: Dict[str, Any] = {"q": name, "limit": MAX_RESULTS}
        if search.place_type:
            narrowed["type"] = search.place_type
        if search.district:
            narrowed["district"] = search.district
        page = await client.places(**narrowed)
        if not page.get("items") and len(narrowed) > 2:
            page = await client.places(q=name, limit=MAX_RESULTS)
        items = page.get("items") or []
        if not items:
            dispatcher.utter_message(text=texts.text(language, "hours_no_match", name=name))
            return
        detail = await client.place(int(items[0]["id"]))
        # other places of the same kind with a matching name may be what was meant
        others = [
            i
            for i in items[1:]
            if i.get("name") not in (None, items[0].get("name"))
            and i.get("type") == items[0].get("type")
        ]
        buttons = [
            {
                "title": str(other["name"]),
                "payload": intent_payload("ask_opening_hours", {"place_name": other["name"]}),
            }
            for other in others
        ]
        text = hours_answer(language, detail, self.now())
        if buttons:
            text += " " + texts.text(language, "hours_also")
        dispatcher.utter_message(text=text, buttons=buttons)
