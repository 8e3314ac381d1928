"""1,000 reports filed concurrently through Open311 POST: throughput, p99, nothing lost.

Starts the city data API on 127.0.0.1 (SQLite, then PostgreSQL when it runs here), files 1,000
form-encoded reports from 50 concurrent connections in a separate client process, then counts
what the database holds: every acknowledged report must be there, with its own id, exactly once.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_places import free_port, wait_ready  # noqa: E402  (the same server set-up)

N_REPORTS = 1000
CONNECTIONS = 50
KEY = "bench-open311-key"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

LOAD_CLIENT = r"""
import asyncio, json, sys, time
import aiohttp

base, n, conns, key, account = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:6]

async def main():
    lat_ms, ids, errors = [], [], []
    queue = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    connector = aiohttp.TCPConnector(limit=conns)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker():
            while not queue.empty():
                i = queue.get_nowait()
                form = {"api_key": key, "service_code": "barrier-kerb",
                        "lat": f"{54.08 + (i % 100) / 10000:.6f}", "long": "12.13",
                        "description": f"Bordstein {i}", "account_id": account}
                t0 = time.perf_counter()
                try:
                    async with session.post(base + "/open311/v2/requests.json", data=form,
                                            headers={"Idempotency-Key": f"{account}-{i}"}) as r:
                        body = await r.json(content_type=None)
                        if r.status == 201:
                            ids.append(body[0]["service_request_id"])
                        else:
                            errors.append(f"{r.status} {body}"[:200])
                except Exception as exc:
                    errors.append(type(exc).__name__)
                lat_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conns)))
        elapsed = time.perf_counter() - t0
    print(json.dumps({"lat_ms": lat_ms, "ids": ids, "errors": errors[:5],
                      "n_errors": len(errors), "elapsed": elapsed}))

asyncio.run(main())
"""


def stored(database_url: str, account: str) -> list[int]:
    from sqlalchemy import create_engine, select

    from cityapi.open311.tables import requests
    from cityapi.settings import sync_url

    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(select(requests.c.id).where(requests.c.account_id == account)).all()
    engine.dispose()
    return [row.id for row in rows]


def run(label: str, database_url: str) -> bool:
    from cityapi.migrate import upgrade

    upgrade(database_url)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "CITYAPI_OPEN311_API_KEYS": KEY,
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cityapi", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    account = f"bench-{uuid.uuid4().hex[:8]}"
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(f"{base}/open311/v2/services.json", server)
        out = subprocess.run(
            [sys.executable, "-c", LOAD_CLIENT, base, str(N_REPORTS), str(CONNECTIONS), KEY,
             account],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)
    data = json.loads(out.stdout)
    lat = sorted(data["lat_ms"])
    acknowledged = {int(i) for i in data["ids"]}
    kept = stored(database_url, account)
    lost = acknowledged - set(kept)
    print(
        f"{label:10s} {N_REPORTS} reports from {CONNECTIONS} connections in "
        f"{data['elapsed']:.1f} s: {len(acknowledged) / data['elapsed']:.0f} reports/s, "
        f"p50 {statistics.median(lat):.0f} ms, p99 {lat[int(len(lat) * 0.99) - 1]:.0f} ms | "
        f"acknowledged {len(acknowledged)}, refused {data['n_errors']}, stored {len(kept)}, "
        f"lost {len(lost)}, stored twice {len(kept) - len(set(kept))}"
    )
    if data["n_errors"]:
        print(f"  refused, e.g. {data['errors']}")
    return not lost and len(acknowledged) == N_REPORTS and len(kept) == N_REPORTS


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= run("SQLite", f"sqlite:///{tmp}/bench-reports.sqlite3")
    try:
        import psycopg

        name = f"bench_reports_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    except Exception as exc:
        print(f"PostgreSQL  not measured ({type(exc).__name__}: no server on 127.0.0.1:5432)")
    else:
        try:
            ok &= run("PostgreSQL", f"postgresql://postgres@127.0.0.1:5432/{name}")
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    load1, _, _ = os.getloadavg()
    print(f"machine load average during the run: {load1:.1f} on {os.cpu_count()} cores")
    print(f"target: every one of {N_REPORTS} reports acknowledged and stored once: "
          f"{'met' if ok else 'NOT met'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
