"""Staff accounts from configuration and send times as staff type them (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.broadcast.settings import BroadcastSettings
from bot.core.sendtime import SendTimeError, city_time, parse_send_time
from bot.core.staff import parse_staff_ids
from bot.settings import SettingsError

# A Thursday afternoon in Rostock (16:00 local time).
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def test_staff_ids_with_and_without_roles_are_read_from_the_environment() -> None:
    settings = BroadcastSettings.from_env(
        {
            "STAFF_TELEGRAM_IDS": " 123456:approver, 789 ,42:author",
            "STAFF_MATRIX_IDS": "@anna:rostock.de:approver,@ben:matrix.rostock.de:8448",
        }
    )
    staff = settings.staff
    assert staff.role("telegram", "123456") == "approver"
    assert staff.role("telegram", "789") == "author"
    assert staff.role("telegram", "42") == "author"
    assert staff.role("matrix", "@anna:rostock.de") == "approver"
    assert staff.role("matrix", "@ben:matrix.rostock.de:8448") == "author"
    assert staff.role("telegram", "555") is None
    assert staff.role("web", "123456") is None  # the web chat has no staff
    assert sorted(staff.approvers()) == [("matrix", "@anna:rostock.de"), ("telegram", "123456")]
    assert "123456" not in repr(settings)  # ids are not printed with the settings
    assert not BroadcastSettings.from_env({}).staff


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"STAFF_TELEGRAM_IDS": "123,abc"}, "STAFF_TELEGRAM_IDS: Value error, 'abc' is no"),
        ({"STAFF_TELEGRAM_IDS": "123:admin"}, "'123:admin' has the unknown role 'admin'"),
        ({"STAFF_TELEGRAM_IDS": "12,12:approver"}, "'12' is listed twice"),
        ({"STAFF_MATRIX_IDS": "anna"}, "STAFF_MATRIX_IDS: Value error, 'anna' is no Matrix"),
        ({"STAFF_MATRIX_IDS": "@anna:rostock.de:boss"}, "has the unknown role 'boss'"),
    ],
)
def test_unusable_staff_ids_stop_the_start_naming_the_entry(
    env: dict[str, str], problem: str
) -> None:
    with pytest.raises(SettingsError, match="invalid announcement settings") as caught:
        BroadcastSettings.from_env(env)
    assert problem in str(caught.value)


def test_a_matrix_id_too_long_to_be_kept_as_author_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than 92 characters"):
        parse_staff_ids("matrix", "@" + "a" * 90 + ":rostock.de")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("jetzt", None),
        ("now", None),
        ("morgen 9 Uhr", "2026-12-04 09:00"),
        ("tomorrow 9am", "2026-12-04 09:00"),
        ("heute 18:30", "2026-12-03 18:30"),
        ("Montag 10:00", "2026-12-07 10:00"),
        ("next monday at 10", "2026-12-07 10:00"),
        ("Donnerstag 10:00", "2026-12-10 10:00"),  # this Thursday's 10:00 is over: next week
        ("5.12. 18 Uhr", "2026-12-05 18:00"),
        ("am 5. Dezember um 18 Uhr", "2026-12-05 18:00"),
        ("December 5 6pm", "2026-12-05 18:00"),
        ("2026-12-05 18:00", "2026-12-05 18:00"),
        ("10.12.2026 18.30 Uhr", "2026-12-10 18:30"),
        ("übermorgen", "2026-12-05 09:00"),  # no time of day: 9:00
        ("5.1.", "2027-01-05 09:00"),  # no year: the next 5 January
    ],
)
def test_send_times_in_german_and_english_are_read_as_rostock_time(
    words: str, expected: str | None
) -> None:
    at = parse_send_time(words, NOW).at
    shown = None if at is None else f"{city_time(at):%Y-%m-%d %H:%M}"
    assert shown == expected


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("irgendwann", "unknown"),
        ("in 2 Stunden", "unknown"),
        ("heute 9 Uhr", "past"),
        ("1.1.2030", "too_far"),
        ("", "unknown"),
    ],
)
def test_send_times_that_cannot_be_used_say_why(words: str, code: str) -> None:
    with pytest.raises(SendTimeError) as caught:
        parse_send_time(words, NOW)
    assert caught.value.code == code
