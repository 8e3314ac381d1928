"""Announcements through the real Telegram channel (Bot API stand-in) with the real voice
pipeline (espeak-ng, ffmpeg): who uses voice gets a voice note too, the plain-language version
reaches German readers, English readers get the English text."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.broadcast.sender import AnnouncementSender
from bot.broadcast.settings import BroadcastSettings
from bot.broadcast.store import AnnouncementStore
from bot.broadcast.validate import AnnouncementDraft
from bot.core import texts
from bot.core.conversation import Conversation
from bot.core.language import LanguageGuesser
from bot.core.messages import Audio, Delivered, IncomingMessage, OutgoingMessage, Recipient
from bot.core.ports import Subscription
from bot.core.speech import speech_text
from bot.store.database import create_engine, migrate
from bot.store.people import SqlPersonStore
from bot.store.subscriptions import SqlSubscriptionStore
from bot.voice import VoicePipeline, build_voice_service
from bot.voice.codec import Codec
from tests.fakes import ScriptedAssistant
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.conftest import StartChannel, echo
from tests.telegram.helpers import text_update, user
from tests.voice.audio_fixtures import spoken_ogg
from tests.voice.channel_helpers import assert_opus_voice_notes
from tests.voice.conftest import voice_env

NEWS = AnnouncementDraft(
    text="Wegen Bauarbeiten ist die Stadthalle vom 5. bis 9. Januar geschlossen.",
    text_en="Because of building work the Stadthalle is closed from 5 to 9 January.",
    text_plain="Die Stadthalle ist zu. Vom 5. Januar bis zum 9. Januar. Es wird dort gebaut.",
    districts=(),
    topics=(),
    send_at=None,
    author="Pressestelle",
)
TYPED, VOICE_ON, SPOKE, SPOKE_BUT_OFF, ENGLISH = 930_001, 930_002, 930_003, 930_004, 930_005


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite:///{tmp_path}/gateway.sqlite3"
    migrate(url)
    engine = create_engine(url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
async def voice() -> AsyncIterator[VoicePipeline]:
    service = build_voice_service(voice_env())
    assert service is not None
    await service.start()
    yield service
    await service.stop()


async def subscriber(
    engine: AsyncEngine, api: BotApiStandIn, chat_id: int, language: str = "de"
) -> None:
    people = SqlPersonStore(engine)
    person = await people.touch("telegram", str(chat_id), str(chat_id), language)  # type: ignore[arg-type]
    await SqlSubscriptionStore(engine).subscribe(
        person.id,
        [Subscription("all", "all")],
        language,  # type: ignore[arg-type]
    )
    api.learn_chats({"message": {"chat": {"id": chat_id, "type": "private"}}})


async def test_people_who_use_voice_get_the_announcement_as_a_voice_note_too(
    standin: BotApiStandIn, start_channel: StartChannel, engine: AsyncEngine, voice: VoicePipeline
) -> None:
    for chat_id in (TYPED, VOICE_ON, SPOKE, SPOKE_BUT_OFF):
        await subscriber(engine, standin, chat_id)
    await subscriber(engine, standin, ENGLISH, "en")
    people = SqlPersonStore(engine)
    # /voice on
    on = await people.find("telegram", str(VOICE_ON))
    assert on is not None
    await people.save(replace(on, voice_replies=True))
    # Their last message was a voice note, handled by the real core: it remembers that.
    core = Conversation(people, ScriptedAssistant(), LanguageGuesser(), voice=voice)
    for chat_id in (SPOKE, SPOKE_BUT_OFF):
        note = Audio(spoken_ogg("wo ist die nächste toilette", "de"), "audio/ogg", 2.0)
        await core.handle(
            IncomingMessage(channel="telegram", sender_id=str(chat_id), chat_id=str(chat_id),
                            audio=note)
        )  # fmt: skip
    spoke = await people.find("telegram", str(SPOKE))
    assert spoke is not None
    assert spoke.spoke_by_voice
    off = await people.find("telegram", str(SPOKE_BUT_OFF))
    assert off is not None
    await people.save(replace(off, voice_replies=False))  # /voice off: never a voice note
    before = {chat: len(standin.sent(chat, "sendVoice")) for chat in (SPOKE, SPOKE_BUT_OFF)}

    channel = await start_channel(echo)
    store = AnnouncementStore(engine)
    announcement_id = await store.create(NEWS, "approved")
    sender = AnnouncementSender(
        store,
        {"telegram": channel},
        BroadcastSettings.model_validate({"poll_s": 0.05}),
        voice=voice,
        speech_text=speech_text,
    )
    while await sender.run_once():
        pass
    report = (await store.report(announcement_id))["telegram"]
    assert (report["sent"], report["failed"], report["pending"]) == (5, 0, 0)

    def new_voice_notes(chat_id: int) -> list[bytes]:
        calls = standin.sent(chat_id, "sendVoice")[before.get(chat_id, 0) :]
        return [call.params["voice"] for call in calls]

    def announcement_texts(chat_id: int) -> list[str]:
        footer = texts.text("announcement_footer", "en" if chat_id == ENGLISH else "de")
        return [t for t in standin.texts(chat_id) if footer in t]

    for chat_id in (TYPED, VOICE_ON, SPOKE, SPOKE_BUT_OFF, ENGLISH):
        assert len(announcement_texts(chat_id)) == 1, chat_id  # everyone reads it, once
    assert new_voice_notes(TYPED) == []
    assert new_voice_notes(SPOKE_BUT_OFF) == []
    assert new_voice_notes(ENGLISH) == []
    spoken = new_voice_notes(VOICE_ON) + new_voice_notes(SPOKE)
    assert len(spoken) == 2
    assert_opus_voice_notes(spoken)
    for note in spoken:
        pcm = await Codec().decode(note, "audio/ogg", max_seconds=60)
        assert len(pcm) > 16_000 * 2 * 2  # more than two seconds of speech decoded
    # each voice note comes right after its text in the chat
    for chat_id in (VOICE_ON, SPOKE):
        calls = [c.method for c in standin.by_chat[chat_id]]
        assert calls[-2:] == ["sendmessage", "sendvoice"]

    # German readers get the plain-language version after the text; English readers English.
    german = announcement_texts(TYPED)[0]
    assert german.startswith(NEWS.text)
    assert f"{texts.text('announcement_plain', 'de')}\n{NEWS.text_plain}" in german
    english = announcement_texts(ENGLISH)[0]
    assert english.startswith(str(NEWS.text_en))
    assert str(NEWS.text_plain) not in english


async def test_a_citizen_is_answered_at_once_while_a_broadcast_fills_telegrams_limit(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    standin.enforce_limits()  # 30/s overall, 1/s per chat, 429 beyond
    channel = await start_channel(echo)
    chats = list(range(940_000, 940_150))  # five seconds of Telegram's limit
    for chat_id in chats:
        standin.learn_chats({"message": {"chat": {"id": chat_id, "type": "private"}}})
    sends = [
        asyncio.create_task(
            channel.send(
                Recipient(str(c), "telegram", str(c), "de"), OutgoingMessage("Hitzewarnung.")
            )
        )
        for c in chats
    ]

    def broadcast_sent() -> int:
        return sum(len(standin.by_chat.get(c, [])) for c in chats)

    await standin.wait_for(lambda: broadcast_sent() >= 30, within_s=10)
    citizen = 941_000
    asked = time.monotonic()
    standin.push(text_update("Wann hat das Rathaus geöffnet?", sender=user(citizen)))
    await standin.wait_for(lambda: bool(standin.by_chat.get(citizen)), within_s=10)
    answered_after = standin.by_chat[citizen][0].at - asked
    still_to_send = len(chats) - broadcast_sent()
    results = await asyncio.gather(*sends)

    assert answered_after < 0.5  # not behind the 100-odd broadcast messages still waiting
    assert still_to_send > 60  # the broadcast was well under way when the answer came
    assert all(isinstance(result, Delivered) for result in results)
    assert all(len(standin.by_chat[c]) == 1 for c in chats)
    assert not standin.limited  # and Telegram's limits were kept throughout
