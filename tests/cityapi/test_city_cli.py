"""The commands other parts rely on (migrate, import sample, serve), run like `make run` does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cityapi.settings import REPO_ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityapi", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_import_sample_and_serve(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    assert _run(env, "migrate").returncode == 0
    imported = _run(env, "import", "sample")
    assert imported.returncode == 0, imported.stderr
    assert "sample:opendata-hro:toiletten: read 33, created 33" in imported.stdout
    again = _run(env, "import", "sample")
    assert "created 0, updated 0" in again.stdout
    assert "skipped 0" in again.stdout

    broken = tmp_path / "broken.csv"
    broken.write_text("not,a,toilet,file\n1,2,3,4\n")
    failed = _run(env, "import", "toiletten", str(broken))
    assert failed.returncode == 1
    assert "nothing was changed" in failed.stderr

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cityapi", "serve", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/places?type=museum", timeout=2
                ) as resp:
                    assert resp.status == 200
                    assert b"Kunsthalle Rostock" in resp.read()
                    break
            except OSError:
                assert server.poll() is None, "server exited"
                assert time.monotonic() < deadline, "server did not answer within 60 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
