"""The gateway's settings, read once from the environment at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationError


class SettingsError(ValueError):
    """The environment holds a value the gateway cannot use."""


Settings = TypeVar("Settings", bound=BaseModel)


def settings_from_env(
    model: type[Settings],
    env: Mapping[str, str],
    what: str,
    error: type[ValueError] = SettingsError,
) -> Settings:
    """Validate the environment's values for `model`'s aliases; empty values count as unset."""
    aliases = {f.alias for f in model.model_fields.values() if f.alias}
    values = {k: v for k, v in env.items() if k in aliases and v.strip() != ""}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise error(f"invalid {what} settings: {problems}") from exc


class GatewaySettings(BaseModel):
    """Where the gateway listens, where Rasa is, and where it keeps its person records."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    host: str = Field("127.0.0.1", alias="GATEWAY_HOST", min_length=1)
    port: int = Field(8080, alias="GATEWAY_PORT", ge=0, le=65535)
    rasa_url: AnyHttpUrl = Field(AnyHttpUrl("http://127.0.0.1:5005"), alias="RASA_URL")
    # An SQLAlchemy URL without a driver: sqlite:///file or postgresql://user@host/db.
    database_url: str = Field("sqlite:///var/gateway.sqlite3", alias="GATEWAY_DATABASE_URL")
    rasa_timeout_s: float = Field(20.0, alias="RASA_TIMEOUT_S", gt=0, le=600)
    # Rasa's HTTP API token (rasa run --auth-token), needed to set slots when Rasa requires one.
    rasa_token: str | None = Field(None, alias="RASA_TOKEN", repr=False)
    log_level: str = Field("INFO", alias="GATEWAY_LOG_LEVEL")

    @property
    def rasa_base(self) -> str:
        """Rasa's base URL without a trailing slash."""
        return str(self.rasa_url).rstrip("/")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GatewaySettings:
        """Build the settings from an environment mapping; empty values count as unset."""
        return settings_from_env(cls, env, "gateway")
