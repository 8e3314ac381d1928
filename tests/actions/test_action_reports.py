"""Barrier reports and ideas in conversation, filed through the real city data API's Open311."""

import io
import json
import re
import uuid
from typing import Any

import aiohttp
from PIL import Image

from actions.cityapi_client import CityApiClient
from actions.council_questions import ActionCouncilQuestionTime
from actions.reports import (
    REQUIRED,
    SLOTS,
    ActionAskReportConfirmed,
    ActionAskReportContact,
    ActionAskReportDescription,
    ActionAskReportSupport,
    ActionFileReport,
    ActionReportStatus,
    ActionStartReport,
    ValidateReportForm,
    category_in,
    place_phrase,
)
from builders import Answer, make_tracker, run_action, tracker_from_payload
from conftest import OPEN311_KEY, STAFF_TOKEN

DOBERANER_PLATZ = (54.0916, 12.1215)


def _person() -> str:
    return f"person-{uuid.uuid4().hex[:10]}"


class Dialogue:
    """A report dialogue as the form runs it: slots carried from turn to turn."""

    def __init__(self, client: CityApiClient, sender: str, language: str = "de") -> None:
        self.client = client
        self.sender = sender
        self.language = language
        self.slots: dict[str, Any] = {slot: None for slot in (*SLOTS, "requested_slot")}

    def apply(self, answer: Answer) -> Answer:
        for event in answer.events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        return answer

    def next_slot(self) -> str | None:
        return next((s for s in REQUIRED if self.slots[s] is None), None)

    async def start(self, text: str, intent: str = "report_barrier", **entities: Any) -> Answer:
        tracker = make_tracker(
            intent=intent, text=text, entities=entities, sender_id=self.sender,
            language=self.language,
        )  # fmt: skip
        answer = self.apply(await run_action(ActionStartReport(self.client), tracker))
        self.slots["requested_slot"] = self.next_slot()
        return answer

    async def say(self, text: str, intent: str = "inform", **entities: Any) -> Answer:
        return await self._answer(
            make_tracker(
                intent=intent,
                text=text,
                entities=entities,
                slots=self.slots,
                sender_id=self.sender,
                language=self.language,
            )
        )

    async def tap(self, payload: str) -> Answer:
        return await self._answer(
            tracker_from_payload(
                payload, slots=self.slots, sender_id=self.sender, language=self.language
            )
        )

    async def _answer(self, tracker: Any) -> Answer:
        answer = self.apply(await run_action(ValidateReportForm(self.client), tracker))
        self.slots["requested_slot"] = self.next_slot()
        return answer

    async def ask(self, action: Any) -> Answer:
        return await run_action(action, self._tracker())

    async def file(self) -> Answer:
        return self.apply(await run_action(ActionFileReport(self.client), self._tracker()))

    def _tracker(self) -> Any:
        return make_tracker(slots=self.slots, sender_id=self.sender, language=self.language)


async def _reports_of(client: CityApiClient, sender: str) -> list[dict[str, Any]]:
    return await client.reports(account_id=sender)


def test_the_category_is_understood_from_how_people_say_it() -> None:
    assert category_in("Die Rolltreppe am Bahnhof steht still") == "lift"
    assert category_in("der Fahrstuhl geht nicht") == "lift"
    assert category_in("Der Blindenleitstreifen ist zugestellt") == "tactile"
    assert category_in("die Behindertentoilette ist abgeschlossen") == "toilet"
    assert category_in("Bordstein nicht abgesenkt") == "kerb"
    assert category_in("Die Ampel piept nicht") == "signal"
    assert category_in("drei Stufen und keine Rampe") == "step"
    assert category_in("E-Roller versperren den Gehweg") == "path"
    assert category_in("es ist schlimm") is None


