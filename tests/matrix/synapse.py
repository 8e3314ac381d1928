"""A real Synapse homeserver for the Matrix tests: SQLite, 127.0.0.1 only, no federation.

Synapse runs from its own virtual environment (`scripts/venv.sh synapse`) as a subprocess; users are
registered through the shared-secret admin API, like an operator would.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]

# Relaxed limits so the suite never waits on Synapse; one test tightens the bot's own message limit
# through the admin API (override_ratelimit) to check that 429 answers are retried.
_RELAXED = "{per_second: 1000, burst_count: 1000}"
_CONFIG = """\
server_name: "localhost"
pid_file: "{dir}/homeserver.pid"
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "{dir}/homeserver.db"
log_config: "{dir}/log.config.yaml"
media_store_path: "{dir}/media"
signing_key_path: "{dir}/signing.key"
registration_shared_secret: "{secret}"
macaroon_secret_key: "{macaroon}"
form_secret: "{form}"
enable_registration: false
# Test accounts: cheap password hashing (Synapse's own tests do the same), so that a benchmark
# can register a thousand people in reasonable time.
bcrypt_rounds: 4
report_stats: false
use_presence: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
url_preview_enabled: false
rc_message: {relaxed}
rc_registration: {relaxed}
rc_login:
  address: {relaxed}
  account: {relaxed}
  failed_attempts: {relaxed}
rc_joins:
  local: {relaxed}
  remote: {relaxed}
rc_joins_per_room: {relaxed}
rc_invites:
  per_room: {relaxed}
  per_user: {relaxed}
  per_issuer: {relaxed}
rc_key_requests: {relaxed}
rc_admin_redaction: {relaxed}
rc_3pid_validation: {relaxed}
rc_presence:
  per_user: {relaxed}
rc_delayed_event_mgmt: {relaxed}
rc_room_creation: {relaxed}
rc_reports: {relaxed}
"""

_LOG_CONFIG = """\
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(levelname)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: "{dir}/homeserver.log"
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def synapse_python() -> str:
    """The Python of the Synapse venv, built from requirements/synapse.lock on first use."""
    venv = subprocess.run(
        [str(ROOT / "scripts" / "venv.sh"), "synapse"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{venv}/bin/python"


@dataclass(frozen=True, slots=True)
class RegisteredUser:
    """A user registered on the test homeserver."""

    user_id: str
    password: str
    access_token: str
    device_id: str


class Synapse:
    """One Synapse process on a free port; restartable with the same config and database."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._secret = secrets.token_urlsafe(24)
        self._process: asyncio.subprocess.Process | None = None
        self._python = synapse_python()
        self._write_config()

    def _write_config(self) -> None:
        d = self.directory
        (d / "media").mkdir(parents=True, exist_ok=True)
        (d / "homeserver.yaml").write_text(
            _CONFIG.format(
                dir=d,
                port=self.port,
                secret=self._secret,
                macaroon=secrets.token_urlsafe(24),
                form=secrets.token_urlsafe(24),
                relaxed=_RELAXED,
            )
        )
        (d / "log.config.yaml").write_text(_LOG_CONFIG.format(dir=d))
        seed = base64.b64encode(os.urandom(32)).decode().rstrip("=")
        (d / "signing.key").write_text(f"ed25519 a_test {seed}\n")

    async def start(self) -> None:
        """Start Synapse and wait until its client API answers."""
        config = str(self.directory / "homeserver.yaml")
        with (self.directory / "stdout.log").open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                self._python,
                "-m",
                "synapse.app.homeserver",
                "-c",
                config,
                cwd=self.directory,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = asyncio.get_running_loop().time() + 60
        async with aiohttp.ClientSession() as session:
            while True:
                if self._process.returncode is not None:
                    tail = (self.directory / "stdout.log").read_text()[-3000:]
                    raise RuntimeError(f"Synapse exited with {self._process.returncode}:\n{tail}")
                try:
                    async with session.get(f"{self.url}/_matrix/client/versions") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError("Synapse did not answer within 60 s")
                await asyncio.sleep(0.1)

    async def stop(self) -> None:
        """Stop Synapse (SIGTERM, then SIGKILL after 10 s)."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def restart(self) -> None:
        """Stop and start again on the same port with the same database."""
        await self.stop()
        await self.start()

    async def register(self, localpart: str, *, admin: bool = False) -> RegisteredUser:
        """Register a user through the shared-secret admin API and return its first login."""
        password = secrets.token_urlsafe(12)
        url = f"{self.url}/_synapse/admin/v1/register"
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as resp:
                nonce = (await resp.json())["nonce"]
            parts = (nonce, localpart, password, "admin" if admin else "notadmin")
            mac = hmac.new(self._secret.encode(), "\x00".join(parts).encode(), hashlib.sha1)
            body = {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            }
            async with session.post(url, json=body) as resp:
                data = await resp.json()
                if resp.status != 200:
                    raise RuntimeError(f"registration failed: {resp.status} {data}")
        return RegisteredUser(data["user_id"], password, data["access_token"], data["device_id"])

    async def admin_call(
        self, admin: RegisteredUser, method: str, path: str, body: dict[str, object] | None = None
    ) -> dict[str, object]:
        """Any call to the Synapse admin API as `admin`; its JSON answer."""
        async with aiohttp.ClientSession() as session:
            async with session.request(
                method,
                f"{self.url}{path}",
                json=body,
                headers={"Authorization": f"Bearer {admin.access_token}"},
            ) as resp:
                if resp.status != 200:
                    detail = await resp.text()
                    raise RuntimeError(f"admin call {path} failed: {resp.status} {detail}")
                answer = await resp.json()
                assert isinstance(answer, dict)
                return answer

    async def devices(self, admin: RegisteredUser, user_id: str) -> list[str]:
        """The ids of the user's devices on the server (admin API)."""
        answer = await self.admin_call(admin, "GET", f"/_synapse/admin/v2/users/{user_id}/devices")
        devices = answer["devices"]
        assert isinstance(devices, list)
        return [str(device["device_id"]) for device in devices]

    async def delete_device(self, admin: RegisteredUser, user_id: str, device_id: str) -> None:
        """Remove a device as an admin would: its access tokens and keys go with it."""
        path = f"/_synapse/admin/v2/users/{user_id}/devices/{device_id}"
        await self.admin_call(admin, "DELETE", path)


if __name__ == "__main__":  # manual check: python tests/matrix/synapse.py
    import tempfile

    async def _main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            server = Synapse(Path(tmp))
            t0 = asyncio.get_running_loop().time()
            await server.start()
            took = asyncio.get_running_loop().time() - t0
            print(f"started in {took:.2f} s", file=sys.stderr)
            print(await server.register("alice"), file=sys.stderr)
            await server.stop()

    asyncio.run(_main())
