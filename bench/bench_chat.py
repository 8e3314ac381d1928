"""Web chat speed and memory: 20 concurrent users, 500 mixed messages, gateway vs Rasa REST.

Starts the real stack (tests/stack.py) on free ports. 20 users (each pausing 1-3 s between their
messages, as people reading and typing do) send the same 500 messages once straight to
Rasa's REST webhook and once through the gateway's POST /api/chat (own senders per path, so both
see the same conversation lengths), and prints p50/p99 latencies, the gateway's overhead and the
stack's peak resident memory.
Targets: gateway p50 <= 120 ms, p99 <= 500 ms, overhead <= 15 % of Rasa's p50, memory <= 2 GB.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import chatload
from chatload import THINK_MAX_S, THINK_MIN_S, percentile

from tests.stack import Stack

USERS = 20
MESSAGES = 500
ROUNDS = 5
TARGET_P50_MS, TARGET_P99_MS, TARGET_OVERHEAD, TARGET_RSS = 120.0, 500.0, 0.15, 2 * 1024**3


def messages() -> list[str]:
    """The benchmark's messages: message i belongs to user i % USERS (even users write German)."""
    return chatload.messages(MESSAGES, USERS)


async def run_users(
    session: aiohttp.ClientSession,
    url: str,
    body: Callable[[str, str], dict[str, object]],
    texts: list[str],
    tag: str,
) -> tuple[list[float], int]:
    """USERS concurrent users, each sending its share in order; returns latencies (ms), errors."""
    answers = await chatload.typing_users(
        session, url, users=USERS, tag=tag, texts=texts, body=body
    )
    return answers.latencies, answers.errors


SERVICES = ("gateway", "rasa", "actions", "cityapi")


def cpu_seconds(stack: Stack) -> dict[str, float]:
    """CPU seconds used so far by each service's process tree."""
    out = {}
    for name in SERVICES:
        service = getattr(stack, name)
        total = 0.0
        if service.process is not None:
            root = psutil.Process(service.process.pid)
            for proc in [root, *root.children(recursive=True)]:
                times = proc.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
        out[name] = total
    return out


class PeakMemory:
    """Samples the stack's resident memory in the background and keeps the peak."""

    def __init__(self, stack: Stack) -> None:
        self._stack = stack
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._stack.rss_bytes())
            self._stop.wait(0.5)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


async def measure(stack: Stack) -> bool:
    texts = messages()
    rasa_url = stack.rasa_url + "/webhooks/rest/webhook"
    gateway_url = stack.gateway_url + "/api/chat"

    def rasa_body(sender: str, text: str) -> dict[str, object]:
        return {"sender": sender, "message": text}

    def gateway_body(sender: str, text: str) -> dict[str, object]:
        return {"sender": sender, "message": text}

    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=USERS * 2)
    rasa: list[float] = []
    gateway: list[float] = []
    cpu_direct = dict.fromkeys(SERVICES, 0.0)
    cpu_gateway_path = dict.fromkeys(SERVICES, 0.0)
    rasa_errors = gateway_errors = 0
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        # A short warm-up of both paths, not counted.
        await run_users(session, rasa_url, rasa_body, texts[: USERS * 2], "warm-rasa")
        await run_users(session, gateway_url, gateway_body, texts[: USERS * 2], "warm-gateway")
        # Alternate rounds, so that both paths share the machine's ups and downs alike; the same
        # users continue their conversations from round to round on both paths.
        share = MESSAGES // ROUNDS
        with PeakMemory(stack) as memory:
            for start in range(0, MESSAGES, share):
                chunk = texts[start : start + share]
                before = cpu_seconds(stack)
                got, failed = await run_users(session, rasa_url, rasa_body, chunk, "rasa")
                rasa += got
                rasa_errors += failed
                middle = cpu_seconds(stack)
                got, failed = await run_users(session, gateway_url, gateway_body, chunk, "gw")
                gateway += got
                gateway_errors += failed
                after = cpu_seconds(stack)
                for name in cpu_direct:
                    cpu_direct[name] += middle[name] - before[name]
                    cpu_gateway_path[name] += after[name] - middle[name]
    rasa_p50, rasa_p99 = percentile(rasa, 50), percentile(rasa, 99)
    gw_p50, gw_p99 = percentile(gateway, 50), percentile(gateway, 99)
    overhead = (gw_p50 - rasa_p50) / rasa_p50
    rss = memory.peak
    print(
        f"{USERS} concurrent users (half German, half English, "
        f"{THINK_MIN_S:.0f}-{THINK_MAX_S:.0f} s between a user's messages), "
        f"{MESSAGES} mixed messages, {ROUNDS} alternating rounds per path"
    )
    print(f"  Rasa REST channel: p50 {rasa_p50:7.1f} ms   p99 {rasa_p99:7.1f} ms   "
          f"errors {rasa_errors}")  # fmt: skip
    print(f"  gateway /api/chat: p50 {gw_p50:7.1f} ms   p99 {gw_p99:7.1f} ms   "
          f"errors {gateway_errors}")  # fmt: skip
    checks = [
        (f"gateway p50 {gw_p50:.1f} ms <= {TARGET_P50_MS:.0f} ms", gw_p50 <= TARGET_P50_MS),
        (f"gateway p99 {gw_p99:.1f} ms <= {TARGET_P99_MS:.0f} ms", gw_p99 <= TARGET_P99_MS),
        (
            f"gateway overhead on Rasa's p50 {overhead * 100:+.1f} % <= "
            f"{TARGET_OVERHEAD * 100:.0f} %",
            overhead <= TARGET_OVERHEAD,
        ),
        (
            f"stack peak resident memory {rss / 1024**2:.0f} MiB <= {TARGET_RSS / 1024**2:.0f} MiB",
            rss <= TARGET_RSS,
        ),
        ("no failed requests", rasa_errors == 0 and gateway_errors == 0),
    ]
    for text, ok in checks:
        print(f"  [{verdict(ok)}] {text}")
    # CPU time per message does not depend on what else runs on the machine: the fairer comparison.
    print("  CPU time per message (ms), Rasa REST path vs gateway path:")
    for name in SERVICES:
        direct = cpu_direct[name] / MESSAGES * 1000
        through = cpu_gateway_path[name] / MESSAGES * 1000
        print(f"    {name:8} {direct:7.1f}   {through:7.1f}")
    for name, service in (
        ("city data API", stack.cityapi),
        ("actions", stack.actions),
        ("Rasa", stack.rasa),
        ("gateway", stack.gateway),
    ):
        print(f"    memory now: {name:14} {service.rss_bytes() / 1024**2:7.0f} MiB")
    return all(ok for _, ok in checks)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-chat-") as workdir:
        started = time.monotonic()
        with Stack.from_environment(Path(workdir)) as stack:
            print(f"stack start-up (all four services healthy): {time.monotonic() - started:.1f} s")
            ok = asyncio.run(measure(stack))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
