"""Retention: contact data leaves a report 90 days after closing; stale uploads after a day."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image

from cityapi.app import create_app
from cityapi.db import Database
from cityapi.districts import DistrictRegistry
from cityapi.open311 import retention
from cityapi.open311.store import utcnow
from cityapi.settings import CityApiSettings
from tests.cityapi.helpers import OPEN311_KEY, STAFF_TOKEN, DatabaseFactory

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


async def _file(client: TestClient, email: str) -> str:
    resp = await client.post(
        "/open311/v2/requests.json",
        data={"api_key": OPEN311_KEY, "service_code": "barrier-kerb", "lat": "54.0887",
              "long": "12.1405", "email": email},
    )  # fmt: skip
    assert resp.status == 201
    return str((await resp.json())[0]["service_request_id"])


async def _email(client: TestClient, report: str) -> object:
    resp = await client.get(f"/staff/reports/{report}", headers=STAFF)
    return (await resp.json())["contact"]["email"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_contact_data_is_removed_90_days_after_closing_and_not_before(
    databases: DatabaseFactory, districts: DistrictRegistry, tmp_path: Path, backend: str
) -> None:
    url = databases.new(backend)
    settings = CityApiSettings(
        DATABASE_URL=url, CITYAPI_OPEN311_API_KEYS=OPEN311_KEY, CITYAPI_STAFF_TOKEN=STAFF_TOKEN,
        CITYAPI_MEDIA_DIR=str(tmp_path / "media"),
    )  # fmt: skip
    async with TestClient(TestServer(create_app(settings, districts))) as client:
        closed = await _file(client, "closed@example.org")
        still_open = await _file(client, "open@example.org")
        resp = await client.post(
            f"/staff/reports/{closed}/status", json={"status": "PROCESSED"}, headers=STAFF
        )
        assert resp.status == 200
        form = aiohttp.FormData()
        form.add_field("api_key", OPEN311_KEY)
        photo = io.BytesIO()
        Image.new("RGB", (8, 8)).save(photo, "PNG")
        form.add_field("media", io.BytesIO(photo.getvalue()), filename="x.png")
        upload = await client.post("/open311/v2/media.json", data=form)
        media_id = (await upload.json())[0]["media_id"]
        assert (tmp_path / "media" / media_id).exists()

        db = Database(url)
        media = tmp_path / "media"
        try:
            hours = await retention.run_once(db, media, 90, utcnow() + timedelta(hours=12))
            assert hours == retention.Purged(0, [])  # an upload may wait for its report a while
            month = await retention.run_once(db, media, 90, utcnow() + timedelta(days=30))
            assert month.uploads == [media_id]  # never attached: gone after a day
            assert not (media / media_id).exists()
            assert month.contacts == 0
            assert await _email(client, closed) == "closed@example.org"  # the city may ask back
            purged = await retention.run_once(db, media, 90, utcnow() + timedelta(days=91))
        finally:
            await db.dispose()
        assert purged.contacts == 1
        assert await _email(client, closed) is None
        assert await _email(client, still_open) == "open@example.org"
