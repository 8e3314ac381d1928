"""Small helpers shared by the city data API tests."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient

from cityapi.migrate import upgrade


async def get_json(client: TestClient, path: str, status: int = 200, **params: Any) -> Any:
    """GET a path and return its JSON body, asserting the status."""
    resp = await client.get(path, params={k: str(v) for k, v in params.items()})
    body = await resp.json()
    assert resp.status == status, body
    return body


async def expect_error(
    client: TestClient, path: str, status: int, code: str, parameter: str | None, **params: Any
) -> dict[str, Any]:
    """Assert the contract's error body with the given status, code and parameter."""
    resp = await client.get(path, params={k: str(v) for k, v in params.items()})
    assert resp.status == status, await resp.text()
    assert resp.content_type == "application/json"
    body = await resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"]
    assert "Traceback" not in body["error"]["message"]
    return body


OPEN311_KEY = "assistant-test-key"
STAFF_TOKEN = "staff-test-token"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", "postgresql"]


def pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


class DatabaseFactory:
    """Creates empty, migrated databases of either kind and removes them at the end."""

    def __init__(self, tmp: Path):
        self._tmp = tmp
        self._pg_names: list[str] = []

    def new(self, backend: str) -> str:
        if backend == "sqlite":
            url = f"sqlite:///{self._tmp / f'city-{uuid.uuid4().hex[:8]}.sqlite3'}"
        else:
            name = f"cityapi_test_{uuid.uuid4().hex[:10]}"
            pg_admin(f'CREATE DATABASE "{name}"')
            self._pg_names.append(name)
            url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        upgrade(url)
        return url

    def close(self) -> None:
        for name in self._pg_names:
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
