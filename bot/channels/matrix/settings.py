"""Settings of the Matrix channel, read once from the environment and validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


class MatrixError(Exception):
    """A Matrix channel failure with a stable code (config-invalid, login-failed, send-failed…)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True, slots=True)
class MatrixSettings:
    """Everything the Matrix channel needs to log in and behave; secrets never appear in repr."""

    homeserver: str
    user_id: str
    password: str | None = None
    access_token: str | None = None
    device_id: str | None = None
    store_dir: Path = Path("var/matrix-store")
    allowed_servers: frozenset[str] = frozenset()
    device_name: str = "Smile City Rostock"
    sync_timeout_ms: int = 30_000

    def __repr__(self) -> str:
        return (
            f"MatrixSettings(homeserver={self.homeserver!r}, user_id={self.user_id!r}, "
            f"device_id={self.device_id!r}, store_dir={str(self.store_dir)!r}, "
            f"allowed_servers={sorted(self.allowed_servers)!r})"
        )

    @property
    def server_name(self) -> str:
        """The bot's own server name (the part after the first colon of its user id)."""
        return self.user_id.split(":", 1)[1]

    def allows_server(self, server_name: str) -> bool:
        """Whether invites from users of `server_name` are accepted (empty list: all)."""
        return not self.allowed_servers or server_name.lower() in self.allowed_servers

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MatrixSettings | None:
        """Read MATRIX_* variables: None when MATRIX_HOMESERVER is unset, MatrixError if invalid."""
        homeserver = env.get("MATRIX_HOMESERVER", "").strip()
        if not homeserver:
            return None
        url = urlparse(homeserver)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise MatrixError("config-invalid", "MATRIX_HOMESERVER must be an http(s) URL")
        user_id = env.get("MATRIX_USER_ID", "").strip()
        if not (user_id.startswith("@") and ":" in user_id and len(user_id) > 3):
            raise MatrixError("config-invalid", "MATRIX_USER_ID must look like @name:server")
        password = env.get("MATRIX_PASSWORD") or None
        token = env.get("MATRIX_ACCESS_TOKEN") or None
        if not password and not token:
            raise MatrixError(
                "config-invalid", "set MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN for the Matrix bot"
            )
        servers = frozenset(
            s.strip().lower() for s in env.get("MATRIX_ALLOWED_SERVERS", "").split(",") if s.strip()
        )
        timeout_raw = env.get("MATRIX_SYNC_TIMEOUT_MS", "30000").strip()
        if not timeout_raw.isdigit() or not 1000 <= int(timeout_raw) <= 120_000:
            raise MatrixError("config-invalid", "MATRIX_SYNC_TIMEOUT_MS must be 1000..120000")
        return cls(
            homeserver=homeserver.rstrip("/"),
            user_id=user_id,
            password=password,
            access_token=token,
            device_id=env.get("MATRIX_DEVICE_ID", "").strip() or None,
            store_dir=Path(env.get("MATRIX_STORE_DIR", "").strip() or "var/matrix-store"),
            allowed_servers=servers,
            device_name=env.get("MATRIX_DEVICE_NAME", "").strip() or "Smile City Rostock",
            sync_timeout_ms=int(timeout_raw),
        )
