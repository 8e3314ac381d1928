"""When parts of the stack fail or input is bad, citizens get a clear answer and nothing crashes."""

from __future__ import annotations

from bot.core import texts
from tests.e2e.helpers import action_texts, answer_text, city, new_sender, tracker
from tests.stack import Stack, closed_url, http_json

QUESTION = "wo ist eine rollstuhlgerechte toilette in der südstadt"


def _names_a_suedstadt_toilet(stack: Stack, text: str) -> bool:
    toilets = city(
        stack, "/places", type="toilet", district="Südstadt", wheelchair="yes,limited", limit=100
    )["items"]
    return any(t["name"] in text for t in toilets)


def test_city_data_api_stopped_mid_conversation_gives_an_apology_then_recovers(
    stack: Stack,
) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, QUESTION)
    assert status == 200, body
    assert _names_a_suedstadt_toilet(stack, answer_text(body))
    stack.stop_cityapi()
    try:
        status, body = stack.chat(sender, "wo gibt es einen spielplatz in warnemünde")
        assert status == 200, body
        assert action_texts().text("de", "api_unavailable") in answer_text(body)
    finally:
        stack.start_cityapi()
    status, body = stack.chat(sender, QUESTION)
    assert status == 200, body
    assert _names_a_suedstadt_toilet(stack, answer_text(body))


def test_rasa_down_answers_not_reachable_in_the_persons_language_with_503(stack: Stack) -> None:
    gateway = stack.start_gateway(rasa_url=closed_url())
    try:
        status, body = http_json(
            "POST", gateway.url + "/api/chat", {"sender": "web-rasa-down", "message": "hallo"}
        )
        assert status == 503
        assert body["error"]["code"] == "assistant_unavailable"
        assert body["messages"][0]["text"] == texts.text("assistant_unavailable", "de")
        status, body = http_json(
            "POST",
            gateway.url + "/api/chat",
            {"sender": "web-rasa-down-en", "message": "hello there", "lang": "en"},
        )
        assert status == 503
        assert body["messages"][0]["text"] == texts.text("assistant_unavailable", "en")
        # the gateway itself stays alive and keeps answering, but says it cannot serve
        status, _ = http_json("GET", gateway.url + "/healthz")
        assert status == 200
        status, body = http_json("GET", gateway.url + "/readyz")
        assert status == 503
        assert body["checks"]["assistant"] is False
        # the gateway in front of the running Rasa is ready
        status, body = http_json("GET", stack.gateway_url + "/readyz")
        assert status == 200, body
        assert body["checks"] == {"database": True, "assistant": True}
    finally:
        gateway.stop()


def test_bad_input_gets_clear_errors_and_the_conversation_goes_on(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "x" * 4001)
    assert status == 413
    assert body["error"]["code"] == "message_too_long"
    assert body["messages"][0]["text"] == texts.text("too_long", "de")
    status, body = stack.chat(sender, "   ")
    assert status == 400
    assert body["error"]["code"] == "empty_message"
    status, body = stack.chat(sender, "\x00\x01\x02\x03\ufffe")
    assert status == 400
    assert body["error"]["code"] == "unreadable_message"
    status, body = http_json("POST", stack.gateway_url + "/api/chat", None)
    assert status == 415  # no body, so no JSON content type either
    assert body["error"]["code"] == "unsupported_media_type"
    status, body = http_json("POST", stack.gateway_url + "/api/chat", "just a string")
    assert status == 400
    # after all that the same person is answered normally
    status, body = stack.chat(sender, QUESTION)
    assert status == 200, body
    assert _names_a_suedstadt_toilet(stack, answer_text(body))


def _playground_names(stack: Stack, district: str) -> set[str]:
    items = city(stack, "/places", type="playground", district=district, limit=100)["items"]
    assert items, f"the sample data has playgrounds in {district}"
    return {p["name"] for p in items}


def test_a_place_search_continues_after_rasa_restarts_mid_conversation(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Welche Spielplätze gibt es in Warnemünde?")
    assert status == 200, body
    assert any(name in answer_text(body) for name in _playground_names(stack, "Warnemünde"))
    person = stack.person_id("web", sender)

    stack.restart_rasa()

    # the conversation is still there: Rasa read it back from its SQL tracker store
    user_texts = [e.get("text") for e in tracker(stack, person)["events"] if e["event"] == "user"]
    assert "Welche Spielplätze gibt es in Warnemünde?" in user_texts
    # and a follow-up that names only a district is still about playgrounds
    status, body = stack.chat(sender, "und in der Südstadt?")
    assert status == 200, body
    text = answer_text(body)
    assert any(name in text for name in _playground_names(stack, "Südstadt")), text
