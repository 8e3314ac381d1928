"""Open311 GeoReport v2: reports and ideas filed, found nearby, supported and moved on by staff.

The rules checked here are the specification's (open311.github.io GeoReport v2, its JSON schemas):
answers are top-level arrays in JSON and `services/service`, `service_requests/request` in XML,
every datetime carries an offset, errors are `[{"code", "description"}]` with 400, 403 or 404.
"""

from __future__ import annotations

import asyncio
import math
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from cityapi.app import create_app
from cityapi.districts import DistrictRegistry
from cityapi.settings import CityApiSettings
from tests.cityapi.helpers import OPEN311_KEY, STAFF_TOKEN

V2 = "/open311/v2"
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def _point(districts: DistrictRegistry, name: str, north_m: float = 0.0) -> tuple[float, float]:
    sb = next(sb for sb in districts.stadtbereiche if sb.name == name)
    return sb.centroid_lat + north_m / 111_000, sb.centroid_lon


def _form(**fields: Any) -> dict[str, str]:
    return {"api_key": OPEN311_KEY, **{k: str(v) for k, v in fields.items()}}


async def _post(api: TestClient, form: dict[str, str], status: int, **kw: Any) -> Any:
    resp = await api.post(f"{V2}/requests.json", data=form, **kw)
    body = await resp.json()
    assert resp.status == status, body
    return body


async def _file(
    api: TestClient, point: tuple[float, float], code: str = "barrier-lift", **fields: Any
) -> str:
    fields.setdefault("account_id", f"person-{uuid.uuid4().hex[:8]}")
    body = await _post(api, _form(service_code=code, lat=point[0], long=point[1], **fields), 201)
    return str(body[0]["service_request_id"])


async def _get(api: TestClient, path: str, expect: int = 200, **params: Any) -> Any:
    resp = await api.get(f"{V2}{path}", params={k: str(v) for k, v in params.items()})
    body = await resp.json()
    assert resp.status == expect, body
    return body


def _assert_error(body: Any, status: int) -> None:
    assert isinstance(body, list)
    assert len(body) == 1
    assert body[0]["code"] == status
    assert body[0]["description"]


def _has_offset(moment: str) -> bool:
    return datetime.fromisoformat(moment).utcoffset() is not None


async def test_services_follow_klarschiff_groups_in_json_and_xml(api: TestClient) -> None:
    services = await _get(api, "/services.json")
    by_code = {s["service_code"]: s for s in services}
    lift = by_code["barrier-lift"]
    assert lift["group"] == "Barrierefreiheit"
    assert lift["keywords"] == "problem"
    assert lift["type"] in ("realtime", "batch", "blackbox")
    assert lift["metadata"] is True
    assert by_code["idea-district"]["keywords"] == "idea"
    assert {s["group"] for s in services if s["service_code"].startswith("barrier-")} == {
        "Barrierefreiheit"
    }
    resp = await api.get(f"{V2}/services.xml")
    assert resp.content_type == "text/xml"
    root = ET.fromstring(await resp.read())
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == [s["service_code"] for s in services]
    assert root.find("service/metadata").text in ("true", "false")  # type: ignore[union-attr]