def test_the_place_is_the_phrase_after_the_preposition() -> None:
    assert place_phrase("Die Rolltreppe an der Haltestelle Lange Straße steht still") == (
        "Haltestelle Lange Straße"
    )
    assert place_phrase("Am Doberaner Platz ist der Bordstein zu hoch") == "Doberaner Platz"
    assert place_phrase("Die Ampel an der Kreuzung piept nicht") is None  # no place named


async def test_one_message_with_everything_fills_category_place_and_description(
    client: CityApiClient,
) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Die Rolltreppe an der Haltestelle Lange Straße steht still")
    assert talk.slots["report_category"] == "lift"
    assert "Lange Straße" in talk.slots["report_place"]
    assert talk.slots["report_lat"] is not None
    assert talk.slots["report_district"] == "Stadtmitte"
    assert talk.slots["report_description"].startswith("Die Rolltreppe")
    assert talk.slots["report_support"] == "none"
    # only the read-back is left to ask
    assert talk.next_slot() == "report_confirmed"
    readback = await talk.ask(ActionAskReportConfirmed())
    assert "Aufzug oder eine Rolltreppe außer Betrieb" in readback.text
    assert "Lange Straße" in readback.text
    assert "Soll ich das so an die Stadt schicken?" in readback.text
    assert {b["payload"] for b in readback.buttons} >= {"/affirm", '/deny{"report_part": "place"}'}


async def test_a_report_is_filed_after_yes_with_its_reference_number_and_only_once(
    client: CityApiClient,
) -> None:
    sender = _person()
    talk = Dialogue(client, sender)
    await talk.start("Der Aufzug am Doberaner Platz ist kaputt")
    await talk.say("ja, abschicken", intent="affirm")
    assert talk.slots["report_confirmed"] == "yes"
    key = talk.slots["report_key"]
    slots = dict(talk.slots)
    answer = await talk.file()
    mine = await _reports_of(client, sender)
    assert len(mine) == 1
    number = mine[0]["service_request_id"]
    assert f"Ihre Nummer ist {number}" in answer.text
    # the gateway learns which report was filed, to offer news about it
    assert {"report_filed": number} in [m.get("custom") for m in answer.messages]
    assert mine[0]["service_code"] == "barrier-lift"
    assert mine[0]["extended_attributes"]["attributes"] == {"device": "lift"}
    assert all(talk.slots[s] is None for s in SLOTS)  # ready for the next report
    # the action server retries the same filing (e.g. Rasa timed out): still one report
    talk.slots.update(slots)
    assert talk.slots["report_key"] == key
    again = await talk.file()
    assert f"Ihre Nummer ist {number}" in again.text
    assert len(await _reports_of(client, sender)) == 1


async def test_missing_parts_are_asked_for_and_a_place_name_is_found(
    client: CityApiClient,
) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Barriere melden")
    assert talk.next_slot() == "report_category"
    await talk.tap('/report_barrier{"barrier": "kerb"}')
    assert talk.slots["report_category"] == "kerb"
    assert talk.next_slot() == "report_place"
    await talk.say("Doberaner Platz")
    assert "Doberaner Platz" in talk.slots["report_place"]
    assert talk.slots["report_lat"] is not None
    assert talk.next_slot() == "report_confirmed"


