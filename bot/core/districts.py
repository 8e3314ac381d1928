"""Rostock's districts by name, as citizens write them: Stadtbereiche, Ortsteile, aliases, groups.

Pure: the table of Stadtbereiche comes from outside (`bot.broadcast.districts` reads it from
data/districts/). The spelling rules follow the city data API's, so "Warnemuende", "KTV" or
"Dierkow" mean what they mean there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# The whole city: a subscription or an announcement for every district.
ALL = "all"
_WHOLE_CITY = frozenset(
    {"all", "alle", "alles", "rostock", "ganzrostock", "ganzestadt", "gesamtestadt", "stadt",
     "wholecity", "thewholecity", "allofrostock", "allestadtteile", "alldistricts"}
)  # fmt: skip

# Citizens' names for Stadtbereiche that are neither a Stadtbereich nor an Ortsteil name.
ALIASES: dict[str, str] = {
    "ktv": "Kröpeliner-Tor-Vorstadt",
    "kroepi": "Kröpeliner-Tor-Vorstadt",
    "innenstadt": "Stadtmitte",
    "altstadt": "Stadtmitte",
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

# Names citizens use for several Stadtbereiche at once (nobody says "Dierkow-Neu").
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dierkow": ("Dierkow", ("Dierkow-Neu", "Dierkow-Ost", "Dierkow-West")),
}


def name_key(name: str) -> str:
    """A spelling-tolerant key: case, umlaut spellings (ü/ue), ß/ss, spaces and hyphens ignored."""
    text = name.casefold().replace("ß", "ss")
    for umlaut, spelled in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ae", "a"), ("oe", "o")):
        text = text.replace(umlaut, spelled)
    text = text.replace("ue", "u")
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


class DistrictDirectory:
    """The Stadtbereiche by every name citizens use for them."""

    def __init__(self, stadtbereiche: Iterable[tuple[str, str, Sequence[str]]]) -> None:
        """`stadtbereiche`: (letter code, name, Ortsteile) for each of the 21 Stadtbereiche."""
        self.names: tuple[str, ...] = ()
        self._codes: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        names: list[str] = []
        for code, name, ortsteile in stadtbereiche:
            names.append(name)
            self._codes[code] = name
            self._by_key[name_key(name)] = name
            for ortsteil in ortsteile:
                self._by_key.setdefault(name_key(ortsteil), name)
                if ortsteil.startswith("Seebad "):
                    self._by_key.setdefault(name_key(ortsteil.removeprefix("Seebad ")), name)
        self.names = tuple(names)
        for alias, target in ALIASES.items():
            if target in self.names:
                self._by_key.setdefault(alias, target)

    def resolve(self, name: str) -> tuple[str, ...] | None:
        """The Stadtbereiche a name covers (one, or a group's); ("all",) for the whole city;
        None when it names no district."""
        stripped = name.strip()
        if stripped in self._codes:  # a letter code only in capitals: lower-case "a" is no name
            return (self._codes[stripped],)
        key = name_key(stripped)
        if key in _WHOLE_CITY:
            return (ALL,)
        group = GROUPS.get(key)
        if group is not None:
            return group[1]
        if len(key) < 2:
            return None
        found = self._by_key.get(key) or self._by_key.get(key.removeprefix("rostock"))
        return (found,) if found else None

    @staticmethod
    def grouped(districts: Sequence[str]) -> list[str]:
        """District names for a sentence: a whole group once by its name ("Dierkow")."""
        rest = list(districts)
        named: list[str] = []
        for label, members in GROUPS.values():
            if all(member in rest for member in members):
                first = rest.index(members[0])
                rest = [d for d in rest if d not in members]
                rest.insert(first, label)
        for district in rest:
            if district not in named:
                named.append(district)
        return named
