"""Spoken test audio made with espeak-ng and encoded as the platforms send it (real ffmpeg).

Other suites use these to send voice notes: `spoken_ogg("Wo ist die nächste Toilette?", "de")`
is what Telegram's and Element's voice notes are (OGG/Opus, 48 kHz mono); `spoken_webm` is what a
browser's MediaRecorder uploads (WebM/Opus).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

KOREAN_WHERE_IS_THE_TOILET = "화장실이 어디에 있어요"


def _run(argv: list[str], stdin: bytes = b"") -> bytes:
    return subprocess.run(argv, input=stdin, capture_output=True, check=True, timeout=60).stdout


def spoken_wav(text: str, voice: str = "de", words_per_minute: int = 160) -> bytes:
    """The text spoken by espeak-ng as a WAV file (22.05 kHz mono)."""
    return _run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdout"], text.encode())


def _encode(wav: bytes, *args: str) -> bytes:
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0"]
    return _run([*argv, *args, "pipe:1"], wav)


def _spoken_opus(text: str, voice: str, bitrate: str, container: str, *extra: str) -> bytes:
    wav = spoken_wav(text, voice)
    return _encode(wav, "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", bitrate, *extra,
                   "-f", container)  # fmt: skip


def spoken_ogg(text: str, voice: str = "de") -> bytes:
    """A voice note as Telegram and Matrix clients send it: OGG/Opus, 48 kHz mono."""
    return _spoken_opus(text, voice, "24k", "ogg", "-application", "voip")


def spoken_webm(text: str, voice: str = "de") -> bytes:
    """A recording as a browser's MediaRecorder uploads it: WebM/Opus, 48 kHz."""
    return _spoken_opus(text, voice, "32k", "webm")


def spoken_m4a(text: str, voice: str = "en") -> bytes:
    """An audio file as a phone's recorder app shares it: AAC in MP4, its index at the end."""
    wav = spoken_wav(text, voice)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "note.m4a"
        argv = ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "wav", "-i", "pipe:0"]
        _run([*argv, "-c:a", "aac", str(out)], wav)
        return out.read_bytes()


def silent_ogg(seconds: float) -> bytes:
    """Silence of the given length as an OGG/Opus voice note (cheap way to make a long note)."""
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi"]
    argv += ["-i", "anullsrc=r=48000:cl=mono", "-t", f"{seconds:.2f}", "-c:a", "libopus"]
    argv += ["-b:a", "8k", "-application", "voip", "-f", "ogg", "pipe:1"]
    return _run(argv)


def probe(data: bytes) -> dict[str, str]:
    """What ffprobe says about audio: format name, codec, sample rate, channels, duration."""
    out = _run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=format_name,duration:stream=codec_name,sample_rate,channels",
            "-of",
            "default=noprint_wrappers=1",
            "-i",
            "pipe:0",
        ],
        data,
    ).decode()
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
