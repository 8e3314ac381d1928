"""Pure conversions: Matrix event JSON → IncomingMessage, OutgoingMessage → content; settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.channels.matrix.convert import (
    Accepted,
    Ignored,
    parse_geo_uri,
    strip_reply_fallback,
    to_content,
    to_incoming,
)
from bot.channels.matrix.limits import OUTBOUND_RETRY_S
from bot.channels.matrix.send import MatrixSendError, delivery_failure
from bot.channels.matrix.settings import MatrixError, MatrixSettings
from bot.channels.matrix.state import RECENT_EVENTS, ChannelState
from bot.core.messages import (
    Button,
    DeliveryResult,
    Location,
    OutgoingMessage,
    RecipientGone,
    Rejected,
    RetryAfter,
)

BOT = "@smilecity:localhost"
ROOM = "!room:localhost"


def event(content: Any, sender: str = "@anna:localhost", **extra: Any) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "sender": sender,
        "event_id": "$e1",
        "origin_server_ts": 1,
        "content": content,
        **extra,
    }


def test_text_becomes_incoming_message_with_ids() -> None:
    result = to_incoming(event({"msgtype": "m.text", "body": " Wo ist das Rathaus? "}), ROOM, BOT)
    assert isinstance(result, Accepted)
    msg = result.message
    assert (msg.channel, msg.sender_id, msg.chat_id, msg.message_id) == (
        "matrix",
        "@anna:localhost",
        ROOM,
        "$e1",
    )
    assert msg.text == "Wo ist das Rathaus?"
    assert not result.addressing.mentioned


def test_own_messages_notices_edits_and_state_are_ignored() -> None:
    text = {"msgtype": "m.text", "body": "x"}
    assert to_incoming(event(text, sender=BOT), ROOM, BOT) == Ignored("own-message")
    assert isinstance(to_incoming(event({"msgtype": "m.notice", "body": "x"}), ROOM, BOT), Ignored)
    edit = {**text, "m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"}}
    assert to_incoming(event(edit), ROOM, BOT) == Ignored("edit")
    assert isinstance(to_incoming({**event(text), "type": "m.reaction"}, ROOM, BOT), Ignored)
    assert isinstance(to_incoming(event({}), ROOM, BOT), Ignored)  # redacted


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ({"msgtype": "m.video", "body": "clip.mp4"}, "unsupported"),
        ({"msgtype": "m.text", "body": 42}, "unreadable"),
        ({"body": "no type"}, "unreadable"),
        ({"msgtype": "m.location", "body": "here", "geo_uri": "geo:91,0"}, "bad_location"),
        ({"msgtype": "m.location", "body": "here"}, "bad_location"),
        ({"msgtype": "m.image", "body": "a.png", "url": "https://evil/"}, "unreadable"),
        (
            {"msgtype": "m.image", "body": "a.png", "url": "mxc://s/m", "info": {"size": 10**9}},
            "too_large",
        ),
    ],
)
def test_what_the_channel_cannot_pass_on_goes_to_the_core_as_unusable(
    content: dict[str, Any], code: str
) -> None:
    result = to_incoming(event(content), ROOM, BOT)
    assert isinstance(result, Accepted)
    assert result.message.unusable == code


def test_empty_and_long_texts_are_the_cores_to_refuse() -> None:
    for body in ("   ", "x" * 5000):
        result = to_incoming(event({"msgtype": "m.text", "body": body}), ROOM, BOT)
        assert isinstance(result, Accepted)
        assert result.message.text == body.strip()
        assert result.message.unusable is None


def test_garbage_events_never_raise() -> None:
    for garbage in ({}, {"sender": 5}, {"sender": "@a:b", "content": "text"}, event(["list"])):
        assert isinstance(to_incoming(garbage, ROOM, BOT), Ignored | Accepted)


def test_location_from_geo_uri() -> None:
    content = {"msgtype": "m.location", "body": "Standort", "geo_uri": "geo:54.0887,12.1405;u=35"}
    result = to_incoming(event(content), ROOM, BOT)
    assert isinstance(result, Accepted)
    assert result.message.location == Location(54.0887, 12.1405)
    assert result.message.text is None


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("geo:54.0887,12.1405", Location(54.0887, 12.1405)),
        ("geo:-33.5,151.25,12.5;crs=wgs84", Location(-33.5, 151.25)),
        ("GEO:0,0", Location(0.0, 0.0)),
        ("geo:54.0887", None),
        ("geo:100,12", None),
        ("geo:54,200", None),
        ("https://maps.example/54,12", None),
    ],
)
def test_geo_uri_parsing(uri: str, expected: Location | None) -> None:
    assert parse_geo_uri(uri) == expected


def test_voice_note_in_encrypted_room_carries_its_key() -> None:
    content = {
        "msgtype": "m.audio",
        "body": "Voice message",
        "org.matrix.msc3245.voice": {},
        "info": {"mimetype": "audio/ogg", "duration": 3200, "size": 4000},
        "file": {
            "url": "mxc://localhost/abc",
            "key": {"k": "KEY"},
            "hashes": {"sha256": "HASH"},
            "iv": "IV",
        },
    }
    result = to_incoming(event(content), ROOM, BOT)
    assert isinstance(result, Accepted)
    media = result.media
    assert media is not None
    assert (media.kind, media.mxc_url, media.mime_type, media.voice) == (
        "audio",
        "mxc://localhost/abc",
        "audio/ogg",
        True,
    )
    assert (media.key, media.sha256, media.iv, media.duration_s) == ("KEY", "HASH", "IV", 3.2)
    assert result.message.text is None  # a body that is just the file's label is not a question


def test_mentions_and_replies_address_the_bot() -> None:
    pill = {
        "msgtype": "m.text",
        "body": "Smile City: Wann ist Markt?",
        "m.mentions": {"user_ids": [BOT]},
    }
    result = to_incoming(event(pill), ROOM, BOT, names=("Smile City",))
    assert isinstance(result, Accepted)
    assert result.addressing.mentioned
    assert result.message.text == "Wann ist Markt?"

    by_name = to_incoming(
        event({"msgtype": "m.text", "body": "smile city, hilf mir"}), ROOM, BOT, ("Smile City",)
    )
    assert isinstance(by_name, Accepted)
    assert by_name.addressing.mentioned
    assert by_name.message.text == "hilf mir"

    reply = {
        "msgtype": "m.text",
        "body": "> <@smilecity:localhost> Welcher Stadtteil?\n\nSüdstadt",
        "m.relates_to": {"m.in_reply_to": {"event_id": "$bot1"}},
    }
    replied = to_incoming(event(reply), ROOM, BOT)
    assert isinstance(replied, Accepted)
    assert replied.addressing.reply_to == "$bot1"
    assert replied.message.text == "Südstadt"

    other = to_incoming(event({"msgtype": "m.text", "body": "Hallo Bob"}), ROOM, BOT, ("Smile",))
    assert isinstance(other, Accepted)
    assert not other.addressing.mentioned

    inside_a_word = to_incoming(
        event({"msgtype": "m.text", "body": "Ein Angebot"}), ROOM, BOT, ("bot",)
    )
    assert isinstance(inside_a_word, Accepted)
    assert not inside_a_word.addressing.mentioned


def test_strip_reply_fallback_keeps_plain_text() -> None:
    assert strip_reply_fallback("no quote") == "no quote"
    assert strip_reply_fallback("> a\n> b\n\nanswer") == "answer"


def test_answer_content_has_plain_and_html_with_numbered_buttons() -> None:
    message = OutgoingMessage(
        "Welche Art Ort?\nBitte wählen:", buttons=(Button("Toilette", "/t"), Button("A&B", "/ab"))
    )
    content = to_content(message)
    assert content["msgtype"] == "m.text"
    assert content["body"] == "Welche Art Ort?\nBitte wählen:\n\n1. Toilette\n2. A&B"
    assert content["formatted_body"] == (
        "Welche Art Ort?<br>Bitte wählen:<ol><li>Toilette</li><li>A&amp;B</li></ol>"
    )
    assert content["m.mentions"] == {}
    assert to_content(OutgoingMessage("<b>nur Text</b>"))["formatted_body"] == (
        "&lt;b&gt;nur Text&lt;/b&gt;"
    )


def test_settings_from_environment() -> None:
    assert MatrixSettings.configured({}) is None
    settings = MatrixSettings.configured(
        {
            "MATRIX_HOMESERVER": "https://matrix.rostock.de/",
            "MATRIX_USER_ID": "@smilecity:rostock.de",
            "MATRIX_PASSWORD": "secret-pw",
            "MATRIX_ALLOWED_SERVERS": "Rostock.de, matrix.org ,",
        }
    )
    assert settings is not None
    assert settings.homeserver == "https://matrix.rostock.de"
    assert settings.store_dir == Path("var/matrix-store")
    assert settings.allows_server("rostock.de")
    assert not settings.allows_server("evil.example")
    assert "secret-pw" not in repr(settings)


def test_without_an_allow_list_only_the_bots_own_server_may_invite() -> None:
    env = {
        "MATRIX_HOMESERVER": "https://matrix.rostock.de",
        "MATRIX_USER_ID": "@smilecity:rostock.de",
        "MATRIX_PASSWORD": "secret-pw",
    }
    own = MatrixSettings.configured(env)
    assert own is not None
    assert own.allows_server("rostock.de")
    assert own.allows_server("Rostock.DE")
    assert not own.allows_server("matrix.org")
    everyone = MatrixSettings.configured({**env, "MATRIX_ALLOWED_SERVERS": "*"})
    assert everyone is not None
    assert everyone.allows_server("matrix.org")


@pytest.mark.parametrize(
    "env",
    [
        {"MATRIX_HOMESERVER": "m.de", "MATRIX_USER_ID": "@a:b", "MATRIX_PASSWORD": "p"},
        {"MATRIX_HOMESERVER": "https://m.de", "MATRIX_USER_ID": "bot", "MATRIX_PASSWORD": "p"},
        {"MATRIX_HOMESERVER": "https://m.de", "MATRIX_USER_ID": "@bot:m.de"},
        {
            "MATRIX_HOMESERVER": "https://m.de",
            "MATRIX_USER_ID": "@bot:m.de",
            "MATRIX_ACCESS_TOKEN": "t",
            "MATRIX_SYNC_TIMEOUT_MS": "soon",
        },
    ],
)
def test_invalid_settings_fail_with_a_code(env: dict[str, str]) -> None:
    with pytest.raises(MatrixError) as info:
        MatrixSettings.configured(env)
    assert info.value.code == "config-invalid"


def test_state_round_trip_is_bounded_and_survives_damage() -> None:
    state = ChannelState(next_batch="s1", device_id="DEV", first_start_ms=5)
    for number in range(RECENT_EVENTS + 10):
        state.mark(f"$e{number}")
    loaded = ChannelState.from_json(state.to_json())
    assert (loaded.next_batch, loaded.device_id, loaded.first_start_ms) == ("s1", "DEV", 5)
    assert loaded.seen(f"$e{RECENT_EVENTS + 9}")
    assert not loaded.seen("$e0")
    assert ChannelState.from_json("{broken").next_batch is None


@pytest.mark.parametrize(
    ("error", "result"),
    [
        (MatrixSendError("M_FORBIDDEN", ROOM), RecipientGone("left")),
        (MatrixSendError("M_NOT_FOUND", ROOM), RecipientGone("left")),
        (MatrixSendError("M_LIMIT_EXCEEDED", ROOM, 2500), RetryAfter(2.5, "rate_limited")),
        (MatrixSendError("M_TOO_LARGE", ROOM), Rejected("M_TOO_LARGE")),
        (MatrixError("upload-failed", "502"), RetryAfter(OUTBOUND_RETRY_S, "upload-failed")),
    ],
)
def test_a_failed_send_reads_as_what_a_delivery_worker_does_next(
    error: MatrixError, result: DeliveryResult
) -> None:
    # errcodes as Synapse answers them (nio's RoomSendError.status_code)
    assert delivery_failure(error) == result
