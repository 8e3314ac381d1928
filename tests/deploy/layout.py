"""The production layout on one machine: two instances each of the city data API, the action
server, Rasa and the gateway on their own ports, nginx (Debian's package) in front of each pair,
every store in PostgreSQL and Rasa's lock store in Redis (both on 127.0.0.1 at their standard
ports). Rasa starts through its container entry, `scripts/serve-rasa.sh`.

`with Layout.start(workdir) as layout:` — then `layout.url(name)` is the balanced URL of a service
(`cityapi`, `actions`, `rasa`, `gateway`), `layout.instances[name]` its two `Service`s,
`layout.upstreams(name)` the instance ports nginx sent each request to, in order.
`layout.balance(1)` sends everything to the first instance of each service (`balance(2)`: both
again); `layout.warm_up()` warms each Rasa up as `make run`'s readiness does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import psycopg

from bot.ready import warm_up
from tests.stack import (
    _GATEWAY_PRIVATE_PREFIXES,
    RASA_START_TIMEOUT_S,
    ROOT,
    SERVICE_START_TIMEOUT_S,
    TEST_PEOPLE_ID_KEY,
    Service,
    _script_output,
    free_port,
    service_env,
    wait_healthy,
)

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
NGINX = "/usr/sbin/nginx"
SERVICES = ("cityapi", "actions", "rasa", "gateway")
REDIS_LOCK_DB = 12


def _pg(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


class Layout:
    """Two of everything behind nginx; see the module docstring."""

    def __init__(self, workdir: Path, gateway_env: Mapping[str, str] | None = None) -> None:
        self.workdir = workdir
        self._gateway_env = dict(gateway_env or {})
        self.app_python = str(Path(os.environ.get("APP_VENV") or _script_output("venv.sh", "app"))
                              / "bin" / "python")  # fmt: skip
        self.rasa_venv = Path(os.environ.get("RASA_VENV") or _script_output("venv.sh", "rasa"))
        self.model = os.environ.get("RASA_MODEL") or _script_output("model.sh")
        self._env = service_env()
        self.token = uuid.uuid4().hex
        tag = uuid.uuid4().hex[:8]
        self._databases = {name: f"layout_{name}_{tag}" for name in ("cityapi", "gateway", "rasa")}
        self._balancer_ports = {name: free_port() for name in SERVICES}
        self.instances: dict[str, list[Service]] = {}
        self._ports = {name: [free_port(), free_port()] for name in SERVICES}
        self._nginx: subprocess.Popen[bytes] | None = None

    def database_url(self, name: str) -> str:
        """The PostgreSQL URL of one store (cityapi, gateway, rasa)."""
        return f"postgresql://postgres@127.0.0.1:5432/{self._databases[name]}"

    def url(self, name: str) -> str:
        """The balanced base URL of a service."""
        return f"http://127.0.0.1:{self._balancer_ports[name]}"

    def upstreams(self, name: str) -> list[int]:
        """The instance ports nginx passed this service's requests to, oldest first."""
        log = self.workdir / f"nginx-{name}.log"
        ports = []
        for line in log.read_text().splitlines() if log.exists() else []:
            # $upstream_addr: "127.0.0.1:P" or, after a retry, "127.0.0.1:P1, 127.0.0.1:P2"
            last = line.split()[-1]
            ports.append(int(last.rsplit(":", 1)[1]))
        return ports

    @classmethod
    @contextmanager
    def start(
        cls, workdir: Path, *, gateway_env: Mapping[str, str] | None = None
    ) -> Iterator[Layout]:
        """Start the whole layout, yield it, and stop everything at the end.

        `gateway_env`: settings every gateway gets on top of the layout's (e.g. inbound limits).
        """
        layout = cls(workdir, gateway_env)
        try:
            layout._start()
            yield layout
        finally:
            layout.close()

    def kill(self, service: Service) -> None:
        """SIGKILL one instance (its whole process group), as a crash would."""
        assert service.process is not None
        try:
            os.killpg(service.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        service.process.wait(timeout=10)

    def balance(self, count: int) -> None:
        """Let nginx send requests to the first `count` instances of each service only.

        The others keep running (idle), so one and two instances compare on the same stores.
        """
        self._write_nginx(self._ports, count)
        subprocess.run([NGINX, "-p", str(self.workdir), "-c", str(self.workdir / "nginx.conf"),
                        "-s", "reload"], check=True, capture_output=True, timeout=30)  # fmt: skip
        time.sleep(1.0)  # the old workers finish their requests and leave

    def warm_up(self) -> None:
        """Warm every Rasa instance up as `make run`'s readiness does (bot.ready.warm_up)."""
        for service in self.instances["rasa"]:
            warm_up(service.url, self.token)

    def close(self) -> None:
        """Stop nginx and every instance, and drop the layout's databases."""
        if self._nginx is not None and self._nginx.poll() is None:
            self._nginx.terminate()
            self._nginx.wait(timeout=10)
        for services in self.instances.values():
            for service in services:
                service.stop()
        for name in self._databases.values():
            _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def logs(self, lines: int = 30) -> str:
        """The tails of every instance's log."""
        return "\n".join(
            f"----- {s.log_path.name} -----\n{s.log_tail(lines)}"
            for services in self.instances.values()
            for s in services
        )

    # --- internals --------------------------------------------------------------------------
    def _start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in self._databases.values():
            _pg(f'CREATE DATABASE "{name}"')
        env = self._env
        db_env = {**env, "DATABASE_URL": self.database_url("cityapi")}
        for command in (["migrate"], ["import", "sample"]):
            subprocess.run([self.app_python, "-m", "cityapi", *command], cwd=ROOT, check=True,
                           env=db_env, capture_output=True, timeout=300)  # fmt: skip
        ports = self._ports
        self._write_nginx(ports)
        with (self.workdir / "nginx.out").open("ab") as nginx_out:
            self._nginx = subprocess.Popen(
                [NGINX, "-p", str(self.workdir), "-c", str(self.workdir / "nginx.conf"),
                 "-g", "daemon off;"],
                stdin=subprocess.DEVNULL, stdout=nginx_out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        gateway_env = {k: v for k, v in env.items() if not k.startswith(_GATEWAY_PRIVATE_PREFIXES)}
        for index, port in enumerate(ports["cityapi"], 1):
            self._add("cityapi", index, port,
                      [self.app_python, "-m", "cityapi", "serve", "--host", "127.0.0.1",
                       "--port", str(port)], db_env, "/healthz")  # fmt: skip
        for index, port in enumerate(ports["actions"], 1):
            self._add("actions", index, port,
                      [str(self.rasa_venv / "bin" / "python"), "-m", "rasa_sdk", "--actions",
                       "actions", "--port", str(port)],
                      {**env, "CITYAPI_URL": self.url("cityapi")}, "/health")  # fmt: skip
        for index, port in enumerate(ports["rasa"], 1):
            self._add("rasa", index, port,
                      ["bash", str(ROOT / "scripts" / "serve-rasa.sh")],
                      {**env, "RASA_BIN": str(self.rasa_venv / "bin" / "rasa"),
                       "RASA_MODEL": str(self.model), "RASA_PORT": str(port),
                       "RASA_INTERFACE": "127.0.0.1",
                       "RASA_ENDPOINTS": str(self.workdir / f"endpoints-{index}.yml"),
                       "ACTION_ENDPOINT_URL": f"{self.url('actions')}/webhook",
                       "RASA_TRACKER_STORE_URL": self.database_url("rasa"),
                       "RASA_LOCK_STORE_URL": f"redis://127.0.0.1:6379/{REDIS_LOCK_DB}",
                       "RASA_AUTH_TOKEN": self.token},
                      f"/status?token={self.token}")  # fmt: skip
        for index, port in enumerate(ports["gateway"], 1):
            self._add("gateway", index, port, [self.app_python, "-m", "bot"],
                      {**gateway_env, "PEOPLE_ID_KEY": TEST_PEOPLE_ID_KEY,
                       "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port),
                       "GATEWAY_DATABASE_URL": self.database_url("gateway"),
                       "RASA_URL": self.url("rasa"), "RASA_TOKEN": self.token,
                       "RASA_TRACKER_STORE_URL": self.database_url("rasa"),
                       **self._gateway_env},
                      "/healthz")  # fmt: skip
        # Both instances of a service share one database, so the first one creates the schema
        # (migrations, Rasa's tracker table) before the second starts.
        first = [self.instances[name][0] for name in SERVICES]
        second = [self.instances[name][1] for name in SERVICES]
        for service in first:
            service.start()
        self._wait(first)
        for service in second:
            service.start()
        self._wait(second)

    def _add(self, name: str, index: int, port: int, argv: list[str], env: dict[str, str],
             health: str) -> None:  # fmt: skip
        service = Service(name=name, argv=argv, env=env, cwd=ROOT,
                          log_path=self.workdir / f"{name}-{index}.log",
                          url=f"http://127.0.0.1:{port}", health_path=health)  # fmt: skip
        self.instances.setdefault(name, []).append(service)

    def _wait(self, services: list[Service]) -> None:
        wait_healthy(services, RASA_START_TIMEOUT_S + SERVICE_START_TIMEOUT_S)

    def _write_nginx(self, ports: dict[str, list[int]], count: int = 2) -> None:
        blocks = []
        for name in SERVICES:
            servers = "\n".join(
                f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s"
                f"{'' if number < count else ' down'};"
                for number, port in enumerate(ports[name])
            )
            blocks.append(f"""
  upstream {name} {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{self._balancer_ports[name]};
    access_log {self.workdir}/nginx-{name}.log upstream;
    location / {{ proxy_pass http://{name}; }}
  }}""")
        (self.workdir / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
pid {self.workdir}/nginx.pid;
error_log {self.workdir}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  log_format upstream '$request_method $uri $status $upstream_addr';
  client_body_temp_path {self.workdir}/nginx-body;
  proxy_temp_path {self.workdir}/nginx-proxy;
  fastcgi_temp_path {self.workdir}/nginx-fastcgi;
  uwsgi_temp_path {self.workdir}/nginx-uwsgi;
  scgi_temp_path {self.workdir}/nginx-scgi;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_connect_timeout 2s;
  proxy_read_timeout 60s;
  # a dead instance refuses the connection before the request is sent: nginx tries the other one
  proxy_next_upstream error timeout;
{"".join(blocks)}
}}
""")
