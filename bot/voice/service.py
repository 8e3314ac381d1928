"""The voice pipeline: decode → speech-to-text for people's voice, text-to-speech → encode back."""

from __future__ import annotations

import asyncio
import logging
import os
import time

from bot.core.messages import Audio, Language
from bot.core.ports import Transcript, VoiceError
from bot.metrics import VOICE_DECODE_SECONDS, VOICE_RECOGNITION_SECONDS
from bot.voice.city_names import CityVocabulary
from bot.voice.codec import BYTES_PER_SECOND, OPUS_MIME, Codec
from bot.voice.segments import split_point
from bot.voice.stt import VoskEngine
from bot.voice.tts import Speech, Synthesizer

logger = logging.getLogger(__name__)


class VoicePipeline:
    """The core's VoiceService: bounded, off the event loop, and forgetting audio once heard."""

    def __init__(
        self,
        codec: Codec,
        engine: VoskEngine,
        synthesizer: Synthesizer,
        *,
        max_seconds: float = 120.0,
        max_bytes: int = 20_000_000,
        workers: int = 1,
        vocabulary: CityVocabulary | None = None,
    ) -> None:
        self._codec = codec
        self._engine = engine
        self._synthesizer = synthesizer
        self._max_seconds = max_seconds
        self._max_bytes = max_bytes
        self._stt_slots = asyncio.Semaphore(workers)
        self._tts_slots = asyncio.Semaphore(max(2, workers))
        self._vocabulary = vocabulary
        self._started = False
        self._pending = 0  # voice notes being transcribed or waiting for a slot
        self._parallel = (os.cpu_count() or 1) > 1

    @property
    def engine(self) -> VoskEngine:
        """The speech-to-text engine (for start-up checks and the city vocabulary)."""
        return self._engine

    async def start(self) -> None:
        """Load the speech models that are present (once, off the event loop); fetch city names."""
        for language in self._engine.languages():
            try:
                await asyncio.to_thread(self._engine.load, language)
            except VoiceError as exc:
                logger.warning("speech model for %s not usable: %s", language, exc)
        if self._vocabulary is not None:
            await self._vocabulary.start()
        self._started = True

    async def stop(self) -> None:
        """Stop refreshing the city's names; models go with the process."""
        if self._vocabulary is not None:
            await self._vocabulary.stop()
        self._started = False

    async def aclose(self) -> None:
        """The same as stop() (for owners that close resources with aclose)."""
        await self.stop()

    async def transcribe(self, audio: Audio, language: Language) -> Transcript:
        """Decode any audio to 16 kHz mono PCM and recognise it; raises VoiceError."""
        started = time.perf_counter()
        try:
            transcript, seconds = await self._transcribe(audio, language)
        except VoiceError as exc:
            # One line per failed stage: the code and sizes, never audio or words.
            logger.info(
                "voice input failed: %s (%d bytes, %s)", exc.code, len(audio.data), audio.mime_type
            )
            raise
        logger.info(
            "voice input: %.1f s of speech recognised in %.2f s (%s)",
            seconds,
            time.perf_counter() - started,
            language,
        )
        return transcript

    def _check(self, audio: Audio, language: Language) -> None:
        if audio.duration_s is not None and audio.duration_s > self._max_seconds:
            raise VoiceError("too-long", f"the audio is longer than {self._max_seconds:.0f} s")
        if len(audio.data) > self._max_bytes:
            raise VoiceError("too-long", "the audio file is too large")
        if not self._engine.available(language):
            raise VoiceError("stt-unavailable", f"no speech model for {language}")

    async def _transcribe(self, audio: Audio, language: Language) -> tuple[Transcript, float]:
        self._check(audio, language)
        if not self._started and self._vocabulary is not None:
            # An owner that never called start(): fetch the city's names from now on anyway
            # (the model itself loads on first use).
            self._started = True
            await self._vocabulary.start()
        self._pending += 1
        try:
            async with self._stt_slots:
                decoding = time.perf_counter()
                pcm = await self._codec.decode(audio.data, audio.mime_type, self._max_seconds)
                recognising = time.perf_counter()
                VOICE_DECODE_SECONDS.observe(recognising - decoding)
                seconds = len(pcm) / BYTES_PER_SECOND
                try:
                    transcript = await self._recognise(pcm, language)
                finally:
                    del pcm  # the decoded speech is not kept a moment longer than needed
                VOICE_RECOGNITION_SECONDS.labels(language).observe(
                    time.perf_counter() - recognising
                )
        finally:
            self._pending -= 1
        return transcript, seconds

    def _may_use_two_cores(self) -> bool:
        if not self._parallel or self._pending != 1:
            return False
        return os.getloadavg()[0] < (os.cpu_count() or 1) - 1

    async def _recognise(self, pcm: bytes, language: Language) -> Transcript:
        engine = self._engine
        # Alone on an idle machine, a voice note may use two cores: cut at a pause, both halves
        # recognised at once. Each recogniser has a fixed start-up cost, so on a busy machine the
        # cut only costs more; with others waiting it takes one core, so text chats keep one.
        cut = split_point(pcm) if self._may_use_two_cores() else None
        if cut is None:
            free = await asyncio.to_thread(engine.free_words, pcm, language)
        else:
            first, second = await asyncio.gather(
                asyncio.to_thread(engine.free_words, pcm[:cut], language),
                asyncio.to_thread(engine.free_words, pcm[cut:], language, cut / BYTES_PER_SECOND),
            )
            free = first + second
        return await asyncio.to_thread(engine.finish, pcm, language, free)

    async def synthesize(self, text: str, language: Language, rate: int = 0) -> Audio:
        """Speak text as OGG/Opus (rate: -2 slowest … +3 fastest); raises VoiceError."""
        started = time.perf_counter()
        try:
            audio = await self._synthesize(text, language, rate)
        except VoiceError as exc:
            logger.info("voice output failed: %s (%d characters)", exc.code, len(text))
            raise
        logger.info(
            "voice output: %d characters spoken in %.2f s", len(text), time.perf_counter() - started
        )
        return audio

    async def _synthesize(self, text: str, language: Language, rate: int) -> Audio:
        if not text.strip():
            raise VoiceError("tts-failed", "nothing to say")
        async with self._tts_slots:
            speech = await self._synthesizer.speak(text, language, rate)
            if speech.raw_rate is None:
                ogg = await self._codec.encode_opus(speech.data)
            else:
                ogg = await self._codec.encode_raw_opus(speech.data, speech.raw_rate)
        return Audio(data=ogg, mime_type=OPUS_MIME, duration_s=speech_duration(speech))


def speech_duration(speech: Speech) -> float | None:
    """The length of synthesised speech in seconds, when it can be told from its header."""
    if speech.raw_rate is not None:
        return len(speech.data) / (2 * speech.raw_rate)
    return wav_duration(speech.data)


def wav_duration(wav: bytes) -> float | None:
    """Seconds of audio in a 16-bit PCM WAV from espeak-ng (header sizes may be unset on pipes)."""
    if len(wav) < 44 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        return None
    rate = int.from_bytes(wav[24:28], "little")
    channels = int.from_bytes(wav[22:24], "little") or 1
    bits = int.from_bytes(wav[34:36], "little") or 16
    if rate <= 0:
        return None
    return (len(wav) - 44) / (rate * channels * bits // 8)
