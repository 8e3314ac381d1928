"""What a screen reader reads out: times, dates, distances and periods in words."""

from datetime import date, datetime

import pytest

from actions import spoken, texts
from actions.timeexpr import BERLIN, TimeWindow, resolve

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("hour", "minute", "german", "english"),
    [
        (18, 0, "18 Uhr", "6 pm"),
        (18, 30, "18 Uhr 30", "6:30 pm"),
        (9, 5, "9 Uhr 5", "9:05 am"),
        (12, 0, "12 Uhr", "12 noon"),
        (0, 0, "Mitternacht", "midnight"),
        (0, 30, "0 Uhr 30", "12:30 am"),
    ],
)
def test_times_are_written_as_spoken(hour: int, minute: int, german: str, english: str) -> None:
    moment = datetime(2026, 11, 28, hour, minute, tzinfo=BERLIN)
    assert spoken.clock("de", moment) == german
    assert spoken.clock("en", moment) == english


def test_dates_carry_weekday_and_month_names() -> None:
    moment = datetime(2026, 11, 28, 18, 0, tzinfo=BERLIN)
    assert spoken.day_and_time("de", moment, NOW.date()) == "Samstag, 28. November, 18 Uhr"
    assert spoken.day_and_time("en", moment, NOW.date()) == "Saturday, 28 November, 6 pm"
    new_year = date(2027, 1, 1)
    assert spoken.day("de", new_year, NOW.date()) == "Freitag, 1. Januar 2027"
    assert spoken.day("en", new_year, NOW.date()) == "Friday, 1 January 2027"


@pytest.mark.parametrize(
    ("metres", "german", "english"),
    [
        (12.0, "weniger als 50 Meter", "less than 50 metres"),
        (287.4, "etwa 300 Meter", "about 300 metres"),
        (1234.0, "etwa 1,2 Kilometer", "about 1.2 kilometres"),
        (2000.0, "etwa 2 Kilometer", "about 2 kilometres"),
    ],
)
def test_distances_are_rounded_for_listening(metres: float, german: str, english: str) -> None:
    assert spoken.distance("de", metres) == german
    assert spoken.distance("en", metres) == english


@pytest.mark.parametrize(
    ("expression", "german", "english"),
    [
        ("samstag", "am Samstag, 28. November", "on Saturday, 28 November"),
        ("heute abend", "am Freitag, 27. November, ab 18 Uhr", "on Friday, 27 November, from 6 pm"),
        (
            "am wochenende",
            "von Samstag, 28. November, bis Sonntag, 29. November",
            "from Saturday, 28 November, to Sunday, 29 November",
        ),
        ("im dezember", "im Dezember", "in December"),
        ("im januar", "im Januar 2027", "in January 2027"),
    ],
)
def test_periods_are_said_in_words(expression: str, german: str, english: str) -> None:
    window = resolve(expression, NOW, "de")
    assert isinstance(window, TimeWindow)
    assert spoken.period("de", window, NOW) == german
    assert spoken.period("en", window, NOW) == english


def test_every_text_exists_in_both_languages() -> None:
    assert texts.all_keys("de") == texts.all_keys("en")
    assert set(texts.PLACE_TYPES["de"]) == set(texts.PLACE_TYPES["en"])
    assert set(texts.EVENT_CATEGORIES["de"]) == set(texts.EVENT_CATEGORIES["en"])
    assert set(texts.INTENT_TITLES["de"]) == set(texts.INTENT_TITLES["en"])


def test_unknown_language_falls_back_to_german() -> None:
    assert texts.text("fr", "place_open_now") == "Jetzt geöffnet."
    assert texts.text("en", "place_open_now") == "Open now."
