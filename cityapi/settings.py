"""Settings of the city data API, read once from the environment at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dburl import driver_url, sqlite_file

REPO_ROOT = Path(__file__).resolve().parent.parent
__all__ = ["CityApiSettings", "async_url", "sqlite_file", "sync_url"]
DEFAULT_DATABASE_URL = "sqlite:///var/cityapi.sqlite3"


class CityApiSettings(BaseSettings):
    """Configuration of the city data API (environment variables, see .env.example)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    host: str = Field(default="127.0.0.1", validation_alias="CITYAPI_HOST")
    port: int = Field(default=8000, ge=1, le=65535, validation_alias="CITYAPI_PORT")
    # one line per request: method, route template, status, time (no query string)
    access_log: bool = Field(default=False, validation_alias="CITYAPI_ACCESS_LOG")
    # text for reading in a terminal (make run), json (one object a line) for a log collector
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="LOG_FORMAT")
    db_timeout_s: float = Field(default=3.0, gt=0, validation_alias="CITYAPI_DB_TIMEOUT")
    data_dir: Path = Field(default=REPO_ROOT / "data", validation_alias="CITYAPI_DATA_DIR")
    # Open311: keys of the clients that may file reports (the assistant's action server, the
    # city's apps), comma-separated; without one, POST answers 403 to everybody.
    open311_api_keys: str = Field(default="", validation_alias="CITYAPI_OPEN311_API_KEYS")
    # the city staff's token for the staff endpoints; unset = those endpoints answer 404
    staff_token: str = Field(default="", validation_alias="CITYAPI_STAFF_TOKEN")
    media_dir: Path = Field(
        default=REPO_ROOT / "var" / "media", validation_alias="CITYAPI_MEDIA_DIR"
    )
    public_url: str = Field(default="", validation_alias="CITYAPI_PUBLIC_URL")
    max_photo_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, validation_alias="CITYAPI_OPEN311_MAX_PHOTO_BYTES"
    )
    # an upstream Open311 endpoint (Klarschiff.HRO) each new report is forwarded to
    forward_url: str = Field(default="", validation_alias="CITYAPI_OPEN311_FORWARD_URL")
    forward_api_key: str = Field(default="", validation_alias="CITYAPI_OPEN311_FORWARD_API_KEY")
    # contact data of a closed report is removed after this many days
    contact_retention_days: int = Field(
        default=90, ge=1, le=3650, validation_alias="CITYAPI_CONTACT_RETENTION_DAYS"
    )
    forward_interval_s: float = Field(
        default=5.0, gt=0, validation_alias="CITYAPI_OPEN311_FORWARD_INTERVAL"
    )
    # the city's address search (geocodr, as Rostock's geoportal runs it); unset = /addresses
    # answers 501 and the assistant asks for a district instead
    geocoder_url: str = Field(default="", validation_alias="CITYAPI_GEOCODER_URL")
    geocoder_key: str = Field(default="", validation_alias="CITYAPI_GEOCODER_KEY", repr=False)
    geocoder_class: str = Field(default="address", validation_alias="CITYAPI_GEOCODER_CLASS")
    geocoder_timeout_s: float = Field(
        default=2.0, gt=0, le=10, validation_alias="CITYAPI_GEOCODER_TIMEOUT_S"
    )

    @property
    def api_keys(self) -> frozenset[str]:
        """The Open311 clients' keys."""
        return frozenset(k.strip() for k in self.open311_api_keys.split(",") if k.strip())


def async_url(url: str) -> str:
    """The SQLAlchemy URL with the asyncio driver the service uses (aiosqlite or asyncpg)."""
    return driver_url(url, asyncio=True, postgres="asyncpg")


def sync_url(url: str) -> str:
    """The SQLAlchemy URL with a blocking driver, for migrations (sqlite3 or psycopg 3)."""
    return driver_url(url, asyncio=False)
