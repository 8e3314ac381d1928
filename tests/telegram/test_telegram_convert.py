"""The pure conversion of Telegram updates into actions (no network)."""

from __future__ import annotations

import pytest

from bot.channels.telegram.convert import (
    BotIdentity,
    Ignore,
    Local,
    ToCore,
    convert_callback,
    convert_update,
)
from bot.core.messages import Location
from tests.telegram.helpers import (
    BOT_ID,
    BOT_USERNAME,
    callback_update,
    channel_post_update,
    document_update,
    edited_update,
    group_chat,
    location_update,
    message,
    parse,
    photo_update,
    poll_update,
    sticker_update,
    text_message,
    text_update,
    update,
    user,
    voice_update,
)

BOT = BotIdentity(BOT_ID, BOT_USERNAME)


def convert(data: dict) -> Ignore | Local | ToCore:
    return convert_update(parse(data), BOT)


def test_private_text_goes_to_the_core_with_ids_and_language_hint() -> None:
    action = convert(text_update("Wo ist die nächste Toilette?", sender=user(7, "en-GB")))
    assert isinstance(action, ToCore)
    assert action.message.text == "Wo ist die nächste Toilette?"
    assert action.message.channel == "telegram"
    assert action.message.sender_id == "7"
    assert action.message.chat_id == "7"
    assert action.message.language_hint == "en"
    assert action.language == "en"
    assert action.reply_to is None


def test_reply_language_follows_language_code_with_german_default() -> None:
    assert convert(text_update("/start", sender=user(1, "de-AT"))).language == "de"
    assert convert(text_update("/start", sender=user(1, "fr"))).language == "en"
    assert convert(text_update("/start", sender=user(1, None))).language == "de"
    remembered = convert_update(parse(text_update("/help", sender=user(1, "de"))), BOT, "en")
    assert isinstance(remembered, Local)
    assert remembered.language == "en"


def test_special_characters_arrive_unchanged() -> None:
    action = convert(text_update("Öffnungszeiten von A_B*C [x](y) <b>"))
    assert isinstance(action, ToCore)
    assert action.message.text == "Öffnungszeiten von A_B*C [x](y) <b>"


def test_commands_are_answered_by_the_channel() -> None:
    for name in ("start", "help", "language"):
        action = convert(text_update(f"/{name}"))
        assert isinstance(action, Local)
        assert action.key == name
    start_with_argument = convert(text_update("/start from-website"))
    assert isinstance(start_with_argument, Local)
    assert start_with_argument.key == "start"


def test_voice_commands_go_to_the_core_as_text() -> None:
    action = convert(text_update("/voice an"))
    assert isinstance(action, ToCore)
    assert action.message.text == "/voice an"


@pytest.mark.parametrize("text", ["/privacy", "/datenschutz", "/export", "/delete"])
def test_privacy_commands_go_to_the_core_as_text(text: str) -> None:
    action = convert(text_update(text))
    assert isinstance(action, ToCore)
    assert action.message.text == text


@pytest.mark.parametrize(
    "text", ["/subscribe Warnemünde", "/unsubscribe Baustellen", "/subscriptions", "/stop"]
)
def test_subscription_commands_go_to_the_core_as_text(text: str) -> None:
    action = convert(text_update(text))
    assert isinstance(action, ToCore)
    assert action.message.text == text


def test_unknown_command_gets_a_hint_and_other_bots_commands_are_ignored() -> None:
    unknown = convert(text_update("/weather"))
    assert isinstance(unknown, Local)
    assert unknown.key == "unknown_command"
    assert isinstance(convert(text_update("/help@some_other_bot")), Ignore)
    mine = convert(text_update(f"/help@{BOT_USERNAME}"))
    assert isinstance(mine, Local)
    assert mine.key == "help"


def test_group_messages_are_answered_only_when_addressed() -> None:
    group = group_chat()
    assert isinstance(convert(update(message=text_message("Moin zusammen", chat=group))), Ignore)
    mentioned = convert(
        update(message=text_message(f"@{BOT_USERNAME} wo ist ein Spielplatz?", chat=group))
    )
    assert isinstance(mentioned, ToCore)
    assert mentioned.message.text == "wo ist ein Spielplatz?"
    assert mentioned.message.chat_id == str(group["id"])
    assert mentioned.reply_to is not None
    command = convert(update(message=text_message("/help", chat=group)))
    assert isinstance(command, Local)
    other_bots = convert(update(message=text_message("/weather", chat=group)))
    assert isinstance(other_bots, Ignore)
    unknown_to_us = convert(update(message=text_message(f"/weather@{BOT_USERNAME}", chat=group)))
    assert isinstance(unknown_to_us, Local)
    assert unknown_to_us.key == "unknown_command"
    bot_message = message(chat=group, sender={"id": BOT_ID, "is_bot": True, "first_name": "B"})
    answer = text_message("und morgen?", chat=group, reply_to_message=bot_message)
    reply = convert(update(message=answer))
    assert isinstance(reply, ToCore)
    assert reply.message.text == "und morgen?"


