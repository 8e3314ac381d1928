"""Opening hours: open now and until when, closed and when it opens again, or unknown."""

import re
from datetime import datetime

from actions import spoken
from actions.cityapi_client import CityApiClient
from actions.hours import ActionOpeningHours
from actions.timeexpr import BERLIN
from builders import make_tracker, run_action, tracker_from_payload


async def test_a_place_open_all_day_says_until_midnight(client: CityApiClient) -> None:
    tracker = make_tracker(intent="ask_opening_hours", entities={"place_name": "Prüfhaus Heute"})
    answer = await run_action(ActionOpeningHours(client), tracker)

    assert answer.texts == ["Prüfhaus Heute hat jetzt geöffnet, bis Mitternacht."]


async def test_a_closed_place_says_when_it_opens_again(client: CityApiClient) -> None:
    tracker = make_tracker(intent="ask_opening_hours", entities={"place_name": "Prüfhaus Morgen"})
    answer = await run_action(ActionOpeningHours(client), tracker)

    assert answer.texts == [
        "Prüfhaus Morgen ist jetzt geschlossen. Geöffnet wieder morgen um 10 Uhr."
    ]


async def test_english_closed_place(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_opening_hours", entities={"place_name": "prüfhaus morgen"}, language="en"
    )
    answer = await run_action(ActionOpeningHours(client), tracker)

    assert answer.texts == ["Prüfhaus Morgen is closed now. It opens again tomorrow at 10 am."]


async def test_never_open_and_unknown_hours_are_said_honestly(client: CityApiClient) -> None:
    never = await run_action(
        ActionOpeningHours(client),
        make_tracker(intent="ask_opening_hours", entities={"place_name": "Prüfhaus Nie"}),
    )
    unknown = await run_action(
        ActionOpeningHours(client),
        make_tracker(intent="ask_opening_hours", entities={"place_name": "Prüfhaus Ohne Zeiten"}),
    )

    assert never.texts == [
        "Prüfhaus Nie ist jetzt geschlossen. In den nächsten Wochen ist keine Öffnung bekannt."
    ]
    assert unknown.texts == ["Die Öffnungszeiten von Prüfhaus Ohne Zeiten kenne ich leider nicht."]


async def test_the_city_library_answer_matches_its_hours(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_opening_hours",
        entities={"place_name": "Zentralbibliothek"},
        # an earlier search must not get in the way
        earlier=[({"place_type": "toilet", "district": "Südstadt"}, "action_find_places")],
    )
    answer = await run_action(ActionOpeningHours(client), tracker)

    page = await client.places(q="Zentralbibliothek")
    library = await client.place(page["items"][0]["id"])
    assert answer.texts[0].startswith(library["name"])
    if library["hours"]["is_open"]:
        assert " hat jetzt geöffnet" in answer.texts[0]
    else:
        assert " ist jetzt geschlossen. Geöffnet wieder " in answer.texts[0]
        next_open = datetime.fromisoformat(library["hours"]["next_open"]).astimezone(BERLIN)
        clock = spoken.clock("de", next_open)
        assert f"um {clock}." in answer.texts[0]


async def test_a_type_in_a_district_lists_each_place_with_its_hours(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(
        intent="ask_opening_hours",
        entities={"place_type": "library", "district": "Südstadt"},
        # an older name is not what is asked now
        earlier=[({"place_name": "Prüfhaus Heute"}, "action_opening_hours")],
    )
    answer = await run_action(ActionOpeningHours(client), tracker)

    assert answer.texts[0] == "Bibliotheken im Stadtteil Südstadt: 2 Treffer."
    page = await client.places(type="library", district="Südstadt")
    names = sorted(p["name"] for p in page["items"])
    assert sorted(re.sub(r"^\d\. (.+?) (hat|ist) .*$", r"\1", t) for t in answer.texts[1:]) == names
    for line in answer.texts[1:]:
        assert re.search(r"hat jetzt geöffnet|ist jetzt geschlossen", line)


async def test_an_unknown_name_is_said_and_other_matches_are_offered(
    client: CityApiClient,
) -> None:
    nothing = await run_action(
        ActionOpeningHours(client),
        make_tracker(intent="ask_opening_hours", entities={"place_name": "Schloss Neuschwanstein"}),
    )
    assert nothing.texts == [
        "Einen Ort mit dem Namen „Schloss Neuschwanstein“ habe ich nicht gefunden."
    ]

    several = await run_action(
        ActionOpeningHours(client),
        make_tracker(intent="ask_opening_hours", entities={"place_name": "Prüfhaus"}),
    )
    assert several.texts[0].endswith("Meinten Sie einen anderen Ort?")
    assert several.buttons
    chosen = several.buttons[0]
    follow = await run_action(ActionOpeningHours(client), tracker_from_payload(chosen["payload"]))
    assert follow.texts[0].startswith(chosen["title"])


async def test_without_a_place_the_person_is_asked_which(client: CityApiClient) -> None:
    answer = await run_action(
        ActionOpeningHours(client), make_tracker(intent="ask_opening_hours", language="en")
    )
    assert answer.texts == ["Which place would you like the opening hours for?"]


async def test_a_type_and_district_narrow_a_name_down(client: CityApiClient) -> None:
    tracker = make_tracker(
        intent="ask_opening_hours",
        entities={"place_name": "ortsamt", "place_type": "citizen_office", "district": "Südstadt"},
        text="wann hat das ortsamt in der südstadt offen",
    )
    answer = await run_action(ActionOpeningHours(client), tracker)

    office = (await client.places(type="citizen_office", district="Südstadt"))["items"][0]
    assert answer.texts[0].startswith(office["name"])
    assert answer.buttons == []
