"""Speech in and out for the assistant: ffmpeg, Vosk, espeak-ng or Piper, behind VoiceService."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping

from bot.core.messages import Language
from bot.voice.city_names import CityVocabulary
from bot.voice.codec import Codec
from bot.voice.service import VoicePipeline
from bot.voice.settings import VoiceSettings
from bot.voice.stt import VoskEngine
from bot.voice.tts import EspeakSynthesizer, PiperSynthesizer, Synthesizer

__all__ = ["CityVocabulary", "VoicePipeline", "VoiceSettings", "build_voice_service"]

logger = logging.getLogger(__name__)
LANGUAGES: tuple[Language, ...] = ("de", "en")


def build_voice_service(env: Mapping[str, str]) -> VoicePipeline | None:
    """The voice pipeline as configured by the environment; None when voice is off or impossible.

    Call `await service.start()` at start-up (loads the models once, starts fetching the city's
    names for biasing recognition) and `await service.stop()` at shutdown.
    """
    settings = VoiceSettings.from_env(env)
    if not settings.enabled:
        logger.info("voice is switched off (VOICE_ENABLED)")
        return None
    if shutil.which(settings.ffmpeg) is None:
        logger.warning(
            "voice is off: the program %s is missing (apt-get install ffmpeg)", settings.ffmpeg
        )
        return None
    if shutil.which(settings.espeak) is None:
        logger.warning(
            "voice is off: the program %s is missing (apt-get install espeak-ng)", settings.espeak
        )
        return None
    paths = {lang: settings.model_path(lang, env) for lang in LANGUAGES}
    engine = VoskEngine(paths)
    for lang in LANGUAGES:
        if not engine.available(lang):
            logger.warning(
                "no %s speech model at %s: voice input in that language is off (run `make models`)",
                lang,
                paths[lang],
            )
    timeout = settings.subprocess_timeout_s
    synthesizer: Synthesizer = EspeakSynthesizer(
        {lang: settings.espeak_voice(lang) for lang in LANGUAGES}, settings.espeak, timeout
    )
    piper_voices = {
        lang: voice for lang in LANGUAGES if (voice := settings.piper_voice(lang)) is not None
    }
    if piper_voices:
        synthesizer = PiperSynthesizer(piper_voices, synthesizer, settings.piper, timeout)
    base_url = str(settings.cityapi_url) if settings.cityapi_url else None
    vocabulary = CityVocabulary(base_url, settings.vocabulary_refresh_s, engine.set_vocabulary)
    return VoicePipeline(
        Codec(settings.ffmpeg, timeout),
        engine,
        synthesizer,
        max_seconds=settings.max_seconds,
        max_bytes=settings.max_bytes,
        workers=settings.workers(),
        vocabulary=vocabulary,
    )
