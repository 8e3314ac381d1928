"""Checks of the voice notes chat platforms carry (for the Telegram and Matrix voice tests)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def voice_note_info(data: bytes) -> dict[str, str]:
    """What ffprobe says about a voice note read from a file (so OGG's duration is known too)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "note"
        path.write_bytes(data)
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries",
             "format=format_name,duration:stream=codec_name,sample_rate,channels",
             "-of", "default=noprint_wrappers=1", str(path)],
            capture_output=True, check=True, timeout=60, text=True,
        ).stdout  # fmt: skip
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def assert_opus_voice_notes(notes: list[bytes]) -> None:
    """Each note is OGG/Opus with real sound in it, as Telegram and Element play voice notes."""
    assert notes, "nothing was spoken"
    for note in notes:
        assert isinstance(note, bytes), type(note)
        info = voice_note_info(note)
        assert info.get("format_name") == "ogg", info
        assert info.get("codec_name") == "opus", info
        assert float(info["duration"]) > 0.3, info
