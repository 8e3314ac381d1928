"""GET /addresses: the city's address search (geocodr) behind the city data API, against a local
stand-in that answers as geocodr's documentation says."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from cityapi.app import create_app
from cityapi.districts import DistrictRegistry
from cityapi.settings import CityApiSettings
from tests.cityapi.helpers import DatabaseFactory
from tests.geocodr_standin import QUERIES, make_app
from tests.stack import closed_url

GEOCODR_KEY = "geoportal-key-of-the-city"


@pytest.fixture
async def geocodr() -> AsyncIterator[tuple[web.Application, str]]:
    app = make_app(GEOCODR_KEY)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield app, str(server.make_url("/query"))
    await server.close()


async def _api(databases: DatabaseFactory, districts: DistrictRegistry, **env: Any) -> TestClient:
    settings = CityApiSettings(DATABASE_URL=databases.new("sqlite"), **env)
    client = TestClient(TestServer(create_app(settings, districts)))
    await client.start_server()
    return client


async def test_an_address_is_found_with_its_point_stadtbereich_and_ortsteil(
    geocodr: tuple[web.Application, str],
    databases: DatabaseFactory,
    districts: DistrictRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stand_in, url = geocodr
    client = await _api(
        databases, districts, CITYAPI_GEOCODER_URL=url, CITYAPI_GEOCODER_KEY=GEOCODR_KEY
    )
    caplog.set_level(logging.DEBUG)
    try:
        resp = await client.get("/addresses", params={"q": "Holbeinplatz 14"})
        assert resp.status == 200, await resp.text()
        body = await resp.json()
    finally:
        await client.close()
    assert body == {
        "items": [
            {
                "title": "Reutershagen, Holbeinplatz 14",
                "street": "Holbeinplatz",
                "house_number": "14",
                "postcode": "18069",
                "lat": 54.09296279192458,
                "lon": 12.098038536588108,
                "district": "Reutershagen",
                "ortsteil": "Reutershagen",
            }
        ],
        "total": 1,
    }
    (asked,) = stand_in[QUERIES]
    assert asked == {
        "type": "search",
        "class": "address",
        "query": "Holbeinplatz 14",
        "limit": "5",
        "shape": "centroid",
        "out_epsg": "4326",
        "key": GEOCODR_KEY,
    }
    # the service's own log lines (the stand-in's access log is the upstream's, not ours)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("cityapi"))
    assert GEOCODR_KEY not in logged
    assert "Holbeinplatz" not in logged


async def test_only_addresses_in_rostock_are_answered(
    geocodr: tuple[web.Application, str], databases: DatabaseFactory, districts: DistrictRegistry
) -> None:
    _, url = geocodr
    client = await _api(
        databases, districts, CITYAPI_GEOCODER_URL=url, CITYAPI_GEOCODER_KEY=GEOCODR_KEY
    )
    try:
        resp = await client.get("/addresses", params={"q": "Kröpeliner Str. 5", "limit": "3"})
        body = await resp.json()
        none = await (await client.get("/addresses", params={"q": "Atlantisweg 1"})).json()
    finally:
        await client.close()
    assert [(i["title"], i["district"]) for i in body["items"]] == [
        ("Stadtmitte, Kröpeliner Straße 5", "Stadtmitte")
    ]  # not the Kröpeliner Straße of Bad Doberan
    assert none == {"items": [], "total": 0}


async def test_without_an_address_search_the_answer_says_it_is_not_configured(
    databases: DatabaseFactory, districts: DistrictRegistry
) -> None:
    client = await _api(databases, districts)
    try:
        resp = await client.get("/addresses", params={"q": "Holbeinplatz 14"})
        body = await resp.json()
    finally:
        await client.close()
    assert resp.status == 501
    assert body["error"]["code"] == "not_configured"


@pytest.mark.parametrize("fault", ["wrong key", "down"])
async def test_a_failing_address_search_is_a_502_and_the_api_goes_on(
    geocodr: tuple[web.Application, str],
    databases: DatabaseFactory,
    districts: DistrictRegistry,
    fault: str,
) -> None:
    _, url = geocodr
    env = (
        {"CITYAPI_GEOCODER_URL": url, "CITYAPI_GEOCODER_KEY": "not-the-key"}
        if fault == "wrong key"
        else {"CITYAPI_GEOCODER_URL": closed_url() + "/query"}
    )
    client = await _api(databases, districts, **env)
    try:
        resp = await client.get("/addresses", params={"q": "Holbeinplatz 14"})
        body = await resp.json()
        located = await client.get("/districts/locate", params={"lat": "54.0929", "lon": "12.098"})
    finally:
        await client.close()
    assert resp.status == 502
    assert body["error"]["code"] == "geocoder_unavailable"
    assert located.status == 200


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({}, "q"), ({"q": "ab"}, "q"), ({"q": "Holbeinplatz 14", "limit": "11"}, "limit")],
)
async def test_bad_address_queries_name_the_parameter(
    geocodr: tuple[web.Application, str],
    databases: DatabaseFactory,
    districts: DistrictRegistry,
    params: dict[str, str],
    parameter: str,
) -> None:
    stand_in, url = geocodr
    client = await _api(
        databases, districts, CITYAPI_GEOCODER_URL=url, CITYAPI_GEOCODER_KEY=GEOCODR_KEY
    )
    try:
        resp = await client.get("/addresses", params=params)
        body = await resp.json()
    finally:
        await client.close()
    assert resp.status == 400
    assert body["error"]["parameter"] == parameter
    assert stand_in[QUERIES] == []  # nothing was asked upstream
