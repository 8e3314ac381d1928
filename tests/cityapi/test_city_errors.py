"""Bad input gets a 4xx with a JSON error naming the problem: never a 500, never a stack trace."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.cityapi.helpers import expect_error

BAD_PLACES_QUERIES = [
    ({"near": "54.08"}, "near"),
    ({"near": "54.08,12.1,3"}, "near"),
    ({"near": "north,east"}, "near"),
    ({"near": "91,12"}, "near"),
    ({"near": "54,181"}, "near"),
    ({"near": "nan,12"}, "near"),
    ({"near": "54.08,inf"}, "near"),
    ({"near": "54.08,12.1", "radius": "0"}, "radius"),
    ({"near": "54.08,12.1", "radius": "50001"}, "radius"),
    ({"near": "54.08,12.1", "radius": "2km"}, "radius"),
    ({"radius": "500"}, "radius"),
    ({"limit": "0"}, "limit"),
    ({"limit": "101"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"type": "castle"}, "type"),
    ({"type": ""}, "type"),
    ({"wheelchair": "maybe"}, "wheelchair"),
    ({"wheelchair": "yes,sometimes"}, "wheelchair"),
    ({"open_now": "perhaps"}, "open_now"),
    ({"open_at": "tomorrow"}, "open_at"),
    ({"open_now": "true", "open_at": "2026-12-01T10:00"}, "open_at"),
    ({"tactile_paving": "2"}, "tactile_paving"),
    ({"q": "x" * 201}, "q"),
    ({"district": "Atlantis"}, "district"),
    # a local time that does not exist: the clocks jump from 02:00 to 03:00 that night
    ({"open_at": "2026-03-29T02:30"}, "open_at"),
    # times the calendar maths cannot reach
    ({"open_at": "0001-01-01T00:00"}, "open_at"),
    ({"open_at": "9999-12-31T23:59"}, "open_at"),
    # only ASCII digits are numbers
    ({"limit": "\u0661"}, "limit"),
    ({"limit": "1_0"}, "limit"),
]


@pytest.mark.parametrize(("query", "parameter"), BAD_PLACES_QUERIES)
async def test_bad_place_queries_name_the_parameter(
    api: TestClient, query: dict[str, str], parameter: str
) -> None:
    await expect_error(api, "/places", 400, "invalid_parameter", parameter, **query)


async def test_unknown_parameter_is_named(api: TestClient) -> None:
    body = await expect_error(api, "/places", 400, "unknown_parameter", "colour", colour="red")
    assert "near" in body["error"]["message"]  # says what is accepted
    await expect_error(api, "/districts", 400, "unknown_parameter", "page", page="2")


async def test_repeated_parameter_is_refused(api: TestClient) -> None:
    resp = await api.get("/places?type=toilet&type=library")
    assert resp.status == 400
    assert (await resp.json())["error"]["parameter"] == "type"


async def test_unknown_path_and_wrong_method_answer_json(api: TestClient) -> None:
    await expect_error(api, "/nowhere", 404, "not_found", None)
    resp = await api.post("/places", data=b"{}")
    assert resp.status == 405
    assert resp.headers["Allow"] == "GET"
    body = await resp.json()
    assert body["error"]["code"] == "method_not_allowed"
    assert "GET" in body["error"]["message"]


async def test_oversized_requests_are_refused(api: TestClient) -> None:
    resp = await api.get("/places", params={"q": "a" * 5000})
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "payload_too_large"
    resp = await api.request("GET", "/places", data=b"x" * 100_000)
    assert 400 <= resp.status < 500
    assert "Traceback" not in await resp.text()


async def test_locate_errors(api: TestClient) -> None:
    await expect_error(api, "/districts/locate", 400, "invalid_parameter", "lat", lon="12.1")
    await expect_error(api, "/districts/locate", 400, "invalid_parameter", "lat", lat="x", lon="12")
    await expect_error(
        api, "/districts/locate", 400, "invalid_parameter", "lon", lat="54", lon="200"
    )
    await expect_error(api, "/districts/locate", 404, "not_found", None, lat="52.52", lon="13.40")


async def test_edge_times_and_foreign_digits_are_refused_not_crashed(api: TestClient) -> None:
    await expect_error(api, "/places/1", 400, "invalid_parameter", "at", at="9999-12-31T23:59")
    await expect_error(api, "/events", 400, "invalid_parameter", "from", **{"from": "0001-01-01"})
    await expect_error(
        api, "/events", 400, "invalid_parameter", "from", **{"from": "9999-12-31T00:00"}
    )
    await expect_error(api, "/places/\u0661", 400, "invalid_parameter", "id")  # Arabic "1"


async def test_the_hours_around_the_clock_changes_are_answered(api: TestClient) -> None:
    # the hour after the spring gap, the doubled hour in autumn, and the gap with its offset
    for moment in ("2026-03-29T03:30", "2026-10-25T02:30", "2026-03-29T02:30+01:00"):
        resp = await api.get("/places", params={"open_at": moment, "limit": "3"})
        assert resp.status == 200, (moment, await resp.text())
        assert (await resp.json())["items"]
