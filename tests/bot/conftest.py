"""Fixtures for the gateway app tests: a real app on a fresh SQLite database, Rasa unreachable."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import GatewaySettings


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
