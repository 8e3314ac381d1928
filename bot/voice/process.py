"""Running the voice pipeline's helper programs (ffmpeg, espeak-ng, piper) through pipes."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


class ProgramFailed(Exception):
    """A helper program could not be started, timed out or exited with an error."""

    def __init__(self, reason: str, returncode: int | None = None, stderr: bytes = b"") -> None:
        super().__init__(reason)
        self.returncode = returncode
        # Kept for the exception's chain only: ffmpeg's stderr names no speech content.
        self.stderr = stderr


@dataclass(frozen=True, slots=True)
class Finished:
    """A helper program's output."""

    stdout: bytes
    stderr: bytes


async def run_program(argv: list[str], stdin: bytes, timeout_s: float) -> Finished:
    """Run a program, feed stdin, collect stdout; kills it on timeout and raises ProgramFailed."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise ProgramFailed(f"cannot start {argv[0]}: {exc.strerror}") from exc
    try:
        async with asyncio.timeout(timeout_s):
            stdout, stderr = await proc.communicate(stdin)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise ProgramFailed(f"{argv[0]} took longer than {timeout_s:.0f} s") from None
    except BaseException:
        # Cancelled (e.g. the gateway stops): never leave a helper process behind.
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise ProgramFailed(f"{argv[0]} exited with {proc.returncode}", proc.returncode, stderr)
    return Finished(stdout, stderr)
