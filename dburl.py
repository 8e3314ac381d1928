"""The one place that maps a database URL to a SQLAlchemy driver, for the gateway and the city
data API alike.

Operators write `sqlite:///var/x.sqlite3` (relative to the repository root, so every command and
service agrees on the file), `sqlite:////abs/x.sqlite3` or `postgresql://user:pass@host/db`
(`postgres://` and an explicit `+driver` are accepted too); each service asks for the driver it
runs with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parent

PostgresDriver = Literal["asyncpg", "psycopg"]


class DatabaseUrlError(ValueError):
    """The URL names a database this project does not support, or is no URL at all."""


def _split(url: str) -> tuple[str, str]:
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise DatabaseUrlError(f"not a database URL: {url.split('@')[-1]!r}")
    backend = scheme.split("+", 1)[0].lower()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(f"unsupported database {backend!r}; use sqlite or postgresql")
    return backend, rest


def _sqlite_rest(rest: str) -> str:
    path = rest[1:] if rest.startswith("/") else rest
    if path in ("", ":memory:"):
        return "/:memory:"
    if not path.startswith("/"):
        path = str(REPO_ROOT / path)
    return "/" + path


def driver_url(url: str, *, asyncio: bool, postgres: PostgresDriver = "psycopg") -> str:
    """The URL with the driver: aiosqlite or sqlite3; for PostgreSQL `postgres` (psycopg 3
    speaks both blocking and asyncio, asyncpg only asyncio)."""
    backend, rest = _split(url)
    if backend == "sqlite":
        return ("sqlite+aiosqlite://" if asyncio else "sqlite+pysqlite://") + _sqlite_rest(rest)
    driver = postgres if asyncio else "psycopg"
    return f"postgresql+{driver}://{rest}"


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL (None for PostgreSQL or in-memory databases)."""
    backend, rest = _split(url)
    if backend != "sqlite":
        return None
    path = _sqlite_rest(rest)[1:]
    return None if path == ":memory:" else Path(path)


def is_sqlite(url: str) -> bool:
    """Whether the URL names an SQLite database."""
    return _split(url)[0] == "sqlite"