async def test_a_service_definition_lists_its_attributes_and_values(api: TestClient) -> None:
    definition = await _get(api, "/services/barrier-signal.json")
    assert definition["service_code"] == "barrier-signal"
    attribute = definition["attributes"][0]
    assert attribute["code"] == "signal_problem"
    assert attribute["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attribute["values"]} >= {"no_sound", "too_short"}
    resp = await api.get(f"{V2}/services/barrier-signal.xml")
    root = ET.fromstring(await resp.read())
    assert root.tag == "service_definition"
    keys = [v.findtext("key") for v in root.findall("attributes/attribute/values/value")]
    assert "no_sound" in keys


async def test_unknown_service_is_a_404_error_list_in_json_and_xml(api: TestClient) -> None:
    _assert_error(await _get(api, "/services/no-such-thing.json", 404), 404)
    resp = await api.get(f"{V2}/services/no-such-thing.xml")
    assert resp.status == 404
    root = ET.fromstring(await resp.read())
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    _assert_error(await _get(api, "/nothing-here.json", 404), 404)


async def test_discovery_names_the_v2_endpoint(api: TestClient) -> None:
    body = await _get(api, "/discovery.json")
    endpoint = body["endpoints"][0]
    assert endpoint["specification"].endswith("_v2")
    assert endpoint["url"].endswith("/open311/v2")
    assert "application/json" in endpoint["formats"]


async def test_a_filed_report_can_be_read_back_with_its_district_and_token(
    api: TestClient, districts: DistrictRegistry
) -> None:
    point = _point(districts, "Lütten Klein")
    body = await _post(
        api,
        _form(
            service_code="barrier-lift",
            lat=point[0],
            long=point[1],
            description="Der Aufzug zum Bahnsteig steht still.",
            **{"attribute[device]": "lift"},
        ),
        201,
    )
    assert set(body[0]) >= {"service_request_id", "token", "service_notice"}
    request_id = body[0]["service_request_id"]
    found = await _get(api, f"/requests/{request_id}.json", extensions="true")
    assert isinstance(found, list)
    assert len(found) == 1
    report = found[0]
    assert report["service_request_id"] == request_id
    assert report["status"] == "open"
    assert report["description"] == "Der Aufzug zum Bahnsteig steht still."
    assert math.isclose(report["lat"], point[0])
    assert _has_offset(report["requested_datetime"])
    assert report["extended_attributes"]["detailed_status"] == "RECEIVED"
    assert report["extended_attributes"]["district"] == "Lütten Klein"
    assert report["extended_attributes"]["attributes"] == {"device": "lift"}
    token = await _get(api, f"/tokens/{body[0]['token']}.json")
    assert token[0]["service_request_id"] == request_id


async def test_filing_refuses_without_a_valid_api_key(
    api: TestClient, districts: DistrictRegistry
) -> None:
    point = _point(districts, "Südstadt")
    form = {"service_code": "barrier-kerb", "lat": str(point[0]), "long": str(point[1])}
    _assert_error(await _post(api, form, 403), 403)
    _assert_error(await _post(api, {**form, "api_key": "guessed"}, 403), 403)


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"service_code": "barrier-kerb"}, "no location"),
        ({"lat": "54.09", "long": "12.13"}, "no service_code"),
        ({"service_code": "no-such", "lat": "54.09", "long": "12.13"}, "unknown code"),
        ({"service_code": "barrier-kerb", "lat": "52.52", "long": "13.40"}, "Berlin"),
        ({"service_code": "barrier-kerb", "lat": "54.09"}, "lat without long"),
        ({"service_code": "barrier-kerb", "lat": "north", "long": "12.13"}, "not a number"),
        (
            {"service_code": "barrier-signal", "lat": "54.09", "long": "12.13",
             "attribute[signal_problem]": "loud"},
            "value outside the list",
        ),
        (
            {"service_code": "barrier-kerb", "lat": "54.09", "long": "12.13",
             "attribute[colour]": "red"},
            "attribute the service lacks",
        ),
        ({"service_code": "idea-district", "lat": "54.09", "long": "12.13"}, "idea without text"),
        (
            {"service_code": "barrier-kerb", "address_string": "Lange Str.", "email": "not-mail"},
            "bad e-mail",
        ),
    ],
)  # fmt: skip
async def test_bad_reports_get_a_400_and_nothing_is_stored(
    api: TestClient, fields: dict[str, str], why: str
) -> None:
    account = f"bad-{uuid.uuid4().hex[:8]}"
    body = await _post(api, _form(account_id=account, **fields), 400)
    _assert_error(body, 400)
    mine = await _get(api, "/requests.json", api_key=OPEN311_KEY, account_id=account)
    assert mine == [], why


async def test_a_20000_character_description_is_refused_clearly(
    api: TestClient, districts: DistrictRegistry
) -> None:
    point = _point(districts, "Südstadt")
    form = _form(service_code="barrier-path", lat=point[0], long=point[1], description="x" * 20_000)
    body = await _post(api, form, 400)
    assert "4000" in body[0]["description"]


async def test_a_huge_form_is_refused_before_it_is_read(api: TestClient) -> None:
    resp = await api.post(
        f"{V2}/requests.xml",
        data=_form(service_code="barrier-path", description="y" * 200_000),
    )
    assert resp.status == 413
    assert ET.fromstring(await resp.read()).findtext("error/code") == "413"


async def test_script_tags_come_back_as_text_and_are_escaped_in_xml(
    api: TestClient, districts: DistrictRegistry
) -> None:
    text = '<script>alert("x")</script> & mehr'
    request_id = await _file(
        api, _point(districts, "Reutershagen"), "barrier-other", description=text
    )
    found = await _get(api, f"/requests/{request_id}.json")
    assert found[0]["description"] == text
    resp = await api.get(f"{V2}/requests/{request_id}.xml")
    raw = await resp.read()
    assert b"<script>" not in raw
    assert ET.fromstring(raw).findtext("request/description") == text


async def test_a_repeated_post_with_the_same_idempotency_key_files_once(
    api: TestClient, districts: DistrictRegistry
) -> None:
    point = _point(districts, "Evershagen")
    account = f"retry-{uuid.uuid4().hex[:8]}"
    form = _form(service_code="barrier-step", lat=point[0], long=point[1], account_id=account)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await _post(api, form, 201, headers=key)
    again = await _post(api, form, 200, headers=key)
    assert again[0]["service_request_id"] == first[0]["service_request_id"]
    mine = await _get(api, "/requests.json", api_key=OPEN311_KEY, account_id=account)
    assert len(mine) == 1


