"""Settings of the phone line, read once from the environment and validated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, ClassVar

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from bot.settings import EnvSettings


class PhoneError(Exception):
    """A phone line failure with a stable code (config-invalid, sip-failed…)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def _config_invalid(message: str) -> PhoneError:
    return PhoneError("config-invalid", message)


class PhoneSettings(EnvSettings):
    """Where the line listens, whom it takes calls from, and how long calls and turns may be."""

    what: ClassVar[str] = "phone"
    error: ClassVar[Callable[[str], Exception]] = _config_invalid

    sip_port: int = Field(alias="PHONE_SIP_PORT", ge=1, le=65535)
    sip_host: str = Field("127.0.0.1", alias="PHONE_SIP_HOST", min_length=1)
    # The address put into SDP and Contact (what the telephone system sends audio to).
    public_ip: str | None = Field(None, alias="PHONE_PUBLIC_IP")
    # Who may hand calls to the line: the city's SIP proxy or PBX ("10.0.0.5" or "10.0.0.5:5060").
    allowed_peers: Annotated[frozenset[str], NoDecode] = Field(alias="PHONE_ALLOWED_PEERS")
    extension: str = Field("assistant", alias="PHONE_EXTENSION", min_length=1)
    max_calls: int = Field(4, alias="PHONE_MAX_CALLS", ge=1, le=64)
    max_call_s: float = Field(900.0, alias="PHONE_MAX_CALL_S", gt=10, le=7200)
    # A question ends after this much silence, or at the latest after max_question_s.
    end_silence_s: float = Field(0.8, alias="PHONE_END_SILENCE_S", ge=0.2, le=5)
    max_question_s: float = Field(20.0, alias="PHONE_MAX_QUESTION_S", ge=2, le=120)
    # Nothing said for this long: the line asks once, then says goodbye.
    idle_s: float = Field(8.0, alias="PHONE_IDLE_S", ge=1, le=120)
    # Speaking (or a key) during an answer stops it and the line listens.
    barge_in: bool = Field(True, alias="PHONE_BARGE_IN")
    speech_rate: int = Field(0, alias="PHONE_SPEECH_RATE", ge=-2, le=3)

    @field_validator("allowed_peers", mode="before")
    @classmethod
    def _peer_list(cls, value: object) -> object:
        if isinstance(value, str):
            peers = frozenset(p.strip() for p in value.split(",") if p.strip())
            if not peers:
                raise ValueError("PHONE_ALLOWED_PEERS must name the SIP proxy or PBX")
            return peers
        return value

    @property
    def advertised_ip(self) -> str:
        """The address the telephone system reaches the line at."""
        return self.public_ip or self.sip_host

    def allows(self, host: str, port: int) -> bool:
        """Whether a datagram from host:port may start or touch a call."""
        return host in self.allowed_peers or f"{host}:{port}" in self.allowed_peers

    @classmethod
    def configured(cls, env: Mapping[str, str]) -> PhoneSettings | None:
        """The settings when PHONE_SIP_PORT is set, else None; PhoneError if invalid."""
        if not env.get("PHONE_SIP_PORT", "").strip():
            return None
        return cls.from_env(env)
