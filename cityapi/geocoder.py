"""Addresses to coordinates through the city's address search.

Rostock's geoportal answers address searches with geocodr (github.com/rostock/geocodr, its
`docs/api.rst`): `GET <url>?type=search&class=<class>&query=<text>` with `out_epsg=4326` and
`shape=centroid` gives a GeoJSON FeatureCollection, best matches first, whose address features carry
`strasse_name`, `hausnummer`, `hausnummer_zusatz`, `postleitzahl`, `gemeindeteil_name` and `_title_`
(see data/README.md). An API key, when the service wants one, goes in the query as `key`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


class GeocoderUnavailable(Exception):
    """The address search did not answer, or answered something that is not its GeoJSON."""


@dataclass(frozen=True)
class Address:
    """One address the search found, in WGS84."""

    title: str
    street: str
    house_number: str
    postcode: str | None
    lat: float
    lon: float


class Geocoder:
    """Searches addresses with one shared HTTP session and a time budget per search."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        key: str = "",
        search_class: str = "address",
        timeout_s: float = 2.0,
    ) -> None:
        self._session = session
        self._url = url
        self._key = key
        self._class = search_class
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def search(self, text: str, limit: int) -> list[Address]:
        """The addresses matching `text`, best first (at most `limit`)."""
        params = {
            "type": "search",
            "class": self._class,
            "query": text,
            "limit": str(limit),
            "shape": "centroid",
            "out_epsg": "4326",
        }
        if self._key:
            params["key"] = self._key
        try:
            async with self._session.get(self._url, params=params, timeout=self._timeout) as resp:
                if resp.status != 200:
                    # the key is in the query: never log the URL
                    raise GeocoderUnavailable(f"the address search answered HTTP {resp.status}")
                body = await resp.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise GeocoderUnavailable(f"the address search failed: {type(exc).__name__}") from exc
        if not isinstance(body, Mapping) or not isinstance(body.get("features"), list):
            raise GeocoderUnavailable("the address search answered no FeatureCollection")
        found = [a for a in (_address(f) for f in body["features"]) if a is not None]
        return found[:limit]


def _address(feature: Any) -> Address | None:
    """An address feature as an Address; None for other classes or one without a point."""
    if not isinstance(feature, Mapping):
        return None
    geometry = feature.get("geometry")
    props = feature.get("properties")
    if not isinstance(geometry, Mapping) or not isinstance(props, Mapping):
        return None
    coordinates = geometry.get("coordinates")
    if geometry.get("type") != "Point" or not isinstance(coordinates, list):
        return None
    try:
        lon, lat = float(coordinates[0]), float(coordinates[1])
    except (IndexError, TypeError, ValueError):
        return None
    street = props.get("strasse_name")
    number = props.get("hausnummer")
    if not isinstance(street, str) or not street or number is None:
        return None  # a street or a district, not an address
    house = f"{number}{props.get('hausnummer_zusatz') or ''}"
    postcode = props.get("postleitzahl")
    title = props.get("_title_")
    return Address(
        title=str(title) if title else f"{street} {house}",
        street=street,
        house_number=house,
        postcode=str(postcode) if postcode else None,
        lat=lat,
        lon=lon,
    )
