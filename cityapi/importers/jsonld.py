"""schema.org Event in JSON-LD (a list, an @graph or one object)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from cityapi.hours import BERLIN
from cityapi.importers import values as v
from cityapi.importers.records import EventRecord, ImportFileError, RowError

Parsed = tuple[str, EventRecord | RowError]

_TYPE_CATEGORY = {
    "MusicEvent": "music",
    "DanceEvent": "music",
    "SaleEvent": "market",
    "ExhibitionEvent": "exhibition",
    "VisualArtsEvent": "exhibition",
    "TheaterEvent": "theatre",
    "ComedyEvent": "theatre",
    "SportsEvent": "sport",
    "ChildrensEvent": "family",
    "Festival": "festival",
    "EducationEvent": "talk",
    "LiteraryEvent": "talk",
    "ScreeningEvent": "film",
}


def _moment(raw: object, what: str) -> datetime:
    if not isinstance(raw, str) or not raw.strip():
        raise RowError(f"{what} is missing")
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise RowError(f"{what} '{raw[:40]}' is not an ISO 8601 date") from None
    return value.replace(tzinfo=BERLIN) if value.tzinfo is None else value


def read_jsonld(path: Path, source: str) -> Iterator[Parsed]:
    """The Event objects of a JSON-LD document."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"{path.name} is not valid JSON: {exc}") from exc
    if isinstance(document, dict):
        entries = document.get("@graph", [document])
    elif isinstance(document, list):
        entries = document
    else:
        raise ImportFileError(f"{path.name} holds no JSON-LD objects")
    if not isinstance(entries, list):
        raise ImportFileError(f"{path.name}: @graph is not a list")
    for index, entry in enumerate(entries):
        where = f"entry {index}"
        try:
            yield where, _event(entry, source)
        except RowError as exc:
            yield where, exc


def _text(raw: object) -> str | None:
    if isinstance(raw, dict):
        raw = raw.get("@value")
    return v.clean(raw) if isinstance(raw, str | int | float) else None


def _event(entry: Any, source: str) -> EventRecord:
    if not isinstance(entry, dict):
        raise RowError("not a JSON object")
    kind = entry.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    if not any(
        isinstance(k, str) and (k == "Event" or k.endswith("Event") or k == "Festival")
        for k in kinds
    ):
        raise RowError(f"@type {kind!r} is not an Event")
    source_id = _text(entry.get("identifier")) or _text(entry.get("@id"))
    if not source_id:
        raise RowError("identifier or @id is missing")
    name = _text(entry.get("name"))
    if not name:
        raise RowError("name is missing")
    start = _moment(entry.get("startDate"), "startDate")
    end = _moment(entry["endDate"], "endDate") if entry.get("endDate") else None
    if end is not None and end < start:
        raise RowError("endDate is before startDate")
    raw_location = entry.get("location")
    location: dict[str, Any] = raw_location if isinstance(raw_location, dict) else {}
    address = location.get("address")
    if isinstance(address, dict):
        street, code = _text(address.get("streetAddress")), _text(address.get("postalCode"))
        town = _text(address.get("addressLocality")) or "Rostock"
        address_text = (
            ", ".join(p for p in (street, f"{code or ''} {town}".strip()) if p) if street else None
        )
    else:
        address_text = _text(address)
    lat = lon = None
    geo = location.get("geo")
    if isinstance(geo, dict) and geo.get("latitude") is not None:
        lat, lon = v.rostock_point(geo.get("latitude"), geo.get("longitude"))
    chair = None
    for feature in location.get("amenityFeature") or []:
        if isinstance(feature, dict) and str(feature.get("name", "")).lower() in (
            "wheelchair",
            "wheelchairaccessible",
        ):
            chair = v.wheelchair(feature.get("value"))
    is_free = entry.get("isAccessibleForFree")
    offers = entry.get("offers")
    if is_free is None and isinstance(offers, dict) and offers.get("price") is not None:
        is_free = str(offers.get("price")).strip() in ("0", "0.0", "0.00")
    keywords = entry.get("keywords")
    hints = [*(keywords if isinstance(keywords, list) else [keywords or ""])]
    type_category = next((_TYPE_CATEGORY[k] for k in kinds if k in _TYPE_CATEGORY), None)
    return EventRecord(
        name=name,
        start=start,
        end=end,
        source=source,
        source_id=source_id,
        location_name=_text(location.get("name")),
        address=address_text,
        district=_text(location.get("containedInPlace"))
        if isinstance(location.get("containedInPlace"), str)
        else None,
        lat=lat,
        lon=lon,
        category=type_category or v.category(*[str(h) for h in hints]),
        wheelchair=chair or "unknown",
        is_free=v.optional_bool(is_free),
        description=_text(entry.get("description")),
        url=_text(entry.get("url")),
        language=_text(entry.get("inLanguage")),
    )
