"""Recurring iCalendar events (RRULE, RDATE, EXDATE, changed occurrences) become occurrences."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from cityapi.districts import DistrictRegistry
from cityapi.hours import BERLIN
from cityapi.importers.runner import run_import
from cityapi.schema import events
from cityapi.settings import sync_url
from tests.cityapi.helpers import BACKENDS, DatabaseFactory


def _next_clock_change(after: date) -> date:
    """The next last Sunday of March or October at least three weeks after `after`."""
    for year in (after.year, after.year + 1):
        for month in (3, 10):
            last = date(year, month, 31)
            sunday = last - timedelta(days=(last.weekday() + 1) % 7)
            if sunday >= after + timedelta(days=21):
                return sunday
    raise AssertionError("unreachable")


def _ics(first: datetime) -> str:
    def stamp(moment: datetime) -> str:
        return f"TZID=Europe/Berlin:{moment:%Y%m%dT%H%M%S}"

    week = timedelta(weeks=1)
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Smile City Rostock//test//DE",
            "BEGIN:VEVENT",
            "UID:offener-treff@test",
            "SUMMARY:Offener Treff im Stadtteilzentrum",
            f"DTSTART;{stamp(first)}",
            f"DTEND;{stamp(first + timedelta(hours=2))}",
            "RRULE:FREQ=WEEKLY;COUNT=6",
            f"EXDATE;{stamp(first + week)}",
            f"RDATE;{stamp(first + 6 * week + timedelta(days=2))}",
            "X-DISTRICT:Toitenwinkel",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:offener-treff@test",
            f"RECURRENCE-ID;{stamp(first + 4 * week)}",
            "SUMMARY:Offener Treff (später)",
            f"DTSTART;{stamp(first + 4 * week + timedelta(hours=1, minutes=30))}",
            f"DTEND;{stamp(first + 4 * week + timedelta(hours=3, minutes=30))}",
            "X-DISTRICT:Toitenwinkel",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:einzeltermin@test",
            "SUMMARY:Lesung",
            f"DTSTART;{stamp(first + timedelta(days=1))}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_weekly_event_keeps_its_local_time_across_the_clock_change(
    backend: str, databases: DatabaseFactory, districts: DistrictRegistry, tmp_path: Path
) -> None:
    change = _next_clock_change(datetime.now(BERLIN).date())
    first = datetime.combine(change - timedelta(days=17), time(18, 0))  # a Thursday, 18:00
    feed = tmp_path / "treff.ics"
    feed.write_text(_ics(first), encoding="utf-8")
    url = databases.new(backend)
    report = run_import(url, "ical", feed, districts, source="ical:treff")
    assert (report.created, report.skipped) == (7, 0), report.problems

    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        found = conn.execute(select(events).order_by(events.c.start_at)).mappings().all()
    engine.dispose()
    treff = [row for row in found if row["source_id"].startswith("offener-treff@test#")]
    local = [row["start_at"].astimezone(BERLIN) for row in treff]
    week = timedelta(weeks=1)
    expected_days = [first.date() + n * week for n in (0, 2, 3, 4, 5)]
    expected_days.append(first.date() + 6 * week + timedelta(days=2))  # the RDATE
    assert [moment.date() for moment in local] == expected_days  # the EXDATE week is left out
    times = [moment.time() for moment in local]
    assert times == [time(18), time(18), time(18), time(19, 30), time(18), time(18)]
    offsets = {moment.utcoffset() for moment in local}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # both sides of the change
    assert treff[3]["name"] == "Offener Treff (später)"
    assert all(row["district"] == "Toitenwinkel" for row in treff)
    assert [row["source_id"] for row in found if "#" not in row["source_id"]] == [
        "einzeltermin@test"
    ]

    again = run_import(url, "ical", feed, districts, source="ical:treff")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
