"""Downloads the official small Vosk models, checks their pinned checksums, unpacks them.

`python -m bot.voice.models download [--if-missing]` (what `make models` runs) and
`python -m bot.voice.models status`. Nothing is left half-installed: the archive is checked before
unpacking, unpacked next to its final place and moved there in one rename.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import urllib.request
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.messages import Language
from bot.voice.settings import DE_MODEL_NAME, EN_MODEL_NAME, VoiceSettings

BASE_URL = "https://alphacephei.com/vosk/models"
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One downloadable model: its name (archive and directory) and the archive's SHA-256."""

    name: str
    sha256: str
    size: int | None = None


# Pinned from several independent projects that verified the official archives (the Vosk site
# publishes no checksums).
MODELS: Mapping[Language, ModelSpec] = {
    "de": ModelSpec(
        DE_MODEL_NAME,
        "b7e53c90b1f0a38456f4cd62b366ecd58803cd97cd42b06438e2c131713d5e43",
        46_499_967,
    ),
    "en": ModelSpec(
        EN_MODEL_NAME,
        "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        41_205_931,
    ),
}


class ModelDownloadError(Exception):
    """A model could not be downloaded, verified or unpacked; nothing was installed."""


def is_installed(path: Path) -> bool:
    """Whether a directory holds an unpacked Vosk model."""
    return (path / "am").is_dir() and (path / "conf").is_dir()


def _fetch(url: str, into: Path, timeout_s: float) -> str:
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp, into.open("wb") as out:
            while chunk := resp.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:  # URLError, HTTPError and socket errors are all OSErrors
        raise ModelDownloadError(f"could not download {url}: {exc}") from exc
    return digest.hexdigest()


def _unpack(archive: Path, spec: ModelSpec, staging: Path) -> Path:
    staging.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)  # zipfile drops absolute paths and ".." parts
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelDownloadError(f"{spec.name}: the archive cannot be unpacked: {exc}") from exc
    unpacked = staging / spec.name
    if not is_installed(unpacked):
        entries = [p for p in staging.iterdir() if p.is_dir()]
        if len(entries) == 1 and is_installed(entries[0]):
            unpacked = entries[0]
        else:
            raise ModelDownloadError(f"{spec.name}: the archive holds no Vosk model")
    return unpacked


def install(spec: ModelSpec, target: Path, base_url: str = BASE_URL, timeout_s: float = 60) -> Path:
    """Download, verify and unpack one model to `target` (replacing an old one); its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    url = f"{base_url.rstrip('/')}/{spec.name}.zip"
    with tempfile.TemporaryDirectory(prefix=f".{spec.name}-", dir=target.parent) as tmp:
        archive = Path(tmp) / f"{spec.name}.zip"
        digest = _fetch(url, archive, timeout_s)
        if digest != spec.sha256:
            raise ModelDownloadError(
                f"{spec.name}: checksum mismatch (expected {spec.sha256}, got {digest}); "
                "nothing was installed"
            )
        unpacked = _unpack(archive, spec, Path(tmp) / "unpacked")
        old = Path(tmp) / "old"
        if target.exists():
            target.rename(old)
        os.replace(unpacked, target)
    return target


def _targets(env: Mapping[str, str], languages: Sequence[Language]) -> dict[Language, Path]:
    settings = VoiceSettings.from_env(env)
    return {lang: settings.model_path(lang, env) for lang in languages}


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """The command line: download or report the speech models; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot.voice.models", description=__doc__)
    parser.add_argument("command", choices=["download", "status"])
    parser.add_argument("--lang", nargs="+", choices=list(MODELS), default=list(MODELS))
    parser.add_argument("--if-missing", action="store_true", help="skip models already there")
    parser.add_argument("--base-url", default=None, help=f"where the archives are ({BASE_URL})")
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    base_url = args.base_url or env.get("VOSK_MODEL_BASE_URL") or BASE_URL
    status = 0
    for lang, path in _targets(env, args.lang).items():
        if args.command == "status" or (args.if_missing and is_installed(path)):
            state = "present" if is_installed(path) else "missing"
            print(f"{lang}: {state} at {path}")
            status |= 0 if is_installed(path) or args.command == "download" else 1
            continue
        print(f"{lang}: downloading {MODELS[lang].name} from {base_url} ...", flush=True)
        try:
            install(MODELS[lang], path, base_url)
        except ModelDownloadError as exc:
            print(f"{lang}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{lang}: checksum verified, model installed at {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
