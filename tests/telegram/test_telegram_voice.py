"""Voice notes on Telegram through a real gateway process and the real stack: the Bot API stand-in
serves the note through getFile, real ffmpeg and Vosk hear it (the Korean model stands in for the
German one), Rasa answers, and espeak-ng's answers come back as OGG/Opus voice notes (sendVoice)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from bot.core import texts
from tests.stack import Service, Stack
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.helpers import BOT_ID, BOT_USERNAME, TOKEN, message, update, user
from tests.voice.audio_fixtures import KOREAN_WHERE_IS_THE_TOILET, spoken_ogg
from tests.voice.channel_helpers import assert_opus_voice_notes, voice_note_info
from tests.voice.conftest import voice_env

UNDERSTOOD = texts.text("understood", "de", text="")  # "Verstanden: "
_files = itertools.count(1)


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[BotApiStandIn]:
    """One Bot API stand-in for the voice gateway of this module."""
    standin = BotApiStandIn(TOKEN, bot_id=BOT_ID, username=BOT_USERNAME)
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture(scope="module")
async def voice_gateway(stack: Stack, api: BotApiStandIn) -> AsyncIterator[Service]:
    """A gateway polling the stand-in, with voice on (Korean Vosk model as the German one)."""
    env = voice_env(TELEGRAM_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.url,
                    TELEGRAM_POLL_TIMEOUT_S="1", CITYAPI_URL=stack.cityapi_url)  # fmt: skip
    # in a thread, so the stand-in keeps answering the starting gateway
    gateway = await asyncio.to_thread(stack.start_gateway, env)
    yield gateway
    await asyncio.to_thread(gateway.stop)


async def send_voice_note(api: BotApiStandIn, chat_id: int, note: bytes) -> None:
    """Send a voice note as Telegram delivers it: the update names a file fetched via getFile."""
    number = next(_files)
    file_id = f"voice-note-{number}"
    api.add_file(note, file_id, f"voice/file_{number}.oga")
    duration = round(float(voice_note_info(note)["duration"]))
    voice = {"file_id": file_id, "file_unique_id": f"vu{number}", "duration": max(1, duration),
             "mime_type": "audio/ogg", "file_size": len(note)}  # fmt: skip
    api.push(update(message=message(voice=voice, sender=user(chat_id, "de"))))


async def spoken_turn(api: BotApiStandIn, chat_id: int) -> tuple[list[str], list[bytes]]:
    """Wait until the bot wrote its answers and spoke each one; returns texts and voice notes."""

    def done() -> bool:
        written = api.texts(chat_id)
        return len(written) >= 2 and len(api.sent(chat_id, "sendVoice")) >= len(written)

    await api.wait_for(done, within_s=120)
    voices = [call.params["voice"] for call in api.sent(chat_id, "sendVoice")]
    return api.texts(chat_id), voices


async def test_german_voice_note_is_shown_back_answered_and_spoken(
    api: BotApiStandIn, voice_gateway: Service
) -> None:
    chat_id = 920_001
    await send_voice_note(api, chat_id, spoken_ogg("wo ist die nächste toilette", "de"))
    written, voices = await spoken_turn(api, chat_id)
    understood, *answers = written
    assert understood.startswith(UNDERSTOOD), written
    assert understood[len(UNDERSTOOD) :].strip(), "nothing was heard"
    assert all(answer.strip() and not answer.startswith(UNDERSTOOD) for answer in answers)
    # a person who spoke gets every message spoken too, each right after its text
    assert len(voices) == len(written)
    assert_opus_voice_notes(voices)
    calls = [c for c in api.calls if c.params.get("chat_id") == chat_id and c.status == 200]
    kinds = [c.method for c in calls if c.method in ("sendmessage", "sendvoice")]
    assert kinds == ["sendmessage", "sendvoice"] * len(written), kinds


async def test_korean_voice_note_is_recognised_through_the_telegram_path(
    api: BotApiStandIn, voice_gateway: Service
) -> None:
    chat_id = 920_002
    await send_voice_note(api, chat_id, spoken_ogg(KOREAN_WHERE_IS_THE_TOILET, "ko"))
    written, voices = await spoken_turn(api, chat_id)
    # Decoding, resampling and recognition worked: the Korean model heard the Korean words.
    assert written[0].startswith(UNDERSTOOD), written
    assert "어디에" in written[0], written
    assert_opus_voice_notes(voices)
