"""Voice through the whole assistant (gateway, Rasa, actions, city data API as real processes)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp

from bot.core import texts
from bot.voice.city_names import fetch_city_names
from bot.voice.vocabulary import street_of
from tests.stack import Service, Stack, http_json
from tests.voice.audio_fixtures import probe, silent_ogg, spoken_m4a, spoken_ogg, spoken_webm
from tests.voice.conftest import voice_tmpdir


def send_voice(gateway: Service, sender: str, audio: bytes, mime: str) -> tuple[int, Any]:
    body = {"sender": sender, "audio": base64.b64encode(audio).decode(), "audio_mime": mime,
            "voice": True, "lang": "de"}  # fmt: skip
    return http_json("POST", gateway.url + "/api/chat", body, timeout=120)


def assert_spoken(message: dict[str, Any]) -> None:
    assert message["audio_mime"] == "audio/ogg"
    info = probe(base64.b64decode(message["audio"]))
    assert info["format_name"] == "ogg"
    assert info["codec_name"] == "opus"


def test_german_voice_note_is_heard_shown_back_answered_and_spoken(
    voice_gateway: Service,
) -> None:
    note = spoken_webm("Wo ist die nächste barrierefreie Toilette in der Südstadt?", "de")
    status, body = send_voice(voice_gateway, "voice-web-1", note, "audio/webm")
    assert status == 200, body
    messages = body["messages"]
    understood = texts.text("understood", "de", text="")
    assert messages[0]["text"].startswith(understood)
    assert messages[0]["text"] != understood  # something was heard and is shown back
    assert len(messages) >= 2  # and the assistant answered it
    for message in messages:
        assert message["text"].strip()
        assert_spoken(message)


def test_too_long_voice_note_gets_a_written_and_spoken_explanation(
    voice_gateway: Service,
) -> None:
    status, body = send_voice(voice_gateway, "voice-web-2", silent_ogg(125), "audio/ogg")
    assert status == 200, body
    [message] = body["messages"]
    assert message["text"] == texts.text("voice_too_long", "de")
    assert_spoken(message)


def test_a_file_that_is_not_audio_gets_a_written_and_spoken_explanation(
    voice_gateway: Service,
) -> None:
    status, body = send_voice(voice_gateway, "voice-web-3", b"not a voice note" * 50, "audio/ogg")
    assert status == 200, body
    [message] = body["messages"]
    assert message["text"] == texts.text("voice_failed", "de")
    assert_spoken(message)


def test_voice_note_in_a_language_without_model_says_voice_input_is_off(
    voice_gateway: Service,
) -> None:
    note = spoken_ogg("Where is the nearest toilet?", "en")
    body = {"sender": "voice-web-5", "audio": base64.b64encode(note).decode(),
            "audio_mime": "audio/ogg", "voice": True, "lang": "en"}  # fmt: skip
    status, answer = http_json("POST", voice_gateway.url + "/api/chat", body, timeout=120)
    assert status == 200, answer
    [message] = answer["messages"]
    assert message["text"] == texts.text("voice_unavailable", "en")
    assert_spoken(message)


def test_telegram_style_voice_note_works_too(voice_gateway: Service) -> None:
    note = spoken_ogg("Wann hat die Stadtbibliothek geöffnet?", "de")
    status, body = send_voice(voice_gateway, "voice-web-4", note, "audio/ogg")
    assert status == 200, body
    assert body["messages"][0]["text"].startswith(texts.text("understood", "de", text=""))


def test_city_vocabulary_holds_the_districts_streets_and_places_of_the_api(stack: Stack) -> None:
    async def fetch() -> list[str]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            return await fetch_city_names(session, stack.cityapi_url)

    names = set(asyncio.run(fetch()))
    _, districts = http_json("GET", stack.cityapi_url + "/districts")
    for district in districts["items"]:
        assert district["name"] in names
        assert set(district["ortsteile"]) <= names
    _, places = http_json("GET", stack.cityapi_url + "/places?limit=100")
    for place in places["items"]:
        assert place["name"] in names
        street = street_of(place["address"] or "")
        assert street is None or street in names


def test_no_voice_note_is_kept_after_it_was_answered(voice_gateway: Service, stack: Stack) -> None:
    notes = [
        (spoken_m4a("Wo ist die Stadtbibliothek?", "de"), "audio/mp4"),  # decoded from a file
        (spoken_webm("Wo ist ein Spielplatz in Warnemünde?", "de"), "audio/webm"),
    ]
    for index, (note, mime) in enumerate(notes):
        status, body = send_voice(voice_gateway, f"voice-web-kept-{index}", note, mime)
        assert status == 200, body
        assert body["messages"][0]["text"].startswith(texts.text("understood", "de", text=""))
    assert list(voice_tmpdir(stack).iterdir()) == []  # no temporary file is left
    # and no file of the stack (databases, Rasa's tracker store, logs) holds any of the audio
    pieces = [note[len(note) // 2 : len(note) // 2 + 48] for note, _ in notes]
    for path in stack.workdir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(piece in data for piece in pieces), path
