"""Events: time expressions in both languages, district, category and barrier-free filters."""

import json
import re
from datetime import datetime

from actions.cityapi_client import CityApiClient
from actions.events import ActionFindEvents
from actions.timeexpr import BERLIN
from builders import make_tracker, run_action, tracker_from_payload

# The sample's events are placed around 27 November 2026 (see conftest.SAMPLE_TODAY).
FRIDAY_MORNING = datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)
SATURDAY_AFTERNOON = datetime(2026, 11, 28, 17, 0, tzinfo=BERLIN)


def action(client: CityApiClient, now: datetime) -> ActionFindEvents:
    return ActionFindEvents(client, now=lambda: now)


def listed(texts: list[str]) -> list[str]:
    return [m.group(1) for t in texts if (m := re.match(r"^\d\. (.+?)\. ", t))]


async def test_tonight_lists_the_evening_events_with_day_and_time_in_words(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(intent="ask_event", entities={"when": "heute abend"})
    answer = await run_action(action(client, SATURDAY_AFTERNOON), tracker)

    assert answer.texts[0].startswith("Veranstaltungen am Samstag, 28. November, ab 18 Uhr:")
    assert (
        "Lesung in der Stadtbibliothek. Samstag, 28. November, 18 Uhr 30. "
        "Ort: Stadtbibliothek Rostock – Zentralbibliothek"
    ) in answer.text
    assert "Chorkonzert in Biestow. Samstag, 28. November, 19 Uhr." in answer.text
    assert "Wochenmarkt" not in answer.text  # the morning market is not this evening
    # an exhibition running for weeks says until when, not when it opened
    assert re.search(
        r"Ausstellung: Rostock und das Meer\. Läuft bis \w+, 6\. Januar 2027", answer.text
    )
    assert "Eintritt frei." in answer.text


async def test_this_weekend_barrier_free_in_english(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_event",
        entities={"when": "this weekend", "accessibility": "wheelchair"},
        language="en",
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    assert re.match(
        r"Events from Saturday, 28 November, to Sunday, 29 November, usable with a wheelchair: "
        r"5 of \d+\.$",
        answer.texts[0],
    )
    events = answer.texts[1:]
    assert len(events) == 5
    for line in events:
        assert re.search(r"(?<!Not )[Ww]heelchair accessible\.", line)
        assert "Not wheelchair accessible" not in line
        assert re.search(
            r"(Saturday, 28|Sunday, 29) November, \d+(:\d\d)? (am|pm)\.|On until", line
        )


async def test_a_district_without_events_shows_the_other_districts(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_event", entities={"when": "am Wochenende", "district": "Schmarl"}
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    assert answer.texts[:2] == [
        "Ich habe keine Veranstaltungen von Samstag, 28. November, bis Sonntag, 29. November "
        "im Stadtteil Schmarl gefunden.",
        "In anderen Stadtteilen habe ich diese gefunden.",
    ]
    names = listed(answer.texts[2:])
    assert names
    # every event named in another district is said with its district
    assert all(", Stadtteil " in t for t in answer.texts[2:])


async def test_nothing_found_offers_a_longer_time_and_the_offer_works(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(intent="ask_event", entities={"when": "heute", "event_category": "film"})
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    assert answer.texts == [
        "Ich habe keine Veranstaltungen am Freitag, 27. November, Bereich Film gefunden. "
        "Soll ich in einem längeren Zeitraum suchen?"
    ]
    (button,) = answer.buttons
    assert button["title"] == "In den nächsten 30 Tagen"
    assert json.loads(button["payload"].removeprefix("/ask_event")) == {
        "when": "in den nächsten 30 Tagen",
        "event_category": "film",
    }
    wider = await run_action(
        action(client, FRIDAY_MORNING), tracker_from_payload(button["payload"])
    )
    assert "Kino im Stadtteiltreff Lütten Klein" in listed(wider.texts)
    assert set(listed(wider.texts)) == {"Kino im Stadtteiltreff Lütten Klein"}


async def test_a_time_not_understood_is_said_and_the_next_week_shown(client: CityApiClient) -> None:
    tracker = make_tracker(intent="ask_event", entities={"when": "irgendwann bald"})
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    assert answer.texts[0] == (
        "Die Zeitangabe „irgendwann bald“ habe ich nicht verstanden. "
        "Ich suche in den nächsten sieben Tagen."
    )
    assert answer.texts[1].startswith("Veranstaltungen in den nächsten sieben Tagen: 5 von ")


async def test_in_december_searches_the_whole_month(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_event", entities={"when": "im Dezember", "district": "Südstadt"}
    )
    answer = await run_action(action(client, FRIDAY_MORNING), tracker)

    page = await client.events(
        from_="2026-12-01T00:00:00+01:00", to="2027-01-01T00:00:00+01:00", district="Südstadt"
    )
    assert (
        answer.texts[0]
        == f"Veranstaltungen im Dezember im Stadtteil Südstadt: 5 von {page['total']}."
    )
    assert listed(answer.texts[1:]) == [e["name"] for e in page["items"][:5]]
    assert "Mittwoch, 2. Dezember, 14 Uhr" in answer.text


async def test_a_follow_up_keeps_the_time_and_a_new_topic_forgets_the_district(
    client: CityApiClient,
) -> None:
    follow_up = make_tracker(
        intent="ask_event",
        entities={"district": "Stadtmitte"},
        slots={"when": "am wochenende"},
        text="und in der innenstadt?",
        previous_action="action_find_events",
    )
    after_places = make_tracker(
        intent="ask_event",
        entities={"when": "am wochenende"},
        slots={"district": "Kröpeliner-Tor-Vorstadt", "accessibility": "wheelchair"},
        previous_action="action_find_places",
    )
    continued = await run_action(action(client, FRIDAY_MORNING), follow_up)
    fresh = await run_action(action(client, FRIDAY_MORNING), after_places)

    assert continued.texts[0].startswith(
        "Veranstaltungen von Samstag, 28. November, bis Sonntag, 29. November "
        "im Stadtteil Stadtmitte:"
    )
    assert re.match(
        r"Veranstaltungen von Samstag, 28\. November, bis Sonntag, 29\. November: 5 von \d+\.$",
        fresh.texts[0],
    )
