"""Importers on local files: OpenData.HRO CSV and GeoJSON, iCalendar, JSON-LD; both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine, select

from cityapi.app import create_app
from cityapi.districts import DistrictRegistry
from cityapi.importers.records import ImportFileError
from cityapi.importers.runner import run_import
from cityapi.schema import events, places
from cityapi.settings import CityApiSettings, sync_url
from tests.cityapi.helpers import BACKENDS, DatabaseFactory

HEADER = (
    "uuid,longitude,latitude,gemeindeteil_name,strasse_name,hausnummer,hausnummer_zusatz,"
    "postleitzahl,behindertengerecht,art,bewirtschafter,zeiten"
)
GOOD_ROWS = [
    "t-1,12.1405,54.0887,Stadtmitte,Neuer Markt,1,,18055,true,WC-Anlage,Stadt,Mo-Su 08:00-20:00",
    "t-2,12.0858,54.1800,Seebad Warnemünde,Am Strom,59,a,18119,false,WC-Box,Stadt,durchgehend",
    't-3,12.1300,54.0780,Südstadt,Südring,2,,18059,ja,Toilettenanlage,Stadt,"nach Absprache"',
]
BAD_ROWS = [
    "t-4,12.14,north,Stadtmitte,Neuer Markt,2,,18055,true,Toilettenanlage,Stadt,24/7",
    "t-5,13.40,52.52,Berlin,Unter den Linden,1,,10117,true,Toilettenanlage,Stadt,24/7",
    ",12.14,54.08,Stadtmitte,Neuer Markt,3,,18055,true,Toilettenanlage,Stadt,24/7",
    "t-6,12.14,54.08,Stadtmitte,Neuer Markt,4,,18055,vielleicht,Toilettenanlage,Stadt,24/7",
    "t-1,12.1405,54.0887,Stadtmitte,Neuer Markt,1,,18055,true,Toilettenanlage,Stadt,24/7",
]


@pytest.fixture(scope="module", params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, databases: DatabaseFactory) -> str:
    return databases.new(request.param)


def rows(url: str, table: object) -> list[dict[str, object]]:
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        found = [dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]  # type: ignore[attr-defined]
    engine.dispose()
    return found


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toiletten_csv_counts_and_skips_bad_rows_and_reimports_unchanged(
    empty_url: str, districts: DistrictRegistry, tmp_path: Path
) -> None:
    path = write(tmp_path, "toiletten.csv", "\n".join([HEADER, *GOOD_ROWS, *BAD_ROWS]) + "\n")
    report = run_import(empty_url, "toiletten", path, districts, source="test:toiletten")
    assert (report.read, report.created, report.skipped) == (8, 3, 5)
    reasons = "\n".join(report.problems)
    for expected in (
        "not a number",
        "not in Rostock",
        "uuid is missing",
        "yes/no",
        "appears twice",
    ):
        assert expected in reasons
    stored = {r["source_id"]: r for r in rows(empty_url, places) if r["source"] == "test:toiletten"}
    assert stored["t-1"]["district"] == "Stadtmitte"
    assert stored["t-1"]["wheelchair"] == "yes"
    assert stored["t-1"]["address"] == "Neuer Markt 1, 18055 Rostock"
    assert stored["t-2"]["opening_hours"] == "24/7"
    assert stored["t-2"]["wheelchair"] == "no"
    assert stored["t-2"]["district"] == "Warnemünde"
    assert stored["t-2"]["address"] == "Am Strom 59a, 18119 Rostock"
    assert stored["t-3"]["opening_hours"] is None
    assert "nach Absprache" in stored["t-3"]["description"]

    again = run_import(empty_url, "toiletten", path, districts, source="test:toiletten")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = path.read_text().replace("Mo-Su 08:00-20:00", "Mo-Su 07:00-21:00")
    path.write_text(changed)
    third = run_import(empty_url, "toiletten", path, districts, source="test:toiletten")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert len([r for r in rows(empty_url, places) if r["source"] == "test:toiletten"]) == 3


def test_toiletten_csv_with_semicolons_and_decimal_commas(
    empty_url: str, districts: DistrictRegistry, tmp_path: Path
) -> None:
    text = (
        HEADER.replace(",", ";")
        + "\n"
        + "s-1;12,1405;54,0887;Stadtmitte;Markt;1;;18055;1;WC;Stadt;24/7\n"
    )
    report = run_import(
        empty_url, "toiletten", write(tmp_path, "t.csv", text), districts, source="test:semi"
    )
    assert (report.created, report.skipped) == (1, 0)


@pytest.mark.parametrize(
    ("kind", "name", "text"),
    [
        ("toiletten", "wrong.csv", "name,lat,lon\nA,54.08,12.14\n"),
        ("geojson", "broken.geojson", '{"type": "FeatureCollection", "features": [ {"type": '),
        ("geojson", "list.geojson", "[1, 2, 3]"),
        ("ical", "broken.ics", "BEGIN:VCALENDAR\nthis is not ical\n"),
        ("jsonld", "broken.jsonld", "{not json"),
    ],
)
def test_broken_files_are_refused_whole(
    empty_url: str, districts: DistrictRegistry, tmp_path: Path, kind: str, name: str, text: str
) -> None:
    before = len(rows(empty_url, places)), len(rows(empty_url, events))
    with pytest.raises(ImportFileError):
        run_import(empty_url, kind, write(tmp_path, name, text), districts, place_type="museum")
    assert (len(rows(empty_url, places)), len(rows(empty_url, events))) == before


def test_geojson_with_the_citys_fields_and_osm_accessibility(
    empty_url: str, districts: DistrictRegistry, tmp_path: Path
) -> None:
    def feature(uuid: str, coords: object, **props: object) -> dict[str, object]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": coords},
            "properties": {"uuid": uuid, **props},
        }

    collection = {
        "type": "FeatureCollection",
        "features": [
            feature("m-1", [12.0858, 54.1814], bezeichnung="Leuchtturm", barrierefrei=False,
                    oeffnungszeiten="Tu-Su 10:00-18:00; PH off", strasse_name="Seestraße",
                    hausnummer="1", postleitzahl="18119", telefon_festnetz="+49 381 1"),
            feature("m-2", [12.1405, 54.0887], bezeichnung="Rathaus-Museum", barrierefrei=True,
                    wheelchair="limited", centralkey="eurokey", hearing_loop="yes",
                    tactile_paving="no", **{"entrance:step_free": "yes"}),
            feature("m-3", [12.14, 54.08]),
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []},
             "properties": {}},
            feature("m-4", [54.0887, 12.1405], bezeichnung="Swapped coordinates"),
        ],
    }  # fmt: skip
    path = write(tmp_path, "museen.geojson", json.dumps(collection))
    report = run_import(
        empty_url, "geojson", path, districts, place_type="museum", source="test:museen"
    )
    assert (report.read, report.created, report.skipped) == (5, 2, 3)
    stored = {r["source_id"]: r for r in rows(empty_url, places) if r["source"] == "test:museen"}
    assert stored["m-1"]["wheelchair"] == "no"
    assert stored["m-1"]["district"] == "Warnemünde"
    assert stored["m-1"]["phone"] == "+49 381 1"
    assert stored["m-1"]["type"] == "museum"
    m2 = stored["m-2"]
    assert (m2["wheelchair"], m2["euro_key"], m2["induction_loop"]) == ("limited", True, True)
    assert (m2["tactile_paving"], m2["step_free_entrance"]) == (False, True)
    with pytest.raises(ImportFileError):
        run_import(empty_url, "geojson", path, districts, place_type="castle")


ICAL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:ev-1
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/Berlin:20261205T190000
DTEND;TZID=Europe/Berlin:20261205T210000
SUMMARY;LANGUAGE=de:Adventskonzert
LOCATION:Marienkirche\\, Am Ziegenmarkt 4\\, 18055 Rostock
GEO:54.0890;12.1380
CATEGORIES:Konzert
X-WHEELCHAIR:limited
X-FREE:TRUE
END:VEVENT
BEGIN:VEVENT
UID:ev-2
DTSTAMP:20261101T000000Z
DTSTART;VALUE=DATE:20261212
SUMMARY:Weihnachtsmarkt-Tag
X-DISTRICT:KTV
CATEGORIES:Markt
END:VEVENT
BEGIN:VEVENT
UID:ev-3
DTSTAMP:20261101T000000Z
SUMMARY:No start
END:VEVENT
BEGIN:VEVENT
UID:ev-4
DTSTAMP:20261101T000000Z
DTSTART:20261205T190000Z
DTEND:20261204T190000Z
SUMMARY:Ends before it starts
END:VEVENT
END:VCALENDAR
"""


