"""Database URLs, engines and migrations of the gateway's own database."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# Our own Alembic version table, so the gateway may share a PostgreSQL database with other services.
VERSION_TABLE = "gateway_alembic_version"


class DatabaseUrlError(ValueError):
    """The database URL names a database the gateway does not support."""


def _driver_url(url: str, *, async_: bool) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        driver = "aiosqlite" if async_ else "pysqlite"
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql":
        # psycopg 3 speaks both sync (migrations) and async (runtime).
        driver = "psycopg"
    else:
        raise DatabaseUrlError(f"unsupported database {backend!r}; use sqlite or postgresql")
    return parsed.set(drivername=f"{backend}+{driver}")


def sync_url(url: str) -> URL:
    """The URL with a blocking driver, for migrations."""
    return _driver_url(url, async_=False)


def async_url(url: str) -> URL:
    """The URL with an asyncio driver, for the running gateway."""
    return _driver_url(url, async_=True)


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


def alembic_config(url: str) -> Config:
    """Alembic's configuration for the gateway's migrations against this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_table", VERSION_TABLE)
    # Alembic's config is ConfigParser-based: a literal % must be doubled.
    target = sync_url(url).render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", target)
    return config


def migrate(url: str) -> None:
    """Bring the gateway's database to the newest schema (blocking; run it in a thread)."""
    command.upgrade(alembic_config(url), "head")
    logger.info("gateway database is at the newest schema")
