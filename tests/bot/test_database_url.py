"""One mapping from an operator's database URL to each service's driver."""

from __future__ import annotations

import pytest

from bot.store.database import async_url as gateway_async
from cityapi.settings import async_url as city_async
from cityapi.settings import sync_url as city_sync
from dburl import REPO_ROOT, DatabaseUrlError, driver_url, sqlite_file


def test_both_services_read_the_same_url_the_same_way() -> None:
    url = "postgres://smile:pw@db.example:5432/city"
    assert city_async(url) == "postgresql+asyncpg://smile:pw@db.example:5432/city"
    assert city_sync(url) == "postgresql+psycopg://smile:pw@db.example:5432/city"
    rendered = gateway_async(url).render_as_string(hide_password=False)
    assert rendered == "postgresql+psycopg://smile:pw@db.example:5432/city"
    # a relative SQLite path is the repository's, whichever service or folder asks
    assert city_sync("sqlite:///var/x.sqlite3") == f"sqlite+pysqlite:///{REPO_ROOT}/var/x.sqlite3"
    assert sqlite_file("sqlite:////tmp/a.sqlite3") is not None
    assert sqlite_file("sqlite:///:memory:") is None
    assert driver_url("postgresql+asyncpg://h/db", asyncio=False) == "postgresql+psycopg://h/db"


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "var/x.sqlite3", ""])
def test_other_databases_and_non_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        driver_url(url, asyncio=True)
