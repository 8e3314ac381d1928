"""Ortsbeiräte: the OParl import against a local stand-in, and /councils and /meetings."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient
from sqlalchemy import create_engine, func, select

from cityapi.districts import DistrictRegistry
from cityapi.hours import BERLIN
from cityapi.importers.council_areas import CouncilAreas
from cityapi.importers.oparl_runner import import_oparl_http, load_areas
from cityapi.schema import agenda_items, councils, meetings
from cityapi.settings import REPO_ROOT, sync_url
from tests.cityapi.helpers import BACKENDS, DatabaseFactory, expect_error, get_json
from tests.cityapi.oparl_standin import OParlStandIn

# Where the sample's meetings sit: three per Ortsbeirat (two weeks before the anchor week, then
# 1-3 and 5-7 weeks after), in the order of data/councils/ortsbeiraete_hro.csv.
SCHMARL_LATER = 3 * 6 + 2  # announced without end, place or agenda
OBR_MEETINGS, OTHER_MEETINGS = 57, 6


@pytest.fixture(scope="module")
def areas(districts: DistrictRegistry) -> CouncilAreas:
    return load_areas(REPO_ROOT / "data", districts)


@pytest.fixture
async def standin() -> AsyncIterator[OParlStandIn]:
    server = OParlStandIn(page_size=10)
    await server.start()
    yield server
    await server.close()


def _count(url: str, table: Any, *where: Any) -> int:
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
    engine.dispose()
    return int(found)


def _meeting_names(url: str) -> dict[str, str]:
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        found = {r.oparl_id: r.name for r in conn.execute(select(meetings))}
    engine.dispose()
    return found


def test_the_19_ortsbeirat_areas_cover_every_ortsteil_once(
    areas: CouncilAreas, districts: DistrictRegistry
) -> None:
    assert len(areas.areas) == 19
    covered = [o for area in areas.areas for o in area.ortsteile]
    every = [o for sb in districts.stadtbereiche for o in sb.ortsteile]
    assert sorted(covered) == sorted(every)
    assert areas.match("OBR Dierkow-Ost/Dierkow-West") is areas.match("Dierkow-Ost/Dierkow-West")
    assert areas.match("Ortsbeirat Toitenwinkel") is not None
    assert areas.match("Ortsbeirat Atlantis") is None


async def test_import_walks_paged_lists_embedded_and_linked_objects(
    standin: OParlStandIn, databases: DatabaseFactory, areas: CouncilAreas
) -> None:
    url = databases.new("sqlite")
    del standin.meeting(1)["start"]  # a meeting without its start cannot be scheduled
    linked = standin.meeting(OBR_MEETINGS)["agendaItem"]
    linked.append(linked[0] + "-gone")  # a linked agenda item the server cannot find
    found, held = await import_oparl_http(url, standin.system_url, areas)
    assert (found.read, found.created, found.skipped) == (22, 22, 0)  # the Fraktion is left out
    assert (held.read, held.created, held.skipped) == (63, 62, 1)
    assert any("start is missing" in p for p in held.problems)
    assert any("-gone: HTTP 404" in p for p in held.problems)
    pages = {
        u.query.get("page") for u in standin.requests if str(u).startswith(standin.meetings_url)
    }
    assert pages == {None, "2", "3", "4", "5", "6", "7"}
    # the Bürgerschaft's agenda items and place are linked, not embedded
    # six items a meeting (Schmarl's later one has none), a closed seventh in each Ortsbeirat's
    # next meeting (the skipped one had one too), three for the Bürgerschaft, two a committee
    assert _count(url, agenda_items) == (57 - 1) * 6 + 19 - 7 + 2 * 3 + 4 * 2
    assert _count(url, meetings, meetings.c.location_name == "Rathaus, Bürgerschaftssaal") == 6
    assert _count(url, councils, councils.c.ortsteile == "") == 3  # Bürgerschaft, 2 committees

    org = standin.sample.organizations[0]
    async with ClientSession() as session, session.get(org["meeting"]) as resp:
        own = (await resp.json())["data"]
    assert {m["organization"][0] for m in own} == {org["id"]}
    assert len(own) == 3

    again, held_again = await import_oparl_http(url, standin.system_url, areas)
    assert any("modified_since" in u.query for u in standin.requests)
    assert (again.created, again.updated, held_again.created, held_again.updated) == (0, 0, 0, 0)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_reimport_removes_a_meeting_the_source_marked_deleted(
    backend: str, standin: OParlStandIn, databases: DatabaseFactory, areas: CouncilAreas
) -> None:
    url = databases.new(backend)
    await import_oparl_http(url, standin.system_url, areas)
    gone = standin.mark_deleted(4)
    changed = standin.meeting(0)
    changed["name"] = "Sondersitzung zum Hafenfest"
    standin.touch(changed)
    _, held = await import_oparl_http(url, standin.system_url, areas)
    assert (held.updated, held.removed) == (1, 1)
    names = _meeting_names(url)
    assert gone not in names
    assert names[changed["id"]] == "Sondersitzung zum Hafenfest"
    assert len(names) == 62


async def test_full_import_removes_meetings_no_longer_listed(
    standin: OParlStandIn, databases: DatabaseFactory, areas: CouncilAreas
) -> None:
    url = databases.new("sqlite")
    await import_oparl_http(url, standin.system_url, areas)
    gone = standin.drop(30)
    _, held = await import_oparl_http(url, standin.system_url, areas, full=True)
    assert held.removed == 1
    assert gone not in _meeting_names(url)


async def test_a_broken_page_is_reported_and_skipped_and_removes_nothing(
    standin: OParlStandIn, databases: DatabaseFactory, areas: CouncilAreas
) -> None:
    url = databases.new("sqlite")
    await import_oparl_http(url, standin.system_url, areas)
    standin.broken.add((standin.meetings_url, 2))
    standin.drop(50)  # would be removed, but the walk is incomplete
    _, held = await import_oparl_http(url, standin.system_url, areas, full=True)
    assert held.read == 62 - 10
    assert held.removed == 0
    assert any("page=2" in p and "HTTP 500" in p for p in held.problems)
    assert len(_meeting_names(url)) == 63

    fresh = databases.new("sqlite")
    _, first = await import_oparl_http(fresh, standin.system_url, areas)
    assert first.created == 62 - 10  # the pages after the broken one are still read


async def test_cli_imports_an_oparl_system_url(standin: OParlStandIn, tmp_path: Any) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/c.sqlite3"}
    for args in (["migrate"], ["import", "oparl", standin.system_url]):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "cityapi", *args, cwd=REPO_ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 0, err.decode()
    assert "meetings: read 63, created 63" in out.decode()

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cityapi", "import", "oparl", standin.system_url + "-gone",
        cwd=REPO_ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 1
    assert "nothing was changed" in err.decode()
    assert "HTTP 404" in err.decode()


# The endpoints, on the shared sample (SQLite and PostgreSQL)


async def _councils(api: TestClient, **params: Any) -> list[dict[str, Any]]:
    body = await get_json(api, "/councils", **params)
    assert body["total"] == len(body["items"])
    return list(body["items"])


async def test_every_ortsbeirat_has_an_upcoming_meeting_and_its_ortsamt(api: TestClient) -> None:
    found = await _councils(api, kind="ortsbeirat")
    assert len(found) == 19
    now = datetime.now(UTC)
    for council in found:
        assert council["ortsteile"], council["name"]
        assert council["office"]["name"].startswith("Ortsamt")
        assert council["office"]["address"]
        nxt = council["next_meeting"]
        assert nxt is not None, council["name"]
        assert datetime.fromisoformat(nxt["start"]) > now
        assert nxt["cancelled"] is False
    everything = await _councils(api)
    assert [c["kind"] for c in everything[19:]] == ["buergerschaft", "committee", "committee"]


async def test_the_ortsbeirat_of_a_point_in_dierkow(
    api: TestClient, districts: DistrictRegistry
) -> None:
    for ortsteil, name in (
        ("Dierkow-Neu", "Ortsbeirat Dierkow-Neu"),
        ("Dierkow-West", "Ortsbeirat Dierkow-Ost/Dierkow-West"),
    ):
        point = districts.ortsteil_shape(ortsteil).representative_point()
        body = await get_json(api, "/councils", lat=point.y, lon=point.x)
        assert [c["name"] for c in body["items"]] == [name]
        assert body["location"] == {"district": ortsteil, "ortsteil": ortsteil}


async def test_councils_by_district_name_group_and_ortsteil(api: TestClient) -> None:
    body = await get_json(api, "/councils", district="Dierkow")
    assert body["districts"] == ["Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"]
    assert [c["short_name"] for c in body["items"]] == [
        "OBR Dierkow-Neu",
        "OBR Dierkow-Ost/Dierkow-West",
    ]
    heide = await _councils(api, district="Markgrafenheide")
    assert [c["districts"] for c in heide] == [["Rostock-Heide"]]
    ktv = await _councils(api, district="KTV")
    assert [c["name"] for c in ktv] == ["Ortsbeirat Kröpeliner-Tor-Vorstadt"]
    ost = await _councils(api, district="Peez")
    assert ost[0]["districts"] == ["Gehlsdorf", "Rostock-Ost"]


async def test_a_council_with_its_next_meetings_agenda_and_access(api: TestClient) -> None:
    [toitenwinkel] = await _councils(api, district="Toitenwinkel")
    detail = await get_json(api, f"/councils/{toitenwinkel['id']}")
    assert detail["office"]["name"] == "Ortsamt Ost"
    upcoming = detail["next_meetings"]
    assert len(upcoming) == 2
    first = upcoming[0]
    assert first["location"]["wheelchair"] == "limited"
    assert "Stufe" in first["location"]["accessibility_notes"]
    titles = [item["title"] for item in first["agenda"]]
    assert "Einwohnerfragestunde" in titles
    assert first["agenda"][0]["number"] == "1"
    assert first["public"] is True
    assert first["agenda"][-1] == {
        "number": "7",
        "title": "Grundstücksangelegenheiten",
        "public": False,
    }
    start = datetime.fromisoformat(first["start"])
    assert start.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert start.astimezone(BERLIN).time() == time(18, 30)


async def test_meetings_by_council_district_window_and_agenda_text(api: TestClient) -> None:
    [lichtenhagen] = await _councils(api, district="Lichtenhagen")
    mine = await get_json(api, "/meetings", council=lichtenhagen["id"])
    assert mine["total"] == 2
    assert [m["cancelled"] for m in mine["items"]] == [False, True]
    assert lichtenhagen["next_meeting"]["id"] == mine["items"][0]["id"]

    dierkow = await get_json(api, "/meetings", district="Dierkow")
    assert {m["council"]["name"] for m in dierkow["items"]} == {
        "Ortsbeirat Dierkow-Neu",
        "Ortsbeirat Dierkow-Ost/Dierkow-West",
    }
    topic = await get_json(api, "/meetings", q="Mühlendammschleuse")
    assert [m["council"]["short_name"] for m in topic["items"]] == ["OBR Brinckmansdorf"]

    now = datetime.now(BERLIN)
    past = await get_json(
        api, "/meetings", **{"from": (now - timedelta(days=60)).isoformat(), "to": now.isoformat()}
    )
    assert past["total"] >= 19
    assert all(datetime.fromisoformat(m["start"]) < now for m in past["items"])

    first = await get_json(api, "/meetings", limit=5)
    second = await get_json(api, "/meetings", limit=5, offset=5)
    assert first["total"] == second["total"] >= 19 * 2
    assert {m["id"] for m in first["items"]}.isdisjoint(m["id"] for m in second["items"])
    starts = [m["start"] for m in first["items"] + second["items"]]
    assert starts == sorted(starts, key=datetime.fromisoformat)


async def test_a_meeting_announced_without_place_or_agenda(api: TestClient) -> None:
    [schmarl] = await _councils(api, district="Schmarl")
    later = (await get_json(api, "/meetings", council=schmarl["id"]))["items"][-1]
    assert later["end"] is None
    assert later["agenda"] == []
    assert later["location"] == {
        "name": None,
        "address": None,
        "wheelchair": "unknown",
        "accessibility_notes": None,
    }
    assert later["public"] is None


async def test_council_and_meeting_errors(api: TestClient) -> None:
    await expect_error(api, "/councils", 400, "invalid_parameter", "lon", lat=54.1)
    await expect_error(
        api, "/councils", 400, "invalid_parameter", "district", district="Dierkow", lat=54.1
    )
    await expect_error(api, "/councils", 404, "not_found", None, lat=52.52, lon=13.40)
    await expect_error(api, "/councils", 400, "invalid_parameter", "district", district="Atlantis")
    await expect_error(api, "/councils", 400, "invalid_parameter", "kind", kind="senate")
    await expect_error(api, "/councils/999999", 404, "not_found", "id")
    await expect_error(api, "/councils/abc", 400, "invalid_parameter", "id")
    await expect_error(api, "/meetings", 400, "invalid_parameter", "council", council=999999)
    await expect_error(
        api,
        "/meetings",
        400,
        "invalid_parameter",
        "to",
        **{"from": "2027-01-02", "to": "2027-01-01"},
    )
    await expect_error(api, "/meetings", 400, "unknown_parameter", "organization", organization=1)
