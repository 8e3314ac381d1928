"""A real SIP telephone for the tests: baresip, driven over its ctrl_tcp socket.

It registers with the test's Kamailio, dials, sends keys (RFC 4733), plays WAV files as the
caller's voice (switching its audio source) and records what it hears (sndfile's dump files).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import shutil
import socket
import subprocess
import time
import wave
from pathlib import Path
from typing import Any

from tests.phone.phone_processes import start_program, stop_program

BARESIP_MODULES = Path("/usr/lib/baresip/modules")


def free_udp_port() -> int:
    """A UDP port nobody uses on 127.0.0.1 (and the one above it, for RTCP).

    baresip also listens for SIP over TCP on the port and for TLS on the one above: those must
    be free too (other work on the machine may hold them, even in TIME_WAIT).
    """
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port < 65000 and _tcp_free(port) and _tcp_free(port + 1):
            return port


def _tcp_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_tcp_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def sip_answers(port: int, within: float = 0.3) -> bool:
    """Whether a SIP server on 127.0.0.1:port answers an OPTIONS request (any response)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        own = sock.getsockname()[1]
        tag = secrets.token_hex(6)
        request = (
            f"OPTIONS sip:probe@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{own};branch=z9hG4bK{tag}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:probe@127.0.0.1:{own}>;tag={tag}\r\n"
            f"To: <sip:probe@127.0.0.1:{port}>\r\n"
            f"Call-ID: {tag}@127.0.0.1\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        loop = asyncio.get_running_loop()
        await loop.sock_sendto(sock, request.encode(), ("127.0.0.1", port))
        try:
            async with asyncio.timeout(within):
                data = await loop.sock_recv(sock, 4096)
        except (TimeoutError, ConnectionRefusedError):
            return False
        return data.startswith(b"SIP/2.0 ")


def write_wav(path: Path, pcm: bytes, rate: int = 16_000) -> Path:
    """16-bit mono PCM as a WAV file."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return path


def read_wav(path: Path) -> tuple[bytes, int]:
    """The PCM and sample rate of a (possibly still growing) WAV file from baresip."""
    data = path.read_bytes()
    if len(data) <= 44:
        return b"", 16_000
    rate = int.from_bytes(data[24:28], "little") or 16_000
    channels = int.from_bytes(data[22:24], "little") or 1
    pcm = data[44:]
    if channels == 2:  # keep the left channel
        pcm = b"".join(pcm[i : i + 2] for i in range(0, len(pcm) - 3, 4))
    return pcm, rate


class Telephone:
    """One baresip telephone with its own SIP account, control socket and recordings."""

    def __init__(self, workdir: Path, user: str, registrar_port: int) -> None:
        self.dir = workdir / f"baresip-{user}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.records = self.dir / "records"
        self.records.mkdir(exist_ok=True)
        self.user = user
        self.sip_port = free_udp_port()
        self.ctrl_port = free_tcp_port()
        self.silence = write_wav(self.dir / "silence.wav", bytes(16_000 * 2 * 120))
        (self.dir / "config").write_text(
            "\n".join(
                [
                    "poll_method epoll",
                    f"sip_listen 127.0.0.1:{self.sip_port}",
                    f"audio_source aufile,{self.silence}",
                    "audio_player aufile,/dev/null",
                    "audio_alert aufile,/dev/null",
                    "ausrc_srate 16000",
                    "ausrc_channels 1",
                    "auplay_srate 16000",
                    "auplay_channels 1",
                    f"module_path {BARESIP_MODULES}",
                    "module opus.so",
                    "module aufile.so",
                    "module sndfile.so",
                    "module_app account.so",
                    "module_app menu.so",
                    "module_app ctrl_tcp.so",
                    f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}",
                    f"snd_path {self.records}",
                    "opus_stereo no",
                    "opus_sprop_stereo no",
                    "",
                ]
            )
        )
        (self.dir / "accounts").write_text(
            f"<sip:{user}@127.0.0.1:{registrar_port}>;regint=3600;answermode=manual\n"
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.events: list[dict[str, Any]] = []
        self._event_seen = asyncio.Event()
        self._reading: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start baresip and connect to its control socket."""
        baresip = shutil.which("baresip")
        assert baresip, "baresip is missing (scripts/system-deps.sh --test installs it)"
        with (self.dir / "baresip.log").open("wb") as log:
            self._proc = start_program([baresip, "-f", str(self.dir)], log)
        deadline = time.monotonic() + 10
        while True:
            try:
                self._reader, self._writer = await asyncio.open_connection(
                    "127.0.0.1", self.ctrl_port
                )
                break
            except OSError:
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    raise AssertionError(f"baresip did not start: {self.log()}") from None
                await asyncio.sleep(0.1)
        self._reading = asyncio.create_task(self._read())

    def log(self) -> str:
        """baresip's output so far (for failure messages)."""
        path = self.dir / "baresip.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    async def stop(self) -> None:
        """Quit baresip (SIGTERM, then SIGKILL after 5 s) and close its control connection."""
        if self._reading is not None:
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reading
        if self._writer is not None:
            self._writer.close()
        if self._proc is not None:
            await stop_program(self._proc, f"baresip {self.user}")

    async def command(self, command: str, params: str = "") -> None:
        """Send one ctrl_tcp command (a netstring with JSON)."""
        assert self._writer is not None
        body = json.dumps({"command": command, "params": params, "token": command}).encode()
        self._writer.write(f"{len(body)}:".encode() + body + b",")
        await self._writer.drain()

    async def _read(self) -> None:
        assert self._reader is not None
        while True:
            length = await self._reader.readuntil(b":")
            body = await self._reader.readexactly(int(length[:-1]))
            await self._reader.readexactly(1)
            message = json.loads(body)
            if message.get("event"):
                self.events.append(message)
                self._event_seen.set()

    async def wait_event(self, kind: str, within: float = 20.0) -> dict[str, Any]:
        """The first event of this type (CALL_ESTABLISHED, CALL_CLOSED, REGISTER_OK…)."""
        deadline = time.monotonic() + within
        while True:
            for event in self.events:
                if event.get("type") == kind:
                    return event
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [e.get("type") for e in self.events]
                raise AssertionError(f"no {kind} within {within} s (saw {seen})\n{self.log()}")
            self._event_seen.clear()
            try:
                await asyncio.wait_for(self._event_seen.wait(), left)
            except TimeoutError:
                continue

    async def registered(self, within: float = 10.0) -> None:
        """Wait until the registrar took the telephone's binding (it registers at start)."""
        deadline = time.monotonic() + within
        while "200 OK" not in self.log() or "binding" not in self.log():
            if time.monotonic() > deadline:
                raise AssertionError(f"baresip did not register:\n{self.log()}")
            await asyncio.sleep(0.1)

    def has_event(self, kind: str) -> bool:
        """Whether an event of this type came."""
        return any(e.get("type") == kind for e in self.events)

    async def dial(self, uri: str) -> None:
        """Call a SIP URI."""
        await self.command("dial", uri)

    async def hangup(self) -> None:
        """Hang up the current call."""
        await self.command("hangup")

    async def press(self, key: str) -> None:
        """Press a key on the current call (sent as RFC 4733 telephone-event)."""
        await self.command("sndcode", key)

    async def say(self, wav: Path) -> None:
        """Speak: play this WAV file as the telephone's microphone from now on."""
        await self.command("ausrc", f"aufile,{wav}")

    def heard(self) -> tuple[bytes, int]:
        """What the telephone has heard so far (the decoded audio of the call)."""
        dumps = sorted(self.records.glob("dump-*-dec.wav"))
        if not dumps:
            return b"", 16_000
        return read_wav(dumps[-1])
