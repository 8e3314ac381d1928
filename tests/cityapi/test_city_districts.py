"""GET /districts and /districts/locate: the 21 Stadtbereiche, point location by polygon."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from cityapi.districts import DistrictRegistry
from tests.cityapi.helpers import get_json


async def test_lists_the_21_stadtbereiche_with_their_ortsteile(api: TestClient) -> None:
    body = await get_json(api, "/districts")
    assert body["total"] == len(body["items"]) == 21
    assert [d["code"] for d in body["items"]] == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    by_name = {d["name"]: d for d in body["items"]}
    assert by_name["Rostock-Heide"]["ortsteile"] == [
        "Seebad Markgrafenheide", "Seebad Hohe Düne", "Hinrichshagen", "Wiethagen", "Torfbrücke",
    ]  # fmt: skip
    assert sum(len(d["ortsteile"]) for d in body["items"]) == 31
    for d in body["items"]:  # each centroid lies in its own district
        located = await get_json(
            api, "/districts/locate", lat=d["centroid"]["lat"], lon=d["centroid"]["lon"]
        )
        assert located["district"] == d["name"]
        assert located["code"] == d["code"]


async def test_locates_landmarks_to_their_district(api: TestClient) -> None:
    lighthouse = await get_json(api, "/districts/locate", lat=54.18139, lon=12.08583)
    assert lighthouse == {"district": "Warnemünde", "code": "A", "ortsteil": "Seebad Warnemünde"}
    holbeinplatz = await get_json(api, "/districts/locate", lat=54.09296, lon=12.09804)
    assert holbeinplatz["district"] == "Reutershagen"
    station = await get_json(api, "/districts/locate", lat=54.077793, lon=12.129966)
    assert station["district"] == "Südstadt"


def test_names_map_to_stadtbereiche(districts: DistrictRegistry) -> None:
    cases = {
        "KTV": "Kröpeliner-Tor-Vorstadt",
        "Innenstadt": "Stadtmitte",
        "markgrafenheide": "Rostock-Heide",
        "Hohe Düne": "Rostock-Heide",
        "Warnemuende": "Warnemünde",
        "Diedrichshagen": "Warnemünde",
        "gross klein": "Groß Klein",
        "Peez": "Rostock-Ost",
        "Gartenstadt": "Gartenstadt/Stadtweide",
        "L": "Südstadt",
    }
    for given, expected in cases.items():
        assert districts.normalise(given) == expected, given
    for unknown in ("Dierkow", "Berlin", "l", "", "x"):
        assert districts.normalise(unknown) is None, unknown
