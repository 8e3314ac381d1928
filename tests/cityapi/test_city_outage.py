"""A failing database answers 503 and the service recovers by itself when the database is back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from cityapi.app import create_app
from cityapi.districts import DistrictRegistry
from cityapi.settings import CityApiSettings
from tests.cityapi.helpers import DatabaseFactory, pg_admin


@pytest.fixture
async def pg_api(
    databases: DatabaseFactory, districts: DistrictRegistry
) -> AsyncIterator[tuple[TestClient, str]]:
    url = databases.new("postgresql")
    name = url.rsplit("/", 1)[1]
    client = TestClient(
        TestServer(create_app(CityApiSettings(DATABASE_URL=url, CITYAPI_DB_TIMEOUT=2), districts))
    )
    await client.start_server()
    yield client, name
    await client.close()


async def _status(client: TestClient, path: str) -> tuple[int, dict[str, object]]:
    resp = await client.get(path)
    return resp.status, await resp.json()


async def test_postgres_outage_gives_503_then_recovers_without_restart(
    pg_api: tuple[TestClient, str],
) -> None:
    client, name = pg_api
    assert (await _status(client, "/places?type=toilet"))[0] == 200
    assert (await _status(client, "/healthz"))[0] == 200
    # take the database away: end every session, then make it unreachable under its name
    pg_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    pg_admin(f'ALTER DATABASE "{name}" RENAME TO "{name}_away"')
    try:
        for path in ("/places?type=toilet", "/places/1", "/events"):
            status, body = await _status(client, path)
            assert status == 503, (path, body)
            assert body["error"]["code"] == "database_unavailable"  # type: ignore[index]
        health_status, health = await _status(client, "/healthz")
        assert health_status == 503
        assert health["database"] == "unavailable"
        # what needs no database still answers
        assert (await _status(client, "/districts"))[0] == 200
    finally:
        pg_admin(f'ALTER DATABASE "{name}_away" RENAME TO "{name}"')
    status, body = await _status(client, "/places?type=toilet")
    assert status == 200, body
    assert (await _status(client, "/healthz"))[0] == 200


async def test_sqlite_without_schema_answers_503_not_500(
    districts: DistrictRegistry, tmp_path: object
) -> None:
    settings = CityApiSettings(DATABASE_URL=f"sqlite:///{tmp_path}/never-migrated.sqlite3")
    client = TestClient(TestServer(create_app(settings, districts)))
    await client.start_server()
    try:
        status, body = await _status(client, "/places")
        assert status == 503
        assert body["error"]["code"] == "database_unavailable"
        assert (await _status(client, "/healthz"))[0] == 503
    finally:
        await client.close()
