"""Speed of `GET /places?type=…&near=…` with 10,000 places in SQLite, against bare aiohttp.

Starts both servers on 127.0.0.1 (free ports), loads 10,000 generated places, then drives each with
the same load from a separate client process: an open-loop phase at a fixed rate (latency p50/p99 at
400 requests/s) and a closed-loop phase (the most requests/s it sustains with 16 connections).
Targets: p50 <= 5 ms at 400 req/s and >= 400 req/s sustained.
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_PLACES = 10_000
RATE = 400  # requests/s of the open-loop phase
OPEN_SECONDS = 8.0
CLOSED_SECONDS = 8.0
WARMUP_SECONDS = 3.0
CONNECTIONS = 16
TARGET_P50_MS = 5.0
TARGET_RPS = 400.0

# The same server set-up as ours (uvloop, no access log), with a handler that does no work.
BARE_SERVER = """
import sys
import uvloop
from aiohttp import web
async def handler(request):
    return web.json_response({"items": [], "total": 0, "limit": 20, "offset": 0})
app = web.Application()
app.router.add_get("/places", handler)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None,
            loop=uvloop.new_event_loop())
"""

# The client runs in its own process so it does not share a GIL with what it measures.
LOAD_CLIENT = r"""
import asyncio, json, random, sys, time
import aiohttp

base, mode = sys.argv[1], sys.argv[2]
seconds, rate = float(sys.argv[3]), float(sys.argv[4])
conns, seed = int(sys.argv[5]), int(sys.argv[6])
rng = random.Random(seed)
TYPES = ["toilet", "library", "playground", "museum", "citizen_office",
         "public_transport_stop", "disabled_parking", "defibrillator", "parking_garage",
         "meeting_place", "beach", "swimming_pool"]

def url():
    lat = rng.uniform(54.06, 54.18); lon = rng.uniform(12.04, 12.20)
    return f"{base}/places?type={rng.choice(TYPES)}&near={lat:.5f},{lon:.5f}"

async def one(session, lat_ms, errors):
    t = time.perf_counter()
    try:
        async with session.get(url()) as resp:
            await resp.read()
            if resp.status != 200:
                errors.append(resp.status)
    except Exception as exc:
        errors.append(type(exc).__name__)
    lat_ms.append((time.perf_counter() - t) * 1000)

