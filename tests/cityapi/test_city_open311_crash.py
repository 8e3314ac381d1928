"""kill -9 of the city data API while reports are being filed: nothing accepted is lost, and the
clients' retries (same Idempotency-Key) never file anything twice."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import create_engine, func, select

from cityapi.open311.tables import requests
from cityapi.settings import REPO_ROOT, sync_url
from tests.cityapi.helpers import OPEN311_KEY, DatabaseFactory
from tests.stack import free_port

N = 200


def _serve(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CITYAPI_OPEN311_API_KEYS": OPEN311_KEY,
        "PYTHONPATH": str(REPO_ROOT),
    }
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cityapi", "serve", "--port", str(port)],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(log.read_text(errors="replace")[-2000:])


async def _file(session: aiohttp.ClientSession, base: str, n: int) -> tuple[int, str | None]:
    form = {
        "api_key": OPEN311_KEY, "service_code": "barrier-path", "lat": "54.0887",
        "long": "12.1405", "description": f"Meldung {n}", "account_id": "crash-test",
    }  # fmt: skip
    try:
        async with session.post(
            f"{base}/open311/v2/requests.json", data=form, headers={"Idempotency-Key": f"k-{n}"}
        ) as resp:
            body = await resp.json(content_type=None)
            return resp.status, str(body[0]["service_request_id"]) if resp.status < 300 else None
    except (TimeoutError, aiohttp.ClientError):
        return 0, None  # the server died before answering: the client does not know


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_killed_service_loses_no_report_and_retries_file_none_twice(
    databases: DatabaseFactory, tmp_path: Path, backend: str
) -> None:
    db_url = databases.new(backend)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(db_url, port, tmp_path / "serve.log")
    acknowledged: dict[int, str] = {}
    try:
        async with aiohttp.ClientSession() as session:
            pending = [asyncio.create_task(_file(session, base, n)) for n in range(N)]
            await asyncio.sleep(0.05)
            os.kill(server.pid, signal.SIGKILL)  # in the middle of it
            results = await asyncio.gather(*pending)
        server.wait(timeout=10)
        acknowledged = {n: rid for n, (status, rid) in enumerate(results) if rid is not None}
        assert len(acknowledged) < N  # the kill came in the middle of the filing
        server = _serve(db_url, port, tmp_path / "serve.log")
        # every client retries what it was not told, and repeats what it was (same keys)
        async with aiohttp.ClientSession() as session:
            retried = await asyncio.gather(*(_file(session, base, n) for n in range(N)))
    finally:
        server.kill()
        server.wait(timeout=10)
    assert all(status in (200, 201) for status, _ in retried), retried
    for n, rid in acknowledged.items():
        assert retried[n][1] == rid  # what was acknowledged before is the same report
    engine = create_engine(sync_url(db_url))
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count()).select_from(requests).where(requests.c.account_id == "crash-test")
        ).scalar_one()
    engine.dispose()
    assert stored == N  # none lost, none twice
