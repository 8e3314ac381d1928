"""A name citizens use for several Stadtbereiche ("Dierkow") answers for all of them and says so."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

DIERKOW = ["Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"]


async def _get(api: TestClient, path: str, **params: str) -> dict[str, Any]:
    resp = await api.get(path, params=params)
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def test_places_in_dierkow_are_those_of_all_three_dierkows(api: TestClient) -> None:
    group = await _get(api, "/places", district="Dierkow", limit="100")
    assert group["districts"] == DIERKOW
    each: set[int] = set()
    for name in DIERKOW:
        part = await _get(api, "/places", district=name, limit="100")
        assert part["districts"] == [name]
        each |= {p["id"] for p in part["items"]}
    assert each, "the sample has places in the Dierkows"
    assert {p["id"] for p in group["items"]} == each
    assert group["total"] == len(each)
    assert {p["district"] for p in group["items"]} <= set(DIERKOW)
    # typed the way people type it
    lower = await _get(api, "/places", district=" dierkow ", limit="100")
    assert lower["total"] == group["total"]


async def test_a_type_in_a_group_is_filtered_like_in_one_district(api: TestClient) -> None:
    group = await _get(api, "/places", district="Dierkow", type="playground", limit="100")
    assert all(p["type"] == "playground" for p in group["items"])
    assert {p["district"] for p in group["items"]} <= set(DIERKOW)


async def test_events_in_dierkow_cover_the_three_dierkows(api: TestClient) -> None:
    group = await _get(api, "/events", district="Dierkow", limit="100")
    assert group["districts"] == DIERKOW
    totals = [(await _get(api, "/events", district=n, limit="100"))["total"] for n in DIERKOW]
    assert group["total"] == sum(totals)


async def test_a_list_without_a_district_says_nothing_about_districts(api: TestClient) -> None:
    body = await _get(api, "/places", type="toilet")
    assert "districts" not in body
