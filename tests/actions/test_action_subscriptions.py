"""Subscriptions heard in plain words are handed to the gateway, which keeps them."""

import pytest

from actions.subscriptions import ActionSubscription
from builders import make_tracker, run_action


def _request(answer_messages: list[dict]) -> dict:
    carried = [m["custom"]["subscription"] for m in answer_messages if m.get("custom")]
    assert len(carried) == 1, answer_messages
    return dict(carried[0])


async def test_a_wish_for_news_names_the_district_and_topic_it_heard() -> None:
    tracker = make_tracker(
        intent="subscribe",
        entities={"district": "Lichtenhagen", "topic": "construction"},
        text="Sagen Sie mir Bescheid, wenn es in Lichtenhagen Baustellen gibt",
    )
    answer = await run_action(ActionSubscription(), tracker)
    assert _request(answer.messages) == {
        "action": "subscribe",
        "district": "Lichtenhagen",
        "topic": "construction",
    }
    # a client without subscriptions shows how to use the command instead
    assert answer.texts == [
        "Nachrichten der Stadt abonnieren Sie mit /subscribe und Ihrem Stadtteil, "
        "zum Beispiel /subscribe Lichtenhagen Baustellen."
    ]
    assert answer.events == []


@pytest.mark.parametrize(
    ("intent", "action"),
    [("unsubscribe", "unsubscribe"), ("list_subscriptions", "list")],
)
async def test_stopping_and_listing_are_handed_on_in_the_persons_language(
    intent: str, action: str
) -> None:
    tracker = make_tracker(intent=intent, entities={"topic": "events"}, language="en")
    request = _request((await run_action(ActionSubscription(), tracker)).messages)
    expected = {"action": action, "topic": "events"} if action != "list" else {"action": "list"}
    assert request == expected
    answer = await run_action(ActionSubscription(), tracker)
    assert answer.texts[0].startswith("You subscribe to the city's news with /subscribe")
