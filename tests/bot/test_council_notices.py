"""Ortsbeirat meetings reach the participation subscribers of their districts: the real city data
API serving the OParl sample, the real gateway app (SQLite and PostgreSQL), the web chat outbox."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine, func, select, update

from bot.app import COUNCIL_NOTICES, create_app
from bot.broadcast.api import SENDER
from bot.broadcast.council_notices import AUTHOR, CouncilNotices, CouncilNoticeSettings
from bot.channels.web.routes import ENGINE
from bot.settings import GatewaySettings
from bot.store.models import AnnouncementRow
from cityapi.app import create_app as create_cityapi
from cityapi.districts import DistrictRegistry
from cityapi.hours import BERLIN
from cityapi.importers.runner import import_sample
from cityapi.migrate import upgrade
from cityapi.schema import councils, meetings
from cityapi.settings import REPO_ROOT, CityApiSettings, sync_url
from tests.bot.conftest import closed_port
from tests.bot.test_announcements import eventually, web_chat

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The city data API's SQLite database with the sample (Ortsbeirat meetings around today)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('city')}/city.sqlite3"
    upgrade(url)
    districts = DistrictRegistry.load(REPO_ROOT / "data" / "districts")
    import_sample(url, REPO_ROOT / "data", districts, datetime.now(BERLIN).date())
    return url


@pytest.fixture
async def city(city_db: str, tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = CityApiSettings(DATABASE_URL=city_db, CITYAPI_MEDIA_DIR=str(tmp_path / "media"))
    districts = DistrictRegistry.load(REPO_ROOT / "data" / "districts")
    client = TestClient(TestServer(create_cityapi(settings, districts), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def gateway_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/gateway.sqlite3"
        return
    name = f"gateway_council_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def gateway(database_url: str, **extra: str) -> AsyncIterator[TestClient]:
    env = {
        "GATEWAY_DATABASE_URL": database_url,
        "RASA_URL": f"http://127.0.0.1:{closed_port()}",
        "RASA_TIMEOUT_S": "5",
        "BROADCAST_POLL_S": "0.05",
        **extra,
    }
    app = create_app(GatewaySettings.from_env(env), env)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def subscribe(client: TestClient, sender: str, command: str, lang: str = "de") -> None:
    asked = await web_chat(client, sender, command, lang)
    assert asked, command
    said = await web_chat(client, sender, "Ja" if lang == "de" else "Yes", lang)
    assert said[0].startswith(("Erledigt.", "Done")), said


async def visit(client: TestClient, sender: str) -> list[str]:
    answer = await client.get("/api/chat/messages", params={"sender": sender})
    return [m["text"] for m in (await answer.json())["messages"]]


async def announcements(client: TestClient) -> list[tuple[str, str]]:
    assert client.app is not None
    a = AnnouncementRow.__table__
    async with client.app[ENGINE].connect() as conn:
        rows = (await conn.execute(select(a.c.status, a.c.author).order_by(a.c.id))).all()
    return [(r.status, r.author) for r in rows]


def set_cancelled(city_db: str, meeting_id: int, cancelled: bool) -> None:
    engine = create_engine(sync_url(city_db))
    with engine.begin() as conn:
        conn.execute(
            update(meetings).where(meetings.c.id == meeting_id).values(cancelled=cancelled)
        )
    engine.dispose()


def next_meeting(city_db: str, council: str) -> int:
    """The id of the council's next meeting in the sample."""
    engine = create_engine(sync_url(city_db))
    with engine.connect() as conn:
        found = conn.execute(
            select(meetings.c.id)
            .join(councils, councils.c.id == meetings.c.council_id)
            .where(councils.c.name == council, meetings.c.start_at > func.now())
            .order_by(meetings.c.start_at)
            .limit(1)
        ).scalar_one()
    engine.dispose()
    return int(found)


