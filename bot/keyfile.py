"""Secrets the gateway makes for itself when none is configured: random, made once, kept in a
file only its owner can read (0600)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create(path: Path) -> bytes:
    """The secret in `path`; on first use 32 random bytes (hex) are written there first.

    The file is written under a private name and linked into place, so two processes starting at
    once end up with the same secret (the second keeps the first one's file).
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(secrets.token_hex(32).encode())
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, path)  # atomic: a process starting at the same time keeps theirs
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes().strip()