async def main():
    lat_ms, errors = [], []
    connector = aiohttp.TCPConnector(limit=conns)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(50):  # warm-up
            await one(session, [], [])
        start = time.perf_counter()
        if mode == "open":
            tasks, i = [], 0
            while True:
                due = start + i / rate
                if due - start >= seconds:
                    break
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(session, lat_ms, errors)))
                i += 1
            await asyncio.gather(*tasks)
        else:
            async def worker():
                while time.perf_counter() - start < seconds:
                    await one(session, lat_ms, errors)
            await asyncio.gather(*(worker() for _ in range(conns)))
        elapsed = time.perf_counter() - start
    print(json.dumps({"n": len(lat_ms), "elapsed": elapsed, "lat_ms": lat_ms,
                      "errors": errors[:5], "n_errors": len(errors)}))

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def make_places(database_url: str, n: int = N_PLACES) -> None:
    from sqlalchemy import create_engine

    from cityapi.districts import DistrictRegistry
    from cityapi.migrate import upgrade
    from cityapi.schema import PLACE_TYPES, places
    from cityapi.settings import sync_url
    from cityapi.text import fold

    upgrade(database_url)
    registry = DistrictRegistry.load(ROOT / "data" / "districts")
    rng = random.Random(7)
    hours = [
        "24/7",
        "Mo-Fr 08:00-18:00; PH off",
        "Mo-Su 06:00-22:00",
        "Tu-Su 10:00-18:00; PH off",
        None,
    ]
    rows = []
    now = datetime.now(UTC)
    while len(rows) < n:
        # denser in the centre, like the city itself
        if rng.random() < 0.5:
            lat, lon = rng.gauss(54.088, 0.015), rng.gauss(12.13, 0.025)
        else:
            lat, lon = rng.uniform(54.05, 54.20), rng.uniform(12.00, 12.25)
        found = registry.locate(lat, lon)
        if found is None:
            continue
        i = len(rows)
        name = f"Ort {i} {found.ortsteil}"
        rows.append(
            {
                "type": PLACE_TYPES[i % len(PLACE_TYPES)],
                "name": name,
                "sort_name": fold(name),
                "address": f"Teststraße {i % 90 + 1}, 18055 Rostock",
                "district": found.district,
                "ortsteil": found.ortsteil,
                "lat": lat,
                "lon": lon,
                "opening_hours": hours[i % len(hours)],
                "source": "bench",
                "source_id": str(i),
                "wheelchair": ("yes", "limited", "no", "unknown")[i % 4],
                "search_text": fold(name),
                "updated_at": now,
                "description": None,
            }
        )
    engine = create_engine(sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(places.insert(), rows)
    engine.dispose()


def cpu_seconds(pid: int) -> float:
    # user + system time of a process from /proc (Linux), in seconds
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(base: str, mode: str, seconds: float, server_pid: int) -> dict[str, float]:
    cpu_before = cpu_seconds(server_pid)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_CLIENT,
            base,
            mode,
            str(seconds),
            str(RATE),
            str(CONNECTIONS),
            "1",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    server_cpu = cpu_seconds(server_pid) - cpu_before
    data = json.loads(out.stdout)
    lat = sorted(data["lat_ms"])
    if data["n_errors"]:
        print(f"  ! {data['n_errors']} failed requests, e.g. {data['errors']}")
    return {
        "n": data["n"],
        "rps": data["n"] / data["elapsed"],
        "p50": statistics.median(lat),
        "p99": lat[int(len(lat) * 0.99) - 1],
        # includes the 50 warm-up requests; CPU per request is what a shared machine can't blur
        "cpu_ms": server_cpu * 1000 / (data["n"] + 50),
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.sqlite3"
        t0 = time.perf_counter()
        make_places(database_url)
        print(f"loaded {N_PLACES} places into SQLite in {time.perf_counter() - t0:.1f} s")
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        ours_port, bare_port = free_port(), free_port()
        ours = subprocess.Popen(
            [sys.executable, "-m", "cityapi", "serve", "--port", str(ours_port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        bare = subprocess.Popen(
            [sys.executable, "-c", BARE_SERVER, str(bare_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(f"http://127.0.0.1:{ours_port}/healthz", ours)
            wait_ready(f"http://127.0.0.1:{bare_port}/places", bare)
            results = {}
            servers = (
                ("bare aiohttp", bare_port, bare.pid),
                ("city data API", ours_port, ours.pid),
            )
            for label, port, pid in servers:
                base = f"http://127.0.0.1:{port}"
                run_load(base, "closed", WARMUP_SECONDS, pid)  # caches filled, code paths warm
                open_phase = run_load(base, "open", OPEN_SECONDS, pid)
                closed = run_load(base, "closed", CLOSED_SECONDS, pid)
                results[label] = (open_phase, closed)
                print(
                    f"{label:14s}  at {RATE} req/s offered: p50 {open_phase['p50']:.2f} ms, "
                    f"p99 {open_phase['p99']:.2f} ms, achieved {open_phase['rps']:.0f} req/s | "
                    f"{CONNECTIONS} connections flat out: {closed['rps']:.0f} req/s, "
                    f"p50 {closed['p50']:.2f} ms, p99 {closed['p99']:.2f} ms | "
                    f"server CPU {closed['cpu_ms']:.2f} ms/request "
                    f"(one core: ~{1000 / closed['cpu_ms']:.0f} req/s)"
                )
        finally:
            for proc in (ours, bare):
                proc.terminate()
                proc.wait(timeout=10)
    (o_open, o_closed), (b_open, b_closed) = results["city data API"], results["bare aiohttp"]
    print(
        f"ratio ours/bare: p50 at {RATE} req/s x{o_open['p50'] / b_open['p50']:.2f}, "
        f"sustained req/s {o_closed['rps'] / b_closed['rps']:.2f}, "
        f"CPU per request x{o_closed['cpu_ms'] / b_closed['cpu_ms']:.2f}"
    )
    load1, _, _ = os.getloadavg()
    print(f"machine load average during the run: {load1:.1f} on {os.cpu_count()} cores")
    ok = o_open["p50"] <= TARGET_P50_MS and o_closed["rps"] >= TARGET_RPS
    print(
        f"targets: p50 <= {TARGET_P50_MS} ms at {RATE} req/s"
        f" and >= {TARGET_RPS:.0f} req/s sustained: "
        f"{'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
