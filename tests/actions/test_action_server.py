"""The real action server (`python -m rasa_sdk --actions actions`) as Rasa calls it."""

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builders import make_tracker
from conftest import ROOT, free_port, wait_for_health


@pytest.fixture(scope="module")
def action_server(cityapi_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = Path(tmp_path_factory.mktemp("actions")) / "actions.log"
    env = {**os.environ, "CITYAPI_URL": cityapi_url}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(f"{url}/health", proc, log, seconds=90)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def call(url: str, action: str, **tracker_args: Any) -> dict[str, Any]:
    tracker = make_tracker(**tracker_args)
    body = {
        "next_action": action,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(),
        "domain": {},
        "version": "3.6.2",
    }
    request = urllib.request.Request(
        f"{url}/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_the_server_registers_every_action_of_the_contract(action_server: str) -> None:
    with urllib.request.urlopen(f"{action_server}/actions", timeout=10) as response:
        names = {a["name"] for a in json.loads(response.read())}
    assert names == {
        "action_find_places",
        "action_opening_hours",
        "action_find_events",
        "action_change_language",
        "action_clarify",
        "action_reset_search",
        "action_start_report",
        "validate_report_form",
        "action_ask_report_category",
        "action_ask_report_place",
        "action_ask_report_support",
        "action_ask_report_description",
        "action_ask_report_confirmed",
        "action_ask_report_contact",
        "action_file_report",
        "action_report_status",
        "action_find_council",
        "action_council_meeting",
        "action_council_agenda",
        "action_council_access",
        "action_council_contact",
        "action_council_question_time",
        "action_council_resume",
        "action_subscription",
    }


def test_the_server_answers_from_the_city_api_named_by_cityapi_url(action_server: str) -> None:
    result = call(
        action_server,
        "action_find_places",
        entities={"place_type": "library", "district": "Südstadt"},
        language="en",
    )
    texts = [r["text"] for r in result["responses"] if r.get("text")]
    assert texts[0] == "Libraries in Südstadt: 2 results."
    assert texts[1].startswith("1. ")


def test_the_language_change_reaches_rasa_and_the_gateway(action_server: str) -> None:
    result = call(
        action_server,
        "action_change_language",
        intent="change_language",
        entities={"language": "en"},
    )
    assert {"event": "slot", "timestamp": None, "name": "language", "value": "en"} in (
        result["events"]
    )
    assert {"language": "en"} in [r.get("custom") for r in result["responses"]]
