"""Changing the language of the answers (German or English)."""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import language_of, latest_entity

logger = logging.getLogger(__name__)

# The NLU emits canonical codes; the names are accepted too, in case a synonym slipped through.
_ALIASES = {
    "de": "de", "deutsch": "de", "german": "de", "germany": "de",
    "en": "en", "englisch": "en", "english": "en",
}  # fmt: skip


def wanted_language(tracker: Tracker) -> str:
    """The language asked for, or the other one when none was named (there are only two)."""
    named = latest_entity(tracker, "language")
    if isinstance(named, str) and named.strip().lower() in _ALIASES:
        return _ALIASES[named.strip().lower()]
    return "en" if language_of(tracker) == "de" else "de"


class ActionChangeLanguage(Action):
    """Sets the language slot and tells the gateway, which remembers it for the person."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """No text here: the rule's `utter_language_changed` confirms in the new language."""
        language = wanted_language(tracker)
        logger.info("language changed to %s", language)
        dispatcher.utter_message(json_message={"language": language})
        return [SlotSet("language", language)]