async def test_open_reports_nearby_are_found_nearest_first_for_duplicates(
    api: TestClient, districts: DistrictRegistry
) -> None:
    here = _point(districts, "Dierkow-Neu")
    near = await _file(api, _point(districts, "Dierkow-Neu", north_m=40), "barrier-tactile")
    nearer = await _file(api, _point(districts, "Dierkow-Neu", north_m=10), "barrier-tactile")
    far = await _file(api, _point(districts, "Dierkow-Neu", north_m=300), "barrier-tactile")
    other = await _file(api, here, "barrier-toilet")
    found = await _get(
        api,
        "/requests.json",
        service_code="barrier-tactile",
        lat=here[0],
        long=here[1],
        radius=100,
        status="open",
        extensions="true",
    )
    ids = [r["service_request_id"] for r in found]
    assert ids[:2] == [nearer, near]
    assert far not in ids
    assert other not in ids
    assert found[0]["extended_attributes"]["distance_m"] <= 15


async def test_a_supporter_counts_once_and_a_closed_report_takes_no_votes(
    api: TestClient, districts: DistrictRegistry
) -> None:
    request_id = await _file(api, _point(districts, "Toitenwinkel"), "barrier-kerb")
    url = f"{V2}/requests/{request_id}/votes.json"
    resp = await api.post(url, data=_form(account_id="supporter-1"))
    assert resp.status == 201
    assert (await resp.json())[0]["votes"] == 1
    resp = await api.post(url, data=_form(account_id="supporter-1"))
    assert resp.status == 200
    assert (await resp.json())[0]["votes"] == 1
    resp = await api.post(url, data=_form(account_id="supporter-2"))
    assert (await resp.json())[0]["votes"] == 2
    found = await _get(api, f"/requests/{request_id}.json", extensions="true")
    assert found[0]["extended_attributes"]["votes"] == 2
    resp = await api.post(
        f"/staff/reports/{request_id}/status", json={"status": "PROCESSED"}, headers=STAFF
    )
    assert resp.status == 200
    resp = await api.post(url, data=_form(account_id="supporter-3"))
    assert resp.status == 400
    _assert_error(await resp.json(), 400)
    resp = await api.post(f"{V2}/requests/999999999/votes.json", data=_form(account_id="x"))
    assert resp.status == 404


async def test_staff_move_a_report_on_and_the_reporter_sees_the_note(
    api: TestClient, districts: DistrictRegistry
) -> None:
    account = f"reporter-{uuid.uuid4().hex[:8]}"
    request_id = await _file(
        api, _point(districts, "Gartenstadt/Stadtweide"), "barrier-lift", account_id=account
    )
    feed = await api.get("/staff/report-changes", headers=STAFF, params={"limit": "500"})
    after = (await feed.json())["next_after"]
    path = f"/staff/reports/{request_id}/status"
    resp = await api.post(
        path, json={"status": "IN_PROCESS", "note": "Techniker ist bestellt.", "by": "Amt 66"},
        headers=STAFF,
    )  # fmt: skip
    assert resp.status == 200, await resp.text()
    resp = await api.post(
        path, json={"status": "PROCESSED", "note": "Der Aufzug fährt wieder."}, headers=STAFF
    )
    assert resp.status == 200
    mine = await _get(api, "/requests.json", api_key=OPEN311_KEY, account_id=account)
    assert mine[0]["status"] == "closed"
    assert mine[0]["status_notes"] == "Der Aufzug fährt wieder."
    detail = await (await api.get(f"/staff/reports/{request_id}", headers=STAFF)).json()
    assert [h["detailed_status"] for h in detail["history"]] == [
        "RECEIVED",
        "IN_PROCESS",
        "PROCESSED",
    ]
    feed = await api.get("/staff/report-changes", headers=STAFF, params={"after": str(after)})
    changes = [c for c in (await feed.json())["items"] if c["service_request_id"] == request_id]
    assert [(c["detailed_status"], c["account_id"]) for c in changes] == [
        ("IN_PROCESS", account),
        ("PROCESSED", account),
    ]
    assert changes[0]["note"] == "Techniker ist bestellt."


