"""The web chat's inbound limits: a flooding client is told to wait, everybody else is served."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import GatewaySettings
from tests.bot.conftest import closed_port


def _app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path}/gateway.sqlite3",
        "RASA_URL": f"http://127.0.0.1:{closed_port()}",
        "RASA_TIMEOUT_S": "5",
        **extra,
    }


@pytest.fixture
async def limited(tmp_path: Path) -> AsyncIterator[TestClient]:
    """A gateway with small limits: 5 messages per sender, 20 per address, per minute."""
    env = _app_env(tmp_path, WEB_RATE_PER_SENDER="5/minute", WEB_RATE_PER_ADDRESS="20/minute",
                   GATEWAY_TRUST_X_FORWARDED_FOR="true")  # fmt: skip
    app = create_app(GatewaySettings.from_env(env), env)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


def _people(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "gateway.sqlite3") as conn:
        return int(conn.execute("SELECT count(*) FROM people").fetchone()[0])


async def test_a_fast_sender_is_asked_to_wait_while_another_is_served(
    limited: TestClient,
) -> None:
    statuses = []
    for _ in range(7):
        response = await limited.post("/api/chat", json={"sender": "fast", "message": "hallo"})
        statuses.append(response.status)
    # Rasa is down in this app, so accepted messages get 503; the 6th and 7th are not taken
    assert statuses == [503] * 5 + [429, 429]
    body = await response.json()
    assert body["error"]["code"] == "rate_limited"
    assert body["messages"][0]["text"].startswith("Sie schreiben gerade sehr schnell")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    other = await limited.post("/api/chat", json={"sender": "calm", "message": "hallo"})
    assert other.status == 503  # answered (by the apology of a Rasa that is down), not limited


async def test_fresh_sender_ids_from_one_address_stop_making_people(
    limited: TestClient, tmp_path: Path
) -> None:
    statuses = []
    for number in range(30):
        response = await limited.post(
            "/api/chat",
            json={"sender": f"fresh-{number}", "message": "hallo"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        statuses.append(response.status)
    assert statuses.count(429) == 10
    assert _people(tmp_path) == 20  # no person record for a refused request
    # another citizen behind the same balancer is not affected
    response = await limited.post(
        "/api/chat",
        json={"sender": "neighbour", "message": "hallo"},
        headers={"X-Forwarded-For": "198.51.100.4"},
    )
    assert response.status == 503


async def test_cross_site_plain_text_posts_and_other_origins_are_refused(
    client: TestClient,
) -> None:
    body = json.dumps({"sender": "web-x", "message": "hallo"})
    plain = await client.post("/api/chat", data=body, headers={"Content-Type": "text/plain"})
    assert plain.status == 415
    assert (await plain.json())["error"]["code"] == "unsupported_media_type"
    foreign = await client.post(
        "/api/chat", json={"sender": "web-x", "message": "hallo"},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert foreign.status == 403
    assert (await foreign.json())["error"]["code"] == "cross_site"
    own = await client.post(
        "/api/chat", json={"sender": "web-x", "message": "hallo"},
        headers={"Origin": f"http://{client.host}:{client.port}"},
    )  # fmt: skip
    assert own.status == 503  # taken (Rasa is down in this app)


async def test_a_large_body_without_audio_is_refused_with_413(client: TestClient) -> None:
    padding = "x" * (70 * 1024)
    response = await client.post(
        "/api/chat", json={"sender": "web-big", "message": "hallo", "padding": padding}
    )
    assert response.status == 413
    body = await response.json()
    assert body["error"]["code"] == "payload_too_large"
    assert body["messages"][0]["text"]


async def test_behind_a_trusted_balancer_the_page_of_the_public_host_is_accepted(
    limited: TestClient,
) -> None:
    response = await limited.post(
        "/api/chat", json={"sender": "proxied", "message": "hallo"},
        headers={"Origin": "https://assistent.rostock.example",
                 "X-Forwarded-Host": "assistent.rostock.example"},
    )  # fmt: skip
    assert response.status == 503  # taken (Rasa is down in this app)
    response = await limited.post(
        "/api/chat", json={"sender": "proxied", "message": "hallo"},
        headers={"Origin": "https://evil.example",
                 "X-Forwarded-Host": "assistent.rostock.example"},
    )  # fmt: skip
    assert response.status == 403
