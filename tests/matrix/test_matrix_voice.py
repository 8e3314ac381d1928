"""Voice messages on Matrix through a real gateway process, the real stack and the real Synapse:
a citizen's client uploads an OGG/Opus note as Element does, real ffmpeg and Vosk hear it (the
Korean model stands in for the German one), Rasa answers, and the answers come back as text and as
m.audio voice messages (encrypted in encrypted rooms)."""

from __future__ import annotations

import asyncio
import io
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from nio import UploadResponse

from bot.core import texts
from tests.matrix.conftest import StartPerson
from tests.matrix.person import Person, downloaded, eventually
from tests.matrix.synapse import RegisteredUser, Synapse
from tests.stack import Service, Stack
from tests.voice.audio_fixtures import KOREAN_WHERE_IS_THE_TOILET, spoken_ogg
from tests.voice.channel_helpers import assert_opus_voice_notes, voice_note_info
from tests.voice.conftest import voice_env

UNDERSTOOD = texts.text("understood", "de", text="")  # "Verstanden: "
VOICE_FLAG = "org.matrix.msc3245.voice"


@pytest.fixture(scope="module")
async def voice_bot(synapse: Synapse) -> RegisteredUser:
    """The assistant's Matrix account for this module."""
    return await synapse.register(f"voicebot{secrets.token_hex(3)}")


@pytest.fixture(scope="module")
async def voice_gateway(
    stack: Stack,
    synapse: Synapse,
    voice_bot: RegisteredUser,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Service]:
    """A gateway with the Matrix channel and voice on (Korean Vosk model as the German one)."""
    store = tmp_path_factory.mktemp("voice-bot-store")
    env = voice_env(MATRIX_HOMESERVER=synapse.url, MATRIX_USER_ID=voice_bot.user_id,
                    MATRIX_PASSWORD=voice_bot.password, MATRIX_STORE_DIR=str(store),
                    MATRIX_SYNC_TIMEOUT_MS="5000", CITYAPI_URL=stack.cityapi_url)  # fmt: skip
    gateway = await asyncio.to_thread(stack.start_gateway, env)
    yield gateway
    await asyncio.to_thread(gateway.stop)


async def send_voice_message(person: Person, room: str, note: bytes, *, encrypted: bool) -> None:
    """Upload a voice note and send it as Element does: m.audio with the voice flag."""
    resp, keys = await person.client.upload(
        io.BytesIO(note), content_type="audio/ogg", filename="Voice message.ogg",
        encrypt=encrypted, filesize=len(note),
    )  # fmt: skip
    assert isinstance(resp, UploadResponse), resp
    duration_ms = int(float(voice_note_info(note)["duration"]) * 1000)
    content: dict[str, Any] = {
        "msgtype": "m.audio",
        "body": "Voice message",
        "info": {"mimetype": "audio/ogg", "size": len(note), "duration": duration_ms},
        VOICE_FLAG: {},
        "org.matrix.msc1767.audio": {"duration": duration_ms},
    }
    if encrypted:
        assert keys is not None
        content["file"] = {**keys, "url": resp.content_uri}
    else:
        content["url"] = resp.content_uri
    await person.send(room, content)


async def spoken_turn(person: Person, room: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Wait until the bot wrote its answers and spoke each one; returns texts and audio contents."""

    def split() -> tuple[list[str], list[dict[str, Any]]]:
        contents = person.received[room]
        written = [str(c["body"]) for c in contents if c.get("msgtype") != "m.audio"]
        return written, [c for c in contents if c.get("msgtype") == "m.audio"]

    def done() -> bool:
        written, spoken = split()
        return len(written) >= 2 and len(spoken) >= len(written)

    await eventually(done, within=120)
    return split()


async def assert_spoken_answers(person: Person, spoken: list[dict[str, Any]]) -> None:
    """Every spoken answer is a voice message (flag, OGG mime type) holding OGG/Opus sound."""
    for content in spoken:
        assert VOICE_FLAG in content, content
        assert content["info"]["mimetype"] == "audio/ogg", content
    assert_opus_voice_notes([await downloaded(person, content) for content in spoken])


async def test_german_voice_message_in_a_room_is_shown_back_answered_and_spoken(
    synapse: Synapse,
    voice_bot: RegisteredUser,
    voice_gateway: Service,
    start_person: StartPerson,
) -> None:
    person = await start_person(await synapse.register(f"citizen{secrets.token_hex(3)}"))
    room = await person.open_chat(voice_bot.user_id, encrypted=False)
    await send_voice_message(
        person, room, spoken_ogg("wo ist die nächste toilette", "de"), encrypted=False
    )
    written, spoken = await spoken_turn(person, room)
    understood, *answers = written
    assert understood.startswith(UNDERSTOOD), written
    assert understood[len(UNDERSTOOD) :].strip(), "nothing was heard"
    assert all(answer.strip() and not answer.startswith(UNDERSTOOD) for answer in answers)
    assert all("url" in content for content in spoken)  # unencrypted room: plain media
    await assert_spoken_answers(person, spoken)


async def test_korean_voice_message_in_an_encrypted_direct_chat_is_heard(
    synapse: Synapse,
    voice_bot: RegisteredUser,
    voice_gateway: Service,
    start_person: StartPerson,
) -> None:
    person = await start_person(await synapse.register(f"citizen{secrets.token_hex(3)}"))
    room = await person.open_chat(voice_bot.user_id, encrypted=True)
    note = spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko")
    await send_voice_message(person, room, note, encrypted=True)
    written, spoken = await spoken_turn(person, room)
    # the encrypted note was downloaded, decrypted, decoded, resampled and recognised
    assert written[0].startswith(UNDERSTOOD), written
    assert "어디에" in written[0], written
    assert all("file" in content for content in spoken)  # encrypted room: encrypted media
    await assert_spoken_answers(person, spoken)
    assert person.undecryptable == 0
