"""The OpenAPI document lists every route and exactly the parameters each route accepts."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.cityapi.helpers import STAFF_TOKEN, get_json


async def test_every_route_is_documented_and_every_documented_path_exists(api: TestClient) -> None:
    doc = await get_json(api, "/openapi.json")
    assert doc["openapi"].startswith("3.")
    served = set()
    for route in api.app.router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        served.add((path, route.method.lower()))
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert served == documented


def _unknown_parameter(body: Any) -> bool:
    if isinstance(body, list):  # Open311's error list
        return any("Unknown parameter" in e["description"] for e in body)
    return bool(body.get("error", {}).get("code") == "unknown_parameter")


def _concrete(path: str) -> str:
    for name, value in (
        ("{id}", "1"),
        ("{fmt}", "json"),
        ("{code}", "barrier-lift"),
        ("{name}", "x"),
        ("{account_id}", "a-person"),
    ):
        path = path.replace(name, value)
    return path.replace("{token}", "00000000-0000-0000-0000-000000000000")


async def test_documented_query_parameters_are_exactly_the_accepted_ones(api: TestClient) -> None:
    doc = await get_json(api, "/openapi.json")
    staff = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    for path, ops in doc["paths"].items():
        if "get" not in ops:
            continue
        concrete = _concrete(path)
        names = [p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"]
        for name in names:
            resp = await api.get(concrete, params={name: "x"}, headers=staff)
            assert not _unknown_parameter(await resp.json()), (path, name)
        resp = await api.get(concrete, params={"undocumented": "1"}, headers=staff)
        assert resp.status == 400, path
        assert _unknown_parameter(await resp.json()), path
