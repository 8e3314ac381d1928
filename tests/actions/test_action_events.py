"""Events: time expressions in both languages, district, category and barrier-free filters.

The expected events come from the city API itself, asked for the window a person means (written
out here by hand), so the tests hold whatever the sample calendar contains.
"""

import json
import re
from datetime import datetime, timedelta
from typing import Any

from actions.cityapi_client import CityApiClient
from actions.events import ActionFindEvents
from actions.places import ActionFindPlaces
from actions.timeexpr import BERLIN
from builders import make_tracker, run_action, tracker_from_payload

# The sample's events are placed around 27 November 2026 (see conftest.SAMPLE_TODAY).
FRIDAY_MORNING = datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)
SATURDAY_AFTERNOON = datetime(2026, 11, 28, 17, 0, tzinfo=BERLIN)
WEEKEND = ("2026-11-28T00:00:00+01:00", "2026-11-30T00:00:00+01:00")
CATEGORIES = ("music", "market", "exhibition", "theatre", "sport", "family", "festival")
CATEGORIES += ("guided_tour", "talk", "film", "other")


def action(client: CityApiClient, now: datetime) -> ActionFindEvents:
    return ActionFindEvents(client, now=lambda: now)


def listed(texts: list[str]) -> list[str]:
    return [m.group(1) for t in texts if (m := re.match(r"^\d\. (.+?)\. ", t))]


def german_clock(moment: datetime) -> str:
    return f"{moment.hour} Uhr" if moment.minute == 0 else f"{moment.hour} Uhr {moment.minute}"


def count_words(page: dict[str, Any], shown: int = 5) -> str:
    total = page["total"]
    return f"{shown} von {total}" if total > shown else ("eine" if total == 1 else str(total))


async def window(client: CityApiClient, start: str, end: str, **query: Any) -> dict[str, Any]:
    return await client.events(from_=start, to=end, limit=5, **query)


