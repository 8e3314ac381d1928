"""Write oparl_rostock.json: SAMPLE council data in OParl 1.1 shape (not the city's real data).

Councils: the 19 Ortsbeiräte of data/councils/ortsbeiraete_hro.csv, the Bürgerschaft, two of its
committees and one parliamentary group (which the importer must leave out). Meetings: for every
Ortsbeirat one two weeks before the anchor Monday and two after it (1-3 and 5-7 weeks later, so
there is always one ahead whatever the weekday of the import), at its Ortsamt, 18:30 Rostock time,
with an agenda that has a residents' question time. All meeting topics are invented. Most agenda
items and locations are embedded; the Bürgerschaft's are linked (OParl allows both). Deterministic.
Run from the repository root: `python data/sample/make_oparl_sample.py`.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
AREAS = HERE.parent / "councils" / "ortsbeiraete_hro.csv"
OFFICES = HERE / "ortsaemter.geojson"
ANCHOR = date(2026, 1, 5)  # a Monday; the same anchor as the other sample files
BASE = "https://sample.oparl.invalid/oparl/v1"
BODY = f"{BASE}/bodies/hro"
BERLIN = ZoneInfo("Europe/Berlin")
MODIFIED = datetime.combine(ANCHOR - timedelta(days=10), time(9, 0), BERLIN).isoformat()

TOPICS = (
    ("Strandaufgänge: Stand der Sanierung", "Kurabgabe und Parkraum in der Saison"),
    ("Busanbindung Markgrafenheide im Winter", "Waldbrandschutz in der Rostocker Heide"),
    ("Neugestaltung des Platzes am Lichtenhäger Brink", "Schulwegsicherheit"),
    ("Buslinie 31 zur Neptunwerft", "Spielplatz Kleiner Warnowdamm"),
    ("Warnowallee: Querung für Fußgänger", "Stadtteilfest im Sommer"),
    ("Sportanlage Evershagen: Umbau", "Grünflächenpflege im Stadtteil"),
    ("Fähranleger Schmarl", "IGA-Park: Veranstaltungen"),
    ("Barnstorfer Wald: Wegebeleuchtung", "Kleingartenanlagen"),
    ("Radweg Hansaviertel–Innenstadt", "Parken rund um das Stadion"),
    ("Bebauungsplan Stadtweide", "Lärmschutz an der Stadtautobahn"),
    ("Doberaner Platz: Umgestaltung", "Fahrradstraßen in der KTV"),
    ("Südstadt-Center: Zugänge barrierefrei", "Baumpflanzungen Ziolkowskistraße"),
    ("Dorfkern Biestow: Pflasterung", "Wohnungsbau am Groten Pohl"),
    ("Neuer Markt: Sitzgelegenheiten", "Baustellen in der Innenstadt"),
    ("Mühlendammschleuse", "Kinder- und Jugendtreff Brinckmansdorf"),
    ("Wege und Beleuchtung in Dierkow-Neu", "Stadtteil- und Begegnungszentrum"),
    ("Spielplatz Dierkower Höhe", "Ampel an der Hinrichsdorfer Straße"),
    ("Zum Lebensbaum: Neugestaltung des Spielplatzes", "Gastronomie im Stadtteil"),
    ("Ortsumgehung Gehlsdorf", "Ländliche Struktur der Stadtdörfer erhalten"),
)


def _at(week: int, weekday: int, hour: int, minute: int = 0) -> datetime:
    day = ANCHOR + timedelta(weeks=week, days=weekday)
    return datetime.combine(day, time(hour, minute), BERLIN)


def _offices() -> dict[str, dict[str, Any]]:
    collection = json.loads(OFFICES.read_text(encoding="utf-8"))
    return {f["properties"]["bezeichnung"]: f["properties"] for f in collection["features"]}


def _location(n: int, office: str, address: str, props: dict[str, Any]) -> dict[str, Any]:
    street, town = (part.strip() for part in address.split(",", 1))
    postcode, locality = town.split(" ", 1)
    location: dict[str, Any] = {
        "id": f"{BASE}/locations/{n}",
        "type": "https://schema.oparl.org/1.1/Location",
        "description": f"{office}, Beratungsraum",
        "streetAddress": street,
        "postalCode": postcode,
        "locality": locality,
        "hro:wheelchair": props.get("wheelchair", "unknown"),
        "modified": MODIFIED,
    }
    if props.get("wheelchair:description"):
        location["hro:accessibility"] = props["wheelchair:description"]
    return location


def _agenda(meeting: str, topic: str, closed: bool) -> list[dict[str, Any]]:
    titles = [
        ("Eröffnung, Feststellung der Beschlussfähigkeit und der Tagesordnung", True),
        ("Einwohnerfragestunde", True),
        ("Bestätigung der Niederschrift der letzten Sitzung", True),
        (topic, True),
        ("Informationen aus dem Ortsamt", True),
        ("Verschiedenes", True),
    ]
    if closed:
        titles.append(("Grundstücksangelegenheiten", False))
    return [
        {
            "id": f"{meeting}/agendaitems/{i}",
            "type": "https://schema.oparl.org/1.1/AgendaItem",
            "meeting": meeting,
            "number": f"{i}",
            "order": i,
            "name": title,
            "public": public,
            "modified": MODIFIED,
        }
        for i, (title, public) in enumerate(titles, start=1)
    ]


def build() -> dict[str, Any]:
    """The whole sample as one JSON document."""
    with AREAS.open(encoding="utf-8", newline="") as f:
        areas = list(csv.DictReader(f))
    offices = _offices()
    organizations: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    locations: list[dict[str, Any]] = []
    agenda_items: list[dict[str, Any]] = []
    office_locations: dict[str, str] = {}
    for i, area in enumerate(areas):
        org_id = f"{BASE}/organizations/{i + 1}"
        organizations.append(
            {
                "id": org_id,
                "type": "https://schema.oparl.org/1.1/Organization",
                "body": BODY,
                "name": area["name"],
                "shortName": f"OBR {area['short_name']}",
                "organizationType": "Gremium",
                "classification": "Ortsbeirat",
                "meeting": f"{org_id}/meetings",
                "web": f"https://sample.oparl.invalid/bi/gremium/{i + 1}",
                "modified": MODIFIED,
            }
        )
        office = area["ortsamt"]
        if office not in office_locations:
            location = _location(
                len(locations) + 1, office, area["ortsamt_address"], offices.get(office, {})
            )
            locations.append(location)
            office_locations[office] = location["id"]
        location = next(loc for loc in locations if loc["id"] == office_locations[office])
        for slot, week in enumerate((-2, 1 + i % 3, 5 + i % 3)):
            n = len(meetings) + 1
            meeting_id = f"{BASE}/meetings/{n}"
            start = _at(week, i % 4, 18, 30)
            topic = TOPICS[i][0 if slot < 2 else 1]
            meeting: dict[str, Any] = {
                "id": meeting_id,
                "type": "https://schema.oparl.org/1.1/Meeting",
                "name": "Sitzung des Ortsbeirates " + area["name"].removeprefix("Ortsbeirat "),
                "meetingState": "terminiert",
                "cancelled": False,
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
                "location": location,
                "organization": [org_id],
                "agendaItem": _agenda(meeting_id, topic, closed=slot == 1),
                "web": f"https://sample.oparl.invalid/bi/sitzung/{n}",
                "modified": MODIFIED,
            }
            if area["short_name"] == "Lichtenhagen" and slot == 2:
                meeting["cancelled"] = True
                meeting["meetingState"] = "abgesagt"
            if area["short_name"] == "Schmarl" and slot == 2:
                del meeting["end"], meeting["location"], meeting["agendaItem"]  # not yet known
            meetings.append(meeting)
    rathaus = {
        "id": f"{BASE}/locations/{len(locations) + 1}",
        "type": "https://schema.oparl.org/1.1/Location",
        "description": "Rathaus, Bürgerschaftssaal",
        "streetAddress": "Neuer Markt 1",
        "postalCode": "18055",
        "locality": "Rostock",
        "hro:wheelchair": "yes",
        "hro:accessibility": "Aufzug im Innenhof; Induktionsschleife im Saal.",
        "modified": MODIFIED,
    }
    locations.append(rathaus)
    others = (
        ("Bürgerschaft der Hanse- und Universitätsstadt Rostock", "Bürgerschaft", "Vertretung",
         2, 16, (("Einwohnerfragestunde", True), ("Haushaltssatzung 2027", True),
                 ("Bericht der Oberbürgermeisterin", True))),
        ("Ausschuss für Stadt- und Regionalentwicklung, Umwelt und Ordnung", "Bauausschuss",
         "Ausschuss", 1, 17, (("Einwohnerfragestunde", True), ("Bebauungspläne", True))),
        ("Ausschuss für Soziales, Gesundheit und Migration", "Sozialausschuss", "Ausschuss",
         3, 17, (("Einwohnerfragestunde", True), ("Seniorenbeirat: Bericht", True))),
    )  # fmt: skip
    for name, short, classification, weekday, hour, items in others:
        org_id = f"{BASE}/organizations/{len(organizations) + 1}"
        organizations.append(
            {
                "id": org_id,
                "type": "https://schema.oparl.org/1.1/Organization",
                "body": BODY,
                "name": name,
                "shortName": short,
                "organizationType": "Gremium",
                "classification": classification,
                "meeting": f"{org_id}/meetings",
                "modified": MODIFIED,
            }
        )
        for week in (1, 5):
            n = len(meetings) + 1
            meeting_id = f"{BASE}/meetings/{n}"
            start = _at(week, weekday, hour)
            linked = []
            for order, (title, public) in enumerate(items, start=1):
                item_id = f"{BASE}/agendaitems/{len(agenda_items) + 1}"
                agenda_items.append(
                    {
                        "id": item_id,
                        "type": "https://schema.oparl.org/1.1/AgendaItem",
                        "meeting": meeting_id,
                        "number": f"{order}",
                        "order": order,
                        "name": title,
                        "public": public,
                        "modified": MODIFIED,
                    }
                )
                linked.append(item_id)
            meetings.append(
                {
                    "id": meeting_id,
                    "type": "https://schema.oparl.org/1.1/Meeting",
                    "name": f"Sitzung: {short}",
                    "start": start.isoformat(),
                    "end": (start + timedelta(hours=3)).isoformat(),
                    "location": rathaus["id"],
                    "organization": [org_id],
                    "agendaItem": linked,
                    "modified": MODIFIED,
                }
            )
    organizations.append(
        {
            "id": f"{BASE}/organizations/{len(organizations) + 1}",
            "type": "https://schema.oparl.org/1.1/Organization",
            "body": BODY,
            "name": "Fraktion Beispiel",
            "organizationType": "Fraktion",
            "modified": MODIFIED,
        }
    )
    return {
        "note": "SAMPLE DATA in OParl 1.1 shape, not the city's real council data. Made by "
        "make_oparl_sample.py; dates move with the import day (see data/README.md).",
        "anchor_date": ANCHOR.isoformat(),
        "base": BASE,
        "system": {
            "id": f"{BASE}/system",
            "type": "https://schema.oparl.org/1.1/System",
            "oparlVersion": "https://schema.oparl.org/1.1/",
            "name": "Ratsinformationssystem (Beispieldaten)",
            "body": f"{BASE}/bodies",
        },
        "bodies": [
            {
                "id": BODY,
                "type": "https://schema.oparl.org/1.1/Body",
                "system": f"{BASE}/system",
                "name": "Hanse- und Universitätsstadt Rostock",
                "shortName": "Rostock",
                "organization": f"{BODY}/organizations",
                "meeting": f"{BODY}/meetings",
                "modified": MODIFIED,
            }
        ],
        "organizations": organizations,
        "meetings": meetings,
        "locations": locations,
        "agendaItems": agenda_items,
    }


def main() -> None:
    """Write the file."""
    sample = build()
    (HERE / "oparl_rostock.json").write_text(
        json.dumps(sample, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(sample['organizations'])} organizations, {len(sample['meetings'])} meetings")


if __name__ == "__main__":
    main()
