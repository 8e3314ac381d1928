import io
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text as sql

from bot.app import CHANNELS, create_app
from bot.channels.web.routes import ENGINE
from bot.settings import GatewaySettings, SettingsError


async def test_an_unconfigured_gateway_runs_only_the_web_chat(client: TestClient) -> None:
    assert client.app is not None
    assert client.app[CHANNELS] == []
    health = await client.get("/healthz")
    assert health.status == 200
    assert (await health.json())["status"] == "ok"


async def test_rasa_down_gives_the_citizen_a_polite_answer_and_the_api_a_503(
    client: TestClient,
) -> None:
    response = await client.post("/api/chat", json={"sender": "web-1", "message": "hallo"})
    assert response.status == 503
    body = await response.json()
    assert body["error"]["code"] == "assistant_unavailable"
    assert body["messages"][0]["text"].startswith("Ich bin gerade nicht erreichbar")
    english = await client.post(
        "/api/chat", json={"sender": "web-2", "message": "hello", "lang": "en"}
    )
    assert english.status == 503
    assert "not available" in (await english.json())["messages"][0]["text"]


async def test_rejected_input_is_answered_in_the_persons_remembered_language(
    client: TestClient,
) -> None:
    await client.post("/api/chat", json={"sender": "web-3", "message": "hi", "lang": "en"})
    empty = await client.post("/api/chat", json={"sender": "web-3", "message": ""})
    assert empty.status == 400
    body = await empty.json()
    assert body["error"]["code"] == "empty_message"
    assert body["messages"][0]["text"] == "Your message was empty. Please type your question."


LONG = "x" * 4001


@pytest.mark.parametrize(
    ("body", "status", "code", "says"),
    [
        ({"sender": "web-r1"}, 400, "empty_message", "Ihre Nachricht war leer"),
        ({"sender": "web-r2", "message": "  \n "}, 400, "empty_message", "Ihre Nachricht war"),
        ({"sender": "web-r3", "message": LONG}, 413, "message_too_long", "Ihre Nachricht ist"),
        ({"sender": "web-r4", "message": "\x00\x01bin"}, 400, "unreadable_message", "Ich konnte"),
    ],
)
async def test_the_cores_refusals_become_precise_api_errors_with_the_citizens_text(
    client: TestClient, body: dict[str, str], status: int, code: str, says: str
) -> None:
    response = await client.post("/api/chat", json=body)
    assert response.status == status
    answer = await response.json()
    assert answer["error"]["code"] == code
    assert answer["messages"][0]["text"].startswith(says)


async def test_broken_bodies_get_json_errors_not_crashes(client: TestClient) -> None:
    as_json = {"Content-Type": "application/json"}
    binary = await client.post(
        "/api/chat", data=b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", headers=as_json
    )
    assert binary.status == 400
    assert (await binary.json())["error"]["code"] == "invalid_json"
    untyped = await client.post("/api/chat", data=b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    assert untyped.status == 415
    assert (await untyped.json())["error"]["code"] == "unsupported_media_type"
    too_big = await client.post(
        "/api/chat", data=io.BytesIO(b"x" * (9 * 1024 * 1024)), headers=as_json
    )
    assert too_big.status == 413
    assert (await too_big.json())["error"]["code"] == "payload_too_large"
    wrong_method = await client.get("/api/chat")
    assert wrong_method.status == 405
    assert (await wrong_method.json())["error"]["code"] == "method_not_allowed"


async def test_the_page_is_served_without_external_assets(client: TestClient) -> None:
    page = await client.get("/")
    assert page.status == 200
    html = await page.text()
    assert '<html lang="de">' in html
    assert "http://" not in html
    assert "https://" not in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    script = await client.get("/static/chat.js")
    assert script.status == 200


def test_settings_reject_nonsense_with_a_clear_message() -> None:
    with pytest.raises(SettingsError, match="GATEWAY_PORT"):
        GatewaySettings.from_env({"GATEWAY_PORT": "eighty"})
    defaults = GatewaySettings.from_env({"GATEWAY_PORT": ""})
    assert (defaults.host, defaults.port, defaults.rasa_base) == (
        "127.0.0.1",
        8080,
        "http://127.0.0.1:5005",
    )


async def test_readiness_fails_while_rasa_is_down_though_the_gateway_is_alive(
    client: TestClient,
) -> None:
    alive = await client.get("/healthz")
    assert alive.status == 200
    ready = await client.get("/readyz")
    assert ready.status == 503
    body = await ready.json()
    assert body["checks"] == {"database": True, "assistant": False}
    assert body["error"]["code"] == "not_ready"


async def test_readiness_reads_the_table_every_turn_needs_not_just_select_1(
    tmp_path: Path,
) -> None:
    rasa = web.Application()  # a Rasa with its model, answering every message
    rasa.router.add_get("/status", _rasa_status)
    rasa.router.add_post("/webhooks/rest/webhook", _rasa_answer)
    async with TestServer(rasa, host="127.0.0.1") as rasa_server:
        env = {
            "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path}/gateway.sqlite3",
            "RASA_URL": str(rasa_server.make_url("")).rstrip("/"),
        }
        app = create_app(GatewaySettings.from_env(env), env)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            chat = await client.post("/api/chat", json={"sender": "web-9", "message": "hallo"})
            assert chat.status == 200
            ready = await client.get("/readyz")
            assert ready.status == 200
            assert (await ready.json())["checks"] == {"database": True, "assistant": True}
            async with app[ENGINE].begin() as conn:
                await conn.execute(sql("DROP TABLE people"))  # an empty database in its place
            chat = await client.post("/api/chat", json={"sender": "web-9", "message": "hallo"})
            assert chat.status >= 500  # what citizens get now
            ready = await client.get("/readyz")
            assert ready.status == 503
            assert (await ready.json())["checks"] == {"database": False, "assistant": True}


async def _rasa_status(_request: web.Request) -> web.Response:
    return web.json_response({"model_file": "models/current.tar.gz"})


async def _rasa_answer(_request: web.Request) -> web.Response:
    return web.json_response([{"recipient_id": "web-9", "text": "Moin!"}])
