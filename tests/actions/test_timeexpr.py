"""Time expressions as citizens type them, resolved in Europe/Berlin against a fixed `now`."""

from datetime import datetime, timedelta, timezone

import pytest

from actions.timeexpr import BERLIN, TimeWindow, clamp_to_now, find_in_text, resolve

FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)
SUNDAY = datetime(2026, 11, 29, 12, 0, tzinfo=BERLIN)
IN_DECEMBER = datetime(2026, 12, 10, 9, 30, tzinfo=BERLIN)  # a Thursday
SATURDAY_EVENING = datetime(2026, 11, 28, 20, 15, tzinfo=BERLIN)
BEFORE_SPRING_DST = datetime(2027, 3, 25, 12, 0, tzinfo=BERLIN)  # clocks go forward on 28 March


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


CASES = [
    # (now, expression, language, start, end)
    (FRIDAY, "heute Abend", "de", at(2026, 11, 27, 18), at(2026, 11, 28)),
    (FRIDAY, "tonight", "en", at(2026, 11, 27, 18), at(2026, 11, 28)),
    (FRIDAY, "am Wochenende", "de", at(2026, 11, 28), at(2026, 11, 30)),
    (FRIDAY, "this weekend", "en", at(2026, 11, 28), at(2026, 11, 30)),
    (FRIDAY, "nächstes Wochenende", "de", at(2026, 12, 5), at(2026, 12, 7)),
    (FRIDAY, "nächsten Samstag", "de", at(2026, 11, 28), at(2026, 11, 29)),
    (FRIDAY, "naechsten Samstag", "de", at(2026, 11, 28), at(2026, 11, 29)),
    (FRIDAY, "next Saturday", "en", at(2026, 11, 28), at(2026, 11, 29)),
    (FRIDAY, "am Freitag", "de", at(2026, 11, 27), at(2026, 11, 28)),
    (FRIDAY, "nächsten Freitag", "de", at(2026, 12, 4), at(2026, 12, 5)),
    (FRIDAY, "Samstagabend", "de", at(2026, 11, 28, 18), at(2026, 11, 29)),
    (FRIDAY, "saturday evening", "en", at(2026, 11, 28, 18), at(2026, 11, 29)),
    (FRIDAY, "Sonnabend", "de", at(2026, 11, 28), at(2026, 11, 29)),
    (FRIDAY, "im Dezember", "de", at(2026, 12, 1), at(2027, 1, 1)),
    (FRIDAY, "in December", "en", at(2026, 12, 1), at(2027, 1, 1)),
    (FRIDAY, "im Januar", "de", at(2027, 1, 1), at(2027, 2, 1)),
    (FRIDAY, "diese Woche", "de", at(2026, 11, 23), at(2026, 11, 30)),
    (FRIDAY, "nächste Woche", "de", at(2026, 11, 30), at(2026, 12, 7)),
    (FRIDAY, "next week", "en", at(2026, 11, 30), at(2026, 12, 7)),
    (FRIDAY, "nächsten Monat", "de", at(2026, 12, 1), at(2027, 1, 1)),
    (FRIDAY, "morgen", "de", at(2026, 11, 28), at(2026, 11, 29)),
    (FRIDAY, "tomorrow", "en", at(2026, 11, 28), at(2026, 11, 29)),
    (FRIDAY, "übermorgen", "de", at(2026, 11, 29), at(2026, 11, 30)),
    (FRIDAY, "morgen früh", "de", at(2026, 11, 28, 6), at(2026, 11, 28, 12)),
    (FRIDAY, "heute Morgen", "de", at(2026, 11, 27, 6), at(2026, 11, 27, 12)),
    (FRIDAY, "in 3 Tagen", "de", at(2026, 11, 30), at(2026, 12, 1)),
    (FRIDAY, "am 5. Dezember", "de", at(2026, 12, 5), at(2026, 12, 6)),
    (FRIDAY, "5.12.", "de", at(2026, 12, 5), at(2026, 12, 6)),
    (FRIDAY, "5.12.2026", "en", at(2026, 12, 5), at(2026, 12, 6)),
    (FRIDAY, "december 5th", "en", at(2026, 12, 5), at(2026, 12, 6)),
    (FRIDAY, "1.3.", "de", at(2027, 3, 1), at(2027, 3, 2)),
    (FRIDAY, "in den nächsten 30 Tagen", "de", FRIDAY, FRIDAY + timedelta(days=30)),
    (FRIDAY, "the next 30 days", "en", FRIDAY, FRIDAY + timedelta(days=30)),
    # on a Sunday, "this weekend" is today
    (SUNDAY, "am Wochenende", "de", at(2026, 11, 28), at(2026, 11, 30)),
    (SUNDAY, "this weekend", "en", at(2026, 11, 28), at(2026, 11, 30)),
    (SUNDAY, "heute", "de", at(2026, 11, 29), at(2026, 11, 30)),
    (SUNDAY, "nächsten Samstag", "de", at(2026, 12, 5), at(2026, 12, 6)),
    (SUNDAY, "diese Woche", "de", at(2026, 11, 23), at(2026, 11, 30)),
    # in December, "im Dezember" is this December, "im November" the next one
    (IN_DECEMBER, "im Dezember", "de", at(2026, 12, 1), at(2027, 1, 1)),
    (IN_DECEMBER, "in november", "en", at(2027, 11, 1), at(2027, 12, 1)),
    (IN_DECEMBER, "this month", "en", at(2026, 12, 1), at(2027, 1, 1)),
    (IN_DECEMBER, "nächsten Monat", "de", at(2027, 1, 1), at(2027, 2, 1)),
    (IN_DECEMBER, "am Wochenende", "de", at(2026, 12, 12), at(2026, 12, 14)),
    # a Saturday evening: the weekend and tonight are still on
    (SATURDAY_EVENING, "heute abend", "de", at(2026, 11, 28, 18), at(2026, 11, 29)),
    (SATURDAY_EVENING, "dieses Wochenende", "de", at(2026, 11, 28), at(2026, 11, 30)),
    (SATURDAY_EVENING, "am Samstag", "de", at(2026, 11, 28), at(2026, 11, 29)),
    (SATURDAY_EVENING, "next saturday", "en", at(2026, 12, 5), at(2026, 12, 6)),
    (SATURDAY_EVENING, "morgen", "de", at(2026, 11, 29), at(2026, 11, 30)),
    # the weekend when the clocks change: Saturday 00:00 CET to Monday 00:00 CEST
    (BEFORE_SPRING_DST, "am Wochenende", "de", at(2027, 3, 27), at(2027, 3, 29)),
]


