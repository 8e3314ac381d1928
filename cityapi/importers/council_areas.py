"""The Ortsbeirat areas (data/councils/ortsbeiraete_hro.csv), matched to OParl Organizations."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from cityapi.districts import DistrictRegistry, name_key

_PREFIX = re.compile(r"^\s*(ortsbeirat|obr)\b\.?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CouncilArea:
    """One Ortsbeirat's area (Ortsteile and their Stadtbereiche) and the Ortsamt serving it."""

    short_name: str
    name: str
    ortsteile: tuple[str, ...]
    districts: tuple[str, ...]
    office_name: str | None
    office_address: str | None
    office_phone: str | None
    office_email: str | None
    office_url: str | None


class CouncilAreas:
    """The 19 Ortsbeirat areas, found by the council's name as OParl spells it."""

    def __init__(self, areas: list[CouncilArea]):
        self.areas = tuple(areas)
        self._by_key: dict[str, CouncilArea] = {}
        for area in areas:
            for label in (area.name, area.short_name):
                self._by_key.setdefault(_key(label), area)

    @classmethod
    def load(cls, path: Path, districts: DistrictRegistry) -> CouncilAreas:
        """Read the table; every Ortsteil must be one of the city's 31."""
        areas = []
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                ortsteile = tuple(o.strip() for o in row["ortsteile"].split(";") if o.strip())
                bereiche = [districts.stadtbereich_of(o) for o in ortsteile]
                if None in bereiche:
                    raise ValueError(f"unknown Ortsteil in {row['name']}: {ortsteile}")
                areas.append(
                    CouncilArea(
                        short_name=row["short_name"],
                        name=row["name"],
                        ortsteile=ortsteile,
                        districts=tuple(dict.fromkeys(b for b in bereiche if b)),
                        office_name=row["ortsamt"] or None,
                        office_address=row["ortsamt_address"] or None,
                        office_phone=row["ortsamt_phone"] or None,
                        office_email=row["ortsamt_email"] or None,
                        office_url=row["ortsamt_url"] or None,
                    )
                )
        return cls(areas)

    def match(self, name: str, short_name: str | None = None) -> CouncilArea | None:
        """The area of an Ortsbeirat named like "Ortsbeirat Dierkow-Neu"; None if unknown."""
        for label in (name, short_name):
            if label:
                found = self._by_key.get(_key(label))
                if found is not None:
                    return found
        return None


def _key(label: str) -> str:
    return name_key(_PREFIX.sub("", label))
