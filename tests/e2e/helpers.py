"""Helpers of the end-to-end tests: the city API's own answers, Rasa's tracker, answer texts."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import date, datetime, timedelta
from functools import cache
from types import ModuleType
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.core.language import LanguageGuesser
from tests.stack import ROOT, Stack, http_json

BERLIN = ZoneInfo("Europe/Berlin")
# A message the model cannot place (nlu/tests/test_stories.yml pins it to nlu_fallback).
AMBIGUOUS = "was nun"


def new_sender() -> str:
    """A fresh web chat sender id, so every test starts a new conversation."""
    return f"e2e-{uuid.uuid4().hex[:12]}"


def answer_text(body: dict[str, Any]) -> str:
    """All answer texts of a /api/chat response, joined."""
    return "\n".join(m.get("text", "") for m in body.get("messages", []))


def city(stack: Stack, path: str, **params: object) -> Any:
    """GET from the city data API the stack runs (the source of truth for the answers)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    status, body = http_json("GET", f"{stack.cityapi_url}{path}?{query}")
    assert status == 200, body
    return body


def tracker(stack: Stack, person_id: str) -> dict[str, Any]:
    """Rasa's tracker of this person's conversation."""
    status, body = http_json(
        "GET", f"{stack.rasa_url}/conversations/{person_id}/tracker?token={stack.rasa_token}"
    )
    assert status == 200, body
    return dict(body)


def actions_run(stack: Stack, person_id: str) -> list[str]:
    """The names of the actions Rasa ran in this conversation, in order."""
    events = tracker(stack, person_id)["events"]
    return [e["name"] for e in events if e.get("event") == "action"]


def last_intent(stack: Stack, person_id: str) -> str:
    """The intent of the latest user message Rasa saw."""
    return str(tracker(stack, person_id)["latest_message"]["intent"]["name"])


@cache
def guesser() -> LanguageGuesser:
    """The gateway's own language detector, to check the language of an answer."""
    return LanguageGuesser(min_words=3, min_confidence=0.7)


def language_of_answer(text: str) -> str | None:
    """de or en when the answer text is clearly written in one of them."""
    return guesser().detect(text)


@cache
def action_texts() -> ModuleType:
    """actions/texts.py, loaded on its own (the actions package needs the Rasa runtime)."""
    spec = importlib.util.spec_from_file_location("e2e_action_texts", ROOT / "actions" / "texts.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def this_weekend(today: date) -> tuple[datetime, datetime]:
    """Saturday 00:00 to Monday 00:00 in Rostock; on a weekend day, the current weekend."""
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    if today.weekday() == 6:
        saturday = today - timedelta(days=1)
    start = datetime(saturday.year, saturday.month, saturday.day, tzinfo=BERLIN)
    return start, start + timedelta(days=2)