async def test_a_shared_location_is_said_back_with_its_district(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Hier fehlt eine Rampe")
    assert talk.next_slot() == "report_place"
    await talk.tap('/share_location{"latitude": 54.0916, "longitude": 12.1215}')
    assert talk.slots["report_place"].startswith("Ihr geteilter Standort im Stadtteil")
    assert talk.slots["report_district"]


async def test_a_location_outside_rostock_is_refused_politely(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Hier fehlt eine Rampe")
    answer = await talk.tap('/share_location{"latitude": 52.52, "longitude": 13.40}')
    assert "nicht in Rostock" in answer.text
    assert talk.next_slot() == "report_place"


async def test_correcting_the_place_at_read_back_keeps_the_rest(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Die Ampel am Doberaner Platz piept nicht")
    assert talk.next_slot() == "report_confirmed"
    await talk.say("nein, der Ort stimmt nicht", intent="deny")
    assert talk.next_slot() == "report_place"
    assert talk.slots["report_category"] == "signal"
    assert talk.slots["report_description"].startswith("Die Ampel")
    await talk.say("Holbeinplatz")
    assert "Holbeinplatz" in talk.slots["report_place"]
    assert talk.next_slot() == "report_confirmed"


async def test_a_plain_no_at_read_back_asks_what_to_change(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Die Ampel am Doberaner Platz piept nicht")
    answer = await talk.say("nein", intent="deny")
    assert "Was soll ich ändern" in answer.text
    assert talk.next_slot() == "report_confirmed"


async def test_cancelling_files_nothing(client: CityApiClient) -> None:
    sender = _person()
    talk = Dialogue(client, sender)
    await talk.start("Der Aufzug am Doberaner Platz ist kaputt")
    await talk.say("ach, abbrechen")
    assert talk.next_slot() is None
    answer = await talk.file()
    assert "nichts abgeschickt" in answer.text
    assert await _reports_of(client, sender) == []


async def test_an_open_report_nearby_is_offered_for_support_instead_of_a_new_one(
    client: CityApiClient,
) -> None:
    first = Dialogue(client, _person())
    await first.start("Der Leitstreifen für Blinde am Holbeinplatz ist zugestellt")
    await first.say("ja", intent="affirm")
    await first.file()
    second_sender = _person()
    second = Dialogue(client, second_sender)
    await second.start("Am Holbeinplatz ist das Blindenleitsystem blockiert")
    assert second.next_slot() == "report_support"
    offer = await second.ask(ActionAskReportSupport())
    assert "Das wurde schon gemeldet" in offer.text
    assert "unterstützen" in offer.text
    await second.say("ja", intent="affirm")
    assert second.next_slot() is None
    duplicate = json.loads(second.slots["report_duplicate"])
    answer = await second.file()
    assert f"Unterstützung zur Meldung {duplicate['id']} gezählt" in answer.text
    assert "Sie hat jetzt eine Unterstützung" in answer.text
    assert await _reports_of(client, second_sender) == []  # no second report


async def test_an_idea_is_taken_with_its_district_and_filed_as_an_idea(
    client: CityApiClient,
) -> None:
    sender = _person()
    talk = Dialogue(client, sender)
    await talk.start("Ich habe eine Idee für einen Spielplatz in Dierkow", intent="submit_idea")
    assert talk.slots["report_kind"] == "idea"
    assert talk.slots["report_description"].startswith("Ich habe eine Idee")
    assert "Dierkow" in talk.slots["report_place"]
    assert talk.next_slot() == "report_confirmed"
    readback = await talk.ask(ActionAskReportConfirmed())
    assert "Ihre Idee für" in readback.text
    await talk.say("passt so", intent="affirm")
    answer = await talk.file()
    assert "Ihre Idee ist bei der Stadt eingegangen" in answer.text
    mine = await _reports_of(client, sender)
    assert [r["service_code"] for r in mine] == ["idea-district"]


async def test_a_bare_idea_asks_what_and_where(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Ich habe eine Idee", intent="submit_idea")
    assert talk.next_slot() == "report_place"
    await talk.say("Südstadt")
    assert talk.next_slot() == "report_description"
    await talk.say("Mehr Bänke im Park")
    assert talk.slots["report_description"] == "Mehr Bänke im Park"
    assert talk.next_slot() == "report_confirmed"


async def test_when_the_city_api_is_down_the_report_is_kept_for_another_try(
    client: CityApiClient, down_client: CityApiClient
) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Der Aufzug am Doberaner Platz ist kaputt")
    await talk.say("ja", intent="affirm")
    answer = talk.apply(await run_action(ActionFileReport(down_client), talk._tracker()))
    assert "nicht an die Stadt schicken" in answer.text
    assert {"event": "active_loop", "name": "report_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in answer.events
    ]
    assert talk.slots["report_category"] == "lift"  # nothing forgotten
    assert talk.next_slot() == "report_confirmed"


async def test_the_status_of_a_report_is_told_in_words(client: CityApiClient) -> None:
    sender = _person()
    talk = Dialogue(client, sender)
    await talk.start("Die Behindertentoilette am Doberaner Platz ist abgeschlossen")
    await talk.say("ja", intent="affirm")
    await talk.file()
    number = (await _reports_of(client, sender))[0]["service_request_id"]
    tracker = make_tracker(
        intent="ask_report_status", entities={"report_id": number},
        text=f"Gibt es Neues zu {number}?", sender_id=_person(),
    )  # fmt: skip
    answer = await run_action(ActionReportStatus(client), tracker)
    assert f"Meldung {number}" in answer.text
    assert "eingegangen" in answer.text
    mine = await run_action(
        ActionReportStatus(client),
        make_tracker(intent="ask_report_status", text="zeig mir meine Meldungen", sender_id=sender),
    )
    assert "Sie haben eine Meldung" in mine.text
    assert f"Meldung {number}" in mine.text
    unknown = await run_action(
        ActionReportStatus(client),
        make_tracker(intent="ask_report_status", entities={"report_id": "999999"}, text="999999"),
    )
    assert "nicht gefunden" in unknown.text
    nobody = await run_action(
        ActionReportStatus(client),
        make_tracker(intent="ask_report_status", text="meine Meldungen", sender_id=_person()),
    )
    assert "noch keine Meldung" in nobody.text


async def test_the_dialogue_speaks_english_to_english_speakers(client: CityApiClient) -> None:
    talk = Dialogue(client, _person(), language="en")
    await talk.start("The lift at Steintor is broken")
    readback = await talk.ask(ActionAskReportConfirmed())
    assert readback.text.startswith("Let me sum up. You are reporting a lift or escalator")
    await talk.say("yes", intent="affirm")
    answer = await talk.file()
    assert "Your number is" in answer.text


async def test_a_place_said_with_its_adjective_inflected_is_found(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Der Fahrstuhl am Neuen Markt ist außer Betrieb")
    assert "Neuer Markt" in talk.slots["report_place"]
    readback = await talk.ask(ActionAskReportConfirmed())
    assert "Sie melden einen Aufzug oder eine Rolltreppe außer Betrieb" in readback.text


async def test_a_word_of_the_phrase_alone_is_not_taken_for_a_place(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Die Rampe an der Neuen Halle fehlt")
    assert talk.slots["report_place"] is None  # asked, not guessed from "Neuen"


async def _upload_photo(cityapi_url: str) -> str:
    image = Image.new("RGB", (32, 24), (10, 120, 200))
    raw = io.BytesIO()
    image.save(raw, "JPEG")
    form = aiohttp.FormData()
    form.add_field("api_key", OPEN311_KEY)
    form.add_field("media", io.BytesIO(raw.getvalue()), filename="p.jpg", content_type="image/jpeg")
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{cityapi_url}/open311/v2/media.json", data=form) as response:
            assert response.status == 201, await response.text()
            return str((await response.json())[0]["media_id"])


async def test_a_photo_starts_a_report_and_is_filed_with_it(
    client: CityApiClient, cityapi_url: str
) -> None:
    sender = _person()
    talk = Dialogue(client, sender)
    media_id = await _upload_photo(cityapi_url)
    answer = await talk.start(
        f'/attach_photo{{"media_id": "{media_id}"}}', intent="attach_photo", media_id=media_id
    )
    assert "Danke für das Foto" in answer.text
    assert talk.next_slot() == "report_category"
    await talk.tap('/report_barrier{"barrier": "step"}')
    await talk.say("Doberaner Platz")
    second = await _upload_photo(cityapi_url)
    taken = await talk.tap(f'/attach_photo{{"media_id": "{second}"}}')
    assert "Foto nehme ich zur Meldung" in taken.text
    readback = await talk.ask(ActionAskReportConfirmed())
    assert "Fotos dazu: 2." in readback.text
    await talk.say("ja", intent="affirm")
    await talk.file()
    report = (await _reports_of(client, sender))[0]
    assert len(report["extended_attributes"]["media_urls"]) == 2


async def test_a_photo_s_caption_says_what_and_where(
    client: CityApiClient, cityapi_url: str
) -> None:
    talk = Dialogue(client, _person())
    media_id = await _upload_photo(cityapi_url)
    caption = "Die Rolltreppe am Holbeinplatz steht still"
    await talk.start(
        f'/attach_photo{{"media_id": "{media_id}", "caption": "{caption}"}}',
        intent="attach_photo",
        media_id=media_id,
        caption=caption,
    )
    assert talk.slots["report_category"] == "lift"
    assert "Holbeinplatz" in talk.slots["report_place"]
    assert talk.slots["report_description"] == caption
    assert talk.slots["report_media"] == media_id
    assert talk.next_slot() == "report_confirmed"


async def test_an_idea_can_be_addressed_to_the_district_council(client: CityApiClient) -> None:
    sender = _person()
    talk = Dialogue(client, sender)
    await talk.start("Wir brauchen einen Bolzplatz in Dierkow", intent="submit_idea")
    readback = await talk.ask(ActionAskReportConfirmed())
    council = next(b for b in readback.buttons if "Ortsbeirat" in b["title"])
    await talk.tap(council["payload"])
    assert talk.next_slot() is None
    answer = await talk.file()
    assert "auch für den Ortsbeirat Dierkow" in answer.text
    idea = (await _reports_of(client, sender))[0]
    assert idea["extended_attributes"]["council"] == "Dierkow"


async def test_a_question_for_the_council_from_question_time_is_filed_to_that_council(
    client: CityApiClient,
) -> None:
    asked = await run_action(
        ActionCouncilQuestionTime(client),
        make_tracker(intent="ask_council_question_time", entities={"district": "Südstadt"}),
    )
    button = next(b for b in asked.buttons if b["title"] == "Frage an den Ortsbeirat Südstadt")
    sender = _person()
    talk = Dialogue(client, sender)
    match = tracker_from_payload(button["payload"], sender_id=sender)
    started = talk.apply(await run_action(ActionStartReport(client), match))
    talk.slots["requested_slot"] = talk.next_slot()
    assert started.texts == []
    assert talk.next_slot() == "report_description"
    question = await talk.ask(ActionAskReportDescription())
    assert question.text.startswith("Was möchten Sie den Ortsbeirat fragen")

    await talk.say("Warum wird der Spielplatz am Südring nicht repariert?")
    readback = await talk.ask(ActionAskReportConfirmed())
    assert readback.text == (
        "Ich fasse zusammen. Ihr Anliegen an den Ortsbeirat Südstadt: „Warum wird der "
        "Spielplatz am Südring nicht repariert?“. Soll ich das so an die Stadt und den "
        "Ortsbeirat schicken?"
    )
    assert not any("Ortsbeirat" in b["title"] for b in readback.buttons)  # already for it
    await talk.tap("/affirm")
    answer = await talk.file()
    assert "auch für den Ortsbeirat Südstadt" in answer.text
    idea = (await _reports_of(client, sender))[0]
    assert idea["extended_attributes"]["council"] == "Südstadt"
    assert idea["description"] == "Warum wird der Spielplatz am Südring nicht repariert?"


async def test_an_idea_that_names_the_council_goes_to_it_without_asking(
    client: CityApiClient,
) -> None:
    sender = _person()
    talk = Dialogue(client, sender, language="en")
    await talk.start(
        "A suggestion for the district council: more benches in Dierkow",
        intent="submit_idea",
        district="Dierkow",
    )
    assert talk.slots["report_council"] == "yes"
    readback = await talk.ask(ActionAskReportConfirmed())
    assert readback.text.startswith(
        "Let me sum up. Your question or idea for the district council Dierkow:"
    ), readback.text
    await talk.tap("/affirm")
    answer = await talk.file()
    assert "for the district council Dierkow too" in answer.text
    assert (await _reports_of(client, sender))[0]["extended_attributes"]["council"] == "Dierkow"


async def test_a_report_at_an_address_is_filed_at_its_point(client: CityApiClient) -> None:
    sender = _person()
    talk = Dialogue(client, sender)
    await talk.start("Der Bordstein vor der Ziolkowskistraße 28 ist nicht abgesenkt")
    assert talk.slots["report_category"] == "kerb"
    assert talk.slots["report_place"] == "Ziolkowskistraße 28, Stadtteil Südstadt"
    assert talk.slots["report_district"] == "Südstadt"
    assert abs(float(talk.slots["report_lat"]) - 54.0735) < 1e-6


async def _staff_view(cityapi_url: str, request_id: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{cityapi_url}/staff/reports/{request_id}", headers=headers) as r:
            assert r.status == 200, await r.text()
            return dict(await r.json())


def _number_in(text: str) -> str:
    found = re.search(r"Ihre Nummer ist (\d+)", text)
    assert found, text
    return found.group(1)


async def test_a_contact_is_taken_only_after_the_privacy_notice_and_reaches_the_city(
    client: CityApiClient, cityapi_url: str
) -> None:
    talk = Dialogue(client, _person())
    await talk.start("Die Ampel am Doberaner Platz piept nicht")
    assert talk.slots["report_contact"] == "none"  # anonymous unless chosen
    if talk.next_slot() == "report_support":
        await talk.tap("/deny")
    readback = await talk.ask(ActionAskReportConfirmed())
    wish = next(b for b in readback.buttons if b["title"] == "Senden, mit Kontakt für Rückfragen")
    await talk.tap(wish["payload"])
    assert talk.next_slot() == "report_contact"
    notice = await talk.ask(ActionAskReportContact())
    assert "nur dafür genutzt" in notice.text
    assert "90 Tage nach Abschluss" in notice.text
    assert [b["title"] for b in notice.buttons] == ["Ohne Kontakt senden"]

    again = await talk.say("morgen vielleicht")
    assert again.text.startswith("Das habe ich nicht als E-Mail-Adresse oder Telefonnummer")
    await talk.say("Gern: anna.meier@example.org")
    assert talk.next_slot() is None
    filed = await talk.file()
    report = await _staff_view(cityapi_url, _number_in(filed.text))
    assert report["contact"]["email"] == "anna.meier@example.org"
    assert report["contact"]["phone"] is None


async def test_without_the_contact_wish_a_report_is_filed_anonymously(
    client: CityApiClient, cityapi_url: str
) -> None:
    talk = Dialogue(client, _person(), language="en")
    await talk.start("The lift at Holbeinplatz is broken, call me on 0381 1234567")
    if talk.next_slot() == "report_support":
        await talk.tap("/deny")
    await talk.tap("/affirm")
    assert talk.next_slot() is None
    filed = await talk.file()
    found = re.search(r"(\d{2,})", filed.text)
    assert found, filed.text
    report = await _staff_view(cityapi_url, found.group(1))
    assert report["contact"] == {
        "email": None, "first_name": None, "last_name": None, "phone": None
    }  # fmt: skip


async def test_a_phone_number_or_a_no_answers_the_contact_question(client: CityApiClient) -> None:
    talk = Dialogue(client, _person())
    talk.slots["requested_slot"] = "report_contact"
    await talk.say("Telefon: +49 381 123 45 67")
    assert talk.slots["report_contact"] == "phone:+49 381 123 45 67"
    talk.slots["requested_slot"] = "report_contact"
    await talk.say("nein, lieber ohne", intent="deny")
    assert talk.slots["report_contact"] == "none"
