"""Fixtures for the gateway app tests: a real app on a fresh SQLite database, Rasa unreachable."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import GatewaySettings
from cityapi.app import create_app as create_cityapi
from cityapi.districts import DistrictRegistry
from cityapi.migrate import upgrade
from cityapi.settings import REPO_ROOT, CityApiSettings

STAFF_TOKEN = "staff-token-for-report-news"
API_KEY = "assistant-key-for-report-news"


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    """The gateway app (web chat only) with its own database and Rasa down."""
    env = {
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path}/gateway.sqlite3",
        "RASA_URL": f"http://127.0.0.1:{closed_port()}",
        "RASA_TIMEOUT_S": "5",
    }
    app = create_app(GatewaySettings.from_env(env), env)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


@pytest.fixture
async def cityapi(tmp_path: Path) -> AsyncIterator[TestClient]:
    """The real city data API (Open311 and staff endpoints) on an empty SQLite database."""
    url = f"sqlite:///{tmp_path / 'city.sqlite3'}"
    upgrade(url)
    settings = CityApiSettings(
        DATABASE_URL=url,
        CITYAPI_OPEN311_API_KEYS=API_KEY,
        CITYAPI_STAFF_TOKEN=STAFF_TOKEN,
        CITYAPI_MEDIA_DIR=str(tmp_path / "media"),
    )
    districts = DistrictRegistry.load(REPO_ROOT / "data" / "districts")
    client = TestClient(TestServer(create_cityapi(settings, districts)))
    await client.start_server()
    yield client
    await client.close()
