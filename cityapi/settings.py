"""Settings of the city data API, read once from the environment at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/cityapi.sqlite3"


class CityApiSettings(BaseSettings):
    """Configuration of the city data API (environment variables, see .env.example)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    host: str = Field(default="127.0.0.1", validation_alias="CITYAPI_HOST")
    port: int = Field(default=8000, ge=1, le=65535, validation_alias="CITYAPI_PORT")
    access_log: bool = Field(default=False, validation_alias="CITYAPI_ACCESS_LOG")
    db_timeout_s: float = Field(default=3.0, gt=0, validation_alias="CITYAPI_DB_TIMEOUT")
    data_dir: Path = Field(default=REPO_ROOT / "data", validation_alias="CITYAPI_DATA_DIR")


def _split_scheme(url: str) -> tuple[str, str]:
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"DATABASE_URL is not a URL: {url!r}")
    return scheme.split("+", 1)[0].lower(), rest


def _absolute_sqlite_rest(rest: str) -> str:
    # "sqlite:///var/x.db" is relative (to the repo root, not the working directory, so every
    # command agrees on the file); "sqlite:////tmp/x.db" is absolute.
    path = rest[1:] if rest.startswith("/") else rest
    if path in ("", ":memory:"):
        return "/:memory:"
    if not path.startswith("/"):
        path = str(REPO_ROOT / path)
    return "/" + path


def async_url(url: str) -> str:
    """The SQLAlchemy URL with the asyncio driver the service uses (aiosqlite or asyncpg)."""
    scheme, rest = _split_scheme(url)
    if scheme == "sqlite":
        return "sqlite+aiosqlite://" + _absolute_sqlite_rest(rest)
    if scheme in ("postgresql", "postgres"):
        return "postgresql+asyncpg://" + rest
    raise ValueError(f"DATABASE_URL must be sqlite:// or postgresql://, not {scheme}://")


def sync_url(url: str) -> str:
    """The SQLAlchemy URL with a blocking driver, for migrations (sqlite3 or psycopg 3)."""
    scheme, rest = _split_scheme(url)
    if scheme == "sqlite":
        return "sqlite://" + _absolute_sqlite_rest(rest)
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest
    raise ValueError(f"DATABASE_URL must be sqlite:// or postgresql://, not {scheme}://")


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL (None for PostgreSQL or in-memory databases)."""
    scheme, rest = _split_scheme(url)
    if scheme != "sqlite":
        return None
    path = _absolute_sqlite_rest(rest)[1:]
    return None if path == ":memory:" else Path(path)
