"""What an operator reads from the gateway's /metrics after citizens talk through the real stack:
messages by channel and recognised intent, answer latency, the NLU fallback rate, the outbox."""

from __future__ import annotations

import re
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.helpers import AMBIGUOUS, answer_text, last_intent, new_sender
from tests.stack import Stack

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(base_url: str) -> tuple[str, Samples]:
    """GET /metrics: the raw text and its samples by (name, sorted labels)."""
    with urllib.request.urlopen(base_url + "/metrics", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (0 when the series does not exist yet)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_web_chat_messages_are_counted_by_intent_with_their_answer_time(stack: Stack) -> None:
    sender = new_sender()
    _, before = scrape(stack.gateway_url)
    status, body = stack.chat(sender, "wo ist eine rollstuhlgerechte toilette in der südstadt")
    assert status == 200, body
    person = stack.person_id("web", sender)
    asked = last_intent(stack, person)
    status, body = stack.chat(sender, AMBIGUOUS)
    assert status == 200, body
    assert last_intent(stack, person) == "nlu_fallback"
    text, after = scrape(stack.gateway_url)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert asked == "ask_place"
    assert grew("smilecity_messages_total", channel="web", intent="ask_place") == 1
    assert grew("smilecity_messages_total", channel="web", intent="nlu_fallback") == 1
    assert grew("smilecity_nlu_fallbacks_total", channel="web") == 1
    assert grew("smilecity_answer_seconds_count", channel="web") == 2
    assert grew("smilecity_answer_seconds_sum", channel="web") > 0
    # the depth of the announcement outbox is read at every scrape
    assert ("smilecity_outbox_pending", (("channel", "web"),)) in after
    # no person id, sender or words become a label
    for secret in (sender, person, "toilette", "südstadt", AMBIGUOUS):
        assert secret not in text.lower(), secret


def test_a_refused_message_is_timed_but_has_no_intent(stack: Stack) -> None:
    sender = new_sender()
    _, before = scrape(stack.gateway_url)
    status, _ = stack.chat(sender, "x" * 4001)
    assert status == 413
    _, after = scrape(stack.gateway_url)
    key = {"channel": "web", "intent": "unknown"}
    assert (
        value(after, "smilecity_messages_total", **key)
        - value(before, "smilecity_messages_total", **key)
        == 1
    )


def test_a_filed_idea_is_counted_and_a_cancelled_report_is_not(stack: Stack) -> None:
    _, before = scrape(stack.gateway_url)
    sender = new_sender()
    _, body = stack.chat(sender, "Es wäre schön, wenn es in Toitenwinkel einen Bolzplatz gäbe")
    assert "Ihre Idee für" in answer_text(body)
    _, body = stack.chat(sender, "ja")
    assert re.search(r"Ihre Nummer ist \d+", answer_text(body)), body  # filed, with its number
    other = new_sender()
    stack.chat(other, "Am Neuen Markt fehlt eine Rampe")
    stack.chat(other, "abbrechen")
    _, after = scrape(stack.gateway_url)
    filed = value(after, "smilecity_reports_filed_total", channel="web") - value(
        before, "smilecity_reports_filed_total", channel="web"
    )
    assert filed == 1
