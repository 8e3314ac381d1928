"""Barrier reports and ideas through the web chat, the real stack: read back, corrected, filed."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from typing import Any

from tests.e2e.helpers import answer_text, city, new_sender
from tests.stack import Stack, http_json


def _number(text: str) -> str:
    found = re.search(r"Ihre Nummer ist (\d+)", text)
    assert found, text
    return found.group(1)


def _stop(stack: Stack, name: str) -> dict[str, Any]:
    items = city(stack, "/places", type="public_transport_stop", q=name, limit=1)["items"]
    assert items, name
    return dict(items[0])


def _file_directly(stack: Stack, code: str, lat: float, lon: float) -> str:
    """A report another client filed through Open311 (form-encoded, as the standard says)."""
    form = urllib.parse.urlencode(
        {"api_key": stack.open311_key, "service_code": code, "lat": lat, "long": lon}
    ).encode()
    request = urllib.request.Request(f"{stack.cityapi_url}/open311/v2/requests.json", data=form)
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())[0]["service_request_id"])


def test_a_report_is_read_back_corrected_and_filed_with_a_number(stack: Stack) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Der Aufzug am Doberaner Platz ist schon wieder kaputt")
    assert status == 200, body
    text = answer_text(body)
    assert "Doberaner Platz" in text, text
    assert "Soll ich das so an die Stadt schicken?" in text, text
    _, body = stack.chat(sender, "nein, der Ort stimmt nicht")
    assert "Wo ist das?" in answer_text(body), answer_text(body)
    _, body = stack.chat(sender, "Holbeinplatz")
    text = answer_text(body)
    assert "Holbeinplatz" in text, text
    assert "Aufzug" in text, text
    _, body = stack.chat(sender, "ja, bitte abschicken")
    number = _number(answer_text(body))
    report = city(stack, f"/open311/v2/requests/{number}.json", extensions="true")[0]
    assert report["service_code"] == "barrier-lift"
    holbein = _stop(stack, "Holbeinplatz")
    assert abs(report["lat"] - holbein["lat"]) < 1e-4
    assert report["status"] == "open"
    # and the citizen can ask about it later
    _, body = stack.chat(sender, f"Gibt es Neues zu {number}?")
    assert f"Meldung {number}" in answer_text(body), answer_text(body)
    assert "eingegangen" in answer_text(body)


def test_a_barrier_reported_nearby_is_supported_instead_of_filed_twice(stack: Stack) -> None:
    steintor = _stop(stack, "Steintor")
    existing = _file_directly(stack, "barrier-signal", steintor["lat"], steintor["lon"])
    sender = new_sender()
    _, body = stack.chat(sender, "Die Ampel an der Haltestelle Steintor piept nicht")
    text = answer_text(body)
    assert "Das wurde schon gemeldet" in text, text
    _, body = stack.chat(sender, "ja")
    assert f"Meldung {existing}" in answer_text(body), answer_text(body)
    report = city(stack, f"/open311/v2/requests/{existing}.json", extensions="true")[0]
    assert report["extended_attributes"]["votes"] == 1
    mine = city(
        stack, "/open311/v2/requests.json", api_key=stack.open311_key,
        account_id=stack.person_id("web", sender),
    )  # fmt: skip
    assert mine == []


def test_an_idea_for_a_district_reaches_the_city(stack: Stack) -> None:
    sender = new_sender()
    _, body = stack.chat(sender, "Es wäre schön, wenn es in Toitenwinkel einen Bolzplatz gäbe")
    text = answer_text(body)
    assert "Ihre Idee für" in text, text
    assert "Toitenwinkel" in text, text
    _, body = stack.chat(sender, "ja")
    number = _number(answer_text(body))
    idea = city(stack, f"/open311/v2/requests/{number}.json", extensions="true")[0]
    assert idea["service_code"].startswith("idea-")
    assert "Bolzplatz" in idea["description"]


def test_cancelling_a_report_sends_nothing(stack: Stack) -> None:
    sender = new_sender()
    stack.chat(sender, "Am Neuen Markt fehlt eine Rampe")
    _, body = stack.chat(sender, "abbrechen")
    assert "nichts abgeschickt" in answer_text(body), answer_text(body)
    mine = city(
        stack, "/open311/v2/requests.json", api_key=stack.open311_key,
        account_id=stack.person_id("web", sender),
    )  # fmt: skip
    assert mine == []


def test_the_reporter_who_asked_for_news_hears_of_the_staff_s_status_change(
    stack: Stack,
) -> None:
    sender = new_sender()
    stack.chat(sender, "Der Fahrstuhl am Neuen Markt ist außer Betrieb")
    _, body = stack.chat(sender, "ja")
    text = answer_text(body)
    number = _number(text)
    assert "Bescheid sagen" in text, text
    _, body = stack.chat(sender, "1")  # the first button: yes, tell me
    assert "sobald sich etwas ändert" in answer_text(body), answer_text(body)
    status, answer = http_json(
        "POST",
        f"{stack.cityapi_url}/staff/reports/{number}/status",
        {"status": "IN_PROCESS", "note": "Der Aufzug wird am Montag repariert."},
        headers={"Authorization": f"Bearer {stack.staff_token}"},
    )
    assert status == 200, answer
    deadline = time.monotonic() + 20
    waiting: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not waiting:
        _, page = http_json("GET", f"{stack.gateway_url}/api/chat/messages?sender={sender}")
        waiting = page["messages"]
        time.sleep(0.3)
    assert waiting, "no news reached the web chat"
    assert f"Neues zu Ihrer Meldung {number}: Sie ist jetzt in Bearbeitung." in waiting[0]["text"]
    assert "am Montag repariert" in waiting[0]["text"]


def _buttons(body: dict[str, Any]) -> list[dict[str, str]]:
    return [b for m in body.get("messages", []) for b in m.get("buttons", [])]


def test_a_contact_is_asked_after_the_privacy_notice_and_reaches_only_the_staff(
    stack: Stack,
) -> None:
    sender = new_sender()
    status, body = stack.chat(sender, "Der Aufzug am Holbeinplatz ist kaputt")
    assert status == 200, body
    for _ in range(2):  # an open report nearby is offered first: not that one
        if "Soll ich das so an die Stadt schicken?" in answer_text(body):
            break
        _, body = stack.chat(sender, "nein")
    wish = next(b for b in _buttons(body) if b["title"] == "Senden, mit Kontakt für Rückfragen")
    _, body = stack.chat(sender, wish["payload"])
    text = answer_text(body)
    assert "Wenn Sie einverstanden sind, schreiben Sie mir Ihre E-Mail-Adresse" in text, text
    _, body = stack.chat(sender, "paul.schulz@example.org")
    number = _number(answer_text(body))
    public = city(stack, f"/open311/v2/requests/{number}.json", extensions="true")[0]
    assert "paul.schulz" not in json.dumps(public)  # never in the public view
    status, staff = http_json(
        "GET",
        f"{stack.cityapi_url}/staff/reports/{number}",
        headers={"Authorization": f"Bearer {stack.staff_token}"},
    )
    assert status == 200, staff
    assert staff["contact"]["email"] == "paul.schulz@example.org"
