"""OpenData.HRO files: the toiletten CSV and point GeoJSON with the city's published field names."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cityapi.importers import values as v
from cityapi.importers.records import ImportFileError, PlaceRecord, RowError

TOILETTEN_REQUIRED = ("uuid", "longitude", "latitude", "behindertengerecht")

Parsed = tuple[str, PlaceRecord | RowError]


def read_toiletten_csv(path: Path, source: str) -> Iterator[Parsed]:
    """Rows of the city's toiletten.csv (uuid, longitude, latitude, gemeindeteil_name, …)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"cannot read {path.name}: {exc}") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    missing = [f for f in TOILETTEN_REQUIRED if f not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(
            f"{path.name} is not a toiletten CSV: columns {', '.join(missing)} missing"
        )
    for number, row in enumerate(reader, start=2):
        where = f"line {number}"
        try:
            yield where, _toilet(row, source)
        except RowError as exc:
            yield where, exc


def _toilet(row: dict[str, Any], source: str) -> PlaceRecord:
    uuid = v.clean(row.get("uuid"), 200)
    if not uuid:
        raise RowError("uuid is missing")
    lat, lon = v.rostock_point(row.get("latitude"), row.get("longitude"))
    accessible = v.optional_bool(row.get("behindertengerecht"))
    hours, raw_hours = v.opening_hours(row.get("zeiten"))
    street = v.clean(row.get("strasse_name"))
    art = v.clean(row.get("art")) or "Toilette"
    notes = []
    if operator := v.clean(row.get("bewirtschafter")):
        notes.append(f"Betreiber: {operator}.")
    if raw_hours:
        notes.append(f"Öffnungszeiten: {raw_hours}.")
    return PlaceRecord(
        type="toilet",
        name=f"{art} {street}" if street else art,
        lat=lat,
        lon=lon,
        source=source,
        source_id=uuid,
        address=v.join_address(
            street, row.get("hausnummer"), row.get("hausnummer_zusatz"), row.get("postleitzahl")
        ),
        ortsteil=v.clean(row.get("gemeindeteil_name"), 64),
        opening_hours=hours,
        description=" ".join(notes) or None,
        wheelchair="unknown" if accessible is None else ("yes" if accessible else "no"),
        wheelchair_toilet=accessible,
    )


def read_geojson(path: Path, place_type: str, source: str) -> Iterator[Parsed]:
    """Point features with the city's fields (uuid, bezeichnung, strasse_name, barrierefrei, …)."""
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"{path.name} is not valid JSON: {exc}") from exc
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ImportFileError(f"{path.name} is not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list):
        raise ImportFileError(f"{path.name} has no features list")
    for index, feature in enumerate(features):
        where = f"feature {index}"
        try:
            yield where, _feature(feature, place_type, source)
        except RowError as exc:
            yield where, exc


def _feature(feature: Any, place_type: str, source: str) -> PlaceRecord:
    if not isinstance(feature, dict):
        raise RowError("not a GeoJSON feature")
    geometry = feature.get("geometry") or {}
    props = feature.get("properties") or {}
    if not isinstance(props, dict) or not isinstance(geometry, dict):
        raise RowError("properties or geometry is not an object")
    if geometry.get("type") != "Point":
        raise RowError(f"geometry is {geometry.get('type')!r}, not a Point")
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        raise RowError("Point has no coordinates")
    lat, lon = v.rostock_point(coords[1], coords[0])
    source_id = v.clean(props.get("uuid") or props.get("id") or feature.get("id"), 200)
    if not source_id:
        raise RowError("uuid is missing")
    name = v.clean(props.get("bezeichnung") or props.get("name"), 300)
    if not name:
        raise RowError("bezeichnung is missing")
    accessible = v.optional_bool(props.get("barrierefrei"))
    chair = v.wheelchair(props.get("wheelchair")) or (
        "unknown" if accessible is None else ("yes" if accessible else "no")
    )
    hours, raw_hours = v.opening_hours(props.get("oeffnungszeiten"))
    parts = [v.clean(props.get("beschreibung"), 2000)]
    if operator := v.clean(props.get("traeger")):
        parts.append(f"Träger: {operator}.")
    if raw_hours:
        parts.append(f"Öffnungszeiten: {raw_hours}.")
    description = " ".join(p for p in parts if p) or None
    return PlaceRecord(
        type=place_type,
        name=name,
        lat=lat,
        lon=lon,
        source=source,
        source_id=source_id,
        address=v.join_address(
            props.get("strasse_name"),
            props.get("hausnummer"),
            props.get("hausnummer_zusatz"),
            props.get("postleitzahl"),
        ),
        ortsteil=v.clean(props.get("gemeindeteil_name"), 64),
        opening_hours=hours,
        phone=v.clean(props.get("telefon_festnetz") or props.get("telefon"), 64),
        email=v.clean(props.get("email"), 200),
        website=v.clean(props.get("website"), 500),
        description=description,
        wheelchair=chair,
        wheelchair_toilet=v.optional_bool(props.get("toilets:wheelchair")),
        euro_key=_eurokey(props.get("centralkey")),
        tactile_paving=v.optional_bool(props.get("tactile_paving")),
        induction_loop=v.optional_bool(props.get("hearing_loop")),
        step_free_entrance=v.optional_bool(props.get("entrance:step_free")),
        accessibility_notes=v.clean(props.get("wheelchair:description"), 1000),
    )


def _eurokey(raw: object) -> bool | None:
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip().lower()
    if text == "eurokey":
        return True
    return v.optional_bool(text)