def test_staff_commands_reach_the_core_in_a_private_chat_and_in_a_group_only_when_named() -> None:
    for text in ("/announce", "/ankuendigen", "/cancel", "/approve 12", "/freigeben 12"):
        private = convert(text_update(text))
        assert isinstance(private, ToCore)
        assert private.message.text == text
    group = group_chat()
    other_bots = convert(update(message=text_message("/cancel", chat=group)))
    assert isinstance(other_bots, Ignore)
    named = convert(update(message=text_message(f"/cancel@{BOT_USERNAME}", chat=group)))
    assert isinstance(named, ToCore)


def test_location_becomes_coordinates() -> None:
    action = convert(location_update(54.0887, 12.1405))
    assert isinstance(action, ToCore)
    assert action.message.location == Location(54.0887, 12.1405)


def test_photo_refers_to_the_largest_size_with_its_caption() -> None:
    action = convert(photo_update("photo-big", caption="Aufzug kaputt"))
    assert isinstance(action, ToCore)
    assert action.media is not None
    assert action.media.file_id == "photo-big"
    assert action.media.kind == "image"
    assert action.message.text == "Aufzug kaputt"


def test_voice_note_refers_to_its_file() -> None:
    action = convert(voice_update("voice-1", duration=3))
    assert isinstance(action, ToCore)
    assert action.media is not None
    assert (action.media.kind, action.media.mime_type, action.media.duration_s) == (
        "audio",
        "audio/ogg",
        3.0,
    )


def test_oversized_files_go_to_the_core_as_unusable_and_long_texts_as_they_are() -> None:
    too_big = convert(voice_update("voice-2", size=25 * 1024 * 1024))
    assert isinstance(too_big, ToCore)
    assert too_big.media is None  # not downloaded
    assert too_big.message.unusable == "too_large"
    long_text = "Rampe " * 800
    too_long = convert(text_update(long_text))
    assert isinstance(too_long, ToCore)
    assert too_long.message.text == long_text.strip()  # the core refuses it, on every channel


def test_unsupported_content_goes_to_the_core_as_unusable() -> None:
    for data in (sticker_update(), document_update(), poll_update()):
        action = convert(data)
        assert isinstance(action, ToCore)
        assert action.message.unusable == "unsupported"
    image_file = convert(document_update("image/png"))
    assert isinstance(image_file, ToCore)
    assert image_file.media is not None
    assert image_file.media.mime_type == "image/png"


def test_edits_channel_posts_and_service_messages_are_silent() -> None:
    assert convert(edited_update("Korrektur")) == Ignore("edited")
    assert convert(channel_post_update("Neuigkeiten")) == Ignore("channel_post")
    joined = update(message=message(new_chat_members=[user(9)], chat=group_chat()))
    assert isinstance(convert(joined), Ignore)


def test_button_tap_becomes_the_payload_or_the_title_when_forgotten() -> None:
    sent = text_message("Welche?", sender={"id": BOT_ID, "is_bot": True, "first_name": "B"})
    sent["reply_markup"] = {"inline_keyboard": [[{"text": "Toiletten", "callback_data": "#k:abc"}]]}
    known = convert_callback(parse(callback_update("/affirm", sent)).callback_query, lambda d: d)
    assert isinstance(known, ToCore)
    assert known.message.payload == "/affirm"
    forgotten = convert_callback(
        parse(callback_update("#k:abc", sent)).callback_query, lambda d: None
    )
    assert isinstance(forgotten, ToCore)
    assert (forgotten.message.payload, forgotten.message.text) == (None, "Toiletten")
    unknown = convert_callback(
        parse(callback_update("#k:zzz", sent)).callback_query, lambda d: None
    )
    assert isinstance(unknown, Local)
    assert unknown.key == "button_expired"


def test_a_tapped_button_brings_its_title_along_for_the_core() -> None:
    sent = text_message("Welche?", sender={"id": BOT_ID, "is_bot": True, "first_name": "B"})
    payload = '/ask_place{"place_type": "toilet"}'
    sent["reply_markup"] = {"inline_keyboard": [[{"text": "Toiletten", "callback_data": payload}]]}
    tapped = convert_callback(parse(callback_update(payload, sent)).callback_query, lambda d: d)
    assert isinstance(tapped, ToCore)
    assert (tapped.message.payload, tapped.message.text) == (payload, "Toiletten")
