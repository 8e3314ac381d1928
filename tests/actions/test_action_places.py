"""Finding places: by type and district, near a location, with access filters, or nothing."""

import json
import re
from typing import Any

import pytest

from actions.cityapi_client import CityApiClient
from actions.places import ActionFindPlaces
from builders import make_tracker, run_action, tracker_from_payload

NEUER_MARKT = (54.0887, 12.1405)


def listed(answer_text: str) -> list[str]:
    """The names of the numbered results ("1. Name. …")."""
    return re.findall(r"^\d\. (.+?)\. ", answer_text, flags=re.MULTILINE)


async def api_names(client: CityApiClient, **query: Any) -> list[str]:
    page = await client.places(limit=100, **query)
    return [p["name"] for p in page["items"]]


async def test_wheelchair_toilets_in_a_district_are_listed_with_their_access(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(
        entities={"place_type": "toilet", "district": "Stadtmitte", "accessibility": "wheelchair"},
        text="rollstuhlgerechte Toilette in der Innenstadt",
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert answer.texts[0].startswith(
        "Öffentliche Toiletten im Stadtteil Stadtmitte, mit dem Rollstuhl nutzbar:"
    )
    names = listed(answer.text)
    usable = await api_names(client, type="toilet", district="Stadtmitte", wheelchair="yes,limited")
    others = set(await api_names(client, type="toilet")) - set(usable)
    assert 1 <= len(names) <= 3
    assert set(names) <= set(usable)
    assert not set(names) & others
    for line in answer.texts[1:]:
        assert "ollstuhlgerecht" in line  # "Rollstuhlgerecht." or "Eingeschränkt rollstuhlgerecht"
        assert "Nicht rollstuhlgerecht" not in line
        assert re.search(r"Jetzt geöffnet\.|Jetzt geschlossen\.|Öffnungszeiten unbekannt\.", line)


async def test_places_near_a_shared_location_come_nearest_first_with_distance_in_words(
    client: CityApiClient,
) -> None:
    tracker = make_tracker(
        entities={"place_type": "toilet"},
        text="Wo ist die nächste Toilette?",
        earlier=[
            ({"place_type": "toilet", "district": "Warnemünde"}, "action_find_places"),
            ({"latitude": NEUER_MARKT[0], "longitude": NEUER_MARKT[1]}, "action_find_places"),
        ],
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert "im Umkreis von zwei Kilometern, die nächsten zuerst" in answer.texts[0]
    page = await client.places(type="toilet", near=f"{NEUER_MARKT[0]},{NEUER_MARKT[1]}", limit=3)
    assert listed(answer.text) == [p["name"] for p in page["items"]]
    for line in answer.texts[1:]:
        assert re.search(r"Entfernung: (etwa \d+ Meter|etwa \d+(,\d)? Kilometer|weniger als)", line)
    assert "Warnemünde" not in answer.texts[0]  # the location wins over an earlier district


async def test_english_answer_for_a_location(client: CityApiClient) -> None:
    tracker = make_tracker(
        entities={"place_type": "defibrillator"},
        language="en",
        earlier=[({"latitude": NEUER_MARKT[0], "longitude": NEUER_MARKT[1]}, "action_find_places")],
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert answer.texts[0].startswith("Defibrillators within")
    assert re.search(r"Distance: (about \d+ metres|about [\d.]+ kilometres|less than)", answer.text)
    assert re.search(r"Open now\.|Closed now\.|Opening hours unknown\.", answer.text)


async def test_blind_people_get_places_with_tactile_paving(client: CityApiClient) -> None:
    tracker = make_tracker(entities={"place_type": "museum", "accessibility": "blind"})
    answer = await run_action(ActionFindPlaces(client), tracker)

    names = listed(answer.text)
    assert names
    assert set(names) <= set(await api_names(client, type="museum", tactile_paving="true"))
    assert all("Mit Blindenleitsystem." in line for line in answer.texts[1 : 1 + len(names)])
    # no district and no location: the answer invites to narrow it down
    assert "teilen Sie Ihren Standort" in answer.texts[-1]


async def test_nothing_in_the_district_offers_the_neighbour_and_the_surroundings(
    client: CityApiClient,
) -> None:
    assert await api_names(client, type="library", district="Biestow") == []
    tracker = make_tracker(entities={"place_type": "library", "district": "Biestow"})
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert answer.texts == [
        "Ich habe keine Treffer für Bibliotheken im Stadtteil Biestow. Soll ich woanders suchen?"
    ]
    titles = [b["title"] for b in answer.buttons]
    assert titles[1] == "Rund um Biestow suchen"
    assert titles[0].startswith("Im Stadtteil ")
    assert "Biestow" not in titles[0]
    neighbour_payload = json.loads(answer.buttons[0]["payload"].removeprefix("/ask_place"))
    assert neighbour_payload["place_type"] == "library"
    assert neighbour_payload["district"] in titles[0]

    # tapping "around Biestow" finds the nearest libraries, with their distance
    around = await run_action(
        ActionFindPlaces(client),
        tracker_from_payload(
            answer.buttons[1]["payload"],
            earlier=[({"place_type": "library", "district": "Biestow"}, "action_find_places")],
        ),
    )
    assert listed(around.text)
    assert "Entfernung: " in around.text
    # tapping the neighbour searches there
    neighbour = await run_action(
        ActionFindPlaces(client), tracker_from_payload(answer.buttons[0]["payload"])
    )
    district = titles[0].removeprefix("Im Stadtteil ").removesuffix(" suchen")
    assert neighbour.texts[0].startswith(f"Bibliotheken im Stadtteil {district}")


async def test_without_a_place_type_the_person_is_asked_which_kind(client: CityApiClient) -> None:
    answer = await run_action(ActionFindPlaces(client), make_tracker(language="en"))

    assert answer.texts == ["What kind of place are you looking for?"]
    assert {"title": "Public toilets", "payload": '/ask_place{"place_type": "toilet"}'} in (
        answer.buttons
    )


async def test_an_unknown_district_gets_a_polite_answer(client: CityApiClient) -> None:
    tracker = make_tracker(entities={"place_type": "toilet", "district": "Atlantis"})
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert answer.texts == [
        "Diesen Stadtteil kenne ich nicht. Bitte nennen Sie einen Stadtteil von Rostock, "
        "zum Beispiel Südstadt oder Warnemünde."
    ]
    assert answer.events == []


@pytest.mark.parametrize("language", ["de", "en"])
async def test_answers_have_no_tables_or_emoji(client: CityApiClient, language: str) -> None:
    tracker = make_tracker(
        entities={"place_type": "citizen_office", "district": "Südstadt"}, language=language
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    for line in answer.texts:
        assert "|" not in line
        assert "\t" not in line
        assert all(ord(ch) < 0x2000 or ch in "–„“”’" for ch in line), line


async def test_nothing_close_widens_the_circle_and_says_so(client: CityApiClient) -> None:
    biestow = (54.05969, 12.09286)
    near = f"{biestow[0]},{biestow[1]}"
    assert (await client.places(type="beach", near=near, radius=2000))["total"] == 0
    tracker = make_tracker(
        intent="share_location",
        entities={"latitude": biestow[0], "longitude": biestow[1]},
        earlier=[({"place_type": "beach"}, "action_find_places")],
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert answer.texts[0] == "Im Umkreis von zwei Kilometern habe ich nichts gefunden."
    assert answer.texts[1].startswith("Strände im Umkreis von zehn Kilometern, die nächsten zuerst")
    page = await client.places(type="beach", near=near, radius=10000, limit=3)
    assert listed(answer.text) == [p["name"] for p in page["items"]]
    assert "Entfernung: etwa " in answer.texts[2]

    far_out_at_sea = await run_action(
        ActionFindPlaces(client),
        make_tracker(entities={"place_type": "beach", "latitude": 54.6, "longitude": 12.1}),
    )
    assert far_out_at_sea.texts == [
        "Im Umkreis von zwei Kilometern habe ich nichts gefunden.",
        "Ich habe keine Treffer für Strände im Umkreis von zehn Kilometern.",
    ]


async def test_a_place_asked_for_by_name_is_described(client: CityApiClient) -> None:
    tracker = make_tracker(
        entities={"place_name": "stadtbibliothek"}, text="wo ist die stadtbibliothek"
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    page = await client.places(q="stadtbibliothek", limit=3)
    assert listed(answer.text) == [p["name"] for p in page["items"]]
    first = page["items"][0]
    assert f"{first['address']}, Stadtteil {first['district']}." in answer.texts[0]
    assert re.search(r"Jetzt (geöffnet|geschlossen)\.", answer.texts[0])


async def test_places_near_a_named_landmark(client: CityApiClient) -> None:
    tracker = make_tracker(
        entities={"place_type": "disabled_parking", "place_name": "hauptbahnhof"},
        text="ich brauch nen parkplatz für behinderte am hauptbahnhof",
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    landmark = (await client.places(q="hauptbahnhof", limit=1))["items"][0]
    assert answer.texts[0].startswith(
        "Behindertenparkplätze in der Nähe von Hauptbahnhof, die nächsten zuerst:"
    )
    near = f"{landmark['lat']},{landmark['lon']}"
    page = await client.places(type="disabled_parking", near=near, limit=3)
    assert listed(answer.text) == [p["name"] for p in page["items"]]


async def test_a_new_question_does_not_inherit_another_topics_search(
    client: CityApiClient,
) -> None:
    toilets_in_biestow = (
        {"place_type": "toilet", "district": "Biestow", "accessibility": "wheelchair"},
        "action_find_places",
    )
    follow_up = make_tracker(entities={"place_type": "playground"}, earlier=[toilets_in_biestow])
    after_events = make_tracker(
        entities={"place_type": "playground"},
        earlier=[toilets_in_biestow, ({"when": "heute"}, "action_find_events")],
    )
    after_reset = make_tracker(
        entities={"place_type": "playground"},
        earlier=[toilets_in_biestow, ({}, "action_reset_search")],
    )
    continued = await run_action(ActionFindPlaces(client), follow_up)
    fresh = await run_action(ActionFindPlaces(client), after_events)
    reset = await run_action(ActionFindPlaces(client), after_reset)

    assert "Spielplätze im Stadtteil Biestow, mit dem Rollstuhl nutzbar" in continued.texts[0]
    assert fresh.texts[0].startswith("Spielplätze in Rostock:")
    assert reset.texts[0].startswith("Spielplätze in Rostock:")


DIERKOWS = ["Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"]


async def test_places_in_dierkow_cover_all_three_dierkows_and_say_so(
    client: CityApiClient,
) -> None:
    everything = await client.places(district="Dierkow", limit=100)
    kinds = sorted({p["type"] for p in everything["items"]})
    assert kinds, "the sample has places in the Dierkows"
    tracker = make_tracker(
        entities={"place_type": kinds[0], "district": "Dierkow"}, text="in Dierkow"
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert " in Dierkow (Dierkow-Neu, Dierkow-Ost und Dierkow-West)" in answer.texts[0]
    names = listed(answer.text)
    assert names
    assert set(names) <= set(await api_names(client, type=kinds[0], district="Dierkow"))
    for line in answer.texts[1 : 1 + len(names)]:  # each says which Dierkow it is in
        assert any(d in line for d in DIERKOWS), line


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ich suche eine Behindertentoilette in der Innenstadt.", "de"),
        ("wo ist ein rolli-wc in der stadtmitte", "de"),
        ("Where is a disabled toilet in the city centre?", "en"),
    ],
)
async def test_a_toilet_named_for_wheelchair_users_lists_only_usable_ones(
    client: CityApiClient, text: str, language: str
) -> None:
    # the NLU gives only the place type for such a word; the need is in the word itself
    tracker = make_tracker(
        entities={"place_type": "toilet", "district": "Stadtmitte"}, text=text, language=language
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    usable = await api_names(client, type="toilet", district="Stadtmitte", wheelchair="yes,limited")
    everything = await api_names(client, type="toilet", district="Stadtmitte")
    assert set(everything) - set(usable), "the sample must have toilets that are not usable"
    names = listed(answer.text)
    assert names
    assert set(names) <= set(usable)
    assert ("mit dem Rollstuhl nutzbar" if language == "de" else "wheelchair") in answer.texts[0]


async def test_a_plain_toilet_is_not_narrowed_to_wheelchair_ones(client: CityApiClient) -> None:
    tracker = make_tracker(
        entities={"place_type": "toilet", "district": "Stadtmitte"},
        text="Wo ist eine Toilette in der Innenstadt?",
    )
    answer = await run_action(ActionFindPlaces(client), tracker)

    assert "Rollstuhl" not in answer.texts[0]
