"""Asking back when the NLU is unsure: the two likeliest intents as buttons."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.common import intent_payload, language_of

MAX_OPTIONS = 2
# Offered when no likely intent makes sense as a choice: what the assistant does most.
MAIN_INTENTS = ("ask_place", "ask_opening_hours", "ask_event")


def recognised_entities(tracker: Tracker) -> Dict[str, Any]:
    """The latest message's entities, the first value of each kind."""
    found: Dict[str, Any] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if name and value not in (None, "") and name not in found:
            found[name] = value
    return found


def likeliest_intents(tracker: Tracker, language: str) -> List[str]:
    """The two likeliest intents that can be offered, best first."""
    options: List[str] = []
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        intent = ranked.get("name")
        if intent and intent not in options and texts.intent_title(language, intent):
            options.append(intent)
        if len(options) == MAX_OPTIONS:
            break
    return options


class ActionClarify(Action):
    """Asks back with the two likeliest intents, keeping the recognised entities in the payloads."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Offer the likeliest intents, or the main topics when none fits."""
        language = language_of(tracker)
        options = likeliest_intents(tracker, language)
        entities = recognised_entities(tracker)
        key = "clarify_two"
        if not options:
            options, entities, key = list(MAIN_INTENTS), {}, "clarify_none"
        buttons = [
            {
                "title": texts.intent_title(language, intent),
                "payload": intent_payload(intent, entities),
            }
            for intent in options
        ]
        dispatcher.utter_message(text=texts.text(language, key), buttons=buttons)
        return []
