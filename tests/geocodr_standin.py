"""A local stand-in of the city's address search (geocodr), as its documentation describes it
(github.com/rostock/geocodr, docs/api.rst): `GET /query` with `type`, `class` and `query` (400
with `{"message", "status"}` when one is missing), an API key in `key` when keys are enabled (401),
`limit`, `shape`, `out_epsg`; a GeoJSON FeatureCollection with `features_offset`,
`features_returned` and `features_total`, best matches first.

The features have the properties of Rostock's address class as the real service returns them
(the answer for Holbeinplatz 14 in ../shared/data/rostock/geocodr_address_sample.json, from the
bfpi/klarschiff-backoffice test fixtures). Holbeinplatz 14 is that real answer; the other addresses
are test data with approximate coordinates, one of them outside Rostock.

Run on its own: `python -m tests.geocodr_standin --port 8010 [--key KEY]`.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from aiohttp import web

_ROSTOCK = {
    "gemeinde_name": "Rostock, Hanse- und Universitätsstadt",
    "gemeinde_name_suchzusatz": None,
    "gemeinde_schluessel": "130030000000",
    "gemeindeverband_name": "Rostock, Hanse- und Universitätsstadt",
    "gemeindeverband_schluessel": "130030000",
    "kreis_name": "Rostock",
    "kreis_schluessel": "13003",
}
# (Ortsteil, its abbreviation and key, street, street key, house number, suffix, postcode, lon, lat)
_ADDRESSES: tuple[tuple[str, str, str, str, str, str, str | None, str, float, float], ...] = (
    ("Reutershagen", "Rhg", "0013", "Holbeinplatz", "03680", "14", None, "18069",
     12.098038536588108, 54.09296279192458),
    ("Stadtmitte", "Stm", "0001", "Kröpeliner Straße", "04801", "5", None, "18055",
     12.1365, 54.0887),
    ("Südstadt", "Sst", "0021", "Ziolkowskistraße", "09320", "28", None, "18059",
     12.1125, 54.0735),
    ("Dierkow-Neu", "Dkn", "0031", "Kurt-Schumacher-Ring", "04990", "160", "a", "18146",
     12.16, 54.105),
)  # fmt: skip
_OUTSIDE = {  # a neighbouring town: the search covers the region, the assistant serves Rostock
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [11.9065, 54.1066]},
    "properties": {
        "_title_": "Bad Doberan, Kröpeliner Straße 5",
        "gemeinde_name": "Bad Doberan, Stadt",
        "gemeinde_schluessel": "130725000000",
        "gemeindeteil_name": "Bad Doberan",
        "hausnummer": "5",
        "hausnummer_zusatz": None,
        "kreis_name": "Landkreis Rostock",
        "objektgruppe": "Adresse",
        "postleitzahl": "18209",
        "strasse_name": "Kröpeliner Straße",
        "suchklasse": "Adresse",
    },
}


def _feature(
    row: tuple[str, str, str, str, str, str, str | None, str, float, float],
) -> dict[str, Any]:
    part, abbreviation, part_key, street, street_key, number, suffix, postcode, lon, lat = row
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "_title_": f"{part}, {street} {number}{suffix or ''}",
            **_ROSTOCK,
            "gemeindeteil_abkuerzung": abbreviation,
            "gemeindeteil_name": part,
            "gemeindeteil_schluessel": part_key,
            "hausnummer": number,
            "hausnummer_zusatz": suffix,
            "historisch": False,
            "historisch_seit": None,
            "id_alkis": None,
            "objektgruppe": "Adresse HRO",
            "postleitzahl": postcode,
            "strasse_name": street,
            "strasse_schluessel": street_key,
            "suchklasse": "Adresse HRO",
            "uuid": f"standin-{street_key}-{number}{suffix or ''}",
        },
    }


FEATURES = [*(_feature(row) for row in _ADDRESSES), _OUTSIDE]


def _words(text: str) -> list[str]:
    text = text.casefold().replace("str.", "straße ").replace("strasse", "straße")
    return re.findall(r"[^\W_]+", text)


def _matches(query: str, feature: dict[str, Any]) -> bool:
    props = feature["properties"]
    haystack = _words(
        f"{props['strasse_name']} {props['hausnummer']}{props.get('hausnummer_zusatz') or ''} "
        f"{props.get('gemeindeteil_name') or ''} {props.get('postleitzahl') or ''}"
    )
    return all(any(h.startswith(w) for h in haystack) for w in _words(query))


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"message": message, "status": status}, status=status)


QUERIES = web.AppKey("queries", list[dict[str, str]])  # what was asked, in order


def make_app(key: str = "") -> web.Application:
    """The stand-in as an aiohttp application; `key` enables API keys."""
    app = web.Application()
    app[QUERIES] = []

    async def query(request: web.Request) -> web.Response:
        params = request.query
        app[QUERIES].append(dict(params))
        if key and params.get("key") != key:
            return _error(401, "invalid or missing key")
        for name in ("type", "class", "query"):
            if not params.get(name):
                return _error(400, f"{name} not in request")
        if params["type"] not in ("search", "reverse"):
            return _error(400, "type must be search or reverse")
        limit = int(params.get("limit", "20"))
        offset = int(params.get("offset", "0"))
        found = [f for f in FEATURES if _matches(params["query"], f)]
        page = found[offset : offset + limit]
        return web.json_response(
            {
                "type": "FeatureCollection",
                "properties": {
                    "features_offset": offset,
                    "features_returned": len(page),
                    "features_total": len(found),
                },
                "features": page,
            }
        )

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/query", query)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    """Serve the stand-in on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", default="")
    args = parser.parse_args()
    web.run_app(make_app(args.key), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
