"""Audio in and out through ffmpeg: any container to 16 kHz mono PCM, and WAV to OGG/Opus."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass

from bot.core.ports import VoiceError
from bot.voice.process import ProgramFailed, run_program

SAMPLE_RATE = 16_000  # what the Vosk models expect
BYTES_PER_SECOND = SAMPLE_RATE * 2  # 16-bit mono
OPUS_MIME = "audio/ogg"
# Containers whose index may sit at the end of the file, so ffmpeg must be able to seek: these
# go through a private temporary file (deleted right after decoding) instead of a pipe.
_NEEDS_SEEK = ("audio/mp4", "audio/m4a", "audio/x-m4a", "audio/aac", "video/mp4", "video/quicktime")


@dataclass(frozen=True, slots=True)
class Codec:
    """Decodes what people send and encodes what the assistant says, with the ffmpeg program."""

    ffmpeg: str = "ffmpeg"
    timeout_s: float = 30.0

    async def decode(self, data: bytes, mime_type: str, max_seconds: float) -> bytes:
        """Decode any audio to 16 kHz mono s16le PCM; VoiceError too-long or decode-failed."""
        if not data:
            raise VoiceError("decode-failed", "the audio is empty")
        # Decode a little more than allowed, so "too long" is told apart from "exactly at the cap"
        # without decoding an hour of audio.
        cap = f"{max_seconds + 1:.3f}"
        tail = ["-vn", "-sn", "-dn", "-t", cap, "-ac", "1", "-ar", str(SAMPLE_RATE)]
        tail += ["-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]
        head = [self.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"]
        try:
            if mime_type.split(";")[0].strip().lower() in _NEEDS_SEEK:
                pcm = await self._decode_seekable(head, tail, data)
            else:
                argv = [*head, "-i", "pipe:0", *tail]
                pcm = (await run_program(argv, data, self.timeout_s)).stdout
        except ProgramFailed as exc:
            raise VoiceError("decode-failed", f"ffmpeg could not decode the audio: {exc}") from exc
        if len(pcm) < BYTES_PER_SECOND // 10:
            raise VoiceError("decode-failed", "the file holds no audio")
        if len(pcm) > max_seconds * BYTES_PER_SECOND:
            raise VoiceError("too-long", f"the audio is longer than {max_seconds:.0f} s")
        return pcm

    async def _decode_seekable(self, head: list[str], tail: list[str], data: bytes) -> bytes:
        fd, path = tempfile.mkstemp(prefix="voice-", suffix=".m4a")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            return (await run_program([*head, "-i", path, *tail], b"", self.timeout_s)).stdout
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    async def encode_opus(self, wav: bytes) -> bytes:
        """Encode a WAV (any rate) as OGG/Opus, 48 kHz mono, tuned for speech; VoiceError."""
        argv = [self.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "wav"]
        argv += ["-i", "pipe:0", "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "32k"]
        argv += ["-application", "voip", "-f", "ogg", "pipe:1"]
        try:
            return (await run_program(argv, wav, self.timeout_s)).stdout
        except ProgramFailed as exc:
            raise VoiceError("encode-failed", f"ffmpeg could not encode speech: {exc}") from exc

    async def encode_raw_opus(self, pcm: bytes, sample_rate: int) -> bytes:
        """Encode raw s16le mono PCM (as Piper writes it) as OGG/Opus; VoiceError encode-failed."""
        argv = [self.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "s16le"]
        argv += ["-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0", "-ac", "1", "-ar", "48000"]
        argv += ["-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-f", "ogg", "pipe:1"]
        try:
            return (await run_program(argv, pcm, self.timeout_s)).stdout
        except ProgramFailed as exc:
            raise VoiceError("encode-failed", f"ffmpeg could not encode speech: {exc}") from exc
