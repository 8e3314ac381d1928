"""The real assistant stack on free 127.0.0.1 ports, for end-to-end tests and benchmarks.

API (tests get a started `Stack` from the session fixture `stack` in tests/conftest.py; benchmarks
use `with Stack.from_environment(workdir) as stack:`):

- `stack.gateway_url`, `stack.rasa_url`, `stack.actions_url`, `stack.cityapi_url`: base URLs,
  no trailing slash. `stack.chat(sender, message, **extra)` posts to the gateway's /api/chat and
  returns `(status, json)`.
- `stack.cityapi_db_url`, `stack.gateway_db_url`: the SQLite databases the services use.
- `stack.stop_cityapi()` / `stack.start_cityapi()`: stop and restart the city data API on the same
  port and database (for "the city data API went away mid-conversation").
- `stack.restart_rasa()`: stop Rasa and start it again on the same port; conversations live in its
  SQL tracker store (`stack.rasa_tracker_db_url`), so they continue. Rasa's HTTP API wants
  `?token={stack.rasa_token}` (its REST channel does not).
- `stack.start_gateway(env={...}, rasa_url=...)`: one more gateway process (its own port and
  database unless given) — e.g. with TELEGRAM_*/MATRIX_* settings, or against a Rasa that is down
  (`rasa_url=closed_url()`). Returns a `Service` (`.url`, `.stop()`); the stack stops it at the end.
- `stack.person_id(channel, platform_id)`: the gateway's opaque person id (= Rasa's sender id).
- `stack.rss_bytes()`: resident memory of all processes of the stack (process trees).
- `stack.logs(lines)`: the tails of every service's log (printed by conftest when a test fails).
- `Stack.from_environment(workdir, warm_up=False)` starts it cold, and `stack.wait_ready()` then
  runs `make run`'s readiness (`python -m bot.ready`: health checks, warm-up) until it says ready.

Programs come from the environment that scripts/test.sh and scripts/bench.sh export: APP_VENV,
RASA_VENV, RASA_MODEL (if unset, scripts/venv.sh and scripts/model.sh are asked). Every process runs
in its own process group and is killed with it at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil

from bot.store.identity import PeopleIds

ROOT = Path(__file__).resolve().parent.parent
RASA_START_TIMEOUT_S = 240.0  # loading the model takes 20-40 s alone, more on a busy machine
SERVICE_START_TIMEOUT_S = 90.0
# Variables a gateway must not inherit from the developer's shell: channels and voice are
# switched on per test.
_GATEWAY_PRIVATE_PREFIXES = ("TELEGRAM_", "MATRIX_", "GATEWAY_", "RASA_URL", "VOICE_", "VOSK_")


class StackError(RuntimeError):
    """A service of the stack did not start or stop as expected."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The key of the gateways' hashed platform ids, so tests can find a person by platform id.
TEST_PEOPLE_ID_KEY = "test-people-id-key-of-the-stack"
TEST_PEOPLE_IDS = PeopleIds(TEST_PEOPLE_ID_KEY.encode())


def closed_url() -> str:
    """A base URL where nothing answers (connection refused), e.g. for a Rasa that is down."""
    return f"http://127.0.0.1:{free_port()}"


