"""GET /places and /places/{id}: filters, distance order, paging, hours; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from aiohttp.test_utils import TestClient

from cityapi.geo import haversine_m
from cityapi.hours import BERLIN
from cityapi.schema import PLACE_TYPES
from tests.cityapi.helpers import expect_error, get_json

NEUER_MARKT = (54.0887, 12.1405)


def _next_weekday(weekday: int, hour: int) -> datetime:
    today = datetime.now(BERLIN).date() + timedelta(days=1)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    while (day.month, day.day) in {(12, 25), (12, 26), (1, 1), (10, 31), (3, 8), (5, 1), (10, 3)}:
        day += timedelta(days=7)
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


async def test_near_answers_closest_first_within_radius(api: TestClient) -> None:
    body = await get_json(api, "/places", type="toilet", near="54.0887,12.1405", radius=1500)
    items = body["items"]
    assert items, "the sample has toilets near Neuer Markt"
    distances = [item["distance_m"] for item in items]
    assert distances == sorted(distances)
    for item in items:
        assert item["type"] == "toilet"
        assert item["distance_m"] <= 1500
        exact = haversine_m(*NEUER_MARKT, item["lat"], item["lon"])
        assert abs(exact - item["distance_m"]) < 1
    assert body["total"] == len(items)
    assert body["limit"] == 20
    assert body["offset"] == 0


async def test_a_larger_radius_finds_more_and_a_tiny_one_none(api: TestClient) -> None:
    wide = await get_json(api, "/places", near="54.0887,12.1405", radius=50000, limit=100)
    narrow = await get_json(api, "/places", near="54.0887,12.1405", radius=300)
    assert wide["total"] > narrow["total"]
    tiny = await get_json(api, "/places", near="54.5,12.9", radius=1)
    assert tiny == {"items": [], "total": 0, "limit": 20, "offset": 0}


async def test_pages_do_not_overlap_and_are_sorted_by_name(api: TestClient) -> None:
    first = await get_json(api, "/places", type="playground", limit=5)
    second = await get_json(api, "/places", type="playground", limit=5, offset=5)
    assert first["total"] == second["total"] >= 10
    ids = [p["id"] for p in first["items"]] + [p["id"] for p in second["items"]]
    assert len(set(ids)) == 10
    beyond = await get_json(api, "/places", type="playground", offset=1000)
    assert beyond["items"] == []
    assert beyond["total"] == first["total"]


async def test_near_results_page_in_distance_order(api: TestClient) -> None:
    all_near = await get_json(api, "/places", near="54.0887,12.1405", radius=5000, limit=30)
    page_two = await get_json(
        api, "/places", near="54.0887,12.1405", radius=5000, limit=10, offset=10
    )
    assert [p["id"] for p in page_two["items"]] == [p["id"] for p in all_near["items"][10:20]]


async def test_district_accepts_names_codes_aliases_and_ortsteile(api: TestClient) -> None:
    canonical = await get_json(api, "/places", district="Kröpeliner-Tor-Vorstadt", limit=100)
    assert canonical["total"] > 0
    assert {p["district"] for p in canonical["items"]} == {"Kröpeliner-Tor-Vorstadt"}
    for alias in ("KTV", "kröpeliner-tor-vorstadt", "Kroepeliner Tor Vorstadt", "K"):
        other = await get_json(api, "/places", district=alias, limit=100)
        assert other["total"] == canonical["total"], alias
    heide = await get_json(api, "/places", district="Markgrafenheide", limit=100)
    assert heide["total"] > 0
    assert {p["district"] for p in heide["items"]} == {"Rostock-Heide"}
    await expect_error(api, "/places", 400, "invalid_parameter", "district", district="Atlantis")


async def test_wheelchair_filter_keeps_only_usable_places(api: TestClient) -> None:
    everything = await get_json(api, "/places", limit=1)
    usable = await get_json(api, "/places", wheelchair="yes,limited", limit=100)
    assert 0 < usable["total"] < everything["total"]
    assert {p["accessibility"]["wheelchair"] for p in usable["items"]} <= {"yes", "limited"}
    no = await get_json(api, "/places", wheelchair="no", limit=100)
    assert no["total"] > 0
    assert {p["accessibility"]["wheelchair"] for p in no["items"]} == {"no"}


async def test_tactile_paving_and_induction_loop_filters(api: TestClient) -> None:
    stops = await get_json(api, "/places", type="public_transport_stop", limit=100)
    tactile = await get_json(
        api, "/places", type="public_transport_stop", tactile_paving="true", limit=100
    )
    assert 0 < tactile["total"] < stops["total"]
    assert all(p["accessibility"]["tactile_paving"] is True for p in tactile["items"])
    loop = await get_json(api, "/places", induction_loop="true", limit=100)
    assert loop["total"] > 0
    assert all(p["accessibility"]["induction_loop"] is True for p in loop["items"])


async def test_open_at_follows_each_places_hours(api: TestClient) -> None:
    wednesday = _next_weekday(2, 11).isoformat()
    libraries = await get_json(api, "/places", type="library", limit=100)
    open_wed = await get_json(api, "/places", type="library", open_at=wednesday, limit=100)
    assert 0 < open_wed["total"] < libraries["total"]
    # "Mo,Tu,Th,Fr …" libraries are closed on Wednesdays; "Tu-Fr" and "Mo-Fr" ones are open
    assert all(not p["opening_hours"].startswith("Mo,Tu,Th,Fr") for p in open_wed["items"])
    sunday = _next_weekday(6, 11).isoformat()
    assert (await get_json(api, "/places", type="library", open_at=sunday))["total"] == 0


async def test_open_now_matches_the_open_now_field(api: TestClient) -> None:
    every = await get_json(api, "/places", limit=100, type="toilet")
    open_now = await get_json(api, "/places", limit=100, type="toilet", open_now="true")
    expected = {p["id"] for p in every["items"] if p["open_now"] is True}
    assert {p["id"] for p in open_now["items"]} == expected


async def test_free_text_ignores_case_and_umlaut_spelling(api: TestClient) -> None:
    found = await get_json(api, "/places", q="kunsthalle")
    assert "Kunsthalle Rostock" in [p["name"] for p in found["items"]]
    spelled = await get_json(api, "/places", q="Kroepeliner Strasse", limit=100)
    umlaut = await get_json(api, "/places", q="Kröpeliner Straße", limit=100)
    assert spelled["total"] == umlaut["total"] > 0
    assert (await get_json(api, "/places", q="100%_nothing"))["total"] == 0


async def test_place_shape_follows_the_contract(api: TestClient) -> None:
    found = await get_json(api, "/places", q="Neptun-Schwimmhalle", type="swimming_pool")
    item = found["items"][0]
    assert set(item) == {
        "id", "type", "name", "address", "district", "ortsteil", "lat", "lon", "opening_hours",
        "contact", "description", "source", "source_id", "accessibility", "open_now",
    }  # fmt: skip
    assert set(item["contact"]) == {"phone", "email", "website"}
    assert set(item["accessibility"]) == {
        "wheelchair", "wheelchair_toilet", "euro_key", "tactile_paving", "induction_loop",
        "step_free_entrance", "notes",
    }  # fmt: skip
    assert item["district"] == "Kröpeliner-Tor-Vorstadt"
    assert item["type"] == "swimming_pool"
    assert isinstance(item["open_now"], bool)


async def test_place_detail_on_christmas_day_is_closed_and_says_why(api: TestClient) -> None:
    library = (await get_json(api, "/places", q="Zentralbibliothek"))["items"][0]
    assert "PH off" in library["opening_hours"]
    christmas = datetime(date.today().year, 12, 25, 11, tzinfo=BERLIN)
    detail = await get_json(api, f"/places/{library['id']}", at=christmas.isoformat())
    hours = detail["hours"]
    assert hours["is_public_holiday"] is True
    assert hours["holiday_name"] == "Erster Weihnachtstag"
    assert hours["is_open"] is False
    assert hours["today"] == []
    assert hours["unknown"] is False
    assert hours["next_open"] is not None
    assert datetime.fromisoformat(hours["next_open"]) > christmas + timedelta(days=1)
    assert detail["open_now"] is False


async def test_place_detail_on_a_normal_day_gives_hours_and_closing_time(api: TestClient) -> None:
    library = (await get_json(api, "/places", q="Zentralbibliothek"))["items"][0]
    tuesday = _next_weekday(1, 11)
    hours = (await get_json(api, f"/places/{library['id']}", at=tuesday.isoformat()))["hours"]
    assert hours["is_open"] is True
    assert hours["today"] == [{"from": "10:00", "to": "18:00"}]
    assert hours["open_until"] == tuesday.replace(hour=18).isoformat()
    assert hours["timezone"] == "Europe/Berlin"
    assert hours["next_open"] is None


async def test_unknown_hours_say_unknown(api: TestClient) -> None:
    stop = (await get_json(api, "/places", type="public_transport_stop", limit=1))["items"][0]
    assert stop["opening_hours"] is None
    assert stop["open_now"] is None
    detail = await get_json(api, f"/places/{stop['id']}")
    assert detail["hours"]["unknown"] is True
    assert detail["hours"]["is_open"] is None


async def test_unknown_and_malformed_place_ids(api: TestClient) -> None:
    await expect_error(api, "/places/999999", 404, "not_found", "id")
    await expect_error(api, "/places/abc", 400, "invalid_parameter", "id")
    await expect_error(api, "/places/99999999999999999999", 400, "invalid_parameter", "id")


async def test_sample_covers_every_type_in_three_districts_and_every_district(
    api: TestClient,
) -> None:
    total = (await get_json(api, "/places", limit=1))["total"]
    assert total >= 150
    for place_type in PLACE_TYPES:
        body = await get_json(api, "/places", type=place_type, limit=100)
        assert len({p["district"] for p in body["items"]}) >= 3, place_type
    districts = (await get_json(api, "/districts"))["items"]
    for d in districts:
        assert (await get_json(api, "/places", district=d["name"], limit=1))["total"] > 0, d["name"]
    hours = {p["opening_hours"] for p in (await get_json(api, "/places", limit=100))["items"]}
    assert len(hours) >= 8
