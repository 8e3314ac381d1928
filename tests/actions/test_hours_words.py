"""How opening hours from the city API (`GET /places/{id}` → `hours`) are said, day by day."""

from datetime import datetime
from typing import Any

import pytest

from actions.hours import hours_answer
from actions.timeexpr import BERLIN

FRIDAY_EVENING = datetime(2026, 12, 25, 20, 0, tzinfo=BERLIN)  # Christmas Day, a Friday


def place(**hours: Any) -> dict[str, Any]:
    base = {
        "timezone": "Europe/Berlin",
        "is_open": False,
        "today": [],
        "open_until": None,
        "next_open": None,
        "is_public_holiday": False,
        "holiday_name": None,
        "unknown": False,
    }
    return {"name": "Stadtbibliothek", "hours": {**base, **hours}}


@pytest.mark.parametrize(
    ("hours", "german", "english"),
    [
        (
            {"is_open": True, "open_until": "2026-12-25T22:00:00+01:00"},
            "Stadtbibliothek hat jetzt geöffnet, heute bis 22 Uhr.",
            "Stadtbibliothek is open now, today until 10 pm.",
        ),
        (
            {"is_open": True, "open_until": "2026-12-26T02:30:00+01:00"},
            "Stadtbibliothek hat jetzt geöffnet, bis Samstag, 26. Dezember, 2 Uhr 30.",
            "Stadtbibliothek is open now, until Saturday, 26 December, 2:30 am.",
        ),
        (
            {"is_open": True, "today": [{"from": "00:00", "to": "24:00"}]},
            "Stadtbibliothek hat rund um die Uhr geöffnet.",
            "Stadtbibliothek is open around the clock.",
        ),
        (
            {"next_open": "2026-12-28T10:00:00+01:00"},
            "Stadtbibliothek ist jetzt geschlossen. Geöffnet wieder am Montag, 28. Dezember, "
            "um 10 Uhr.",
            "Stadtbibliothek is closed now. It opens again on Monday, 28 December, at 10 am.",
        ),
        (
            {"next_open": "2027-01-04T09:30:00+01:00"},
            "Stadtbibliothek ist jetzt geschlossen. Geöffnet wieder am Montag, 4. Januar 2027, "
            "um 9 Uhr 30.",
            "Stadtbibliothek is closed now. It opens again on Monday, 4 January 2027, at 9:30 am.",
        ),
        (
            {"unknown": True, "is_open": None},
            "Die Öffnungszeiten von Stadtbibliothek kenne ich leider nicht.",
            "Sorry, I do not know the opening hours of Stadtbibliothek.",
        ),
    ],
)
def test_hours_are_said_in_plain_sentences(
    hours: dict[str, Any], german: str, english: str
) -> None:
    assert hours_answer("de", place(**hours), FRIDAY_EVENING) == german
    assert hours_answer("en", place(**hours), FRIDAY_EVENING) == english


def test_a_public_holiday_is_mentioned_first() -> None:
    closed = place(
        is_public_holiday=True,
        holiday_name="Erster Weihnachtstag",
        next_open="2026-12-26T10:00:00+01:00",
    )
    assert hours_answer("de", closed, FRIDAY_EVENING) == (
        "Heute ist Feiertag: Erster Weihnachtstag. Stadtbibliothek ist jetzt geschlossen. "
        "Geöffnet wieder morgen um 10 Uhr."
    )
    assert hours_answer("en", closed, FRIDAY_EVENING) == (
        "Today is a public holiday: Erster Weihnachtstag. Stadtbibliothek is closed now. "
        "It opens again tomorrow at 10 am."
    )
