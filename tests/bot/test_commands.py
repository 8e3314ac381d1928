from datetime import UTC, datetime

import pytest

from bot.core.commands import apply_voice_command, parse_voice_command
from bot.core.people import Person


def person(**changes: object) -> Person:
    values: dict[str, object] = {
        "id": "p1",
        "channel": "web",
        "platform_id": "w",
        "chat_id": "w",
        "language": "de",
        "voice_replies": None,
        "speech_rate": 0,
        "consent": None,
        "last_buttons": (),
        "created_at": datetime.now(UTC),
        "last_seen_at": datetime.now(UTC),
    }
    values.update(changes)
    return Person(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/voice on", "on"),
        ("/VOICE Off", "off"),
        ("/voice schneller", "faster"),
        ("/voice slower", "slower"),
        ("/voice@smile_bot on", "on"),
        ("/voice", "usage"),
        ("/voice loud", "usage"),
        ("voice on", None),
        ("/help", None),
    ],
)
def test_voice_commands_are_recognised(text: str, command: str | None) -> None:
    assert parse_voice_command(text) == command


def test_voice_on_and_off_change_the_preference_and_answer_in_the_persons_language() -> None:
    on = apply_voice_command(person(language="en"), "on")
    assert on.person.voice_replies is True
    assert "read my answers aloud" in on.answer
    off = apply_voice_command(on.person, "off")
    assert off.person.voice_replies is False


def test_speech_rate_stays_within_the_voice_services_range() -> None:
    fast = person(speech_rate=2)
    faster = apply_voice_command(fast, "faster")
    assert faster.person.speech_rate == 3
    fastest = apply_voice_command(faster.person, "faster")
    assert fastest.person.speech_rate == 3
    assert "Schneller" in fastest.answer
    slowest = apply_voice_command(person(speech_rate=-2), "slower")
    assert slowest.person.speech_rate == -2
