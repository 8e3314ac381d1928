"""Settings of the Matrix channel, read once from the environment and validated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, ClassVar, Self

from limits import parse_many
from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from bot.settings import EnvSettings


class MatrixError(Exception):
    """A Matrix channel failure with a stable code (config-invalid, login-failed, send-failed…)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def _config_invalid(message: str) -> MatrixError:
    return MatrixError("config-invalid", message)


class MatrixSettings(EnvSettings):
    """Everything the Matrix channel needs to log in and behave; secrets never appear in repr."""

    what: ClassVar[str] = "Matrix"
    error: ClassVar[Callable[[str], Exception]] = _config_invalid

    homeserver: str = Field(alias="MATRIX_HOMESERVER", pattern=r"^https?://[^/\s]+")
    user_id: str = Field(alias="MATRIX_USER_ID", pattern=r"^@[^:\s]+:\S+$")
    password: str | None = Field(None, alias="MATRIX_PASSWORD", repr=False)
    access_token: str | None = Field(None, alias="MATRIX_ACCESS_TOKEN", repr=False)
    device_id: str | None = Field(None, alias="MATRIX_DEVICE_ID")
    store_dir: Path = Field(Path("var/matrix-store"), alias="MATRIX_STORE_DIR")
    # Seals the encryption keys in the store; unset: made once, kept in the store directory (0600).
    store_passphrase: str | None = Field(
        None, alias="MATRIX_STORE_PASSPHRASE", repr=False, min_length=16
    )
    # How fast one person may write to the bot (`limits` notation, several with ";"); the messages
    # over it are not answered, the person is told once.
    rate_per_sender: str = Field("20/minute", alias="MATRIX_RATE_PER_SENDER", min_length=3)
    # A comma list in the environment ("rostock.de, matrix.org"); empty: the bot's own server only;
    # "*": every server (anyone could then pull the bot into their rooms).
    allowed_servers: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), alias="MATRIX_ALLOWED_SERVERS"
    )
    device_name: str = Field("Smile City Rostock", alias="MATRIX_DEVICE_NAME", min_length=1)
    sync_timeout_ms: int = Field(30_000, alias="MATRIX_SYNC_TIMEOUT_MS", ge=1000, le=120_000)

    @field_validator("homeserver", "user_id", "device_id", "device_name", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("homeserver", mode="after")
    @classmethod
    def _without_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("allowed_servers", mode="before")
    @classmethod
    def _server_list(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(s.strip().lower() for s in value.split(",") if s.strip())
        return value

    @field_validator("rate_per_sender", mode="after")
    @classmethod
    def _rate_notation(cls, value: str) -> str:
        parse_many(value)  # ValueError names what it could not read
        return value

    @model_validator(mode="after")
    def _can_log_in(self) -> Self:
        if not self.password and not self.access_token:
            raise ValueError("set MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN for the Matrix bot")
        return self

    @property
    def server_name(self) -> str:
        """The bot's own server name (the part after the first colon of its user id)."""
        return self.user_id.split(":", 1)[1]

    def allows_server(self, server_name: str) -> bool:
        """Whether invites from users of `server_name` are accepted (empty list: own server)."""
        if "*" in self.allowed_servers:
            return True
        allowed = self.allowed_servers or {self.server_name.lower()}
        return server_name.lower() in allowed

    @classmethod
    def configured(cls, env: Mapping[str, str]) -> MatrixSettings | None:
        """The settings when MATRIX_HOMESERVER is set, else None; MatrixError if invalid."""
        if not env.get("MATRIX_HOMESERVER", "").strip():
            return None
        return cls.from_env(env)
