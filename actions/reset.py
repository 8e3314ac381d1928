"""Starting a new search: forget what the last one was about."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

SEARCH_SLOTS = (
    "place_type",
    "district",
    "accessibility",
    "place_name",
    "when",
    "event_category",
    "latitude",
    "longitude",
)


class ActionResetSearch(Action):
    """Clears the search slots (the language stays)."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_reset_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Set every search slot that has a value back to empty; says nothing itself."""
        return [SlotSet(slot, None) for slot in SEARCH_SLOTS if tracker.get_slot(slot) is not None]
