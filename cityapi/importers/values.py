"""Parsing helpers shared by the importers: booleans, coordinates, hours, categories."""

from __future__ import annotations

import re

from cityapi.hours import is_valid
from cityapi.importers.records import RowError
from cityapi.schema import EVENT_CATEGORIES, WHEELCHAIR_VALUES

# Rostock's extent with a margin; points outside are not the city's (often swapped lat/lon).
ROSTOCK_BOUNDS = (53.95, 54.30, 11.90, 12.40)

_TRUE = {"true", "ja", "yes", "1", "wahr", "t", "y", "j"}
_FALSE = {"false", "nein", "no", "0", "falsch", "f", "n"}
_ALWAYS = {
    "durchgehend",
    "durchgehend geöffnet",
    "ganztägig",
    "24 stunden",
    "rund um die uhr",
    "24/7",
    "immer",
}

_CATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    ("konzert", "music"),
    ("musik", "music"),
    ("music", "music"),
    ("concert", "music"),
    ("chor", "music"),
    ("flohmarkt", "market"),
    ("markt", "market"),
    ("market", "market"),
    ("ausstellung", "exhibition"),
    ("exhibition", "exhibition"),
    ("theater", "theatre"),
    ("theatre", "theatre"),
    ("oper", "theatre"),
    ("schauspiel", "theatre"),
    ("sport", "sport"),
    ("lauf", "sport"),
    ("regatta", "sport"),
    ("familie", "family"),
    ("kinder", "family"),
    ("family", "family"),
    ("children", "family"),
    ("festival", "festival"),
    ("fest", "festival"),
    ("führung", "guided_tour"),
    ("fuehrung", "guided_tour"),
    ("guided tour", "guided_tour"),
    ("rundgang", "guided_tour"),
    ("vortrag", "talk"),
    ("lesung", "talk"),
    ("diskussion", "talk"),
    ("talk", "talk"),
    ("lecture", "talk"),
    ("film", "film"),
    ("kino", "film"),
    ("cinema", "film"),
)


def optional_bool(raw: object) -> bool | None:
    """true/false in the spellings open data uses; empty is None."""
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowError(f"'{raw}' is not a yes/no value")


def coordinate(raw: object, what: str) -> float:
    """A number, also with a decimal comma."""
    if raw is None or str(raw).strip() == "":
        raise RowError(f"{what} is missing")
    try:
        return float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise RowError(f"{what} '{raw}' is not a number") from None


def rostock_point(lat_raw: object, lon_raw: object) -> tuple[float, float]:
    """Latitude and longitude, checked to lie in Rostock."""
    lat, lon = coordinate(lat_raw, "latitude"), coordinate(lon_raw, "longitude")
    min_lat, max_lat, min_lon, max_lon = ROSTOCK_BOUNDS
    if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
        raise RowError(f"coordinates {lat}, {lon} are not in Rostock")
    return lat, lon


def wheelchair(raw: object) -> str | None:
    """An OSM wheelchair value, or None when not given."""
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    text = str(raw).strip().lower()
    if text in WHEELCHAIR_VALUES:
        return text
    flag = optional_bool(text)
    return "unknown" if flag is None else ("yes" if flag else "no")


def opening_hours(raw: object) -> tuple[str | None, str | None]:
    """(valid OSM opening_hours or None, the raw text when it could not be understood)."""
    if raw is None:
        return None, None
    text = str(raw).strip()
    if not text:
        return None, None
    if text.lower() in _ALWAYS:
        return "24/7", None
    if is_valid(text):
        return text, None
    return None, text


def category(*hints: str | None) -> str:
    """The event category for free-text categories or keywords (German or English)."""
    words = [h.strip().lower() for h in hints if h and h.strip()]
    for word in words:
        if word in EVENT_CATEGORIES:
            return word
    for word in words:
        for needle, cat in _CATEGORY_WORDS:
            if re.search(rf"\b{re.escape(needle)}", word):
                return cat
    return "other"


def join_address(street: object, number: object, suffix: object, postcode: object) -> str | None:
    """'Straße 1a, 18055 Rostock' from the city's address fields."""
    street_text = str(street or "").strip()
    if not street_text:
        return None
    line = f"{street_text} {str(number or '').strip()}{str(suffix or '').strip()}".strip()
    code = str(postcode or "").strip()
    return f"{line}, {code} Rostock" if code else f"{line}, Rostock"


def clean(raw: object, max_len: int = 500) -> str | None:
    """Stripped text or None; over-long texts are cut."""
    if raw is None:
        return None
    text = str(raw).strip()
    return text[:max_len] if text else None