@pytest.mark.parametrize(("now", "expression", "language", "start", "end"), CASES)
def test_time_expression_resolves_to_the_meant_window(
    now: datetime, expression: str, language: str, start: datetime, end: datetime
) -> None:
    window = resolve(expression, now, language)
    assert window == TimeWindow(start, end), expression
    assert window.start.utcoffset() == start.utcoffset()
    assert window.end.utcoffset() == end.utcoffset()


def test_spring_weekend_is_one_hour_shorter() -> None:
    window = resolve("this weekend", BEFORE_SPRING_DST, "en")
    assert window is not None
    # what the city API receives: ISO 8601 with each end's own UTC offset
    assert window.start.isoformat() == "2027-03-27T00:00:00+01:00"
    assert window.end.isoformat() == "2027-03-29T00:00:00+02:00"
    elapsed = window.end.astimezone(timezone.utc) - window.start.astimezone(timezone.utc)
    assert elapsed == timedelta(hours=47)


@pytest.mark.parametrize("expression", ["quatsch", "irgendwann mal", "blue", "", "31.2."])
def test_nonsense_is_not_understood(expression: str) -> None:
    assert resolve(expression, FRIDAY, "de") is None


def test_a_window_already_running_starts_now() -> None:
    window = resolve("heute", FRIDAY, "de")
    assert window is not None
    assert clamp_to_now(window, FRIDAY) == TimeWindow(FRIDAY, at(2026, 11, 28))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what is on this weekend in warnemünde", TimeWindow(at(2026, 11, 28), at(2026, 11, 30))),
        ("was ist nächste woche in der ktv los", TimeWindow(at(2026, 11, 30), at(2026, 12, 7))),
        ("gibt es morgen ein konzert", TimeWindow(at(2026, 11, 28), at(2026, 11, 29))),
        ("may i ask what is on", None),
        ("what is on", None),
    ],
)
def test_a_period_is_found_in_a_whole_question(text: str, expected: TimeWindow | None) -> None:
    assert find_in_text(text, FRIDAY, "en") == expected
