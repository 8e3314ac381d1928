import base64

import pytest

from bot.channels.web.convert import ChatRequestError, message_json, parse_chat_request
from bot.core.messages import Audio, Button, OutgoingMessage


def test_a_valid_request_becomes_an_incoming_web_message() -> None:
    msg = parse_chat_request({"sender": "web-42", "message": "Wo ist eine Toilette?", "lang": "en"})
    assert msg.channel == "web"
    assert msg.sender_id == msg.chat_id == "web-42"
    assert msg.text == "Wo ist eine Toilette?"
    assert msg.language_choice == "en"
    assert msg.voice_reply is None


def test_audio_is_decoded_and_may_come_without_text() -> None:
    data = base64.b64encode(b"OggS fake container bytes").decode()
    msg = parse_chat_request(
        {"sender": "s", "audio": data, "audio_mime": "audio/ogg; codecs=opus", "voice": True}
    )
    assert msg.audio is not None
    assert msg.audio.data == b"OggS fake container bytes"
    assert msg.audio.mime_type == "audio/ogg; codecs=opus"
    assert msg.text is None
    assert msg.voice_reply is True


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ([], 400, "invalid_json"),
        ({"message": "hallo"}, 400, "invalid_sender"),
        ({"sender": "", "message": "hallo"}, 400, "invalid_sender"),
        ({"sender": "a b", "message": "hallo"}, 400, "invalid_sender"),
        ({"sender": "x" * 129, "message": "hallo"}, 400, "invalid_sender"),
        ({"sender": "s", "message": 5}, 400, "invalid_message"),
        ({"sender": "s", "message": "hallo", "lang": "fr"}, 400, "invalid_language"),
        ({"sender": "s", "message": "hallo", "voice": "yes"}, 400, "invalid_voice"),
        ({"sender": "s", "audio": "not base64!"}, 400, "invalid_audio"),
        ({"sender": "s", "audio": "AAAA", "audio_mime": "text/html"}, 400, "invalid_audio"),
    ],
)
def test_bad_requests_get_a_precise_error(body: object, status: int, code: str) -> None:
    with pytest.raises(ChatRequestError) as caught:
        parse_chat_request(body)
    assert (caught.value.status, caught.value.code) == (status, code)


def test_exactly_4000_characters_are_accepted() -> None:
    assert parse_chat_request({"sender": "s", "message": "ä" * 4000}).text == "ä" * 4000


def test_answers_carry_buttons_and_audio_only_when_present() -> None:
    plain = message_json(OutgoingMessage(text="Hallo"))
    assert plain == {"text": "Hallo"}
    rich = message_json(
        OutgoingMessage(
            text="Wählen Sie:",
            buttons=(Button("Ja", "/affirm"),),
            audio=Audio(data=b"OggS", mime_type="audio/ogg"),
        )
    )
    assert rich["buttons"] == [{"title": "Ja", "payload": "/affirm"}]
    assert base64.b64decode(rich["audio"]) == b"OggS"
    assert rich["audio_mime"] == "audio/ogg"
