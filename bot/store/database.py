"""Database URLs, engines and migrations of the gateway's own database."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store.identity import PeopleIds
from dburl import DatabaseUrlError, driver_url, sqlite_file

logger = logging.getLogger(__name__)
__all__ = ["DatabaseUrlError", "async_url", "create_engine", "migrate", "sync_url"]

MIGRATIONS = Path(__file__).parent / "migrations"
# Our own Alembic version table, so the gateway may share a PostgreSQL database with other services.
VERSION_TABLE = "gateway_alembic_version"


def _prepared(url: str) -> str:
    # An SQLite file's folder is made on first use (var/ in a fresh checkout).
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return url


def sync_url(url: str) -> URL:
    """The URL with a blocking driver, for migrations."""
    return make_url(driver_url(_prepared(url), asyncio=False))


def async_url(url: str) -> URL:
    """The URL with an asyncio driver, for the running gateway (psycopg 3 on PostgreSQL)."""
    return make_url(driver_url(_prepared(url), asyncio=True, postgres="psycopg"))


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets readers proceed during a write; the busy timeout queues concurrent writers.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for the gateway's database (SQLite in WAL mode or PostgreSQL)."""
    target = async_url(url)
    # A failing query's parameters (platform ids, chat ids) never reach an exception or a log.
    if target.get_backend_name() == "sqlite":
        engine = create_async_engine(target, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        target, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True
    )


def alembic_config(url: str, people_ids: PeopleIds | None = None) -> Config:
    """Alembic's configuration for the gateway's migrations against this database."""
    config = Config()
    if people_ids is not None:
        config.attributes["people_ids"] = people_ids  # 0005 hashes the stored platform ids
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_table", VERSION_TABLE)
    # Alembic's config is ConfigParser-based: a literal % must be doubled.
    target = sync_url(url).render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", target)
    return config


def migrate(url: str, people_ids: PeopleIds | None = None) -> None:
    """Bring the gateway's database to the newest schema (blocking; run it in a thread)."""
    command.upgrade(alembic_config(url, people_ids), "head")
    logger.info("gateway database is at the newest schema")
