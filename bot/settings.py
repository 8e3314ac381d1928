"""The gateway's settings, read once from the environment at start-up.

Every settings class of the gateway (gateway, Telegram, Matrix, voice) is an `EnvSettings`
(pydantic-settings) and is read the same way: `Settings.from_env(env)` with the environment as a
mapping (the process's at start-up, a test's own otherwise), field aliases as the variable names,
empty values counting as unset, and one error type per part with every problem in its message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, Literal, Self

from pydantic import AnyHttpUrl, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)


class SettingsError(ValueError):
    """The environment holds a value the gateway cannot use."""


# The environment `from_env` reads; a mapping, never the process's os.environ behind its back.
_ENVIRONMENT: ContextVar[Mapping[str, str]] = ContextVar("settings_environment")


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source over the mapping given to `from_env`."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = _ENVIRONMENT.get({})
        return {name: value for name, value in env.items() if value.strip() != ""}


@contextmanager
def _reading(env: Mapping[str, str]) -> Iterator[None]:
    token = _ENVIRONMENT.set(env)
    try:
        yield
    finally:
        _ENVIRONMENT.reset(token)


class EnvSettings(BaseSettings):
    """Base of the gateway's settings: frozen, validated once, read from an env mapping."""

    model_config = SettingsConfigDict(
        frozen=True, populate_by_name=True, extra="ignore", case_sensitive=True
    )
    # What the settings are for, in error messages ("invalid Telegram settings: …").
    what: ClassVar[str] = "gateway"
    # How a part reports unusable settings (its own error type, from one message).
    error: ClassVar[Callable[[str], Exception]] = SettingsError

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Values given in code first, then the mapping passed to `from_env`; nothing else."""
        return (init_settings, _MappingSource(settings_cls))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        """Validate the environment's values for this class's aliases."""
        try:
            with _reading(env):
                return cls()
        except ValidationError as exc:
            problems = "; ".join(_problem(cls.model_fields, err) for err in exc.errors())
            raise cls.error(f"invalid {cls.what} settings: {problems}") from exc


def _problem(fields: Mapping[str, FieldInfo], err: Any) -> str:
    where = ".".join(str(p) for p in err["loc"]) or "settings"
    field = fields.get(where)
    name = field.alias if field is not None and field.alias else where
    return f"{name}: {err['msg']}"


class GatewaySettings(EnvSettings):
    """Where the gateway listens, where Rasa is, and where it keeps its person records."""

    host: str = Field("127.0.0.1", alias="GATEWAY_HOST", min_length=1)
    port: int = Field(8080, alias="GATEWAY_PORT", ge=0, le=65535)
    rasa_url: AnyHttpUrl = Field(AnyHttpUrl("http://127.0.0.1:5005"), alias="RASA_URL")
    # An SQLAlchemy URL without a driver: sqlite:///file or postgresql://user@host/db.
    database_url: str = Field("sqlite:///var/gateway.sqlite3", alias="GATEWAY_DATABASE_URL")
    rasa_timeout_s: float = Field(20.0, alias="RASA_TIMEOUT_S", gt=0, le=600)
    # Rasa's HTTP API token (rasa run --auth-token), needed to set slots when Rasa requires one.
    rasa_token: str | None = Field(None, alias="RASA_TOKEN", repr=False)
    log_level: str = Field("INFO", alias="GATEWAY_LOG_LEVEL")
    # text for reading in a terminal (make run), json (one object a line) for a log collector
    log_format: Literal["text", "json"] = Field("text", alias="LOG_FORMAT")
    # Rasa's SQL tracker store, so that a person's conversation can be deleted on request.
    rasa_tracker_store_url: str | None = Field(
        None, alias="RASA_TRACKER_STORE_URL", repr=False, min_length=1
    )
    # Inbound limits of the web chat (the `limits` notation: "20/minute", "5/second;100/hour").
    web_rate_per_sender: str = Field("30/minute", alias="WEB_RATE_PER_SENDER", min_length=3)
    web_rate_per_address: str = Field("300/minute", alias="WEB_RATE_PER_ADDRESS", min_length=3)
    # Behind a balancer every request comes from its address: take the client's from the last
    # X-Forwarded-For entry instead (only where the balancer sets it).
    trust_forwarded_for: bool = Field(False, alias="GATEWAY_TRUST_X_FORWARDED_FOR")
    # Report status news: read from the city data API's staff feed with its staff token (unset:
    # no news are pushed; people can still ask for the status).
    cityapi_url: AnyHttpUrl = Field(AnyHttpUrl("http://127.0.0.1:8000"), alias="CITYAPI_URL")
    cityapi_staff_token: str = Field("", alias="CITYAPI_STAFF_TOKEN", repr=False)
    # report photos go to the city data API's Open311 with the key the action server files with
    cityapi_open311_key: str = Field("", alias="CITYAPI_OPEN311_API_KEY", repr=False)
    report_updates_interval_s: float = Field(30.0, alias="REPORT_UPDATES_INTERVAL_S", gt=0, le=3600)
    # Privacy: who answers questions about data protection (the city's data protection officer),
    # and the retention periods the notice states and the retention job applies.
    privacy_contact: str = Field(
        "datenschutz@rostock.de", alias="PRIVACY_CONTACT", min_length=3, max_length=200
    )
    privacy_url: str | None = Field(None, alias="PRIVACY_URL", pattern=r"^https?://")
    conversation_retention_days: int = Field(30, alias="RETENTION_CONVERSATION_DAYS", ge=1, le=3650)
    web_person_retention_hours: int = Field(24, alias="RETENTION_WEB_PERSON_HOURS", ge=1, le=87600)
    retention_interval_s: float = Field(3600.0, alias="RETENTION_INTERVAL_S", gt=0, le=86400)
    # the city data API's period (its own setting of the same name), stated in the notice
    report_contact_retention_days: int = Field(
        90, alias="CITYAPI_CONTACT_RETENTION_DAYS", ge=1, le=3650
    )
    # The key of the keyed hashes (HMAC-SHA256) that stand for platform ids in the database;
    # unset: a key is made and kept in the database on first start.
    people_id_key: str | None = Field(None, alias="PEOPLE_ID_KEY", repr=False, min_length=16)

    @property
    def rasa_base(self) -> str:
        """Rasa's base URL without a trailing slash."""
        return str(self.rasa_url).rstrip("/")
