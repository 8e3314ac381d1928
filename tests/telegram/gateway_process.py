"""The gateway as a real process (`python -m bot`) for tests that kill or stop it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.stack import closed_url, free_port

ROOT = Path(__file__).resolve().parents[2]


def gateway_env(api_url: str, token: str, database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment without its Telegram and Matrix settings, for the stand-in.

    No assistant and no city data API: the tests that kill the gateway need neither (the
    channel answers /help and /start itself, announcements come from the staff API).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "MATRIX_"))}
    return {
        **env,
        "PYTHONPATH": str(ROOT),
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_DATABASE_URL": database_url,
        "RASA_URL": closed_url(),
        "CITYAPI_URL": closed_url(),
        "TELEGRAM_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api_url,
        "TELEGRAM_POLL_TIMEOUT_S": "1",
        "VOICE_ENABLED": "false",
        **extra,
    }


class Gateway:
    """One `python -m bot` process on a free port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = {**env, "GATEWAY_PORT": str(self.port)}
        self._log = log
        self.process: subprocess.Popen[bytes] | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self._log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "bot"],
                env=self._env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def start(self) -> None:
        self.process = self._spawn()
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                assert self.process.poll() is None, self._log.read_text()[-3000:]
                try:
                    async with session.get(f"{self.url}/healthz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"the gateway did not start:\n{self._log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, in-flight sends are cut off."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    async def terminate(self, within_s: float = 15.0) -> float:
        """SIGTERM (a graceful stop, as systemd or Docker ask for); seconds until it exited.

        Waits without blocking the loop: the Bot API stand-in keeps answering meanwhile.
        """
        assert self.process is not None
        began = time.monotonic()
        os.killpg(self.process.pid, signal.SIGTERM)
        while self.process.poll() is None:
            assert time.monotonic() - began < within_s, "the gateway did not stop"
            await asyncio.sleep(0.02)
        return time.monotonic() - began
