"""Text-to-speech: espeak-ng by default, Piper when a voice file is configured for the language."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.core.messages import Language
from bot.core.ports import VoiceError
from bot.voice.process import ProgramFailed, run_program

MIN_RATE, MAX_RATE = -2, 3
RATE_STEP = 1.25  # each step of /voice faster|slower speaks a quarter faster or slower
ESPEAK_BASE_WPM = 165
MAX_TEXT_CHARS = 5000


def words_per_minute(rate: int) -> int:
    """espeak-ng's speed for a rate step (0 → 165 words per minute, +3 → 322, -2 → 106)."""
    step = max(MIN_RATE, min(MAX_RATE, rate))
    return round(ESPEAK_BASE_WPM * RATE_STEP**step)


@dataclass(frozen=True, slots=True)
class Speech:
    """Synthesised speech: a WAV file, or raw 16-bit mono PCM at a sample rate."""

    data: bytes
    raw_rate: int | None = None  # None: data is a WAV file


class Synthesizer(Protocol):
    """Speaks text in a language at a rate."""

    async def speak(self, text: str, language: Language, rate: int) -> Speech:
        """Synthesise; raises VoiceError tts-failed."""


@dataclass(frozen=True, slots=True)
class EspeakSynthesizer:
    """espeak-ng (Debian): robust, small, intelligible even when very fast."""

    voices: dict[Language, str]
    program: str = "espeak-ng"
    timeout_s: float = 30.0

    async def speak(self, text: str, language: Language, rate: int) -> Speech:
        """Speak text as WAV on stdout; the text goes through stdin, never the command line."""
        argv = [self.program, "-v", self.voices[language], "-s", str(words_per_minute(rate))]
        argv += ["--stdout"]
        try:
            done = await run_program(argv, text[:MAX_TEXT_CHARS].encode(), self.timeout_s)
        except ProgramFailed as exc:
            raise VoiceError("tts-failed", f"espeak-ng failed: {exc}") from exc
        if len(done.stdout) <= 44:  # a WAV header and no samples
            raise VoiceError("tts-failed", "espeak-ng produced no audio")
        return Speech(done.stdout)


def piper_sample_rate(voice: Path) -> int:
    """The sample rate a Piper voice speaks at, from its JSON config next to the .onnx file."""
    for config in (Path(f"{voice}.json"), voice.with_suffix(".json")):
        if config.is_file():
            audio = json.loads(config.read_text(encoding="utf-8")).get("audio", {})
            return int(audio.get("sample_rate", 22050))
    return 22050


@dataclass(frozen=True, slots=True)
class PiperSynthesizer:
    """Piper, for languages with a configured voice file; others fall back to espeak-ng."""

    voices: dict[Language, Path]
    fallback: Synthesizer
    program: str = "piper"
    timeout_s: float = 30.0

    async def speak(self, text: str, language: Language, rate: int) -> Speech:
        """Speak with the language's Piper voice as raw PCM, or with the fallback."""
        voice = self.voices.get(language)
        if voice is None:
            return await self.fallback.speak(text, language, rate)
        length_scale = 1 / RATE_STEP ** max(MIN_RATE, min(MAX_RATE, rate))
        argv = [self.program, "--model", str(voice), "--output_raw"]
        argv += ["--length_scale", f"{length_scale:.3f}"]
        try:
            done = await run_program(argv, text[:MAX_TEXT_CHARS].encode(), self.timeout_s)
        except ProgramFailed as exc:
            raise VoiceError("tts-failed", f"piper failed: {exc}") from exc
        if not done.stdout:
            raise VoiceError("tts-failed", "piper produced no audio")
        return Speech(done.stdout, piper_sample_rate(voice))
