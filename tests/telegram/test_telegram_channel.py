"""The real python-telegram-bot Application against the Bot API stand-in (channel mechanics).

The handler here is `echo` from conftest: it says back what reached the core, so these tests see
exactly what the channel delivered. Conversations with the assistant are in
test_telegram_conversation.py, through the real Rasa stack.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.core.messages import (
    Audio,
    Button,
    Delivered,
    Document,
    IncomingMessage,
    OutgoingMessage,
    Recipient,
    RecipientGone,
    RetryAfter,
    Turn,
)
from tests.fakes import turn
from tests.telegram.botapi_standin import BotApiStandIn
from tests.telegram.conftest import StartChannel, channel_env, echo
from tests.telegram.helpers import (
    BOT_USERNAME,
    callback_update,
    channel_post_update,
    document_update,
    edited_update,
    group_chat,
    location_update,
    photo_update,
    poll_update,
    sticker_update,
    text_message,
    text_update,
    update,
    user,
    voice_update,
)

CHAT = 4242
PERSON = Recipient("person-1", "telegram", str(CHAT))

# python-telegram-bot's own RetryAfter reads its deprecated int attribute while it is built (22.x);
# the warning is about PTB internals, not about this code.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type `datetime.timedelta`"
    ":telegram.warnings.PTBDeprecationWarning"
)


async def test_start_publishes_the_command_menu_in_german_and_english(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    english = [c["command"] for c in standin.commands[("default", "en")]]
    assert english == [
        "start", "help", "language", "voice", "privacy", "export", "delete", "subscribe",
        "subscriptions", "unsubscribe"
    ]  # fmt: skip
    assert standin.commands[("default", "en")][1]["description"] == "What I can do"
    assert standin.commands[("default", "de")][1]["description"] == "Was ich kann"
    assert standin.commands[("default", "")] == standin.commands[("default", "de")]


async def test_text_arrives_intact_and_typing_shows_first(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    standin.push(text_update("Wo ist A_B*C <b>&amp;?"))
    await standin.wait_for(lambda: bool(standin.texts(CHAT)))
    (sent,) = standin.sent(CHAT)
    assert sent.params["text"] == "echo: Wo ist A_B*C <b>&amp;?"
    assert "parse_mode" not in sent.params
    typing = standin.sent(CHAT, "sendChatAction")
    assert typing
    assert typing[0].params["action"] == "typing"
    assert typing[0].at <= sent.at


async def test_start_welcomes_in_the_persons_language_with_the_privacy_link(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    standin.push(text_update("/start", sender=user(CHAT, "en-US")))
    standin.push(text_update("/start", sender=user(77, "de")))
    await standin.wait_for(lambda: bool(standin.texts(CHAT)) and bool(standin.texts(77)))
    english, german = standin.texts(CHAT)[0], standin.texts(77)[0]
    assert english.startswith("Hello!")
    assert german.startswith("Hallo!")
    for welcome in (english, german):
        assert "https://www.rostock.de/datenschutz-assistent" in welcome


async def test_without_a_privacy_link_start_shows_the_short_notice(
    standin: BotApiStandIn, start_channel: StartChannel, database_url: str
) -> None:
    env = channel_env(standin, database_url)
    del env["PRIVACY_URL"]
    await start_channel(echo, env)
    standin.push(text_update("/start"))
    await standin.wait_for(lambda: bool(standin.texts(CHAT)))
    welcome = standin.texts(CHAT)[0]
    assert welcome.startswith("Hallo!")
    assert "Datenschutz: Ich speichere" in welcome
    assert "http" not in welcome


async def test_buttons_become_an_inline_keyboard_and_a_tap_sends_the_payload(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    standin.push(text_update("buttons"))
    await standin.wait_for(lambda: bool(standin.sent(CHAT)))
    question = standin.sent(CHAT)[0]
    rows = question.params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Kurz", "Lang"]
    assert rows[0][0]["callback_data"] == "/affirm"
    long_key = rows[1][0]["callback_data"]
    assert len(long_key.encode()) <= 64

    standin.push(callback_update(long_key, question.result))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 2)
    assert standin.texts(CHAT)[1] == (
        'payload: /ask_place{"place_type": "toilet", "district": "Kröpeliner-Tor-Vorstadt"}'
    )
    assert len(standin.sent(method="answerCallbackQuery")) == 1


async def test_language_choice_reaches_the_core_and_switches_the_channels_texts(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    standin.push(text_update("/language", sender=user(CHAT, "de")))
    await standin.wait_for(lambda: bool(standin.sent(CHAT)))
    offer = standin.sent(CHAT)[0]
    rows = offer.params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Deutsch", "English"]

    standin.push(callback_update(rows[1][0]["callback_data"], offer.result, user(CHAT, "de")))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 2)
    assert standin.texts(CHAT)[1] == 'payload: /change_language{"language": "en"}'
    standin.push(text_update("/help", sender=user(CHAT, "de")))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 3)
    assert standin.texts(CHAT)[2].startswith("I help with questions about Rostock")


async def test_location_photo_and_voice_reach_the_core(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    standin.add_file(b"\xff\xd8jpeg-bytes", "photo-big", "photos/file_1.jpg")
    standin.add_file(b"OggS-voice", "voice-1", "voice/file_2.oga")
    standin.push(location_update(54.0924, 12.1286))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 1)
    standin.push(photo_update("photo-big", caption="Rampe zu steil"))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 2)
    standin.push(voice_update("voice-1"))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 3)
    assert standin.texts(CHAT) == [
        "location: 54.0924,12.1286",
        "image: 12 bytes image/jpeg Rampe zu steil",
        "audio: 10 bytes audio/ogg",
    ]


async def test_long_answer_is_split_within_telegrams_limit(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    sentence = "Die Stadtbibliothek in der Kröpeliner Straße ist barrierefrei erreichbar. "
    answer = (sentence * 40 + "\n\n") * 5

    async def long_answer(message: IncomingMessage) -> Turn:
        return turn(OutgoingMessage(answer))

    await start_channel(long_answer)
    standin.push(text_update("Bibliotheken?"))
    await standin.wait_for(lambda: " ".join(standin.texts(CHAT)).split() == answer.split())
    # Two 3,000-character paragraphs do not fit in one message: each goes whole on its own.
    assert standin.texts(CHAT) == [(sentence * 40).strip()] * 5


async def test_429_is_waited_out_and_the_answer_arrives_exactly_once(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    standin.fail_next("sendMessage", times=2, retry_after=1)
    standin.push(text_update("Spielplatz in Lütten Klein"))
    await standin.wait_for(lambda: bool(standin.texts(CHAT)))
    assert standin.texts(CHAT) == ["echo: Spielplatz in Lütten Klein"]
    attempts = [c for c in standin.calls if c.method == "sendmessage"]
    assert [c.status for c in attempts] == [429, 429, 200]
    # Each retry waited the retry_after second the API asked for.
    assert attempts[1].at - attempts[0].at >= 1.0
    assert attempts[2].at - attempts[1].at >= 1.0
    await asyncio.sleep(0.5)
    assert standin.texts(CHAT) == ["echo: Spielplatz in Lütten Klein"]


async def test_bad_input_gets_a_helpful_answer_or_silence(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    standin.push(edited_update("Korrektur"))
    standin.push(channel_post_update("News"))
    for data in (sticker_update(), document_update(), poll_update()):
        standin.push(data)
    standin.push(text_update("/wetter"))
    standin.push(text_update("Rampe " * 600))
    standin.push(text_update("danach"))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 6)
    texts = standin.texts(CHAT)
    # Content the assistant cannot use goes to the core, which refuses it (here: the echo).
    assert texts[:3] == ["refused: unsupported"] * 3
    assert texts[3] == "Diesen Befehl kenne ich nicht. Hilfe: /help"
    # A long text is the core's to refuse, like on every channel.
    assert texts[4] == "echo: " + ("Rampe " * 600).strip()
    assert texts[5] == "echo: danach"
    await asyncio.sleep(0.5)
    assert len(standin.sent()) == 6  # nothing for the edit or the channel post


async def test_a_failing_core_gets_an_apology_and_the_channel_keeps_working(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    async def flaky(message: IncomingMessage) -> Turn:
        if message.text == "kaputt":
            raise RuntimeError("core down")
        return await echo(message)

    await start_channel(flaky)
    standin.push(text_update("kaputt", sender=user(CHAT, "en")))
    standin.push(text_update("wieder da", sender=user(CHAT, "en")))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 2)
    assert standin.texts(CHAT) == [
        "Sorry, that did not work. Please try again in a moment.",
        "echo: wieder da",
    ]


async def test_in_groups_the_bot_answers_only_when_addressed(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    await start_channel(echo)
    group = group_chat()
    standin.push(update(message=text_message("Wer kommt heute?", chat=group)))
    asked = text_message(f"@{BOT_USERNAME} Toilette am Hafen?", chat=group)
    standin.push(update(message=asked))
    await standin.wait_for(lambda: bool(standin.texts(group["id"])))
    (sent,) = standin.sent(group["id"])
    assert sent.params["text"] == "echo: Toilette am Hafen?"
    assert sent.params["reply_parameters"]["message_id"] == asked["message_id"]


async def test_restart_neither_loses_nor_repeats_updates(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    async def slow_echo(message: IncomingMessage) -> Turn:
        await asyncio.sleep(0.3)
        return await echo(message)

    first = await start_channel(slow_echo)
    for n in range(5):
        standin.push(text_update(f"Frage {n}"))
    await standin.wait_for(lambda: bool(standin.texts(CHAT)))
    await first.stop()  # mid-way: one answered, the others fetched or still queued
    for n in range(5, 8):
        standin.push(text_update(f"Frage {n}"))
    await start_channel(slow_echo)
    await standin.wait_for(lambda: len(standin.texts(CHAT)) >= 8)
    await asyncio.sleep(1.5)  # a repeated update would be answered within this time
    assert standin.texts(CHAT) == [f"echo: Frage {n}" for n in range(8)]


async def test_many_answers_in_one_chat_are_paced_to_about_one_a_second(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    async def eight_places(message: IncomingMessage) -> Turn:
        return turn(*(OutgoingMessage(f"Ort {n}") for n in range(8)))

    await start_channel(eight_places)
    standin.push(text_update("Orte"))
    standin.push(text_update("Orte", sender=user(78, "de")))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 8 and len(standin.texts(78)) == 8)
    sent = standin.sent(CHAT)
    assert [c.params["text"] for c in sent] == [f"Ort {n}" for n in range(8)]
    # A burst of five goes out at once, then about one a second: the last waits about 3 s.
    assert sent[4].at - sent[0].at < 2.0
    assert sent[7].at - sent[0].at >= 2.5
    # Another chat's burst is not queued behind the first chat's paced messages.
    assert standin.sent(78)[4].at < sent[7].at


async def test_a_spoken_answer_is_sent_as_a_voice_message_after_its_text(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    ogg = b"OggS\x00\x02spoken-answer"

    async def spoken(message: IncomingMessage) -> Turn:
        audio = Audio(ogg, "audio/ogg", 1.6)
        return turn(OutgoingMessage("Die Toilette ist geöffnet.", audio=audio))

    await start_channel(spoken)
    standin.push(text_update("Ist die Toilette offen?"))
    await standin.wait_for(lambda: bool(standin.sent(CHAT, "sendVoice")))
    (voice,) = standin.sent(CHAT, "sendVoice")
    assert voice.params["voice"] == ogg
    assert voice.params["duration"] == 2
    (text,) = standin.sent(CHAT)
    assert text.params["text"] == "Die Toilette ist geöffnet."
    assert text.at <= voice.at


async def test_the_channels_own_texts_follow_the_language_of_the_cores_turn(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    async def switch(message: IncomingMessage) -> Turn:
        # What the core answers after the assistant switched the language: Turn.language.
        return turn(OutgoingMessage("From now on in English."), language="en")

    await start_channel(switch)
    standin.push(text_update("can you speak english", sender=user(CHAT, "de")))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 1)
    standin.push(text_update("/help", sender=user(CHAT, "de")))
    await standin.wait_for(lambda: len(standin.texts(CHAT)) == 2)
    assert standin.texts(CHAT)[1].startswith("I help with questions about Rostock")


async def test_a_data_export_arrives_as_a_document_after_its_text(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    exported = b'{"person": {"language": "de"}}'

    async def export(message: IncomingMessage) -> Turn:
        assert message.text == "/export"  # the core's command, passed on as text
        document = Document(exported, "smile-city-rostock-meine-daten-2026-12-03.json")
        return turn(OutgoingMessage("Hier sind Ihre Daten.", document=document))

    await start_channel(export)
    standin.push(text_update("/export"))
    await standin.wait_for(lambda: bool(standin.documents))
    assert standin.documents == [(CHAT, exported)]
    (sent,) = standin.sent(CHAT, "sendDocument")
    assert standin.texts(CHAT) == ["Hier sind Ihre Daten."]
    assert standin.sent(CHAT)[0].at <= sent.at


async def test_send_delivers_a_message_the_city_writes_first(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    channel = await start_channel(echo)
    standin.learn_chats(text_update("hallo"))  # the person opened the chat with the bot before
    announcement = OutgoingMessage(
        "Die Stadtbibliothek ist am Montag geschlossen.", buttons=(Button("Mehr", "/help"),)
    )
    result = await channel.send(Recipient("person-1", "telegram", str(CHAT)), announcement)
    (sent,) = standin.sent(CHAT)
    assert result == Delivered(str(sent.result["message_id"]))
    assert sent.params["text"] == announcement.text
    assert sent.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Mehr"


async def test_send_to_a_person_who_blocked_the_bot_says_they_are_gone(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    channel = await start_channel(echo)
    standin.learn_chats(text_update("hallo"))
    standin.block(CHAT)
    result = await channel.send(PERSON, OutgoingMessage("Hallo"))
    assert result == RecipientGone("blocked")
    assert [c.status for c in standin.refused(CHAT)] == [403]
    assert standin.sent(CHAT) == []
    standin.block(CHAT, "Forbidden: user is deactivated")
    result = await channel.send(PERSON, OutgoingMessage("Hallo"))
    assert result == RecipientGone("deactivated")
    unknown = await channel.send(Recipient("person-2", "telegram", "999"), OutgoingMessage("Hallo"))
    assert unknown == RecipientGone("not_found")


async def test_send_before_the_channel_runs_asks_to_retry(
    standin: BotApiStandIn, start_channel: StartChannel
) -> None:
    channel = await start_channel(echo)
    await channel.stop()
    result = await channel.send(PERSON, OutgoingMessage("Hallo"))
    assert isinstance(result, RetryAfter)
    assert result.seconds > 0
    assert standin.sent(CHAT) == []
