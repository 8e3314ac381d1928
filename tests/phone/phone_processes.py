"""Starting and stopping the phone tests' programs (Kamailio, baresip) so none outlives a test.

Each program starts in its own session, so it and everything it forks (Kamailio's workers) form
one process group. Stopping sends SIGTERM to the group, waits up to 5 s, then SIGKILLs the group
and waits again; the leader is reaped last, so its group id cannot be reused meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

GRACE_S = 5.0
KILLED_WITHIN_S = 5.0


def start_program(argv: list[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start a program in its own process group, its output into log."""
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def group_members(pgid: int) -> list[int]:
    """Live processes of this process group (zombies not counted: they are gone already)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ..."; comm may contain spaces, so split after the ")"
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _leader_exited(proc: subprocess.Popen[bytes]) -> bool:
    """Whether the group's leader exited, without reaping it (it keeps the group id taken)."""
    if proc.returncode is not None:
        return True
    try:
        info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def _all_gone(proc: subprocess.Popen[bytes]) -> bool:
    return _leader_exited(proc) and not [p for p in group_members(proc.pid) if p != proc.pid]


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


async def _wait_gone(proc: subprocess.Popen[bytes], within: float) -> bool:
    deadline = time.monotonic() + within
    while not _all_gone(proc):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def stop_program(proc: subprocess.Popen[bytes], name: str) -> None:
    """Stop the program and all it forked: SIGTERM, up to 5 s, then SIGKILL; never leaves any."""
    pgid = proc.pid  # start_new_session: the leader's pid is the group's id
    if not _all_gone(proc):
        _signal_group(pgid, signal.SIGTERM)
        if not await _wait_gone(proc, GRACE_S):
            _signal_group(pgid, signal.SIGKILL)
            await _wait_gone(proc, KILLED_WITHIN_S)
    # workers that outlived an exited leader, in whatever state
    _signal_group(pgid, signal.SIGKILL)
    await _wait_gone(proc, KILLED_WITHIN_S)
    left = [p for p in group_members(pgid) if p != proc.pid]
    proc.wait(KILLED_WITHIN_S)  # exited already: this only reaps it
    assert not left, f"{name} left processes behind: {left}"
