"""Builders of real rasa-sdk objects for running actions: trackers and collected answers."""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.reset import SEARCH_SLOTS

# The slots the domain fills from entities of the same name (nlu/domain/*.yml, from_entity):
# the search slots that action_reset_search clears.
ENTITY_SLOTS = SEARCH_SLOTS


def _user_event(intent: str, entities: Mapping[str, Any], text: str) -> dict[str, Any]:
    parse_data = {
        "intent": {"name": intent, "confidence": 0.95},
        "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        "text": text,
    }
    return {"event": "user", "text": text, "parse_data": parse_data}


def make_tracker(
    *,
    intent: str = "ask_place",
    entities: Mapping[str, Any] | None = None,
    slots: Mapping[str, Any] | None = None,
    language: str = "de",
    text: str = "",
    intent_ranking: Sequence[Mapping[str, Any]] | None = None,
    sender_id: str = "person-1",
    earlier: Sequence[tuple[Mapping[str, Any], str]] = (),
) -> Tracker:
    """A tracker as the action server receives it after a user message.

    `earlier` are the turns before: the entities of each message and the action that answered it.
    As Rasa does, every slot mapped from an entity holds the last value said in any turn.
    """
    entity_list = [
        {"entity": name, "value": value, "extractor": "DIETClassifier"}
        for name, value in (entities or {}).items()
    ]
    all_slots: dict[str, Any] = {name: None for name in ENTITY_SLOTS}
    all_slots["language"] = language
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"}]
    for said_before, answered_by in earlier:
        events.append(_user_event("ask", said_before, "…"))
        events.append({"event": "action", "name": answered_by})
        events.append({"event": "action", "name": "action_listen"})
        all_slots.update({k: v for k, v in said_before.items() if k in ENTITY_SLOTS})
    all_slots.update({k: v for k, v in (entities or {}).items() if k in ENTITY_SLOTS})
    all_slots.update(slots or {})
    ranking = list(intent_ranking or [{"name": intent, "confidence": 0.95}])
    latest_message = {
        "intent": {"name": intent, "confidence": ranking[0]["confidence"]},
        "entities": entity_list,
        "text": text,
        "intent_ranking": ranking,
    }
    events.append({"event": "user", "text": text, "parse_data": latest_message})
    return Tracker(sender_id, all_slots, latest_message, events, False, None, {}, "action_listen")


def tracker_from_payload(payload: str, **kwargs: Any) -> Tracker:
    """The tracker after a button with `payload` (`/intent{"entity": "value"}`) was tapped."""
    match = re.fullmatch(r"/(\w+)(\{.*\})?", payload)
    assert match, payload
    entities = json.loads(match.group(2)) if match.group(2) else {}
    return make_tracker(intent=match.group(1), entities=entities, text=payload, **kwargs)


@dataclass
class Answer:
    """What an action sent back: the messages and the events it returned."""

    messages: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m.get("text")]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.messages for b in m.get("buttons") or []]


async def run_action(action: Action, tracker: Tracker) -> Answer:
    """Run `action` as the action server does and collect what it said."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return Answer(messages=dispatcher.messages, events=list(events))
