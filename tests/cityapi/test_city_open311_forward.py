"""Forwarding to an upstream Open311 endpoint that fails and recovers: delayed, never lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from cityapi.app import create_app
from cityapi.districts import DistrictRegistry
from cityapi.settings import CityApiSettings
from tests.cityapi.helpers import OPEN311_KEY, STAFF_TOKEN, DatabaseFactory

UPSTREAM_KEY = "klarschiff-key-of-the-city"


@dataclass
class Upstream:
    """A local stand-in of an upstream GeoReport v2 endpoint (form-encoded POST requests.json)."""

    failures_left: int = 0
    refuse: bool = False
    received: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0

    async def post(self, request: web.Request) -> web.Response:
        self.attempts += 1
        form = dict(await request.post())
        if self.failures_left > 0:
            self.failures_left -= 1
            return web.json_response([{"code": 503, "description": "maintenance"}], status=503)
        if form.get("api_key") != UPSTREAM_KEY:
            return web.json_response([{"code": 403, "description": "bad api_key"}], status=403)
        if self.refuse:
            return web.json_response([{"code": 400, "description": "unknown code"}], status=400)
        self.received.append(form)
        return web.json_response(
            [{"service_request_id": f"KS-{len(self.received)}", "service_notice": "ok"}],
            status=201,
        )


async def _serve(upstream: Upstream) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/citysdk/requests.json", upstream.post)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/citysdk"


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[Upstream, str]]:
    stand_in = Upstream()
    runner, url = await _serve(stand_in)
    yield stand_in, url
    await runner.cleanup()


async def _api(url: str, db_url: str, districts: DistrictRegistry) -> TestClient:
    settings = CityApiSettings(
        DATABASE_URL=db_url,
        CITYAPI_OPEN311_API_KEYS=OPEN311_KEY,
        CITYAPI_STAFF_TOKEN=STAFF_TOKEN,
        CITYAPI_OPEN311_FORWARD_URL=url,
        CITYAPI_OPEN311_FORWARD_API_KEY=UPSTREAM_KEY,
        CITYAPI_OPEN311_FORWARD_INTERVAL=0.05,
    )
    client = TestClient(TestServer(create_app(settings, districts)))
    await client.start_server()
    return client


async def _file(client: TestClient, description: str) -> str:
    resp = await client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": OPEN311_KEY,
            "service_code": "barrier-kerb",
            "lat": "54.0887",
            "long": "12.1405",
            "description": description,
            "email": "melder@example.org",
        },
    )
    assert resp.status == 201, await resp.text()
    return str((await resp.json())[0]["service_request_id"])


async def _upstream_id(client: TestClient, request_id: str, seconds: float = 10) -> str | None:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        resp = await client.get(
            f"/staff/reports/{request_id}", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}
        )
        upstream_id = (await resp.json())["upstream_id"]
        if upstream_id:
            return str(upstream_id)
        await asyncio.sleep(0.05)
    return None


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_report_reaches_the_upstream_after_it_failed_twice(
    upstream: tuple[Upstream, str],
    databases: DatabaseFactory,
    districts: DistrictRegistry,
    backend: str,
) -> None:
    stand_in, url = upstream
    stand_in.failures_left = 2
    client = await _api(url, databases.new(backend), districts)
    try:
        request_id = await _file(client, "Bordstein an der Querung zu hoch")
        assert await _upstream_id(client, request_id) == "KS-1"
    finally:
        await client.close()
    assert stand_in.attempts == 3
    assert len(stand_in.received) == 1  # posted once it worked, never again
    sent = stand_in.received[0]
    assert sent["service_code"] == "barrier-kerb"
    assert sent["description"] == "Bordstein an der Querung zu hoch"
    assert sent["lat"] == "54.088700"


async def test_reports_filed_while_the_upstream_is_away_go_out_when_it_is_back(
    databases: DatabaseFactory, districts: DistrictRegistry
) -> None:
    stand_in = Upstream()
    runner, url = await _serve(stand_in)
    await runner.cleanup()  # the upstream is down: connections are refused
    db_url = databases.new("sqlite")
    client = await _api(url, db_url, districts)
    try:
        ids = [await _file(client, f"Meldung {n}") for n in range(3)]
        await asyncio.sleep(0.3)
        assert stand_in.received == []
    finally:
        await client.close()
    # the service restarts later, the upstream is back (on another port, as configured anew)
    runner, url = await _serve(stand_in)
    client = await _api(url, db_url, districts)
    try:
        # the pause after failures is short in this test (interval 0.05 s, doubling)
        found = [await _upstream_id(client, request_id, seconds=20) for request_id in ids]
    finally:
        await client.close()
        await runner.cleanup()
    assert all(found), found
    assert sorted(r["description"] for r in stand_in.received) == [
        "Meldung 0",
        "Meldung 1",
        "Meldung 2",
    ]


async def test_a_report_the_upstream_refuses_is_not_retried_forever(
    upstream: tuple[Upstream, str], databases: DatabaseFactory, districts: DistrictRegistry
) -> None:
    stand_in, url = upstream
    stand_in.refuse = True
    client = await _api(url, databases.new("sqlite"), districts)
    try:
        request_id = await _file(client, "Unbekannte Kategorie oben")
        await asyncio.sleep(0.5)
        assert await _upstream_id(client, request_id, seconds=0.2) is None
    finally:
        await client.close()
    assert stand_in.attempts == 1
