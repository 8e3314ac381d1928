"""Asking to be forgotten also unlinks one's reports at the city data API; the reports stay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient

from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import IncomingMessage
from bot.reports import CityReportAccounts
from bot.store.database import create_engine, migrate
from bot.store.erasure import StoredPersonalData
from bot.store.people import SqlPersonStore
from bot.store.web_outbox import WebOutbox
from tests.bot.conftest import API_KEY, STAFF_TOKEN
from tests.fakes import MemoryPersonalData, MemoryPersonStore, ScriptedAssistant


async def _file(city: TestClient, person_id: str) -> str:
    resp = await city.post(
        "/open311/v2/requests.json",
        data={"api_key": API_KEY, "service_code": "barrier-toilet", "lat": "54.0887",
              "long": "12.1405", "account_id": person_id, "email": "lisa@example.org"},
    )  # fmt: skip
    assert resp.status == 201
    return str((await resp.json())[0]["service_request_id"])


async def test_erasure_unlinks_the_person_s_reports_and_deletes_the_rest(
    cityapi: TestClient, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    migrate(url)
    engine = create_engine(url)
    people = SqlPersonStore(engine)
    person = await people.touch("telegram", "4242", "4242", "de")
    reports = [await _file(cityapi, person.id) for _ in range(2)]
    async with aiohttp.ClientSession() as session:
        accounts = CityReportAccounts(session, str(cityapi.make_url("/")), STAFF_TOKEN)
        erased = await StoredPersonalData(people, WebOutbox(engine), None, reports=accounts).erase(
            person.id
        )
    assert erased.reports == 2
    assert not erased.reports_unreachable
    assert erased.settings
    assert await people.get(person.id) is None
    resp = await cityapi.get(
        "/open311/v2/requests.json", params={"api_key": API_KEY, "account_id": person.id}
    )
    assert await resp.json() == []
    for report in reports:  # the city keeps the reports, without the person's e-mail
        resp = await cityapi.get(
            f"/staff/reports/{report}", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}
        )
        assert (await resp.json())["contact"]["email"] is None
    await engine.dispose()


async def test_with_the_city_data_api_away_the_person_is_told_to_ask_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    migrate(url)
    engine = create_engine(url)
    people = SqlPersonStore(engine)
    person = await people.touch("web", "web-x", "web-x", "de")
    async with aiohttp.ClientSession() as session:
        accounts = CityReportAccounts(session, "http://127.0.0.1:9", STAFF_TOKEN)
        erased = await StoredPersonalData(people, WebOutbox(engine), None, reports=accounts).erase(
            person.id
        )
    assert erased.reports_unreachable
    assert erased.settings  # everything else is deleted all the same
    await engine.dispose()


async def test_the_answer_to_delete_names_the_unlinked_reports() -> None:
    store = MemoryPersonStore()
    data = MemoryPersonalData(store)
    core = Conversation(store, ScriptedAssistant(), LanguageGuesser(), personal_data=data)
    msg = IncomingMessage(channel="web", sender_id="w1", chat_id="w1", text="/delete")
    await core.handle(msg)
    data.reports[store.people[("web", "w1")].id] = 3
    done = await core.handle(replace(msg, text="1"))
    assert "die Verbindung zu Ihren 3 Meldungen" in done.messages[0].text
    data.reports_away = True
    await core.handle(msg)
    later = await core.handle(replace(msg, text="1"))
    assert "später noch einmal /delete" in later.messages[0].text


async def test_the_export_holds_the_person_s_reports_with_their_contact_data(
    cityapi: TestClient, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    migrate(url)
    engine = create_engine(url)
    people = SqlPersonStore(engine)
    person = await people.touch("telegram", "4242", "4242", "de")
    other = await people.touch("telegram", "4343", "4343", "de")
    mine = await _file(cityapi, person.id)
    await _file(cityapi, other.id)
    async with aiohttp.ClientSession() as session:
        accounts = CityReportAccounts(session, str(cityapi.make_url("/")), STAFF_TOKEN)
        data = await StoredPersonalData(people, WebOutbox(engine), None, reports=accounts).export(
            person.id
        )
        away = CityReportAccounts(session, "http://127.0.0.1:9", STAFF_TOKEN)
        without = await StoredPersonalData(people, WebOutbox(engine), None, reports=away).export(
            person.id
        )
    reports = data["reports"]
    assert isinstance(reports, list)
    assert [str(r["id"]) for r in reports] == [mine]  # only their own
    assert reports[0]["contact"]["email"] == "lisa@example.org"
    record = data["person"]
    assert isinstance(record, dict)
    assert (record["id"], record["channel"]) == (person.id, "telegram")
    assert without["reports"] is None  # said in the answer: ask again later
    resp = await cityapi.get(f"/staff/accounts/{person.id}/reports")
    assert resp.status == 401  # staff only
    await engine.dispose()
