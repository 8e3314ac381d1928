"""Subscriptions asked for in plain words ("Nachrichten aus Lichtenhagen, bitte").

The subscriptions live in the gateway, which answers `/subscribe` and its yes; this action only
tells it what was heard: the custom payload `{"subscription": {"action", "district", "topic"}}`
follows a short text that a client without subscriptions would show instead.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.common import language_of, latest_entity

# the intents this action answers, and what the gateway is to do for each
SUBSCRIPTION_INTENTS = {
    "subscribe": "subscribe",
    "unsubscribe": "unsubscribe",
    "list_subscriptions": "list",
}


def hand_to_gateway(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Say what subscription the latest message asked for, for the gateway to answer."""
    intent = str((tracker.latest_message.get("intent") or {}).get("name") or "")
    request: Dict[str, str] = {"action": SUBSCRIPTION_INTENTS.get(intent, "subscribe")}
    if request["action"] != "list":
        for name in ("district", "topic"):
            value = latest_entity(tracker, name)
            if isinstance(value, str) and value.strip():
                request[name] = value.strip()
    dispatcher.utter_message(text=texts.text(language_of(tracker), "subscription_by_command"))
    dispatcher.utter_message(json_message={"subscription": request})


class ActionSubscription(Action):
    """Subscribe, unsubscribe or list, as heard; the gateway asks for the yes and keeps them."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_subscription"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Hand the request to the gateway; no slot changes."""
        hand_to_gateway(dispatcher, tracker)
        return []
