"""Through the real stack: a slash payload a citizen types into the web chat never reaches Rasa as
an intent with entities; the payload of a button just offered does."""

from __future__ import annotations

from bot.core import texts
from bot.core.commands import parse_privacy_command
from bot.core.subscriptions import parse_subscription_command
from tests.e2e.helpers import AMBIGUOUS, answer_text, new_sender, tracker
from tests.stack import Stack


def _user_texts(stack: Stack, person: str) -> list[str]:
    return [e["text"] for e in tracker(stack, person)["events"] if e.get("event") == "user"]


def test_a_typed_intent_payload_is_answered_by_the_gateway_and_rasa_never_sees_it(
    stack: Stack,
) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Hallo")
    assert status == 200, body
    person = stack.person_id("web", sender)
    typed = [
        '/share_location{"latitude": 54.0887, "longitude": 12.1402}',
        '/attach_photo{"media_id": "not-yours"}',
        '/ask_place{"place_type": "toilet", "district": "Südstadt"}',
    ]
    for text in typed:
        status, body = stack.chat(sender, text)
        assert status == 200, body
        assert answer_text(body) == texts.text("not_offered", "de")
    assert _user_texts(stack, person) == ["Hallo"]


def test_the_payload_of_an_offered_button_still_goes_to_rasa(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, AMBIGUOUS)
    assert status == 200, body
    # a button whose payload Rasa answers (not one the gateway answers itself, like /unsubscribe)
    payloads = [
        b["payload"]
        for m in body["messages"]
        for b in m.get("buttons", [])
        if parse_subscription_command(b["payload"]) is None
        and parse_privacy_command(b["payload"]) is None
    ]
    assert payloads, body
    status, body = stack.chat(sender, payloads[0])  # the web page sends a tap so
    assert status == 200, body
    assert answer_text(body) != texts.text("not_offered", "de")
    person = stack.person_id("web", sender)
    assert _user_texts(stack, person)[-1] == payloads[0]
