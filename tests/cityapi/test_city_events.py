"""GET /events: time windows, filters and order, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from aiohttp.test_utils import TestClient

from cityapi.hours import BERLIN
from tests.cityapi.helpers import expect_error, get_json


def _day(offset: int) -> datetime:
    return datetime.combine(datetime.now(BERLIN).date() + timedelta(days=offset), time(0), BERLIN)


def _window(start: datetime, end: datetime) -> dict[str, str]:
    return {"from": start.isoformat(), "to": end.isoformat()}


async def test_today_this_weekend_and_next_week_have_events(api: TestClient) -> None:
    today = _day(0)
    assert (await get_json(api, "/events", **_window(today, _day(1))))["total"] >= 2
    saturday = _day((5 - today.weekday()) % 7)
    weekend = await get_json(api, "/events", **_window(saturday, saturday + timedelta(days=2)))
    assert weekend["total"] >= 4
    next_monday = _day(7 - today.weekday())
    next_week = await get_json(
        api, "/events", **_window(next_monday, next_monday + timedelta(days=7))
    )
    assert next_week["total"] >= 10
    assert len({e["district"] for e in next_week["items"]}) >= 3
    assert any(e["wheelchair"] == "yes" for e in next_week["items"])


async def test_events_are_sorted_by_start_and_overlap_the_window(api: TestClient) -> None:
    start, end = _day(2), _day(3)
    body = await get_json(api, "/events", limit=100, **_window(start, end))
    starts = [datetime.fromisoformat(e["start"]) for e in body["items"]]
    assert starts == sorted(starts)
    for e in body["items"]:
        assert datetime.fromisoformat(e["start"]) < end
        assert datetime.fromisoformat(e["end"] or e["start"]) >= start
    # a long exhibition that began before the window still counts
    assert any(datetime.fromisoformat(e["start"]) < start for e in body["items"])


async def test_sample_has_at_least_sixty_events(api: TestClient) -> None:
    body = await get_json(api, "/events", **_window(_day(-20), _day(40)), limit=1)
    assert body["total"] >= 60


async def test_default_window_is_from_now_for_thirty_days(api: TestClient) -> None:
    body = await get_json(api, "/events", limit=100)
    now = datetime.now(BERLIN)
    for e in body["items"]:
        assert datetime.fromisoformat(e["end"] or e["start"]) >= now - timedelta(minutes=1)
        assert datetime.fromisoformat(e["start"]) < now + timedelta(days=30, minutes=1)


async def test_category_district_wheelchair_free_and_text_filters(api: TestClient) -> None:
    window = _window(_day(0), _day(21))
    markets = await get_json(api, "/events", category="market", limit=100, **window)
    assert markets["total"] > 0
    assert {e["category"] for e in markets["items"]} == {"market"}
    mitte = await get_json(api, "/events", district="Innenstadt", limit=100, **window)
    assert mitte["total"] > 0
    assert {e["district"] for e in mitte["items"]} == {"Stadtmitte"}
    barrier_free = await get_json(api, "/events", wheelchair="yes", limit=100, **window)
    every = await get_json(api, "/events", limit=1, **window)
    assert 0 < barrier_free["total"] < every["total"]
    assert {e["wheelchair"] for e in barrier_free["items"]} == {"yes"}
    free = await get_json(api, "/events", free="true", limit=100, **window)
    assert free["total"] > 0
    assert all(e["is_free"] is True for e in free["items"])
    tours = await get_json(api, "/events", q="stadtführung", limit=100, **window)
    assert tours["total"] > 0
    assert all("Stadtführung" in e["name"] for e in tours["items"])


async def test_event_shape_and_link_to_its_place(api: TestClient) -> None:
    body = await get_json(api, "/events", q="Kunsthalle", limit=100, **_window(_day(-5), _day(30)))
    linked = [e for e in body["items"] if e["place_id"] is not None]
    assert linked
    event = linked[0]
    assert set(event) >= {
        "id", "name", "start", "end", "place_id", "location_name", "address", "district",
        "category", "wheelchair", "is_free", "description", "url", "language", "source",
        "source_id",
    }  # fmt: skip
    place = await get_json(api, f"/places/{event['place_id']}")
    assert place["name"] == event["location_name"] == "Kunsthalle Rostock"
    assert (await get_json(api, f"/events/{event['id']}"))["id"] == event["id"]
    english = await get_json(api, "/events", q="english", limit=1, **_window(_day(0), _day(14)))
    assert english["items"][0]["language"] == "en"


async def test_bad_event_queries(api: TestClient) -> None:
    await expect_error(api, "/events", 400, "invalid_parameter", "to", **_window(_day(2), _day(1)))
    await expect_error(
        api, "/events", 400, "invalid_parameter", "to", **_window(_day(0), _day(400))
    )
    await expect_error(api, "/events", 400, "invalid_parameter", "from", **{"from": "next friday"})
    await expect_error(api, "/events", 400, "invalid_parameter", "category", category="rave")
    await expect_error(api, "/events", 400, "invalid_parameter", "free", free="maybe")
    await expect_error(api, "/events", 400, "unknown_parameter", "type", type="toilet")
    await expect_error(api, "/events/424242", 404, "not_found", "id")