async def test_tonight_lists_the_evening_events_with_day_and_time_in_words(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(intent="ask_event", entities={"when": "heute abend"})
    answer = await run_action(action(client, SATURDAY_AFTERNOON), tracker)

    page = await window(client, "2026-11-28T18:00:00+01:00", "2026-11-29T00:00:00+01:00")
    assert page["items"], "the sample has something on on Saturday evening"
    assert answer.texts[0] == (
        f"Veranstaltungen am Samstag, 28. November, ab 18 Uhr: {count_words(page)}."
    )
    assert listed(answer.texts) == [e["name"] for e in page["items"]]
    for event, line in zip(page["items"], answer.texts[1:], strict=True):
        start = datetime.fromisoformat(event["start"]).astimezone(BERLIN)
        if start >= SATURDAY_AFTERNOON:
            assert f"{event['name']}. Samstag, 28. November, {german_clock(start)}." in line
        else:  # running for a while already: when it ends is what matters
            assert f"{event['name']}. Läuft bis " in line
        assert ("Eintritt frei." in line) is (event["is_free"] is True)


async def test_a_time_expression_marked_too_short_is_found_in_the_whole_question(
    client: CityApiClient,
) -> None:
    # The NLU marked only "on" in "what is on this weekend": the weekend is still meant.
    tracker = make_tracker(
        intent="ask_event",
        entities={"when": "on"},
        language="en",
        text="what is on this weekend",
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    page = await window(client, *WEEKEND)
    assert answer.texts[0].startswith("Events from Saturday, 28 November, to Sunday, 29 November")
    assert listed(answer.texts) == [e["name"] for e in page["items"]]


async def test_this_weekend_barrier_free_in_english(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_event",
        entities={"when": "this weekend", "accessibility": "wheelchair"},
        language="en",
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    page = await window(client, *WEEKEND, wheelchair="yes,limited")
    assert answer.texts[0].startswith(
        "Events from Saturday, 28 November, to Sunday, 29 November, usable with a wheelchair: "
    )
    assert listed(answer.texts) == [e["name"] for e in page["items"]]
    for line in answer.texts[1:]:
        assert re.search(r"\. (Partly w|W)heelchair accessible\.", line)
        assert re.search(
            r"(Saturday, 28|Sunday, 29) November, \d+(:\d\d)? (am|pm)\.|On until", line
        )


async def test_a_district_without_events_shows_the_other_districts(client: CityApiClient) -> None:
    districts = [d["name"] for d in await client.districts()]
    quiet = [d for d in districts if (await window(client, *WEEKEND, district=d))["total"] == 0]
    assert quiet, "some district has nothing on at the weekend"
    tracker = make_tracker(
        intent="ask_event", entities={"when": "am Wochenende", "district": quiet[0]}
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    assert answer.texts[:2] == [
        "Ich habe keine Veranstaltungen von Samstag, 28. November, bis Sonntag, 29. November "
        f"im Stadtteil {quiet[0]} gefunden.",
        "In anderen Stadtteilen habe ich diese gefunden.",
    ]
    everywhere = await window(client, *WEEKEND)
    assert listed(answer.texts[2:]) == [e["name"] for e in everywhere["items"]]
    assert all(", Stadtteil " in t for t in answer.texts[2:])  # each said with its district


async def test_nothing_found_offers_a_longer_time_and_the_offer_works(
    client: CityApiClient,
) -> None:
    today = ("2026-11-27T10:00:00+01:00", "2026-11-28T00:00:00+01:00")
    month = ("2026-11-27T10:00:00+01:00", "2026-12-27T10:00:00+01:00")
    candidates = [
        c
        for c in CATEGORIES
        if (await window(client, *today, category=c))["total"] == 0
        and (await window(client, *month, category=c))["total"] > 0
    ]
    assert candidates, "some kind of event is not on today but later"
    category = candidates[0]
    tracker = make_tracker(
        intent="ask_event", entities={"when": "heute", "event_category": category}
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    assert re.fullmatch(
        r"Ich habe keine Veranstaltungen am Freitag, 27\. November, Bereich \w+ gefunden\. "
        r"Soll ich in einem längeren Zeitraum suchen\?",
        answer.texts[0],
    )
    assert len(answer.texts) == 1
    (button,) = answer.buttons
    assert button["title"] == "In den nächsten 30 Tagen"
    assert json.loads(button["payload"].removeprefix("/ask_event")) == {
        "when": "in den nächsten 30 Tagen",
        "event_category": category,
    }
    wider = await run_action(
        action(client, FRIDAY_MORNING), tracker_from_payload(button["payload"])
    )
    expected = await window(client, *month, category=category)
    assert listed(wider.texts) == [e["name"] for e in expected["items"]]


async def test_a_time_not_understood_is_said_and_the_next_week_shown(client: CityApiClient) -> None:
    tracker = make_tracker(intent="ask_event", entities={"when": "irgendwann bald"})
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    assert answer.texts[0] == (
        "Die Zeitangabe „irgendwann bald“ habe ich nicht verstanden. "
        "Ich suche in den nächsten sieben Tagen."
    )
    week = await window(
        client, FRIDAY_MORNING.isoformat(), (FRIDAY_MORNING + timedelta(7)).isoformat()
    )
    assert answer.texts[1] == (
        f"Veranstaltungen in den nächsten sieben Tagen: {count_words(week)}."
    )
    assert listed(answer.texts) == [e["name"] for e in week["items"]]


async def test_in_december_searches_the_whole_month(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_event", entities={"when": "im Dezember", "district": "Stadtmitte"}
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    page = await window(
        client, "2026-12-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00", district="Stadtmitte"
    )
    assert answer.texts[0] == (
        f"Veranstaltungen im Dezember im Stadtteil Stadtmitte: {count_words(page)}."
    )
    assert listed(answer.texts) == [e["name"] for e in page["items"]]
    first_in_december = next(e for e in page["items"] if e["start"] >= "2026-12-01")
    start = datetime.fromisoformat(first_in_december["start"]).astimezone(BERLIN)
    assert f"Dezember, {german_clock(start)}." in answer.text


async def test_a_follow_up_keeps_the_time_and_a_new_topic_forgets_the_district(
    client: CityApiClient,
) -> None:
    follow_up = make_tracker(
        intent="ask_event",
        entities={"district": "Stadtmitte"},
        text="und in der innenstadt?",
        earlier=[({"when": "am wochenende"}, "action_find_events")],
    )
    after_places = make_tracker(
        intent="ask_event",
        entities={"when": "am wochenende"},
        earlier=[
            (
                {"district": "Kröpeliner-Tor-Vorstadt", "accessibility": "wheelchair"},
                "action_find_places",
            )
        ],
    )
    continued = await run_action(action(client, FRIDAY_MORNING), follow_up)
    fresh = await run_action(action(client, FRIDAY_MORNING), after_places)

    in_centre = await window(client, *WEEKEND, district="Stadtmitte")
    everywhere = await window(client, *WEEKEND)
    assert continued.texts[0] == (
        "Veranstaltungen von Samstag, 28. November, bis Sonntag, 29. November "
        f"im Stadtteil Stadtmitte: {count_words(in_centre)}."
    )
    assert fresh.texts[0] == (
        "Veranstaltungen von Samstag, 28. November, bis Sonntag, 29. November: "
        f"{count_words(everywhere)}."
    )


async def test_a_district_after_events_narrows_the_events_even_as_a_place_question(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(
        intent="ask_place",  # the NLU took "und in der Innenstadt?" for a place question
        entities={"district": "Stadtmitte"},
        earlier=[({"when": "am wochenende"}, "action_find_events")],
    )
    answer = await run_action(ActionFindPlaces(client, now=lambda: FRIDAY_MORNING), tracker)

    in_centre = await window(client, *WEEKEND, district="Stadtmitte")
    assert answer.texts[0] == (
        "Veranstaltungen von Samstag, 28. November, bis Sonntag, 29. November "
        f"im Stadtteil Stadtmitte: {count_words(in_centre)}."
    )


async def test_events_in_dierkow_cover_the_three_dierkows_and_say_so(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(
        intent="ask_event", entities={"when": "im Dezember", "district": "Dierkow"}
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    page = await window(
        client, "2026-12-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00", district="Dierkow"
    )
    assert page["districts"] == ["Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"]
    where = " in Dierkow (Dierkow-Neu, Dierkow-Ost und Dierkow-West)"
    assert where in answer.texts[0]
    if page["items"]:
        assert listed(answer.texts) == [e["name"] for e in page["items"]]
