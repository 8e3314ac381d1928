"""Rostock's 21 Stadtbereiche and 31 Ortsteile: polygons, point location and name matching."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

# Simplified polygons leave slivers between neighbours; a point this close to one still counts.
_GAP_TOLERANCE_DEG = 0.0008  # about 50-90 m at Rostock's latitude

# Citizens' names for Stadtbereiche that are neither a Stadtbereich nor an Ortsteil name.
ALIASES: dict[str, str] = {
    "ktv": "Kröpeliner-Tor-Vorstadt",
    "kroepi": "Kröpeliner-Tor-Vorstadt",
    "innenstadt": "Stadtmitte",
    "altstadt": "Stadtmitte",
    "city": "Stadtmitte",
    "zentrum": "Stadtmitte",
    "stadtzentrum": "Stadtmitte",
    "citycentre": "Stadtmitte",
    "citycenter": "Stadtmitte",
    "oldtown": "Stadtmitte",
    "gartenstadt": "Gartenstadt/Stadtweide",
    "stadtweide": "Gartenstadt/Stadtweide",
    "heide": "Rostock-Heide",
    "rostockerheide": "Rostock-Heide",
    "hohedune": "Rostock-Heide",
}


# Names citizens use for several Stadtbereiche at once: an answer covers all of them and says so.
# Dierkow is one of the districts the Smile City programme names; nobody says "Dierkow-Neu".
GROUPS: dict[str, tuple[str, ...]] = {
    "dierkow": ("Dierkow-Neu", "Dierkow-Ost", "Dierkow-West"),
}


def name_key(name: str) -> str:
    """A spelling-tolerant key: case, umlaut spellings (ü/ue), ß/ss, spaces and hyphens ignored."""
    text = name.casefold().replace("ß", "ss")
    for umlaut, spelled in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ae", "a"), ("oe", "o")):
        text = text.replace(umlaut, spelled)
    text = text.replace("ue", "u")
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass(frozen=True, slots=True)
class Stadtbereich:
    """One of the 21 Stadtbereiche (code A–U) with its Ortsteile."""

    code: str
    name: str
    ortsteile: tuple[str, ...]
    centroid_lat: float
    centroid_lon: float


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point lies: its Stadtbereich and Ortsteil."""

    district: str
    code: str
    ortsteil: str


class DistrictRegistry:
    """The districts, loaded once from the files under data/districts/."""

    def __init__(
        self, ortsteil_shapes: dict[str, BaseGeometry], bereiche: list[tuple[str, str, list[str]]]
    ):
        self._ortsteil_to_bereich: dict[str, tuple[str, str]] = {}
        stadtbereiche: list[Stadtbereich] = []
        for code, name, ortsteile in bereiche:
            missing = [o for o in ortsteile if o not in ortsteil_shapes]
            if missing:
                raise ValueError(f"no polygon for Ortsteil {missing} of {name}")
            union = shapely.union_all([ortsteil_shapes[o] for o in ortsteile])
            centre = (
                union.representative_point()
                if not union.contains(union.centroid)
                else union.centroid
            )
            stadtbereiche.append(
                Stadtbereich(code, name, tuple(ortsteile), round(centre.y, 5), round(centre.x, 5))
            )
            for o in ortsteile:
                self._ortsteil_to_bereich[o] = (name, code)
        self.stadtbereiche: tuple[Stadtbereich, ...] = tuple(stadtbereiche)
        self._names = list(ortsteil_shapes)
        self._geoms = [ortsteil_shapes[n] for n in self._names]
        for geom in self._geoms:
            shapely.prepare(geom)
        self._tree = STRtree(self._geoms)
        self._by_key: dict[str, str] = {}
        for sb in self.stadtbereiche:
            self._by_key[name_key(sb.name)] = sb.name
            self._by_key[name_key(sb.code)] = sb.name
            for o in sb.ortsteile:
                self._by_key.setdefault(name_key(o), sb.name)
                if o.startswith("Seebad "):
                    self._by_key.setdefault(name_key(o.removeprefix("Seebad ")), sb.name)
        for alias, target in ALIASES.items():
            self._by_key.setdefault(alias, target)
        # single letters are codes only when typed in capitals; lower-case "a" is no district
        self._codes = {sb.code: sb.name for sb in self.stadtbereiche}

    @classmethod
    def load(cls, directory: Path) -> DistrictRegistry:
        """Read the Ortsteile polygons and the Stadtbereiche table from a data folder."""
        with (directory / "ortsteile_hro_simplified.geojson").open(encoding="utf-8") as f:
            collection = json.load(f)
        shapes = {
            feat["properties"]["name"]: shape(feat["geometry"]) for feat in collection["features"]
        }
        with (directory / "stadtbereiche_hro.csv").open(encoding="utf-8", newline="") as f:
            rows = [
                (row["code"], row["stadtbereich"], row["ortsteile_inferred"].split(";"))
                for row in csv.DictReader(f)
            ]
        return cls(shapes, rows)

    def normalise(self, name: str) -> str | None:
        """The Stadtbereich meant by a name, code, Ortsteil or common alias; None if unknown."""
        stripped = name.strip()
        if stripped in self._codes:
            return self._codes[stripped]
        key = name_key(stripped)
        if len(key) < 2:
            return None
        return self._by_key.get(key) or self._by_key.get(key.removeprefix("rostock"))

    def resolve(self, name: str) -> tuple[str, ...] | None:
        """The Stadtbereiche a name covers: one, or a whole group (Dierkow); None if unknown."""
        group = GROUPS.get(name_key(name.strip()))
        if group is not None:
            return group
        single = self.normalise(name)
        return (single,) if single is not None else None

    def stadtbereich_of(self, ortsteil: str) -> str | None:
        """The Stadtbereich an Ortsteil (exact name) belongs to; None if unknown."""
        found = self._ortsteil_to_bereich.get(ortsteil)
        return found[0] if found else None

    def code_of(self, stadtbereich: str) -> str:
        """The letter code of a Stadtbereich name."""
        return next(sb.code for sb in self.stadtbereiche if sb.name == stadtbereich)

    def locate(self, lat: float, lon: float) -> Location | None:
        """The Stadtbereich and Ortsteil whose polygon holds the point, or None outside Rostock."""
        point = Point(lon, lat)
        for index in self._tree.query(point, predicate="intersects"):
            return self._location(int(index))
        nearest = self._tree.query_nearest(point, max_distance=_GAP_TOLERANCE_DEG)
        if len(nearest):
            return self._location(int(nearest[0]))
        return None

    def _location(self, index: int) -> Location:
        ortsteil = self._names[index]
        district, code = self._ortsteil_to_bereich[ortsteil]
        return Location(district, code, ortsteil)

    def ortsteil_shape(self, ortsteil: str) -> BaseGeometry:
        """The polygon of an Ortsteil (for generating sample data inside it)."""
        return self._geoms[self._names.index(ortsteil)]
