"""One message can be followed through the services' JSON logs by its request id: the gateway
takes the caller's X-Request-Id, logs it, sends it to Rasa (whose action server passes it to the
city data API), and the city data API logs it and answers with it. No log line carries what the
person wrote or who they are."""

from __future__ import annotations

import json
import secrets
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.helpers import answer_text, new_sender
from tests.stack import Stack

TAG = secrets.token_hex(4)


def _json_lines(path: Path, start: int) -> list[dict[str, Any]]:
    """The log lines written after `start` bytes; each one must be a JSON object."""
    with path.open("rb") as log:
        log.seek(start)
        raw = log.read().decode()
    records = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        record = json.loads(line)  # a line that is no JSON object fails the test here
        assert isinstance(record, dict), line
        assert {"time", "level", "logger", "message"} <= record.keys(), line
        records.append(record)
    return records


def _chat(url: str, sender: str, message: str, request_id: str) -> tuple[int, Any, str]:
    data = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        url + "/api/chat",
        data=data,
        headers={"Content-Type": "application/json", "X-Request-Id": request_id},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read()), response.headers["X-Request-Id"]


def _with_id(records: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
    return [r for r in records if r.get("request_id") == request_id]


def test_a_request_id_follows_a_question_from_the_gateway_to_the_city_data_api(
    stack: Stack,
) -> None:
    gateway = stack.start_gateway({"LOG_FORMAT": "json"})
    sender = new_sender()
    words = f"Zwergenbrunnen{TAG}"
    request_id = f"trace-{TAG}-{secrets.token_hex(8)}"
    gateway_start = gateway.log_path.stat().st_size
    cityapi_start = stack.cityapi.log_path.stat().st_size

    status, body, answered_id = _chat(
        gateway.url, sender, "wo ist eine rollstuhlgerechte toilette in der südstadt", request_id
    )
    assert status == 200, body
    assert answer_text(body)
    assert answered_id == request_id
    # a second message, with words that must not reach a log, under an id the gateway makes
    status, body, other_id = _chat(gateway.url, sender, f"Ich heiße {words}", "not an id")
    assert status == 200, body
    assert other_id not in (request_id, "not an id")
    person = stack.person_id("web", sender, gateway.env["GATEWAY_DATABASE_URL"])

    deadline = time.monotonic() + 10
    while True:  # log lines are written a moment after the answer
        gateway_lines = _json_lines(gateway.log_path, gateway_start)
        cityapi_lines = _json_lines(stack.cityapi.log_path, cityapi_start)
        if _with_id(cityapi_lines, request_id) or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    from_gateway = _with_id(gateway_lines, request_id)
    assert any("web message answered" in r["message"] for r in from_gateway), gateway_lines
    # the action server asked the city data API for places with the same id
    from_cityapi = _with_id(cityapi_lines, request_id)
    assert any(r["logger"] == "cityapi.access" and "/places" in r["message"]
               for r in from_cityapi), cityapi_lines  # fmt: skip

    # what the person said and who they are is in no line of either service
    for record in [*gateway_lines, *cityapi_lines]:
        line = json.dumps(record, ensure_ascii=False).lower()
        for secret in (words.lower(), "toilette", "südstadt", sender, person):
            assert secret not in line, (secret, record)


def test_the_city_data_api_answers_with_the_request_id_it_was_given(stack: Stack) -> None:
    request_id = f"trace-{TAG}-direct"
    start = stack.cityapi.log_path.stat().st_size
    request = urllib.request.Request(
        stack.cityapi_url + "/districts", headers={"X-Request-Id": request_id}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["X-Request-Id"] == request_id
    deadline = time.monotonic() + 10
    while not _with_id(_json_lines(stack.cityapi.log_path, start), request_id):
        assert time.monotonic() < deadline, "no JSON log line with the request id"
        time.sleep(0.2)
