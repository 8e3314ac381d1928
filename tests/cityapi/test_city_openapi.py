"""The OpenAPI document lists every route and exactly the parameters each route accepts."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.cityapi.helpers import get_json


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


async def test_documented_query_parameters_are_exactly_the_accepted_ones(api: TestClient) -> None:
    doc = await get_json(api, "/openapi.json")
    for path, ops in doc["paths"].items():
        concrete = path.replace("{id}", "1")
        names = [p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"]
        for name in names:
            resp = await api.get(concrete, params={name: "x"})
            body = await resp.json()
            assert body.get("error", {}).get("code") != "unknown_parameter", (path, name)
        resp = await api.get(concrete, params={"undocumented": "1"})
        assert resp.status == 400, path
        assert (await resp.json())["error"]["code"] == "unknown_parameter", path
