"""Times, dates, distances and periods written out so that a screen reader reads them clearly.

German: "Samstag, 28. November, 18 Uhr 30"; English: "Saturday, 28 November, 6:30 pm".
"""

from datetime import date, datetime, timedelta
from typing import Optional

from actions import texts
from actions.timeexpr import BERLIN, TimeWindow


def clock(language: str, moment: datetime) -> str:
    """A time of day: "18 Uhr", "18 Uhr 30", "Mitternacht"; "6 pm", "6:30 pm", "midnight"."""
    hour, minute = moment.hour, moment.minute
    if hour == 0 and minute == 0:
        return texts.text(language, "clock_midnight")
    if hour == 12 and minute == 0:
        return texts.text(language, "clock_noon")
    if texts.language_or_default(language) == "en":
        half = "am" if hour < 12 else "pm"
        hour12 = hour % 12 or 12
        if minute == 0:
            return texts.text(language, "clock_hour", hour=hour12, half=half)
        return texts.text(language, "clock_hour_minute", hour=hour12, minute=minute, half=half)
    if minute == 0:
        return texts.text(language, "clock_hour", hour=hour)
    return texts.text(language, "clock_hour_minute", hour=hour, minute=minute)


def day(language: str, when: date, today: Optional[date] = None) -> str:
    """A date with its weekday: "Samstag, 28. November" (with the year when not this year)."""
    lang = texts.language_or_default(language)
    values = {
        "weekday": texts.WEEKDAYS[lang][when.weekday()],
        "day": when.day,
        "month": texts.MONTHS[lang][when.month - 1],
        "year": when.year,
    }
    if today is not None and when.year != today.year:
        return texts.text(lang, "date_year", **values)
    return texts.text(lang, "date", **values)


def day_and_time(language: str, moment: datetime, today: Optional[date] = None) -> str:
    """A date with weekday and time: "Samstag, 28. November, 18 Uhr"."""
    local = moment.astimezone(BERLIN)
    return texts.text(
        language,
        "date_time",
        date=day(language, local.date(), today),
        time=clock(language, local),
    )


def distance(language: str, metres: float) -> str:
    """A rounded distance: "etwa 300 Meter", "about 1.2 kilometres"."""
    if metres < 50:
        return texts.text(language, "distance_under")
    if metres < 1000:
        return texts.text(language, "distance_m", metres=int(round(metres / 50.0) * 50))
    km = f"{metres / 1000:.1f}"
    if km.endswith(".0"):
        km = km[:-2]
    if texts.language_or_default(language) == "de":
        km = km.replace(".", ",")
    return texts.text(language, "distance_km", km=km)


def month(language: str, year: int, month_number: int, today: date) -> str:
    """A month name, with the year when it is not this year."""
    name = texts.MONTHS[texts.language_or_default(language)][month_number - 1]
    if year != today.year:
        return texts.text(language, "month_year", month=name, year=year)
    return name


def period(language: str, window: TimeWindow, now: datetime) -> str:
    """The window in words: "am Samstag, 28. November", "im Dezember", "von …, bis …"."""
    today = now.astimezone(BERLIN).date()
    start = window.start.astimezone(BERLIN)
    end = window.end.astimezone(BERLIN)
    last = (end - timedelta(microseconds=1)).date()
    starts_at_midnight = (start.hour, start.minute) == (0, 0)
    if starts_at_midnight and start.day == 1 and end.day == 1 and (end - start).days >= 28:
        if (end.year * 12 + end.month) - (start.year * 12 + start.month) == 1:
            return texts.text(
                language, "period_month", month=month(language, start.year, start.month, today)
            )
    if last == start.date():
        if starts_at_midnight:
            return texts.text(language, "period_day", day=day(language, start.date(), today))
        return texts.text(
            language,
            "period_day_from",
            day=day(language, start.date(), today),
            time=clock(language, start),
        )
    return texts.text(
        language,
        "period_days",
        first=day(language, start.date(), today),
        last=day(language, last, today),
    )