def test_icalendar_feed(empty_url: str, districts: DistrictRegistry, tmp_path: Path) -> None:
    path = write(tmp_path, "feed.ics", ICAL)
    report = run_import(empty_url, "ical", path, districts, source="test:ical")
    assert (report.read, report.created, report.skipped) == (4, 2, 2)
    assert any("DTSTART is missing" in p for p in report.problems)
    stored = {r["source_id"]: r for r in rows(empty_url, events) if r["source"] == "test:ical"}
    concert = stored["ev-1"]
    assert concert["name"] == "Adventskonzert"
    assert concert["category"] == "music"
    assert concert["location_name"] == "Marienkirche"
    assert concert["address"] == "Am Ziegenmarkt 4, 18055 Rostock"
    assert concert["district"] == "Stadtmitte"
    assert concert["wheelchair"] == "limited"
    assert concert["is_free"] is True
    assert concert["language"] == "de"
    assert concert["start_at"].isoformat() == "2026-12-05T18:00:00+00:00"
    market = stored["ev-2"]
    assert market["district"] == "Kröpeliner-Tor-Vorstadt"
    assert market["category"] == "market"
    again = run_import(empty_url, "ical", path, districts, source="test:ical")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_schema_org_event_json_ld(
    empty_url: str, districts: DistrictRegistry, tmp_path: Path
) -> None:
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "ExhibitionEvent", "identifier": "j-1", "name": "Hafen-Fotografie",
                "startDate": "2026-12-01T10:00:00+01:00", "endDate": "2027-01-31T18:00:00+01:00",
                "location": {"@type": "Place", "name": "Kunsthalle Rostock",
                             "address": {"streetAddress": "Hamburger Straße 40",
                                         "postalCode": "18069"},
                             "amenityFeature": [{"name": "wheelchair", "value": True}]},
                "offers": {"price": "0"}, "inLanguage": "de", "url": "https://example.org/j-1",
            },
            {"@type": "Event", "identifier": "j-2", "name": "Bad date", "startDate": "31.12.2026"},
            {"@type": "Person", "name": "Not an event"},
            {"@type": "Event", "name": "No identifier", "startDate": "2026-12-01T10:00:00"},
        ],
    }  # fmt: skip
    path = write(tmp_path, "events.jsonld", json.dumps(document))
    report = run_import(empty_url, "jsonld", path, districts, source="test:jsonld")
    assert (report.read, report.created, report.skipped) == (4, 1, 3)
    (event,) = [r for r in rows(empty_url, events) if r["source"] == "test:jsonld"]
    assert event["category"] == "exhibition"
    assert event["wheelchair"] == "yes"
    assert event["is_free"] is True
    assert event["address"] == "Hamburger Straße 40, 18069 Rostock"
    again = run_import(empty_url, "jsonld", path, districts, source="test:jsonld")
    assert again.unchanged == 1
    assert again.created == again.updated == 0


