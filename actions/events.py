"""Events in a time window ("am Wochenende", "this weekend"), by district, category and access."""

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import spoken, texts, timeexpr
from actions.cityapi_client import CityApiClient, Json
from actions.common import CityDataAction, intent_payload, said
from actions.timeexpr import BERLIN, TimeWindow

logger = logging.getLogger(__name__)

MAX_EVENTS = 5
DEFAULT_DAYS = 7
WIDER_DAYS = 30


def _moment(value: Any) -> Optional[datetime]:
    try:
        return datetime.fromisoformat(str(value)).astimezone(BERLIN) if value else None
    except ValueError:
        return None


def event_answer(
    language: str, number: int, event: Json, now: datetime, with_district: bool
) -> str:
    """One event as short sentences: name, day and time, place, access, admission."""
    today = now.date()
    sentences = [texts.text(language, "event_title", number=number, name=event.get("name"))]
    start, end = _moment(event.get("start")), _moment(event.get("end"))
    if start is not None and end is not None and start < now and end > now:
        # an exhibition that opened weeks ago: when it ends is what matters now
        sentences.append(
            texts.text(language, "event_running", end=spoken.day_and_time(language, end, today))
        )
    elif start is not None:
        sentences.append(
            texts.text(language, "event_start", start=spoken.day_and_time(language, start, today))
        )
    location = ", ".join(str(p) for p in (event.get("location_name"), event.get("address")) if p)
    if location and event.get("district") and with_district:
        sentences.append(
            texts.text(
                language, "event_place_district", location=location, district=event["district"]
            )
        )
    elif location:
        sentences.append(texts.text(language, "event_place", location=location))
    wheelchair = event.get("wheelchair")
    if wheelchair not in ("yes", "limited", "no"):
        wheelchair = "unknown"
    sentences.append(texts.text(language, f"event_wheelchair_{wheelchair}"))
    if event.get("is_free") is True:
        sentences.append(texts.text(language, "event_free"))
    elif event.get("is_free") is False:
        sentences.append(texts.text(language, "event_not_free"))
    return " ".join(sentences)


class ActionFindEvents(CityDataAction):
    """Lists up to five events in the asked time window, district and category."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_find_events"

    async def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
    ) -> List[Dict[Text, Any]]:
        """Resolve the time, search, and widen to all districts when the district has nothing."""
        now = self.now()
        when = said(tracker, "when", "events")
        district = said(tracker, "district", "events")
        category = said(tracker, "event_category", "events")
        if category not in texts.EVENT_CATEGORIES["de"]:
            category = None
        accessibility = said(tracker, "accessibility", "events")

        window: Optional[TimeWindow] = None
        if when:
            window = timeexpr.resolve(str(when), now, language)
            if window is None:
                text = tracker.latest_message.get("text") or ""
                window = timeexpr.find_in_text(text, now, language)
            if window is None:
                dispatcher.utter_message(
                    text=texts.text(language, "events_when_unknown", when=str(when))
                )
        if window is None:
            window = timeexpr.next_days(now, DEFAULT_DAYS)
            period = texts.text(language, "period_default")
        else:
            period = spoken.period(language, window, now)
        if accessibility in ("blind", "deaf"):
            dispatcher.utter_message(text=texts.text(language, "events_filter_other_access"))

        query_window = timeexpr.clamp_to_now(window, now)
        params: Dict[str, Any] = {
            "from_": query_window.start.isoformat(),
            "to": query_window.end.isoformat(),
            "category": category,
            "wheelchair": "yes,limited" if accessibility == "wheelchair" else None,
            "limit": MAX_EVENTS,
        }
        filters = ""
        if category:
            filters += texts.text(
                language, "events_category", category=texts.category_name(language, category)
            )
        if accessibility == "wheelchair":
            filters += texts.text(language, "filter_wheelchair")
        where = texts.text(language, "events_where", district=district) if district else ""

        page = await client.events(district=district, **params)
        covered = page.get("districts") or []
        if district and len(covered) > 1:  # a group such as Dierkow: name its parts
            where = texts.text(
                language,
                "where_district_group",
                district=district,
                parts=texts.word_list(language, list(covered)),
            )
        if page.get("items"):
            each_district = not district or len(covered) > 1
            self._list(dispatcher, language, page, now, period, where, filters, each_district)
            return []
        none = texts.text(language, "events_none", period=period, where=where, filter=filters)
        if district:
            everywhere = await client.events(**params)
            if everywhere.get("items"):
                dispatcher.utter_message(text=none)
                dispatcher.utter_message(text=texts.text(language, "events_elsewhere"))
                self._list(dispatcher, language, everywhere, now, None, "", filters, True)
                return []
        entities: Dict[str, Any] = {"when": texts.text(language, "when_next_30_days")}
        if category:
            entities["event_category"] = category
        if district:
            entities["district"] = district
        wider = {
            "title": texts.text(language, "button_next_30_days"),
            "payload": intent_payload("ask_event", entities),
        }
        if (window.end - now).days >= WIDER_DAYS:
            dispatcher.utter_message(text=none)
        else:
            dispatcher.utter_message(
                text=f"{none} {texts.text(language, 'events_offer_wider')}", buttons=[wider]
            )
        return []

    def _list(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        page: Json,
        now: datetime,
        period: Optional[str],
        where: str,
        filters: str,
        with_district: bool,
    ) -> None:
        items = (page.get("items") or [])[:MAX_EVENTS]
        if period is not None:
            shown, total = len(items), int(page.get("total") or 0)
            key = "events_heading" if total > shown else "events_heading_all"
            if total == 1:
                key = "events_heading_one"
            dispatcher.utter_message(
                text=texts.text(
                    language,
                    key,
                    period=period,
                    where=where,
                    filter=filters,
                    shown=shown,
                    total=total,
                )
            )
        for number, event in enumerate(items, start=1):
            dispatcher.utter_message(text=event_answer(language, number, event, now, with_district))