async def test_staff_cannot_skip_back_or_reject_without_a_reason(
    api: TestClient, districts: DistrictRegistry
) -> None:
    request_id = await _file(api, _point(districts, "Brinckmansdorf"), "barrier-path")
    path = f"/staff/reports/{request_id}/status"
    resp = await api.post(path, json={"status": "RECEIVED"}, headers=STAFF)
    assert resp.status == 409
    assert (await resp.json())["error"]["parameter"] == "status"
    resp = await api.post(path, json={"status": "REJECTED"}, headers=STAFF)
    assert resp.status == 400
    assert (await resp.json())["error"]["parameter"] == "reason"
    resp = await api.post(
        path, json={"status": "REJECTED", "reason": "duplicate", "note": "Schon gemeldet."},
        headers=STAFF,
    )  # fmt: skip
    assert resp.status == 200
    found = await _get(api, f"/requests/{request_id}.json", extensions="true")
    assert found[0]["status"] == "closed"
    assert found[0]["extended_attributes"]["reason"] == "duplicate"


async def test_staff_endpoints_need_the_token_and_show_contact_only_to_staff(
    api: TestClient, districts: DistrictRegistry
) -> None:
    request_id = await _file(
        api, _point(districts, "Schmarl"), "barrier-kerb", email="erika@example.org"
    )
    resp = await api.get(f"/staff/reports/{request_id}")
    assert resp.status == 401
    resp = await api.get(f"/staff/reports/{request_id}", headers={"Authorization": "Bearer no"})
    assert resp.status == 401
    resp = await api.get(f"/staff/reports/{request_id}", headers=STAFF)
    assert (await resp.json())["contact"]["email"] == "erika@example.org"
    public = await api.get(f"{V2}/requests/{request_id}.json", params={"extensions": "true"})
    assert b"erika@example.org" not in await public.read()


async def test_listing_by_account_needs_the_api_key(api: TestClient) -> None:
    _assert_error(await _get(api, "/requests.json", 403, account_id="someone"), 403)


async def test_staff_endpoints_are_off_without_a_token(
    sample_url: str, districts: DistrictRegistry
) -> None:
    app = create_app(CityApiSettings(DATABASE_URL=sample_url), districts)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/staff/reports", headers=STAFF)
        assert resp.status == 404
        resp = await client.post(
            f"{V2}/requests.json", data={"api_key": "", "service_code": "barrier-kerb"}
        )
        assert resp.status == 403


async def test_fifty_reports_filed_at_once_are_all_kept(
    api: TestClient, districts: DistrictRegistry
) -> None:
    account = f"crowd-{uuid.uuid4().hex[:8]}"
    point = _point(districts, "Kröpeliner-Tor-Vorstadt")
    forms = [
        _form(service_code="barrier-other", lat=point[0], long=point[1], account_id=account,
              description=f"Meldung {n}")
        for n in range(50)
    ]  # fmt: skip
    answers = await asyncio.gather(*(api.post(f"{V2}/requests.json", data=form) for form in forms))
    assert [a.status for a in answers] == [201] * 50
    ids = {(await a.json())[0]["service_request_id"] for a in answers}
    assert len(ids) == 50
    mine = await _get(api, "/requests.json", api_key=OPEN311_KEY, account_id=account)
    assert sorted(r["description"] for r in mine) == sorted(f"Meldung {n}" for n in range(50))


async def test_a_district_named_instead_of_a_point_is_kept_as_the_district(
    api: TestClient,
) -> None:
    form = _form(service_code="idea-district", address_string="KTV", description="Mehr Bänke")
    body = await _post(api, form, 201)
    found = await _get(api, f"/requests/{body[0]['service_request_id']}.json", extensions="true")
    assert found[0]["address"] == "KTV"
    assert found[0]["extended_attributes"]["district"] == "Kröpeliner-Tor-Vorstadt"


async def test_a_person_forgotten_on_request_leaves_their_reports_anonymous(
    api: TestClient, districts: DistrictRegistry
) -> None:
    account = f"forget-{uuid.uuid4().hex[:8]}"
    mine = await _file(
        api, _point(districts, "Biestow"), "barrier-kerb", account_id=account,
        email="max@example.org",
    )  # fmt: skip
    other = await _file(api, _point(districts, "Biestow", north_m=500), "barrier-path")
    await api.post(f"{V2}/requests/{other}/votes.json", data=_form(account_id=account))
    resp = await api.post(f"/staff/accounts/{account}/forget", headers=STAFF)
    assert resp.status == 200
    assert (await resp.json()) == {"reports": 1}
    assert await _get(api, "/requests.json", api_key=OPEN311_KEY, account_id=account) == []
    detail = await (await api.get(f"/staff/reports/{mine}", headers=STAFF)).json()
    assert detail["contact"]["email"] is None
    assert detail["description"] == ""  # the report itself stays
    voted = await _get(api, f"/requests/{other}.json", extensions="true")
    assert voted[0]["extended_attributes"]["votes"] == 1
    # their vote no longer says whose it is: the same account may support it anew
    again = await api.post(f"{V2}/requests/{other}/votes.json", data=_form(account_id=account))
    assert (await again.json())[0]["votes"] == 2
    assert (await api.post(f"/staff/accounts/{account}/forget")).status == 401
