"""Audio in and out through ffmpeg: any container to 16 kHz mono PCM, and WAV to OGG/Opus."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass

import filetype

from bot.core.ports import VoiceError
from bot.voice.process import ProgramFailed, run_program

SAMPLE_RATE = 16_000  # what the Vosk models expect
BYTES_PER_SECOND = SAMPLE_RATE * 2  # 16-bit mono
OPUS_MIME = "audio/ogg"
# The formats people's apps record voice in, identified from the bytes (never from the declared
# type), and the one ffmpeg demuxer each may use: ffmpeg never guesses the format of untrusted
# audio, so a playlist or a concat script sent as "audio/mp4" cannot make it open other files.
DEMUXERS = {
    "ogg": "ogg",  # Telegram and Matrix voice notes (Opus), Firefox
    "webm": "matroska",  # Chrome's MediaRecorder
    "mkv": "matroska",
    "m4a": "mov",  # Safari, iPhones
    "mp4": "mov",
    "wav": "wav",
    "mp3": "mp3",
    "aac": "aac",  # ADTS
}
# MP4's index may sit at the end of the file, so ffmpeg must be able to seek: it goes through a
# private temporary file (deleted right after decoding) instead of a pipe.
_NEEDS_SEEK = ("mov",)


def audio_demuxer(data: bytes) -> str | None:
    """The ffmpeg demuxer for audio in one of the accepted formats, judged by its bytes."""
    kind = filetype.guess(data[:8192])
    return DEMUXERS.get(kind.extension) if kind is not None else None


@dataclass(frozen=True, slots=True)
class Codec:
    """Decodes what people send and encodes what the assistant says, with the ffmpeg program."""

    ffmpeg: str = "ffmpeg"
    timeout_s: float = 30.0

    async def decode(self, data: bytes, mime_type: str, max_seconds: float) -> bytes:
        """Decode a voice recording to 16 kHz mono s16le PCM; VoiceError too-long, decode-failed.

        The format is judged from the bytes alone: `mime_type` is only what the sender declared.
        """
        if not data:
            raise VoiceError("decode-failed", "the audio is empty")
        demuxer = audio_demuxer(data)
        if demuxer is None:
            raise VoiceError("decode-failed", "not audio in an accepted format")
        # Decode a little more than allowed, so "too long" is told apart from "exactly at the cap"
        # without decoding an hour of audio.
        cap = f"{max_seconds + 1:.3f}"
        tail = ["-vn", "-sn", "-dn", "-t", cap, "-ac", "1", "-ar", str(SAMPLE_RATE)]
        tail += ["-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]
        head = [self.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-f", demuxer]
        try:
            if demuxer in _NEEDS_SEEK:
                pcm = await self._decode_seekable(head, tail, data)
            else:
                argv = [*head, "-protocol_whitelist", "pipe", "-i", "pipe:0", *tail]
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
            argv = [*head, "-protocol_whitelist", "file", "-i", path, *tail]
            return (await run_program(argv, b"", self.timeout_s)).stdout
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
