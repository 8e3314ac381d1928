"""Fixtures: the real city data API (subprocess, sample data, free port) and clients of it."""

import asyncio
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from actions.cityapi_client import CityApiClient, CityApiSettings
from actions.timeexpr import BERLIN

ROOT = Path(__file__).resolve().parents[2]
# Events of the sample are placed around this day, so the event tests know what is on when.
SAMPLE_TODAY = date(2026, 11, 27)
WEEKDAYS_OSM = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
OPEN311_KEY = "actions-test-open311-key"
STAFF_TOKEN = "actions-test-staff-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_python() -> str:
    venv = os.environ.get("APP_VENV")
    if not venv:
        venv = subprocess.run(
            [str(ROOT / "scripts" / "venv.sh"), "app"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    return str(Path(venv) / "bin" / "python")


def wait_for_health(url: str, proc: "subprocess.Popen[bytes]", log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text(errors='replace')[-3000:]}")


def extra_places_geojson(today: date) -> dict[str, object]:
    """Places with opening hours relative to today, so "open"/"closed" answers are predictable.

    They sit in Schmarl and are of type meeting_place, which no other test counts.
    """
    tomorrow = WEEKDAYS_OSM[(today + timedelta(days=1)).weekday()]
    today_osm = WEEKDAYS_OSM[today.weekday()]
    rows = [
        ("Prüfhaus Morgen", f"{tomorrow} 10:00-12:00"),
        ("Prüfhaus Heute", f"{today_osm} 00:00-24:00"),
        ("Prüfhaus Nie", "off"),
        ("Prüfhaus Ohne Zeiten", None),
    ]
    features = []
    for number, (name, hours) in enumerate(rows, start=1):
        properties = {
            "uuid": f"test-actions-{number}",
            "bezeichnung": name,
            "strasse_name": "Prüfweg",
            "hausnummer": str(number),
            "postleitzahl": "18106",
            "gemeindeteil_name": "Schmarl",
            "wheelchair": "yes",
        }
        if hours:
            properties["oeffnungszeiten"] = hours
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [12.0884 + number / 1000, 54.1224]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "name": "test places", "features": features}


def warm_up(url: str) -> None:
    """The first queries of a fresh city API take over a second (cold caches); the actions allow
    three seconds, so warm it up before the tests measure what citizens would get."""
    for path in (
        "/districts",
        "/places?type=toilet&district=Stadtmitte&wheelchair=yes,limited",
        "/places?type=toilet&near=54.0887,12.1405&radius=2000",
        "/places/1",
        "/events?limit=5",
    ):
        with urllib.request.urlopen(url + path, timeout=60) as response:
            response.read()


@pytest.fixture(scope="session")
def cityapi_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real city data API with the sample data (and a few test places), on a free port."""
    workdir = tmp_path_factory.mktemp("cityapi")
    python = app_python()
    # the city's address search: a stand-in of geocodr (tests/geocodr_standin.py)
    geocodr_port = free_port()
    geocodr_log = workdir / "geocodr.log"
    with geocodr_log.open("wb") as out:
        geocodr = subprocess.Popen(
            [python, "-m", "tests.geocodr_standin", "--port", str(geocodr_port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'c.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        "CITYAPI_OPEN311_API_KEYS": OPEN311_KEY,
        "CITYAPI_STAFF_TOKEN": STAFF_TOKEN,
        "CITYAPI_MEDIA_DIR": str(workdir / "media"),
        "CITYAPI_GEOCODER_URL": f"http://127.0.0.1:{geocodr_port}/query",
    }
    geojson = workdir / "test_places.geojson"
    geojson.write_text(
        json.dumps(extra_places_geojson(datetime.now(BERLIN).date())), encoding="utf-8"
    )
    for args in (
        ["migrate"],
        ["import", "sample", "--today", SAMPLE_TODAY.isoformat()],
        ["import", "geojson", str(geojson), "--type", "meeting_place"],
    ):
        subprocess.run(
            [python, "-m", "cityapi", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
    port = free_port()
    log = workdir / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [python, "-m", "cityapi", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(
            f"http://127.0.0.1:{geocodr_port}/healthz", geocodr, geocodr_log, seconds=60
        )
        wait_for_health(f"{url}/healthz", proc, log, seconds=60)
        warm_up(url)
        yield url
    finally:
        for process in (proc, geocodr):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
async def client(cityapi_url: str) -> AsyncIterator[CityApiClient]:
    """A client of the running city data API."""
    api = CityApiClient.create(CityApiSettings(base_url=cityapi_url, open311_api_key=OPEN311_KEY))
    yield api
    await api.close()


@pytest.fixture
async def down_client() -> AsyncIterator[CityApiClient]:
    """A client pointed at a port where nothing listens."""
    api = CityApiClient.create(CityApiSettings(base_url=f"http://127.0.0.1:{free_port()}"))
    yield api
    await api.close()


@pytest.fixture
async def slow_client() -> AsyncIterator[CityApiClient]:
    """A client pointed at a local server that answers nothing for a long time (a test tool)."""
    release = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(release.wait(), timeout=30)
        except asyncio.TimeoutError:
            pass
        return web.json_response({"items": [], "total": 0, "limit": 20, "offset": 0})

    app = web.Application()
    app.router.add_get("/{tail:.*}", hang)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    api = CityApiClient.create(CityApiSettings(base_url=f"http://127.0.0.1:{port}"))
    yield api
    await api.close()
    release.set()
    await runner.cleanup()
