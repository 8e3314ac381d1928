"""Fixtures: the city data API on SQLite and on PostgreSQL (a database of its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from cityapi.app import create_app
from cityapi.districts import DistrictRegistry
from cityapi.hours import BERLIN
from cityapi.importers.runner import import_sample
from cityapi.settings import REPO_ROOT, CityApiSettings
from tests.cityapi.helpers import BACKENDS, OPEN311_KEY, STAFF_TOKEN, DatabaseFactory


@pytest.fixture(scope="session")
def districts() -> DistrictRegistry:
    return DistrictRegistry.load(REPO_ROOT / "data" / "districts")


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("cityapi"))
    yield factory
    factory.close()


@pytest.fixture(scope="session", params=BACKENDS)
def sample_url(
    request: pytest.FixtureRequest, databases: DatabaseFactory, districts: DistrictRegistry
) -> str:
    """A database of the given kind holding the sample, events placed around today."""
    url = databases.new(request.param)
    import_sample(url, REPO_ROOT / "data", districts, datetime.now(BERLIN).date())
    return url


@pytest.fixture(scope="session")
async def api(
    sample_url: str, districts: DistrictRegistry, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[TestClient]:
    """The city data API over HTTP on a free port, serving the sample."""
    settings = CityApiSettings(
        DATABASE_URL=sample_url,
        CITYAPI_MEDIA_DIR=str(tmp_path_factory.mktemp("media")),
        CITYAPI_OPEN311_MAX_PHOTO_BYTES=2 * 1024 * 1024,
        CITYAPI_OPEN311_API_KEYS=f"other-client-key,{OPEN311_KEY}",
        CITYAPI_STAFF_TOKEN=STAFF_TOKEN,
    )
    client = TestClient(TestServer(create_app(settings, districts)))
    await client.start_server()
    yield client
    await client.close()