async def test_a_running_service_sees_a_reimport_at_once(
    empty_url: str, districts: DistrictRegistry, tmp_path: Path
) -> None:
    row = "live-1,12.1105,54.0890,KTV,Doberaner Straße,7,,18057,false,WC-Anlage,Stadt,24/7"
    path = write(tmp_path, "live.csv", f"{HEADER}\n{row}\n")
    run_import(empty_url, "toiletten", path, districts, source="test:live")
    client = TestClient(TestServer(create_app(CityApiSettings(DATABASE_URL=empty_url), districts)))
    await client.start_server()
    try:
        query = {"near": "54.0890,12.1105", "radius": "100", "type": "toilet"}
        before = await (await client.get("/places", params=query)).json()
        assert [p["name"] for p in before["items"]] == ["WC-Anlage Doberaner Straße"]
        assert before["items"][0]["accessibility"]["wheelchair"] == "no"
        path.write_text(f"{HEADER}\n{row.replace('false,WC-Anlage', 'true,Toilettenhaus')}\n")
        run_import(empty_url, "toiletten", path, districts, source="test:live")
        after = await (await client.get("/places", params=query)).json()
        assert [p["name"] for p in after["items"]] == ["Toilettenhaus Doberaner Straße"]
        assert after["items"][0]["accessibility"]["wheelchair"] == "yes"
    finally:
        await client.close()