async def test_a_dierkow_subscriber_hears_of_the_next_meeting_once_with_its_agenda(
    city: TestClient, city_db: str, gateway_db: str
) -> None:
    async with gateway(gateway_db) as client:
        assert client.app is not None
        assert COUNCIL_NOTICES not in client.app  # COUNCIL_NOTICES not on: the job is off
        await subscribe(client, "web-dora", "/subscribe Dierkow-Neu Beteiligung")
        await subscribe(client, "web-emil", "/subscribe Dierkow-Neu Beteiligung", "en")
        await subscribe(client, "web-lia", "/subscribe Lichtenhagen Beteiligung")
        await subscribe(client, "web-bau", "/subscribe Dierkow-Neu Baustellen")
        settings = CouncilNoticeSettings.from_env({})
        async with aiohttp.ClientSession() as session:
            job = CouncilNotices(
                client.app[ENGINE],
                session,
                str(city.make_url("/")),
                settings,
                wake=client.app[SENDER].wake,
            )
            first = await job.run_once()
            # one notice per Ortsbeirat meeting in the next 28 days; none later, none past
            assert 15 <= len(first) <= 25
            assert {row for row in await announcements(client)} <= {
                ("approved", AUTHOR),
                ("sending", AUTHOR),
                ("sent", AUTHOR),
            }

            async def sent() -> bool:
                return all(status == "sent" for status, _ in await announcements(client))

            await eventually(sent)
            dora = await visit(client, "web-dora")
            emil = await visit(client, "web-emil")
            assert len(dora) == len(emil) == 1
            assert dora[0].startswith("Ortsbeirat Dierkow-Neu: nächste öffentliche Sitzung am ")
            assert "um 18:30 Uhr" in dora[0]
            assert "Kurt-Schumacher-Ring 60 b, 18146 Rostock" in dora[0]
            assert "mit dem Rollstuhl erreichbar" in dora[0]
            assert "Tagesordnung (6 öffentliche Punkte): 1. Eröffnung" in dora[0]
            assert "Einwohnerfragestunde als Punkt 2" in dora[0]
            assert "In einfacher Sprache:" in dora[0]
            assert "/unsubscribe" in dora[0]
            assert emil[0].startswith("Ortsbeirat Dierkow-Neu: next public meeting on ")
            assert "Residents' question time as item 2" in emil[0]
            assert await visit(client, "web-lia") != []  # Lichtenhagen's own Ortsbeirat
            assert all("Dierkow" not in t for t in await visit(client, "web-lia"))
            assert await visit(client, "web-bau") == []  # construction only

            assert await job.run_once() == []  # a second round: nothing new
            await eventually(sent)
            assert await visit(client, "web-dora") == []

            dierkow = next_meeting(city_db, "Ortsbeirat Dierkow-Neu")
            set_cancelled(city_db, dierkow, True)
            try:
                assert len(await job.run_once()) == 1
                assert await job.run_once() == []  # cancelled once
                await eventually(sent)
                cancelled = await visit(client, "web-dora")
                assert len(cancelled) == 1
                assert cancelled[0].startswith("Ortsbeirat Dierkow-Neu: Die Sitzung am ")
                assert "fällt aus" in cancelled[0]
                assert await visit(client, "web-lia") == []
            finally:
                set_cancelled(city_db, dierkow, False)


async def test_the_gateway_runs_the_job_when_the_city_data_api_is_configured(
    city: TestClient, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/gateway.sqlite3"
    base = str(city.make_url("/"))
    # the sample's next Ortsbeirat meetings are 1 to 10 days ahead, whatever the weekday
    job_on = {"CITYAPI_URL": base, "COUNCIL_NOTICES": "on", "COUNCIL_NOTICES_DAYS_AHEAD": "14"}
    now = datetime.now(UTC)
    window = {"from": now.isoformat(), "to": (now + timedelta(days=14)).isoformat(), "limit": 100}
    later = {**window, "to": (now + timedelta(days=90)).isoformat()}

    councils = await (await city.get("/councils", params={"kind": "ortsbeirat"})).json()
    ortsbeiraete = {c["id"] for c in councils["items"]}

    async def public(params: dict[str, object]) -> list[dict[str, Any]]:
        items = (await (await city.get("/meetings", params=params)).json())["items"]
        return [
            m
            for m in items
            if m["council"]["id"] in ortsbeiraete
            and not m["cancelled"]
            and m.get("public") is not False
        ]

    ahead, months = await public(window), await public(later)
    async with gateway(url, **job_on) as client:
        assert client.app is not None
        assert COUNCIL_NOTICES in client.app

        async def announced() -> bool:
            return len(await announcements(client)) > 0

        await eventually(announced)
        await client.app[COUNCIL_NOTICES].run_once()  # the rest of the start-up round, if any
        first = await announcements(client)
    # the next two weeks' public meetings, each once, not every one of the next months
    assert ahead
    assert len(first) == len(ahead) < len(months)
    async with gateway(url, **job_on) as client:
        assert client.app is not None
        assert await client.app[COUNCIL_NOTICES].run_once() == []
        assert len(await announcements(client)) == len(first)  # a restart announces nothing again
