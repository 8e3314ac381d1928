"""Opening hours in Europe/Berlin across midnight and Mecklenburg-Vorpommern's public holidays."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from opening_hours import OpeningHours, State

from cityapi.hours import BERLIN, holiday_name, hours_answer, open_at

LATE = "Mo-Sa 22:00-02:00; PH off"
OFFICE = "Mo-Fr 09:00-18:00; Sa 10:00-13:00; PH off"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def test_late_hours_run_past_midnight() -> None:
    assert open_at(LATE, at("2026-11-28 23:30")) is True  # Saturday night
    assert open_at(LATE, at("2026-11-29 01:30")) is True  # Sunday, still Saturday's opening
    assert open_at(LATE, at("2026-11-29 23:30")) is False  # Sunday night: closed
    assert open_at(LATE, at("2026-11-30 01:30")) is False  # Monday early: nothing from Sunday
    assert open_at(LATE, at("2026-11-30 02:00")) is False
    answer = hours_answer(LATE, at("2026-11-28 23:30"))
    assert answer["is_open"] is True
    assert answer["open_until"] == "2026-11-29T02:00:00+01:00"
    assert answer["today"] == [{"from": "00:00", "to": "02:00"}, {"from": "22:00", "to": "24:00"}]


def test_closed_on_christmas_day_and_across_its_midnight() -> None:
    assert open_at(LATE, at("2026-12-24 23:30")) is True  # Christmas Eve is no public holiday
    assert open_at(LATE, at("2026-12-25 01:00")) is False  # Christmas Day: PH off
    assert open_at(LATE, at("2026-12-25 23:00")) is False
    assert open_at(OFFICE, at("2026-12-25 11:00")) is False
    answer = hours_answer(OFFICE, at("2026-12-24 19:00"))  # Thursday evening before Christmas
    assert answer["is_open"] is False
    assert answer["is_public_holiday"] is False
    # Fri 25th and Sat 26th are holidays, Sunday is closed: next opening is Monday the 28th
    assert answer["next_open"] == "2026-12-28T09:00:00+01:00"


@pytest.mark.parametrize(
    ("day", "name"),
    [("2026-10-31", "Reformationstag"), ("2027-03-08", "Frauentag"), ("2026-05-01", "Erster Mai")],
)
def test_mecklenburg_vorpommern_holidays_close_ph_off_places(day: str, name: str) -> None:
    moment = at(f"{day} 11:00")
    assert holiday_name(moment.date()) == name
    assert open_at("Mo-Su 08:00-20:00; PH off", moment) is False
    assert open_at("Mo-Su 08:00-20:00", moment) is True  # no PH rule: holidays change nothing
    answer = hours_answer("Mo-Su 08:00-20:00; PH off", moment)
    assert answer["is_public_holiday"] is True
    assert answer["holiday_name"] == name
    assert answer["is_open"] is False
    assert answer["today"] == []


def test_frauentag_only_counts_since_2023_and_not_elsewhere_in_march() -> None:
    assert holiday_name(at("2022-03-08 11:00").date()) is None
    assert open_at("Mo-Su 08:00-20:00; PH off", at("2027-03-09 11:00")) is True


def test_special_holiday_hours_apply_on_holidays_only() -> None:
    pool = "Mo-Fr 06:30-22:00; Sa,Su 08:00-20:00; PH 10:00-18:00"
    assert open_at(pool, at("2026-10-31 09:00")) is False  # Reformationstag (a Saturday)
    assert open_at(pool, at("2026-10-31 11:00")) is True
    assert open_at(pool, at("2026-11-07 09:00")) is True  # an ordinary Saturday


def test_national_holidays_agree_with_the_librarys_own_calendar() -> None:
    # For holidays the whole country keeps, our MV evaluation must equal the library's own PH rules.
    for expression in (LATE, OFFICE, "Mo-Su 20:00-02:00; PH off", "Sa,PH 10:00-14:00"):
        reference = OpeningHours(expression, timezone=BERLIN, country="DE")
        moment = at("2026-12-23 00:15")
        while moment < at("2027-01-03 00:00"):
            expected = reference.state(moment)[0] == State.OPEN
            assert open_at(expression, moment) is expected, (expression, moment)
            moment += timedelta(minutes=45)


def test_unknown_and_broken_hours() -> None:
    assert open_at(None, at("2026-11-28 12:00")) is None
    assert open_at("whenever", at("2026-11-28 12:00")) is None
    answer = hours_answer("whenever", at("2026-11-28 12:00"))
    assert answer["unknown"] is True
    assert answer["is_open"] is None
    assert answer["today"] == []