def http_json(
    method: str,
    url: str,
    body: object | None = None,
    timeout: float = 60.0,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """One HTTP request with a JSON body; returns (status, decoded JSON or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        status = exc.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


@dataclass
class Service:
    """One process of the stack, with its log file and a health URL."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    url: str
    health_path: str
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    def start(self) -> None:
        """Start the process in its own process group."""
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def healthy(self) -> bool:
        """Whether the service answers its health check now."""
        try:
            status, body = http_json("GET", self.url + self.health_path, timeout=2.0)
        except OSError:
            return False
        if status != 200:
            return False
        if self.name == "rasa":  # /status answers before the model is loaded
            return isinstance(body, dict) and bool(body.get("model_file"))
        return True

    def running(self) -> bool:
        """Whether the process is still alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after the timeout."""
        process = self.process
        if process is not None and process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process is not None:
            # Children that outlived their parent in the same group.
            _signal_group(process.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None
        self.process = None

    def rss_bytes(self) -> int:
        """Resident memory of the process and all its children."""
        if self.process is None:
            return 0
        try:
            root = psutil.Process(self.process.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the service's log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def wait_healthy(services: list[Service], timeout: float) -> None:
    """Wait until every service answers its health check; StackError when one exits or hangs."""
    deadline = time.monotonic() + timeout
    waiting = list(services)
    while waiting:
        for service in list(waiting):
            if not service.running():
                raise StackError(
                    f"{service.log_path.name} exited during start-up:\n{service.log_tail()}"
                )
            if service.healthy():
                waiting.remove(service)
        if not waiting:
            return
        if time.monotonic() > deadline:
            names = ", ".join(s.log_path.name for s in waiting)
            raise StackError(f"not healthy after {timeout:.0f} s: {names}")
        time.sleep(0.25)


def service_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every service of a stack or layout starts from (the caller's, quieted)."""
    env = dict(os.environ if base is None else base)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("PYTHONPATH", None)  # each service finds its own code (serve-rasa.sh sets Rasa's)
    return env


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _script_output(script: str, *args: str) -> str:
    result = subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


class Stack:
    """City data API, action server, Rasa and gateway as real processes on free ports."""

    def __init__(
        self,
        workdir: Path,
        *,
        app_venv: Path,
        rasa_venv: Path,
        model: Path,
        base_env: Mapping[str, str] | None = None,
        warm_up: bool = True,
    ) -> None:
        self.workdir = workdir
        self._warm = warm_up
        self.app_python = str(app_venv / "bin" / "python")
        self.rasa_venv = rasa_venv
        self.model = model
        env = service_env(base_env)
        env.pop("RASA_LOCK_STORE_URL", None)  # one Rasa: its in-memory lock store
        self._env = env
        self.cityapi_db_url = f"sqlite:///{workdir}/cityapi.sqlite3"
        self.gateway_db_url = f"sqlite:///{workdir}/gateway.sqlite3"
        self.open311_key = uuid.uuid4().hex
        self.staff_token = uuid.uuid4().hex
        # the city's address search: a stand-in of geocodr, as its documentation describes it
        self.geocodr = self._service(
            "geocodr",
            free_port(),
            lambda port: [self.app_python, "-m", "tests.geocodr_standin", "--port", str(port)],
            {},
            "/healthz",
        )
        self.cityapi = self._service(
            "cityapi",
            free_port(),
            lambda port: [self.app_python, "-m", "cityapi", "serve", "--host", "127.0.0.1",
                          "--port", str(port)],
            {
                "DATABASE_URL": self.cityapi_db_url,
                "CITYAPI_OPEN311_API_KEYS": self.open311_key,
                "CITYAPI_STAFF_TOKEN": self.staff_token,
                "CITYAPI_MEDIA_DIR": str(workdir / "media"),
                # as in production: JSON lines with request ids, a line per request
                "LOG_FORMAT": "json",
                "CITYAPI_ACCESS_LOG": "true",
                "CITYAPI_GEOCODER_URL": f"{self.geocodr.url}/query",
            },
            "/healthz",
        )  # fmt: skip
        self.actions = self._service(
            "actions",
            free_port(),
            lambda port: [str(rasa_venv / "bin" / "python"), "-m", "rasa_sdk", "--actions",
                          "actions", "--port", str(port)],
            {"CITYAPI_URL": self.cityapi.url, "CITYAPI_OPEN311_API_KEY": self.open311_key},
            "/health",
        )  # fmt: skip
        self.rasa_tracker_db_url = f"sqlite:///{workdir}/rasa-tracker.sqlite3"
        # Rasa's HTTP API is behind a token, as in `make run`; the gateways get it as RASA_TOKEN.
        self.rasa_token = uuid.uuid4().hex
        rasa_port = free_port()
        self.rasa = self._service(
            "rasa",
            rasa_port,
            lambda port: ["bash", str(ROOT / "scripts" / "serve-rasa.sh")],
            {
                "RASA_BIN": str(rasa_venv / "bin" / "rasa"),
                "RASA_MODEL": str(model),
                "RASA_PORT": str(rasa_port),
                "RASA_INTERFACE": "127.0.0.1",
                "RASA_ENDPOINTS": str(workdir / "endpoints.yml"),
                "ACTION_ENDPOINT_URL": f"{self.actions.url}/webhook",
                "RASA_TRACKER_STORE_URL": self.rasa_tracker_db_url,
                "RASA_AUTH_TOKEN": self.rasa_token,
            },
            f"/status?token={self.rasa_token}",
            cwd=workdir,
        )
        self.gateway = self._gateway("gateway", {}, self.rasa.url, self.gateway_db_url)
        self._extra: list[Service] = []

    @classmethod
    def from_environment(cls, workdir: Path, *, warm_up: bool = True) -> Stack:
        """A stack using APP_VENV, RASA_VENV and RASA_MODEL (or asking the scripts for them).

        `warm_up=False` starts it cold, as `make run` does before `bot.ready` (see `wait_ready`).
        """
        app_venv = os.environ.get("APP_VENV") or _script_output("venv.sh", "app")
        rasa_venv = os.environ.get("RASA_VENV") or _script_output("venv.sh", "rasa")
        model = os.environ.get("RASA_MODEL") or _script_output("model.sh")
        return cls(
            workdir,
            app_venv=Path(app_venv),
            rasa_venv=Path(rasa_venv),
            model=Path(model),
            warm_up=warm_up,
        )

    # --- URLs and helpers -------------------------------------------------------------------
    @property
    def gateway_url(self) -> str:
        """The gateway's base URL."""
        return self.gateway.url

    @property
    def rasa_url(self) -> str:
        """Rasa's base URL."""
        return self.rasa.url

    @property
    def actions_url(self) -> str:
        """The action server's base URL."""
        return self.actions.url

    @property
    def cityapi_url(self) -> str:
        """The city data API's base URL."""
        return self.cityapi.url

    def chat(self, sender: str, message: str, **extra: object) -> tuple[int, Any]:
        """POST /api/chat on the main gateway; returns (status, JSON)."""
        return http_json(
            "POST", self.gateway_url + "/api/chat", {"sender": sender, "message": message, **extra}
        )

    def person_id(self, channel: str, platform_id: str, gateway_db_url: str | None = None) -> str:
        """The opaque person id the gateway gave this platform user (also Rasa's sender id)."""
        path = (gateway_db_url or self.gateway_db_url).removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            row = conn.execute(
                "SELECT id FROM people WHERE channel = ? AND platform_id = ?",
                (channel, TEST_PEOPLE_IDS.platform(channel, platform_id)),
            ).fetchone()
        if row is None:
            raise LookupError(f"no person for {channel}/{platform_id}")
        return str(row[0])

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> Stack:
        """Prepare the city data, start every service and wait until all are healthy."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._prepare_cityapi()
            for service in (self.geocodr, self.cityapi, self.actions, self.rasa, self.gateway):
                service.start()
            self._wait_healthy(
                [self.geocodr, self.cityapi, self.actions, self.gateway], SERVICE_START_TIMEOUT_S
            )
            self._wait_healthy([self.rasa], RASA_START_TIMEOUT_S)
            if self._warm:
                self._warm_up()
        except BaseException as exc:
            logs = self.logs()
            self.close()
            raise StackError(f"the stack did not start: {exc}\n{logs}") from exc
        return self

    def close(self) -> None:
        """Stop every process of the stack (extra gateways first, then in reverse start order)."""
        for service in [*reversed(self._extra), self.gateway, self.rasa, self.actions,
                        self.cityapi, self.geocodr]:  # fmt: skip
            service.stop()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def stop_cityapi(self) -> None:
        """Stop the city data API (its port then refuses connections)."""
        self.cityapi.stop()

    def start_cityapi(self) -> None:
        """Start the city data API again on the same port and database, and wait for it."""
        self.cityapi.start()
        self._wait_healthy([self.cityapi], SERVICE_START_TIMEOUT_S)

    def restart_rasa(self) -> None:
        """Stop Rasa and start it again on the same port and tracker store, and wait for it."""
        self.rasa.stop()
        self.rasa.start()
        self._wait_healthy([self.rasa], RASA_START_TIMEOUT_S)

    def start_gateway(
        self,
        env: Mapping[str, str] | None = None,
        *,
        rasa_url: str | None = None,
        database_url: str | None = None,
    ) -> Service:
        """Start one more gateway process and wait until it is healthy."""
        index = len(self._extra) + 1
        service = self._gateway(
            f"gateway-{index}",
            dict(env or {}),
            rasa_url or self.rasa.url,
            database_url or f"sqlite:///{self.workdir}/gateway-{index}.sqlite3",
        )
        self._extra.append(service)
        service.start()
        self._wait_healthy([service], SERVICE_START_TIMEOUT_S)
        return service

    def wait_ready(self, timeout: float = RASA_START_TIMEOUT_S) -> float:
        """Run `make run`'s readiness (`python -m bot.ready`) on this stack until it says ready.

        It checks every service and warms them up as it does in `make run`; returns the seconds
        that took. For a stack started with `warm_up=False`, the moment `make run` says "ready".
        """
        env = {**self.gateway.env, "ACTION_SERVER_HEALTH": self.actions.url + "/health"}
        env.pop("SMILE_START_TIME", None)
        started = time.monotonic()
        log = self.workdir / "ready.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [self.app_python, "-m", "bot.ready"], env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=out, start_new_session=True,
            )  # fmt: skip
            try:
                assert process.stdout is not None
                deadline = started + timeout
                for line in process.stdout:  # blocks until it prints or exits
                    out.write(line)
                    if b"is ready" in line:
                        return time.monotonic() - started
                    if time.monotonic() > deadline:
                        break
                raise StackError(f"bot.ready did not say ready:\n{log.read_text()[-2000:]}")
            finally:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def rss_bytes(self) -> int:
        """Resident memory of every running process of the stack."""
        services = [self.cityapi, self.actions, self.rasa, self.gateway, *self._extra]
        return sum(s.rss_bytes() for s in services)

    def logs(self, lines: int = 40) -> str:
        """The tails of all services' logs."""
        parts = []
        for service in [self.cityapi, self.actions, self.rasa, self.gateway, *self._extra]:
            header = f"----- {service.name} ({service.log_path}) -----"
            parts.append(f"{header}\n{service.log_tail(lines)}")
        return "\n".join(parts)

    # --- internals --------------------------------------------------------------------------
    def _service(
        self,
        name: str,
        port: int,
        argv: Any,
        env: Mapping[str, str],
        health_path: str,
        *,
        cwd: Path | None = None,
    ) -> Service:
        return Service(
            name=name,
            argv=argv(port),
            env={**self._env, **env},
            cwd=cwd or ROOT,
            log_path=self.workdir / f"{name}.log",
            url=f"http://127.0.0.1:{port}",
            health_path=health_path,
        )

    def _gateway(
        self, name: str, env: Mapping[str, str], rasa_url: str, database_url: str
    ) -> Service:
        port = free_port()
        base = {k: v for k, v in self._env.items() if not k.startswith(_GATEWAY_PRIVATE_PREFIXES)}
        full_env = {
            **base,
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(port),
            "GATEWAY_DATABASE_URL": database_url,
            "RASA_URL": rasa_url,
            "RASA_TOKEN": self.rasa_token,
            "RASA_TRACKER_STORE_URL": self.rasa_tracker_db_url,
            "PEOPLE_ID_KEY": TEST_PEOPLE_ID_KEY,  # platform ids are stored as keyed hashes
            # report status news, read from the city data API's staff feed
            "CITYAPI_URL": self.cityapi.url,
            "CITYAPI_STAFF_TOKEN": self.staff_token,
            "CITYAPI_OPEN311_API_KEY": self.open311_key,  # photos go to Open311
            "REPORT_UPDATES_INTERVAL_S": "0.5",
            # every test and benchmark user talks from 127.0.0.1, many per second: the inbound
            # limits are tested with their defaults on a gateway of their own
            "WEB_RATE_PER_ADDRESS": "100000/minute",
            "WEB_RATE_PER_SENDER": "100000/minute",
            **env,
        }
        return Service(
            name=name,
            argv=[self.app_python, "-m", "bot"],
            env=full_env,
            cwd=ROOT,
            log_path=self.workdir / f"{name}.log",
            url=f"http://127.0.0.1:{port}",
            health_path="/healthz",
        )

    def _prepare_cityapi(self) -> None:
        env = {**self._env, "DATABASE_URL": self.cityapi_db_url}
        for args in (["migrate"], ["import", "sample"]):
            log = self.workdir / "cityapi-prepare.log"
            with log.open("ab") as out:
                result = subprocess.run(
                    [self.app_python, "-m", "cityapi", *args],
                    env=env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=300,
                )
            if result.returncode != 0:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
                raise StackError(f"cityapi {' '.join(args)} failed:\n{tail}")

    def _warm_up(self) -> None:
        # Rasa's first predictions and the action server's first city API calls are slow (graph
        # building, imports, cold caches); one round trip keeps that out of tests and figures.
        for text in ("hallo", "wo ist eine toilette in der südstadt", "was ist heute los"):
            http_json(
                "POST",
                self.rasa.url + "/webhooks/rest/webhook",
                {"sender": "stack-warm-up", "message": text},
                timeout=120,
            )

    def _wait_healthy(self, services: list[Service], timeout: float) -> None:
        wait_healthy(services, timeout)
