"""What the city-data actions share: reading slots and entities, the client, and the apology."""

import json
import logging
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.cityapi_client import (
    CityApiClient,
    CityApiRejected,
    CityApiUnavailable,
    follow_request,
    shared_client,
)
from actions.timeexpr import BERLIN

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def berlin_now() -> datetime:
    """The current time in Europe/Berlin."""
    return datetime.now(BERLIN)


def language_of(tracker: Tracker) -> str:
    """The language to answer in (slot `language`, German when unset)."""
    return texts.language_or_default(tracker.get_slot("language"))


def latest_entity(tracker: Tracker, name: str) -> Optional[Any]:
    """The first value of entity `name` in the latest message, or None."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return entity.get("value")
    return None


# The search actions and the topic each belongs to: places and their opening hours go together.
SEARCH_TOPICS = {
    "action_find_places": "places",
    "action_opening_hours": "places",
    "action_find_events": "events",
}
RESET_ACTION = "action_reset_search"


def last_topic(tracker: Tracker) -> Optional[str]:
    """The topic of the last search in this conversation ("places", "events"), if any."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "action":
            if event.get("name") == RESET_ACTION:
                return None
            if event.get("name") in SEARCH_TOPICS:
                return SEARCH_TOPICS[event["name"]]
    return None


def said(tracker: Tracker, name: str, topic: str) -> Optional[Any]:
    """Entity `name` of the latest message, else as last said while talking about `topic`.

    Earlier messages count only back to the last search on another topic (or a reset): "und in
    Warnemünde?" refines the current search, while a toilet search's district does not narrow a
    later question on events. Slots are not used for this, as they never forget.
    """
    value = latest_entity(tracker, name)
    if value is not None:
        return value
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "action":
            action = event.get("name")
            if action == RESET_ACTION or SEARCH_TOPICS.get(action, topic) != topic:
                return None
        elif kind == "user":
            for entity in (event.get("parse_data") or {}).get("entities") or []:
                if entity.get("entity") == name and entity.get("value") not in (None, ""):
                    return entity.get("value")
    return None


def as_float(value: Any) -> Optional[float]:
    """The value as a float, or None when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def intent_payload(intent: str, entities: Dict[str, Any]) -> str:
    """A button payload Rasa parses as an intent with entities: `/ask_place{"district": "…"}`."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


class CityDataAction(Action, ABC):
    """An action that answers from the city data API and apologises when it cannot be reached."""

    def __init__(self, client: Optional[CityApiClient] = None, now: Optional[Clock] = None) -> None:
        """Use `client` and `now` when given (tests); else the shared client and the real clock."""
        self._client = client
        self._now = now or berlin_now

    @abstractmethod
    def name(self) -> Text:
        """The action's name in the domain."""

    @abstractmethod
    async def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
    ) -> List[Dict[Text, Any]]:
        """Answer the question; may raise the client's errors."""

    def now(self) -> datetime:
        """The current time in Europe/Berlin (injectable for tests)."""
        return self._now().astimezone(BERLIN)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Answer, or apologise politely when the city's data cannot be had."""
        language = language_of(tracker)
        follow_request(tracker)
        client = self._client or shared_client()
        try:
            return await self.answer(dispatcher, tracker, language, client)
        except CityApiUnavailable as exc:
            logger.warning("%s: city data API unavailable (%s)", self.name(), exc)
            dispatcher.utter_message(text=texts.text(language, "api_unavailable"))
        except CityApiRejected as exc:
            logger.warning(
                "%s: city data API rejected %s (%s)", self.name(), exc.parameter, exc.error_code
            )
            key = "district_unknown" if exc.parameter == "district" else "api_rejected"
            dispatcher.utter_message(text=texts.text(language, key))
        return []
