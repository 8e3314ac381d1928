"""`make models`: download, checksum check and unpacking, on local archives (file:// and HTTP)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.voice.models import ModelDownloadError, ModelSpec, install, is_installed, main

NAME = "vosk-model-small-test-0.1"


def model_zip(name: str = NAME) -> bytes:
    """A zip laid out like the official Vosk archives: one top directory with am/, conf/, graph/."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{name}/am/final.mdl", b"acoustic model")
        zf.writestr(f"{name}/conf/model.conf", b"--beam=10.0\n")
        zf.writestr(f"{name}/graph/Gr.fst", b"grammar")
        zf.writestr(f"{name}/README", b"test model")
    return buf.getvalue()


def spec_for(data: bytes, name: str = NAME) -> ModelSpec:
    return ModelSpec(name, hashlib.sha256(data).hexdigest(), len(data))


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mirror"
    folder.mkdir()
    (folder / f"{NAME}.zip").write_bytes(model_zip())
    return folder


@pytest.fixture
async def http_mirror(archive_dir: Path) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_static("/vosk/models", archive_dir)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/vosk/models"
    await runner.cleanup()


def test_model_from_a_file_url_is_verified_and_unpacked(archive_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "cache" / NAME
    install(spec_for(model_zip()), target, archive_dir.as_uri())
    assert is_installed(target)
    assert (target / "am" / "final.mdl").read_bytes() == b"acoustic model"
    assert sorted(p.name for p in target.parent.iterdir()) == [NAME]  # no leftovers


async def test_model_over_http_is_verified_and_unpacked(http_mirror: str, tmp_path: Path) -> None:
    target = tmp_path / "cache" / NAME
    import asyncio

    await asyncio.to_thread(install, spec_for(model_zip()), target, http_mirror)
    assert is_installed(target)


def test_checksum_mismatch_installs_nothing(archive_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "cache" / NAME
    wrong = ModelSpec(NAME, "0" * 64)
    with pytest.raises(ModelDownloadError, match="checksum mismatch"):
        install(wrong, target, archive_dir.as_uri())
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_checksum_mismatch_keeps_the_model_already_there(archive_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "cache" / NAME
    install(spec_for(model_zip()), target, archive_dir.as_uri())
    with pytest.raises(ModelDownloadError):
        install(ModelSpec(NAME, "f" * 64), target, archive_dir.as_uri())
    assert is_installed(target)


def test_archive_without_a_model_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mirror"
    folder.mkdir()
    data = b"PK\x05\x06" + bytes(18)  # an empty zip
    (folder / f"{NAME}.zip").write_bytes(data)
    with pytest.raises(ModelDownloadError, match="no Vosk model"):
        install(spec_for(data), tmp_path / "cache" / NAME, folder.as_uri())
    assert not (tmp_path / "cache" / NAME).exists()


def test_unreachable_mirror_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError, match="could not download"):
        install(spec_for(b"x"), tmp_path / "cache" / NAME, "http://127.0.0.1:9/none")


def test_command_line_skips_present_models_and_says_where_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "vosk"
    for name in ("vosk-model-small-de-0.15", "vosk-model-small-en-us-0.15"):
        (cache / name / "am").mkdir(parents=True)
        (cache / name / "conf").mkdir()
    env = {"VOSK_MODEL_DIR": str(cache)}
    assert main(["download", "--if-missing", "--base-url", "http://127.0.0.1:9/"], env) == 0
    out = capsys.readouterr().out
    assert f"de: present at {cache / 'vosk-model-small-de-0.15'}" in out
    assert f"en: present at {cache / 'vosk-model-small-en-us-0.15'}" in out


def test_command_line_fails_clearly_when_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"VOSK_MODEL_DIR": str(tmp_path / "vosk")}
    assert main(["download", "--lang", "de", "--base-url", "http://127.0.0.1:9/"], env) == 1
    assert "could not download" in capsys.readouterr().err
    assert main(["status"], env) == 1
