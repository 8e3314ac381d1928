"""What an operator reads from the city data API: /metrics counts requests by route template and
status (never by the ids in the path), and every answer carries its request id."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.cityapi.helpers import OPEN311_KEY

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def _metrics(api: TestClient) -> Samples:
    resp = await api.get("/metrics")
    assert resp.status == 200
    assert resp.content_type == "text/plain"
    samples: Samples = {}
    for family in text_string_to_metric_families(await resp.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _requests(samples: Samples, route: str, status: str, method: str = "GET") -> float:
    key = (("method", method), ("route", route), ("status", status))
    return samples.get(("cityapi_requests_total", key), 0.0)


def _timed(samples: Samples, route: str, method: str = "GET") -> float:
    key = (("method", method), ("route", route))
    return samples.get(("cityapi_request_seconds_count", key), 0.0)


async def test_requests_are_counted_by_route_template_and_status(api: TestClient) -> None:
    places = (await (await api.get("/places", params={"limit": "2"})).json())["items"]
    before = await _metrics(api)
    for place in places:
        assert (await api.get(f"/places/{place['id']}")).status == 200
    assert (await api.get("/places/99999999")).status == 404
    assert (await api.get("/places", params={"type": "no-such-type"})).status == 400
    assert (await api.get("/open311/v2/requests/99999999.json")).status == 404
    after = await _metrics(api)

    assert _requests(after, "/places/{id}", "200") - _requests(before, "/places/{id}", "200") == 2
    assert _requests(after, "/places/{id}", "404") - _requests(before, "/places/{id}", "404") == 1
    assert _requests(after, "/places", "400") - _requests(before, "/places", "400") == 1
    route = "/open311/v2/requests/{id}.{fmt}"
    assert _requests(after, route, "404") - _requests(before, route, "404") == 1
    assert _timed(after, "/places/{id}") - _timed(before, "/places/{id}") == 3
    # label values are templates and codes only: no id, no query value ever becomes a label
    routes = {v for _, key in after for name, v in key if name == "route"}
    assert "/places/{id}" in routes
    assert not any(re.search(r"/\d", route) for route in routes), routes
    assert not any("no-such-type" in v for _, key in after for _, v in key)


async def test_unknown_paths_are_counted_together(api: TestClient) -> None:
    before = await _metrics(api)
    for path in ("/nothing-here", "/a-person@example.org", "/places/1/more"):
        assert (await api.get(path)).status == 404
    after = await _metrics(api)
    assert _requests(after, "unmatched", "404") - _requests(before, "unmatched", "404") == 3
    assert not any("example.org" in v for _, key in after for _, v in key)


async def test_a_callers_request_id_comes_back_and_each_request_gets_one(api: TestClient) -> None:
    given = "trace-0123456789abcdef"
    resp = await api.get("/districts", headers={"X-Request-Id": given})
    assert resp.status == 200
    assert resp.headers["X-Request-Id"] == given

    made = (await api.get("/districts")).headers["X-Request-Id"]
    again = (await api.get("/districts")).headers["X-Request-Id"]
    assert len(made) >= 8
    assert made != again

    # an id that could carry words is replaced, errors carry their id too
    odd = await api.get("/places/99999999", headers={"X-Request-Id": "Maria Musterfrau 0381"})
    assert odd.status == 404
    assert odd.headers["X-Request-Id"] not in ("", "Maria Musterfrau 0381")
    posted = await api.post(
        "/open311/v2/requests.json",
        data={"api_key": OPEN311_KEY},
        headers={"X-Request-Id": given},
    )
    assert posted.status == 400
    assert posted.headers["X-Request-Id"] == given


async def test_metrics_is_documented_and_takes_no_parameters(api: TestClient) -> None:
    doc = await (await api.get("/openapi.json")).json()
    assert "/metrics" in doc["paths"]
    resp = await api.get("/metrics", params={"name": "x"})
    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == "unknown_parameter"
