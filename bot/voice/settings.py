"""The voice pipeline's settings, read once from the environment at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from pydantic import AnyHttpUrl, Field

from bot.core.messages import Language
from bot.settings import EnvSettings

DE_MODEL_NAME = "vosk-model-small-de-0.15"
EN_MODEL_NAME = "vosk-model-small-en-us-0.15"


class VoiceSettingsError(ValueError):
    """The environment holds a voice setting the gateway cannot use."""


def default_model_dir(env: Mapping[str, str]) -> Path:
    """Where `make models` puts the Vosk models: the project's cache directory."""
    if env.get("SMILE_CACHE_DIR"):
        cache = Path(env["SMILE_CACHE_DIR"])
    else:
        xdg = env.get("XDG_CACHE_HOME") or os.path.join(env.get("HOME", "~"), ".cache")
        cache = Path(xdg).expanduser() / "smilecity-rostock"
    return cache / "vosk"


class VoiceSettings(EnvSettings):
    """Speech engines, their models and the limits that keep voice from starving text chats."""

    what: ClassVar[str] = "voice"
    error: ClassVar[type[ValueError]] = VoiceSettingsError

    enabled: bool = Field(True, alias="VOICE_ENABLED")
    model_de: Path | None = Field(None, alias="VOSK_MODEL_DE")
    model_en: Path | None = Field(None, alias="VOSK_MODEL_EN")
    model_dir: Path | None = Field(None, alias="VOSK_MODEL_DIR")
    max_seconds: float = Field(120.0, alias="VOICE_MAX_SECONDS", gt=0, le=600)
    max_bytes: int = Field(20_000_000, alias="VOICE_MAX_BYTES", gt=0)
    # Recognitions at once; the rest wait. Default: half the cores, so text chats keep a core.
    concurrency: int = Field(0, alias="VOICE_CONCURRENCY", ge=0, le=64)
    ffmpeg: str = Field("ffmpeg", alias="FFMPEG_BIN", min_length=1)
    espeak: str = Field("espeak-ng", alias="ESPEAK_BIN", min_length=1)
    espeak_voice_de: str = Field("de", alias="ESPEAK_VOICE_DE", min_length=1)
    espeak_voice_en: str = Field("en", alias="ESPEAK_VOICE_EN", min_length=1)
    piper: str = Field("piper", alias="PIPER_BIN", min_length=1)
    piper_voice_de: Path | None = Field(None, alias="PIPER_VOICE_DE")
    piper_voice_en: Path | None = Field(None, alias="PIPER_VOICE_EN")
    # Where the city's vocabulary (district, street and place names) comes from; none: no bias.
    cityapi_url: AnyHttpUrl | None = Field(None, alias="CITYAPI_URL")
    vocabulary_refresh_s: float = Field(6 * 3600.0, alias="VOICE_VOCABULARY_REFRESH_S", gt=0)
    subprocess_timeout_s: float = Field(30.0, alias="VOICE_SUBPROCESS_TIMEOUT_S", gt=0)

    def model_path(self, language: Language, env: Mapping[str, str]) -> Path:
        """The configured Vosk model directory for a language (default: in the model cache)."""
        explicit = self.model_de if language == "de" else self.model_en
        if explicit is not None:
            return explicit.expanduser()
        base = self.model_dir.expanduser() if self.model_dir else default_model_dir(env)
        return base / (DE_MODEL_NAME if language == "de" else EN_MODEL_NAME)

    def piper_voice(self, language: Language) -> Path | None:
        """The Piper voice file for a language, when one is configured."""
        return self.piper_voice_de if language == "de" else self.piper_voice_en

    def espeak_voice(self, language: Language) -> str:
        """The espeak-ng voice name for a language."""
        return self.espeak_voice_de if language == "de" else self.espeak_voice_en

    def workers(self) -> int:
        """How many recognitions may run at once."""
        if self.concurrency:
            return self.concurrency
        return max(1, (os.cpu_count() or 2) // 2)
