"""Voice messages on the gateway's /metrics: decoding (ffmpeg) and recognition (Vosk) are timed
per voice note, with the real pipeline."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from bot.core.messages import Audio
from bot.core.ports import VoiceError
from bot.voice import VoicePipeline
from tests.voice.audio_fixtures import KOREAN_WHERE_IS_THE_TOILET, spoken_ogg


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_each_voice_note_adds_one_decode_and_one_recognition_time(
    voice: VoicePipeline,
) -> None:
    decoded = _count("smilecity_voice_decode_seconds_count")
    heard = _count("smilecity_voice_recognition_seconds_count", language="de")
    heard_for = _count("smilecity_voice_recognition_seconds_sum", language="de")
    note = Audio(spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko"), "audio/ogg")
    await voice.transcribe(note, "de")
    assert _count("smilecity_voice_decode_seconds_count") == decoded + 1
    assert _count("smilecity_voice_recognition_seconds_count", language="de") == heard + 1
    assert _count("smilecity_voice_recognition_seconds_sum", language="de") > heard_for

    # something that is not audio never reaches recognition
    with pytest.raises(VoiceError):
        await voice.transcribe(Audio(b"not audio at all" * 64, "audio/ogg"), "de")
    assert _count("smilecity_voice_recognition_seconds_count", language="de") == heard + 1
