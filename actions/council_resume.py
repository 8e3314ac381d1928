"""After "Für welchen Stadtteil?": the council question waiting is answered, or passed on."""

import re
from typing import Any, Dict, List, Optional, Text, cast

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.addresses import address_phrase
from actions.cityapi_client import CityApiClient, CityApiRejected
from actions.clarify import ActionClarify
from actions.common import CityDataAction, as_float, latest_entity
from actions.council_questions import COUNCIL_ACTIONS
from actions.councils import PENDING_SLOT, Councils, find_councils
from actions.places import ActionFindPlaces
from actions.subscriptions import SUBSCRIPTION_INTENTS, hand_to_gateway

# words around a district name in an answer to "Für welchen Stadtteil?" ("ich wohne in der …")
_FILLER = re.compile(
    r"^(?:(?:ich|wir|wohne|wohnen|lebe|leben|in|im|der|die|dem|den|stadtteil|ortsteil|"
    r"i|we|live|in|the|district|of)\s+)+",
    re.IGNORECASE,
)


def district_words(tracker: Tracker) -> Optional[str]:
    """What the latest message may name as a district: the district or place name heard, else
    the words themselves ("Lütten Klein" is often heard as a place name, or not at all)."""
    for name in ("district", "place_name"):
        value = latest_entity(tracker, name)
        if value is not None:
            return str(value)
    text = str(tracker.latest_message.get("text") or "").strip()
    if not text or text.startswith("/") or len(text) > 60:
        return None
    words = _FILLER.sub("", re.sub(r"[^\w\s/-]", " ", text).strip())
    return words or None


class ActionCouncilResume(CityDataAction):
    """After "Für welchen Stadtteil?": the district or location that follows answers the question.

    A message that names no district of Rostock is something else after all: a place search
    when it names a kind of place, the "did you mean" buttons when it was not understood, the
    subscription answer when it was heard as one, else the district is asked for once more.
    """

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_council_resume"

    async def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        language: str,
        client: CityApiClient,
    ) -> List[Dict[Text, Any]]:
        """Answer the remembered council question, or hand the message on."""
        pending_class = COUNCIL_ACTIONS.get(str(tracker.get_slot(PENDING_SLOT) or ""))
        place_type = latest_entity(tracker, "place_type")
        if pending_class is not None and place_type is None:
            pending = pending_class(client, self._now)
            lat = as_float(latest_entity(tracker, "latitude"))
            if lat is not None or latest_entity(tracker, "district") is not None:
                return await pending.answer(dispatcher, tracker, language, client)
            text = str(tracker.latest_message.get("text") or "")
            if address_phrase(text) is not None:  # "Holbeinplatz 14": the address answers it
                councils = await find_councils(tracker, client)
                if councils is not None and councils.items:
                    return await pending.respond(dispatcher, language, client, councils)
            words = district_words(tracker)
            if words:
                try:
                    page = await client.councils(kind="ortsbeirat", district=words)
                except CityApiRejected:
                    page = {}
                if page.get("items"):
                    councils = Councils(items=list(page["items"]), district=words)
                    return await pending.respond(dispatcher, language, client, councils)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in SUBSCRIPTION_INTENTS:
            # "Lütten Klein" alone is sometimes heard as a wish to subscribe; it was not a district
            hand_to_gateway(dispatcher, tracker)
            events: List[Dict[Text, Any]] = []
        elif intent == "nlu_fallback":
            # the domain is not needed to offer the likeliest intents
            events = list(await ActionClarify().run(dispatcher, tracker, cast(DomainDict, {})))
        elif place_type is not None or pending_class is None:
            events = await ActionFindPlaces(client, self._now).answer(
                dispatcher, tracker, language, client
            )
        else:
            dispatcher.utter_message(text=texts.text(language, "council_ask_district_again"))
            return []
        return [SlotSet(PENDING_SLOT, None), *events]
