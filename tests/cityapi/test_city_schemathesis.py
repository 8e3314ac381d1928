"""Schemathesis with every check against the city data API's OpenAPI document, bounded in time.

A real server (`scripts/serve-cityapi.sh` on SQLite with the shipped sample, the staff API and an
Open311 key enabled); `st run` generates requests from the document (examples, coverage, fuzzing,
stateful through its links) and fails on a 5xx, an undocumented status or content type, a body
that breaks its schema, a schema-valid request refused or an invalid one accepted, a missing
`Allow`, an ignored authentication… (tests/cityapi/schemathesis.toml says which 400s are expected).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cityapi.settings import REPO_ROOT
from tests.stack import Service, free_port, wait_healthy

CONFIG = Path(__file__).with_name("schemathesis.toml")
STAFF_TOKEN = "schemathesis-staff-token-0123456789"
# the time budget of the whole run; fuzzing and stateful testing repeat until it is spent
MAX_SECONDS = 60


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Service]:
    port = free_port()
    geocodr_port = free_port()
    geocodr = Service(
        "geocodr",
        [sys.executable, "-m", "tests.geocodr_standin", "--port", str(geocodr_port)],
        dict(os.environ),
        REPO_ROOT,
        tmp_path / "geocodr.log",
        f"http://127.0.0.1:{geocodr_port}",
        "/healthz",
    )
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cityapi.sqlite3",
        "CITYAPI_SAMPLE_DATA": "true",
        "CITYAPI_HOST": "127.0.0.1",
        "CITYAPI_PORT": str(port),
        "CITYAPI_MEDIA_DIR": str(tmp_path / "media"),
        "CITYAPI_STAFF_TOKEN": STAFF_TOKEN,
        "CITYAPI_OPEN311_API_KEYS": "schemathesis-client-key",
        "CITYAPI_GEOCODER_URL": f"{geocodr.url}/query",
    }
    service = Service(
        "cityapi",
        ["sh", str(REPO_ROOT / "scripts" / "serve-cityapi.sh")],
        env,
        REPO_ROOT,
        tmp_path / "cityapi.log",
        f"http://127.0.0.1:{port}",
        "/healthz",
    )
    geocodr.start()
    service.start()
    try:
        wait_healthy([geocodr, service], 60)
        yield service
    finally:
        service.stop()
        geocodr.stop()


@pytest.mark.timeout(MAX_SECONDS + 120)
def test_schemathesis_with_every_check_finds_nothing(served: Service, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    argv = [
        str(st), "--config-file", str(CONFIG), "run", served.url + "/openapi.json",
        "--checks", "all", "--max-time", str(MAX_SECONDS), "--workers", "2",
        "--request-timeout", "10", "--header", f"Authorization: Bearer {STAFF_TOKEN}",
        "--no-color", "--seed", "20261203",
    ]  # fmt: skip
    run = subprocess.run(
        argv,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS + 90,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, _failures(output) + "\n--- server log ---\n" + served.log_tail()
    assert "Server error" not in output


def _failures(output: str) -> str:
    """The FAILURES section with long lines (generated bodies) cut, enough to reproduce each."""
    section = output[output.find("FAILURES") :] if "FAILURES" in output else output
    lines = [line if len(line) <= 300 else line[:300] + " …" for line in section.splitlines()]
    return "\n".join(lines[:200])
