"""Audio from strangers: accepted only in the formats voice apps record, identified from its bytes,
and decoded by ffmpeg with that one demuxer and no protocol but its input — a playlist or a
concat script sent as "audio" never makes ffmpeg read a file of the server's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.ports import VoiceError
from bot.voice.codec import BYTES_PER_SECOND, Codec, audio_demuxer
from tests.voice.audio_fixtures import _encode, spoken_m4a, spoken_ogg, spoken_wav, spoken_webm

SPOKEN = "Wo ist die Bibliothek?"


def _formats() -> dict[str, bytes]:
    wav = spoken_wav(SPOKEN)
    return {
        "ogg": spoken_ogg(SPOKEN),
        "webm": spoken_webm(SPOKEN),
        "m4a": spoken_m4a(SPOKEN),
        "wav": wav,
        "mp3": _encode(wav, "-c:a", "libmp3lame", "-f", "mp3"),
        "aac": _encode(wav, "-c:a", "aac", "-f", "adts"),
    }


@pytest.mark.parametrize("kind", ["ogg", "webm", "m4a", "wav", "mp3", "aac"])
async def test_every_format_voice_apps_record_is_decoded_whatever_type_is_declared(
    kind: str,
) -> None:
    data = _formats()[kind]
    # the declared type is not trusted either way: a wrong one does not stop real audio
    pcm = await Codec().decode(data, "application/octet-stream", max_seconds=30)
    assert len(pcm) > BYTES_PER_SECOND // 2  # about a second of speech


def _secret_recording(tmp_path: Path) -> Path:
    # a segment type ffmpeg's HLS demuxer allows
    secret = tmp_path / "secret.aac"
    wav = spoken_wav("Das ist eine geheime Datei des Servers")
    secret.write_bytes(_encode(wav, "-c:a", "aac", "-f", "adts"))
    return secret


async def test_a_playlist_sent_as_mp4_is_refused_and_reads_no_local_file(tmp_path: Path) -> None:
    secret = _secret_recording(tmp_path)
    playlist = (
        f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{secret}\n#EXT-X-ENDLIST\n"
    ).encode()
    # ffmpeg left to guess would read the playlist and decode the secret file
    for declared in ("audio/mp4", "audio/ogg", "audio/mpeg"):
        with pytest.raises(VoiceError) as caught:
            await Codec().decode(playlist, declared, max_seconds=30)
        assert caught.value.code == "decode-failed"


async def test_a_concat_script_is_refused(tmp_path: Path) -> None:
    secret = _secret_recording(tmp_path)
    script = f"ffconcat version 1.0\nfile '{secret}'\n".encode()
    with pytest.raises(VoiceError) as caught:
        await Codec().decode(script, "audio/webm", max_seconds=30)
    assert caught.value.code == "decode-failed"


def test_formats_are_told_from_their_bytes() -> None:
    formats = _formats()
    assert {kind: audio_demuxer(data) for kind, data in formats.items()} == {
        "ogg": "ogg",
        "webm": "matroska",
        "m4a": "mov",
        "wav": "wav",
        "mp3": "mp3",
        "aac": "aac",
    }
    assert audio_demuxer(b"#EXTM3U\n") is None
    assert audio_demuxer(b"\x89PNG\r\n\x1a\n" + bytes(64)) is None
