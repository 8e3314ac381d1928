"""Generates the Rostock SAMPLE data in the city's own formats (run once; the output is committed).

    $APP_VENV/bin/python data/sample/make_sample.py

Writes toiletten.csv (OpenData.HRO's published columns), one GeoJSON per place type (the city's
field names plus OSM accessibility keys), veranstaltungen.ics (iCalendar) and veranstaltungen.jsonld
(schema.org Event) and manifest.json. Everything is sample data: real street names and a few real
landmarks, but invented details. Event dates are written relative to ANCHOR;
`python -m cityapi import sample` moves them by whole weeks to the current week, so "today",
"this weekend" and "next week" always have events.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shapely.geometry import Point

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import make_oparl_sample  # noqa: E402  # the sibling script, found because this one runs as a script

from cityapi.districts import DistrictRegistry  # noqa: E402

ANCHOR = date(2026, 1, 5)  # a Monday; offsets below count days from it
BERLIN = ZoneInfo("Europe/Berlin")
NS = uuid.UUID("6f1c2d1e-5a3b-4c2d-9e8f-0a1b2c3d4e5f")
rng = random.Random(20261126)
registry = DistrictRegistry.load(HERE.parent / "districts")

# Stadtbereich -> (postcode, streets, main Ortsteil to place points in)
AREAS: dict[str, tuple[str, list[str]]] = {
    "Stadtmitte": (
        "18055",
        [
            "Kröpeliner Straße",
            "Neuer Markt",
            "Lange Straße",
            "Breite Straße",
            "Am Strande",
            "Große Wasserstraße",
            "Universitätsplatz",
            "Wallstraße",
            "Grubenstraße",
        ],
    ),
    "Kröpeliner-Tor-Vorstadt": (
        "18057",
        [
            "Doberaner Straße",
            "Budapester Straße",
            "Leonhardstraße",
            "Patriotischer Weg",
            "Kopernikusstraße",
            "Margaretenstraße",
        ],
    ),
    "Südstadt": (
        "18059",
        [
            "Südring",
            "Ziolkowskistraße",
            "Albert-Einstein-Straße",
            "Majakowskistraße",
            "Pawlowstraße",
            "Nobelstraße",
        ],
    ),
    "Hansaviertel": ("18057", ["Lübecker Straße", "Parkstraße", "Saarplatz", "Maßmannstraße"]),
    "Reutershagen": (
        "18069",
        [
            "Hamburger Straße",
            "Holbeinplatz",
            "Goerdelerstraße",
            "Kuphalstraße",
            "Tschaikowskistraße",
        ],
    ),
    "Gartenstadt/Stadtweide": ("18059", ["Kiefernweg", "Stadtweide", "Tannenweg", "Ahornweg"]),
    "Biestow": ("18059", ["Biestower Damm", "Am Dorfteich", "Dorfstraße"]),
    "Brinckmansdorf": ("18055", ["Tessiner Straße", "Neubrandenburger Straße", "Kassebohmer Weg"]),
    "Dierkow-Neu": (
        "18146",
        ["Kurt-Schumacher-Ring", "Hannes-Meyer-Platz", "Pablo-Picasso-Straße"],
    ),
    "Dierkow-Ost": ("18146", ["Alt Dierkow", "Dierkower Damm"]),
    "Dierkow-West": ("18146", ["Gutenbergstraße", "Hinrichsdorfer Straße", "Dierkower Damm"]),
    "Toitenwinkel": (
        "18147",
        [
            "Olof-Palme-Straße",
            "Martin-Luther-King-Allee",
            "Zum Lebensbaum",
            "Salvador-Allende-Straße",
        ],
    ),
    "Gehlsdorf": ("18147", ["Fährberg", "Pressentinstraße", "Uferpromenade"]),
    "Rostock-Ost": ("18147", ["Krummendorfer Straße", "Peezer Straße", "Dorfstraße"]),
    "Rostock-Heide": ("18146", ["Warnemünder Straße", "Am Yachthafen", "Dorfstraße"]),
    "Warnemünde": (
        "18119",
        [
            "Am Strom",
            "Seestraße",
            "Kirchenplatz",
            "Mühlenstraße",
            "Kurhausstraße",
            "Alexandrinenstraße",
            "Richard-Wagner-Straße",
        ],
    ),
    "Lichtenhagen": ("18109", ["Lichtenhäger Brink", "Mecklenburger Allee", "Möllner Straße"]),
    "Groß Klein": ("18109", ["Schiffbauerring", "Taklerring", "Gerüstbauerring"]),
    "Lütten Klein": (
        "18107",
        ["Rigaer Straße", "St.-Petersburger-Straße", "Warnowallee", "Kopenhagener Straße"],
    ),
    "Evershagen": ("18106", ["Maxim-Gorki-Straße", "Thomas-Morus-Straße", "Bertolt-Brecht-Straße"]),
    "Schmarl": ("18106", ["Schmarler Damm", "Stephan-Jantzen-Ring", "Hundsburgallee"]),
}
MAIN_ORTSTEIL = {
    "Warnemünde": "Seebad Warnemünde",
    "Rostock-Heide": "Seebad Markgrafenheide",
    "Rostock-Ost": "Krummendorf",
}
ALL_AREAS = list(AREAS)


def point_in(area: str, ortsteil: str | None = None) -> tuple[float, float]:
    """A random point well inside the Ortsteil's polygon."""
    sb = next(s for s in registry.stadtbereiche if s.name == area)
    shape = registry.ortsteil_shape(ortsteil or MAIN_ORTSTEIL.get(area, sb.ortsteile[0])).buffer(
        -0.002
    )
    min_x, min_y, max_x, max_y = shape.bounds
    while True:
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shape.contains(Point(x, y)):
            return round(y, 6), round(x, 6)


def address(area: str, street: str | None = None) -> dict[str, str]:
    """The city's address fields for a street in that area."""
    postcode, streets = AREAS[area]
    number = str(rng.randint(1, 60))
    return {
        "strasse_name": street or rng.choice(streets),
        "hausnummer": number,
        "hausnummer_zusatz": rng.choice(["", "", "", "a", "b"]),
        "postleitzahl": postcode,
    }


def uid(*parts: object) -> str:
    """A stable uuid for a sample record."""
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


# ---------------------------------------------------------------- toilets (toiletten.csv)
TOILET_HOURS = [
    "Mo-Su 06:00-22:00",
    "24/7",
    "Mo-Fr 08:00-18:00; Sa 09:00-14:00; PH off",
    "Apr-Oct: Mo-Su 08:00-20:00; Nov-Mar: Mo-Su 09:00-17:00",
    "durchgehend geöffnet",
    "Mo-Sa 10:00-19:00; Su,PH off",
    "nach Absprache mit dem Betreiber",
    "",
]
TOILET_AREAS = (
    ["Stadtmitte"] * 5
    + ["Warnemünde"] * 4
    + ["Kröpeliner-Tor-Vorstadt"] * 2
    + [
        "Südstadt",
        "Südstadt",
        "Rostock-Heide",
        "Rostock-Heide",
        "Lütten Klein",
        "Evershagen",
        "Reutershagen",
        "Gehlsdorf",
        "Toitenwinkel",
        "Dierkow-Neu",
        "Schmarl",
        "Groß Klein",
        "Lichtenhagen",
        "Hansaviertel",
        "Brinckmansdorf",
        "Biestow",
        "Gartenstadt/Stadtweide",
        "Dierkow-West",
        "Rostock-Ost",
        "Warnemünde",
        "Stadtmitte",
        "Dierkow-Ost",
    ]
)


def toilets() -> list[dict[str, str]]:
    """Rows of toiletten.csv."""
    rows = []
    for i, area in enumerate(TOILET_AREAS):
        lat, lon = point_in(area)
        found = registry.locate(lat, lon)
        assert found is not None
        accessible = rng.random() < 0.6
        rows.append(
            {
                "uuid": uid("toilet", i),
                "longitude": f"{lon:.6f}",
                "latitude": f"{lat:.6f}",
                "gemeindeteil_name": found.ortsteil,
                **address(area),
                "behindertengerecht": "true" if accessible else "false",
                "art": rng.choice(
                    ["Toilettenanlage", "Toilettenanlage", "Toilettencontainer", "Nette Toilette"]
                ),
                "bewirtschafter": rng.choice(
                    [
                        "Hanse- und Universitätsstadt Rostock",
                        "Tourismuszentrale Rostock & Warnemünde",
                        "private Gastronomie",
                    ]
                ),
                "zeiten": TOILET_HOURS[i % len(TOILET_HOURS)],
            }
        )
    return rows


# ---------------------------------------------------------------- other place types (GeoJSON)
# (type, file, [(name, area, street or None, extra props)], default hours choices)
A11Y_VARIANTS = [
    {
        "barrierefrei": True,
        "wheelchair": "yes",
        "toilets:wheelchair": "yes",
        "centralkey": "eurokey",
        "entrance:step_free": "yes",
        "tactile_paving": "yes",
        "hearing_loop": "yes",
    },
    {
        "barrierefrei": True,
        "wheelchair": "yes",
        "toilets:wheelchair": "yes",
        "entrance:step_free": "yes",
    },
    {
        "barrierefrei": False,
        "wheelchair": "limited",
        "entrance:step_free": "no",
        "wheelchair:description": "Eine Stufe (etwa 5 cm) am Eingang, Rampe auf Nachfrage.",
    },
    {
        "barrierefrei": False,
        "wheelchair": "no",
        "entrance:step_free": "no",
        "wheelchair:description": "Eingang nur über Treppe.",
    },
    {},
]


def places_of(
    kind: str,
    entries: list[tuple[str, str, str | None]],
    hours: list[str],
    a11y: list[dict[str, object]] | None = None,
    extra: dict[str, object] | None = None,
    fixed: dict[str, tuple[float, float]] | None = None,
) -> dict[str, object]:
    """A FeatureCollection of one place type."""
    features = []
    for i, (name, area, street) in enumerate(entries):
        lat, lon = (fixed or {}).get(name) or point_in(area)
        found = registry.locate(lat, lon)
        assert found is not None, name
        assert found.district == area, (name, area, found)
        props: dict[str, object] = {
            "uuid": uid(kind, name),
            "bezeichnung": name,
            **address(area, street),
            "gemeindeteil_name": found.ortsteil,
        }
        if hours:
            props["oeffnungszeiten"] = hours[i % len(hours)]
        props.update((a11y or A11Y_VARIANTS)[i % len(a11y or A11Y_VARIANTS)])
        props.update(extra or {})
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"{kind} (Beispieldaten / sample data)",
        "features": features,
    }


LANDMARKS = {
    "Leuchtturm Warnemünde": (54.18139, 12.08583),
    "Ortsamt West (Holbeinplatz)": (54.09296, 12.09804),
    "Rostock Hauptbahnhof": (54.077793, 12.129966),
}

GEOJSON: list[tuple[str, str, dict[str, object]]] = [
    (
        "library",
        "bibliotheken.geojson",
        places_of(
            "bibliotheken",
            [
                ("Stadtbibliothek Rostock – Zentralbibliothek", "Stadtmitte", "Kröpeliner Straße"),
                ("Stadtteilbibliothek Südstadt", "Südstadt", "Majakowskistraße"),
                ("Stadtteilbibliothek Lütten Klein", "Lütten Klein", "Warnowallee"),
                ("Stadtteilbibliothek Evershagen", "Evershagen", "Maxim-Gorki-Straße"),
                ("Stadtteilbibliothek Dierkow", "Dierkow-Neu", "Kurt-Schumacher-Ring"),
                ("Stadtteilbibliothek Reutershagen", "Reutershagen", "Goerdelerstraße"),
                ("Stadtteilbibliothek Warnemünde", "Warnemünde", "Kirchenplatz"),
                ("Stadtteilbibliothek Toitenwinkel", "Toitenwinkel", "Olof-Palme-Straße"),
                ("Stadtteilbibliothek Groß Klein", "Groß Klein", "Gerüstbauerring"),
                ("Universitätsbibliothek Südstadt", "Südstadt", "Albert-Einstein-Straße"),
            ],
            [
                "Mo,Tu,Th,Fr 10:00-18:00; Sa 10:00-13:00; PH off",
                "Tu-Fr 10:00-18:00; PH off",
                "Mo-Fr 09:00-19:00; Sa 10:00-14:00; PH off",
            ],
            extra={
                "traeger": "Hanse- und Universitätsstadt Rostock",
                "telefon_festnetz": "+49 381 381-2850",
            },
        ),
    ),
    (
        "museum",
        "museen.geojson",
        places_of(
            "museen",
            [
                ("Kulturhistorisches Museum Rostock", "Stadtmitte", "Klosterhof"),
                ("Kröpeliner Tor", "Stadtmitte", "Kröpeliner Straße"),
                ("Schifffahrtsmuseum im IGA Park", "Schmarl", "Schmarler Damm"),
                ("Kunsthalle Rostock", "Reutershagen", "Hamburger Straße"),
                ("Heimatmuseum Warnemünde", "Warnemünde", "Alexandrinenstraße"),
                ("Leuchtturm Warnemünde", "Warnemünde", "Seestraße"),
                ("Max-Samuel-Haus", "Stadtmitte", "Schillerplatz"),
                (
                    "Dokumentations- und Gedenkstätte in der ehemaligen U-Haft der Stasi",
                    "Kröpeliner-Tor-Vorstadt",
                    "Hermannstraße",
                ),
                ("Heimatstube Gehlsdorf", "Gehlsdorf", "Fährberg"),
            ],
            [
                "Tu-Su 10:00-18:00; PH off",
                "Apr-Oct: Mo-Su 10:00-19:00; Nov-Mar: Sa,Su 11:00-16:00",
                "We-Su 11:00-17:00; Dec 24-26 off",
                "Tu-Su 11:00-18:00",
            ],
            extra={"traeger": "Hanse- und Universitätsstadt Rostock"},
            fixed=LANDMARKS,
        ),
    ),
    (
        "swimming_pool",
        "schwimmbaeder.geojson",
        places_of(
            "schwimmbaeder",
            [
                ("Neptun-Schwimmhalle", "Kröpeliner-Tor-Vorstadt", "Kopernikusstraße"),
                ("Schwimmhalle Lütten Klein", "Lütten Klein", "Kopenhagener Straße"),
                ("Schwimmhalle Gehlsdorf", "Gehlsdorf", "Pressentinstraße"),
                ("Hallenbad Warnemünde", "Warnemünde", "Kurhausstraße"),
                ("Lehrschwimmhalle Südstadt", "Südstadt", "Südring"),
            ],
            [
                "Mo-Fr 06:30-22:00; Sa,Su 08:00-20:00; PH 10:00-18:00",
                "Mo-Fr 14:00-21:00; Sa,Su 10:00-18:00; PH off",
            ],
            extra={
                "traeger": "Kommunale Bäder Rostock (Beispiel)",
                "telefon_festnetz": "+49 381 440 0",
            },
        ),
    ),
    (
        "citizen_office",
        "ortsaemter.geojson",
        places_of(
            "ortsaemter",
            [
                ("Ortsamt Mitte", "Stadtmitte", "Neuer Markt"),
                ("Ortsamt West (Holbeinplatz)", "Reutershagen", "Holbeinplatz"),
                ("Ortsamt Nordwest 1", "Lütten Klein", "Warnowallee"),
                ("Ortsamt Nordwest 2", "Evershagen", "Thomas-Morus-Straße"),
                ("Ortsamt Nordost", "Dierkow-Neu", "Kurt-Schumacher-Ring"),
                ("Ortsamt Ost", "Toitenwinkel", "Zum Lebensbaum"),
                ("Ortsamt Südwest", "Südstadt", "Ziolkowskistraße"),
                ("Bürgerbüro Warnemünde", "Warnemünde", "Kirchenplatz"),
            ],
            [
                "Mo 09:00-12:00; Tu 09:00-12:00,13:00-18:00; Th 09:00-12:00,13:00-16:00;"
                " Fr 09:00-12:00; PH off"
            ],
            a11y=A11Y_VARIANTS[:3],
            extra={
                "traeger": "Hanse- und Universitätsstadt Rostock",
                "telefon_festnetz": "+49 381 381-0",
                "email": "buergerservice@rostock.de",
                "website": "https://rathaus.rostock.de",
            },
            fixed=LANDMARKS,
        ),
    ),
    (
        "meeting_place",
        "begegnungszentren.geojson",
        places_of(
            "begegnungszentren",
            [
                ("Börgerhus Groß Klein", "Groß Klein", "Taklerring"),
                ("Stadtteiltreff Lütten Klein", "Lütten Klein", "Rigaer Straße"),
                ("Mehrgenerationenhaus Evershagen", "Evershagen", "Maxim-Gorki-Straße"),
                ("Begegnungszentrum Südstadt", "Südstadt", "Pawlowstraße"),
                ("Stadtteilzentrum Toitenwinkel", "Toitenwinkel", "Martin-Luther-King-Allee"),
                ("Begegnungsstätte Dierkow", "Dierkow-West", "Gutenbergstraße"),
                ("Stadtteiltreff KTV", "Kröpeliner-Tor-Vorstadt", "Leonhardstraße"),
                ("Nachbarschaftstreff Schmarl", "Schmarl", "Stephan-Jantzen-Ring"),
                ("Begegnungszentrum Lichtenhagen", "Lichtenhagen", "Möllner Straße"),
                ("Seniorentreff Reutershagen", "Reutershagen", "Kuphalstraße"),
                ("Gemeindehaus Biestow", "Biestow", "Am Dorfteich"),
                ("Dorfgemeinschaftshaus Markgrafenheide", "Rostock-Heide", "Warnemünder Straße"),
            ],
            [
                "Mo-Fr 09:00-17:00; PH off",
                "Mo-Th 10:00-18:00; Fr 10:00-14:00; PH off",
                "Tu,Th 14:00-19:00",
            ],
            extra={"traeger": "freier Träger (Beispiel)"},
        ),
    ),
    (
        "playground",
        "spielplaetze.geojson",
        places_of(
            "spielplaetze",
            [
                (f"Spielplatz {street}", area, street)
                for area, street in [
                    ("Stadtmitte", "Wallstraße"),
                    ("Kröpeliner-Tor-Vorstadt", "Margaretenstraße"),
                    ("Südstadt", "Nobelstraße"),
                    ("Hansaviertel", "Saarplatz"),
                    ("Reutershagen", "Tschaikowskistraße"),
                    ("Gartenstadt/Stadtweide", "Kiefernweg"),
                    ("Biestow", "Dorfstraße"),
                    ("Brinckmansdorf", "Tessiner Straße"),
                    ("Dierkow-Ost", "Alt Dierkow"),
                    ("Toitenwinkel", "Salvador-Allende-Straße"),
                    ("Gehlsdorf", "Uferpromenade"),
                    ("Warnemünde", "Mühlenstraße"),
                    ("Lichtenhagen", "Lichtenhäger Brink"),
                    ("Groß Klein", "Schiffbauerring"),
                    ("Evershagen", "Bertolt-Brecht-Straße"),
                    ("Schmarl", "Hundsburgallee"),
                    ("Rostock-Ost", "Peezer Straße"),
                ]
            ],
            [
                "Mo-Su 07:00-21:00",
                "Mo-Su 08:00-20:00",
                "Apr-Sep: Mo-Su 08:00-21:00; Oct-Mar: Mo-Su 08:00-18:00",
            ],
            a11y=[
                {"wheelchair": "yes", "barrierefrei": True},
                {"wheelchair": "limited"},
                {"wheelchair": "no"},
                {},
            ],
        ),
    ),
    (
        "beach",
        "strand.geojson",
        places_of(
            "strand",
            [
                ("Hauptstrand Warnemünde (Strandaufgang 5)", "Warnemünde", "Seestraße"),
                ("Strand Warnemünde West (Strandaufgang 8)", "Warnemünde", "Kurhausstraße"),
                ("Strand Diedrichshagen", "Warnemünde", None),
                ("Strand Markgrafenheide", "Rostock-Heide", "Warnemünder Straße"),
                ("Strand Hohe Düne", "Rostock-Heide", "Am Yachthafen"),
                ("Badestelle Gehlsdorf (Warnow)", "Gehlsdorf", "Uferpromenade"),
                ("Badestelle Krummendorf (Breitling)", "Rostock-Ost", "Krummendorfer Straße"),
            ],
            ["May-Sep: Mo-Su 09:00-18:00", "24/7"],
            a11y=[
                {
                    "wheelchair": "yes",
                    "barrierefrei": True,
                    "wheelchair:description": "Holzbohlenweg bis ans Wasser, "
                    "Strandrollstuhl im Rettungsturm ausleihbar.",
                },
                {"wheelchair": "limited", "wheelchair:description": "Steiler Strandaufgang."},
                {"wheelchair": "no"},
            ],
            fixed={"Strand Diedrichshagen": (54.1706, 12.0365)},
        ),
    ),
    (
        "parking_garage",
        "parkhaeuser.geojson",
        places_of(
            "parkhaeuser",
            [
                ("Parkhaus Am Kröpeliner Tor", "Stadtmitte", "Wallstraße"),
                ("Parkhaus Lange Straße", "Stadtmitte", "Lange Straße"),
                ("Tiefgarage Universitätsplatz", "Stadtmitte", "Universitätsplatz"),
                ("Parkhaus Hauptbahnhof Süd", "Südstadt", "Südring"),
                ("Parkhaus Doberaner Platz", "Kröpeliner-Tor-Vorstadt", "Doberaner Straße"),
                ("Parkhaus Warnemünde Bahnhof", "Warnemünde", "Am Strom"),
                ("Parkdeck Lütten Klein Zentrum", "Lütten Klein", "St.-Petersburger-Straße"),
                ("Parkhaus Dierkower Damm", "Dierkow-West", "Dierkower Damm"),
            ],
            ["24/7", "Mo-Sa 07:00-22:00; Su,PH 10:00-20:00", "Mo-Sa 06:00-24:00"],
            a11y=[
                {
                    "wheelchair": "yes",
                    "wheelchair:description": "Behindertenstellplätze im Erdgeschoss, Aufzug.",
                },
                {"wheelchair": "limited", "wheelchair:description": "Aufzug nur bis Ebene 2."},
            ],
            extra={"traeger": "Parkraumbewirtschaftung (Beispiel)"},
        ),
    ),
    (
        "disabled_parking",
        "behindertenparkplaetze.geojson",
        places_of(
            "behindertenparkplaetze",
            [
                (f"Behindertenparkplatz {street}", area, street)
                for area, street in [
                    ("Stadtmitte", "Neuer Markt"),
                    ("Stadtmitte", "Große Wasserstraße"),
                    ("Stadtmitte", "Am Strande"),
                    ("Kröpeliner-Tor-Vorstadt", "Budapester Straße"),
                    ("Südstadt", "Ziolkowskistraße"),
                    ("Warnemünde", "Am Strom"),
                    ("Warnemünde", "Richard-Wagner-Straße"),
                    ("Reutershagen", "Hamburger Straße"),
                    ("Lütten Klein", "Warnowallee"),
                    ("Evershagen", "Thomas-Morus-Straße"),
                    ("Dierkow-Neu", "Hannes-Meyer-Platz"),
                    ("Toitenwinkel", "Olof-Palme-Straße"),
                    ("Hansaviertel", "Lübecker Straße"),
                    ("Gehlsdorf", "Fährberg"),
                ]
            ],
            ["24/7"],
            a11y=[
                {
                    "wheelchair": "yes",
                    "wheelchair:description": "2 Stellplätze, 3,50 m breit, Parkausweis nötig.",
                },
                {
                    "wheelchair": "yes",
                    "wheelchair:description": "1 Stellplatz mit abgesenktem Bordstein.",
                },
            ],
        ),
    ),
    (
        "defibrillator",
        "defibrillatoren.geojson",
        places_of(
            "defibrillatoren",
            [
                ("Defibrillator Rathaus", "Stadtmitte", "Neuer Markt"),
                ("Defibrillator Hauptbahnhof", "Südstadt", "Südring"),
                ("Defibrillator Rostock Hauptbahnhof Nord", "Südstadt", "Ziolkowskistraße"),
                (
                    "Defibrillator Neptun-Schwimmhalle",
                    "Kröpeliner-Tor-Vorstadt",
                    "Kopernikusstraße",
                ),
                ("Defibrillator Strandaufgang 5", "Warnemünde", "Seestraße"),
                ("Defibrillator Bahnhof Warnemünde", "Warnemünde", "Am Strom"),
                ("Defibrillator Einkaufszentrum Lütten Klein", "Lütten Klein", "Warnowallee"),
                ("Defibrillator Ortsamt Nordost", "Dierkow-Neu", "Kurt-Schumacher-Ring"),
                ("Defibrillator Sporthalle Evershagen", "Evershagen", "Bertolt-Brecht-Straße"),
                (
                    "Defibrillator Stadtteilzentrum Toitenwinkel",
                    "Toitenwinkel",
                    "Martin-Luther-King-Allee",
                ),
                ("Defibrillator Kunsthalle", "Reutershagen", "Hamburger Straße"),
                ("Defibrillator Fähranleger Gehlsdorf", "Gehlsdorf", "Fährberg"),
                ("Defibrillator Feuerwehr Markgrafenheide", "Rostock-Heide", "Warnemünder Straße"),
            ],
            ["24/7", "Mo-Fr 07:00-20:00; Sa 08:00-16:00", "Mo-Su 06:00-22:00"],
            a11y=[
                {"wheelchair": "yes"},
                {"wheelchair": "limited", "wheelchair:description": "Im Foyer, eine Stufe."},
                {"wheelchair": "unknown"},
            ],
        ),
    ),
    (
        "public_transport_stop",
        "haltestellen.geojson",
        places_of(
            "haltestellen",
            [
                ("Rostock Hauptbahnhof", "Südstadt", "Südring"),
                ("Lange Straße", "Stadtmitte", "Lange Straße"),
                ("Neuer Markt", "Stadtmitte", "Neuer Markt"),
                ("Steintor", "Stadtmitte", "Wallstraße"),
                ("Doberaner Platz", "Kröpeliner-Tor-Vorstadt", "Doberaner Straße"),
                ("Holbeinplatz", "Reutershagen", "Holbeinplatz"),
                ("Warnemünde Bahnhof", "Warnemünde", "Am Strom"),
                ("Lütten Klein Zentrum", "Lütten Klein", "Warnowallee"),
                ("Evershagen S-Bahn", "Evershagen", "Maxim-Gorki-Straße"),
                ("Lichtenhagen S-Bahn", "Lichtenhagen", "Mecklenburger Allee"),
                ("Toitenwinkel Zentrum", "Toitenwinkel", "Olof-Palme-Straße"),
                ("Dierkower Kreuz", "Dierkow-West", "Dierkower Damm"),
                ("Südblick", "Biestow", "Biestower Damm"),
                ("Stadtweide", "Gartenstadt/Stadtweide", "Stadtweide"),
                ("Hohe Düne Fähre", "Rostock-Heide", "Am Yachthafen"),
                ("Marienehe", "Schmarl", "Schmarler Damm"),
                ("Brinckmansdorf Kassebohm", "Brinckmansdorf", "Kassebohmer Weg"),
            ],
            [],
            a11y=[
                {"wheelchair": "yes", "tactile_paving": "yes", "barrierefrei": True},
                {"wheelchair": "yes", "tactile_paving": "no"},
                {
                    "wheelchair": "limited",
                    "tactile_paving": "no",
                    "wheelchair:description": "Hoher Bordstein.",
                },
            ],
            extra={"traeger": "Rostocker Straßenbahn AG (Beispiel)"},
            fixed=LANDMARKS,
        ),
    ),
]

# ---------------------------------------------------------------- events
# (offset days from ANCHOR, start HH:MM, duration hours, name, category,
#  place name or (area, street),
#  wheelchair, free, language)
EventSpec = tuple[int, str, float, str, str, object, str, bool, str]
EVENTS: list[EventSpec] = []
for day in range(0, 21):
    weekday = (ANCHOR + timedelta(days=day)).weekday()
    if weekday < 6:
        EVENTS.append(
            (
                day,
                "08:00",
                5,
                "Wochenmarkt auf dem Neuen Markt",
                "market",
                ("Stadtmitte", "Neuer Markt"),
                "yes",
                True,
                "de",
            )
        )
    EVENTS.append(
        (
            day,
            "11:00",
            1.5,
            "Stadtführung durch die Altstadt",
            "guided_tour",
            ("Stadtmitte", "Universitätsplatz"),
            "limited",
            False,
            "de",
        )
    )
    if weekday in (5, 6):
        EVENTS.append(
            (
                day,
                "14:00",
                2,
                "Familiennachmittag im Begegnungszentrum",
                "family",
                "Begegnungszentrum Südstadt",
                "yes",
                True,
                "de",
            )
        )
        EVENTS.append(
            (
                day,
                "15:00",
                2,
                "Guided harbour walk in English",
                "guided_tour",
                ("Warnemünde", "Am Strom"),
                "limited",
                False,
                "en",
            )
        )
    if weekday in (1, 3):
        EVENTS.append(
            (
                day,
                "18:30",
                1.5,
                "Lesung in der Stadtbibliothek",
                "talk",
                "Stadtbibliothek Rostock – Zentralbibliothek",
                "yes",
                True,
                "de",
            )
        )
    if weekday == 4:
        EVENTS.append(
            (
                day,
                "19:30",
                2,
                "Konzert in der Marienkirche",
                "music",
                ("Stadtmitte", "Am Ziegenmarkt"),
                "limited",
                False,
                "de",
            )
        )
        EVENTS.append(
            (
                day,
                "20:00",
                2,
                "Kino im Stadtteiltreff Lütten Klein",
                "film",
                "Stadtteiltreff Lütten Klein",
                "yes",
                True,
                "de",
            )
        )
    if weekday == 2:
        EVENTS.append(
            (
                day,
                "10:00",
                1,
                "Seniorensport in Evershagen",
                "sport",
                "Mehrgenerationenhaus Evershagen",
                "yes",
                True,
                "de",
            )
        )
    if weekday == 6:
        EVENTS.append(
            (
                day,
                "11:00",
                2,
                "Sonntagsführung in der Kunsthalle",
                "guided_tour",
                "Kunsthalle Rostock",
                "yes",
                False,
                "de",
            )
        )
EVENTS += [
    (
        -10,
        "10:00",
        24 * 50 + 8,
        "Ausstellung: Rostock und das Meer",
        "exhibition",
        "Kulturhistorisches Museum Rostock",
        "yes",
        True,
        "de",
    ),
    (
        -3,
        "11:00",
        24 * 30 + 6,
        "Ausstellung: Junge Kunst aus Mecklenburg",
        "exhibition",
        "Kunsthalle Rostock",
        "yes",
        False,
        "de",
    ),
    (
        5,
        "16:00",
        5,
        "Lichterfest am Leuchtturm",
        "festival",
        "Leuchtturm Warnemünde",
        "no",
        True,
        "de",
    ),
    (
        6,
        "13:00",
        4,
        "Hafenfest Gehlsdorf",
        "festival",
        ("Gehlsdorf", "Uferpromenade"),
        "limited",
        True,
        "de",
    ),
    (
        12,
        "19:00",
        2.5,
        "Theaterabend im Stadtteilzentrum Toitenwinkel",
        "theatre",
        "Stadtteilzentrum Toitenwinkel",
        "yes",
        False,
        "de",
    ),
    (
        13,
        "10:00",
        3,
        "Stadtteillauf Reutershagen",
        "sport",
        ("Reutershagen", "Goerdelerstraße"),
        "limited",
        True,
        "de",
    ),
    (2, "17:00", 1.5, "Talk: Barrier-free Rostock", "talk", "Ortsamt Mitte", "yes", True, "en"),
    (
        9,
        "17:00",
        2,
        "Flohmarkt Dierkow",
        "market",
        ("Dierkow-Neu", "Hannes-Meyer-Platz"),
        "yes",
        True,
        "de",
    ),
    (
        1,
        "19:00",
        2,
        "Chorkonzert in Biestow",
        "music",
        "Gemeindehaus Biestow",
        "limited",
        True,
        "de",
    ),
    (8, "15:00", 2, "Kinderfest Groß Klein", "family", "Börgerhus Groß Klein", "yes", True, "de"),
]


def event_place(
    spec: object, place_index: dict[str, tuple[float, float, str]]
) -> dict[str, object]:
    """Name, coordinates and address of where an event happens."""
    if isinstance(spec, str):
        lat, lon, addr = place_index[spec]
        return {"name": spec, "lat": lat, "lon": lon, "address": addr}
    area, street = spec  # type: ignore[misc]
    lat, lon = point_in(area)
    a = address(area, street)
    label = {"Neuer Markt": "Marktplatz Neuer Markt", "Am Ziegenmarkt": "Marienkirche"}.get(street)
    return {
        "name": label or f"Treffpunkt {street}",
        "lat": lat,
        "lon": lon,
        "address": f"{a['strasse_name']} {a['hausnummer']}, {a['postleitzahl']} Rostock",
    }


def ics_escape(text: str) -> str:
    """Escape a TEXT value for iCalendar."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def main() -> None:
    """Write every sample file and the manifest."""
    rows = toilets()
    with (HERE / "toiletten.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    manifest_files: list[dict[str, str]] = [
        {"file": "toiletten.csv", "kind": "toiletten", "source": "sample:opendata-hro:toiletten"}
    ]
    place_index: dict[str, tuple[float, float, str]] = {}
    for place_type, filename, collection in GEOJSON:
        (HERE / filename).write_text(
            json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        manifest_files.append(
            {
                "file": filename,
                "kind": "geojson",
                "type": place_type,
                "source": f"sample:opendata-hro:{filename.removesuffix('.geojson')}",
            }
        )
        for feat in collection["features"]:  # type: ignore[union-attr]
            p = feat["properties"]
            lon, lat = feat["geometry"]["coordinates"]
            line = f"{p['strasse_name']} {p['hausnummer']}{p['hausnummer_zusatz']}"
            addr = f"{line}, {p['postleitzahl']} Rostock"
            place_index[p["bezeichnung"]] = (lat, lon, addr)

    ics = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Smile City Rostock//sample data//DE",
        "X-WR-CALNAME:Veranstaltungen in Rostock (Beispieldaten / sample data)",
        f"X-SMILECITY-SAMPLE-ANCHOR:{ANCHOR.isoformat()}",
    ]
    graph = []
    for i, (offset, start, hours, name, cat, where, chair, free, lang) in enumerate(EVENTS):
        place = event_place(where, place_index)
        begin = datetime.combine(
            ANCHOR + timedelta(days=offset), datetime.strptime(start, "%H:%M").time(), BERLIN
        )
        end = begin + timedelta(hours=hours)
        desc = f"{name}. Beispielveranstaltung (sample data)."
        if i % 3 == 2:  # every third event goes to the JSON-LD file
            graph.append(
                {
                    "@type": {
                        "music": "MusicEvent",
                        "exhibition": "ExhibitionEvent",
                        "festival": "Festival",
                        "theatre": "TheaterEvent",
                        "sport": "SportsEvent",
                        "family": "ChildrensEvent",
                        "film": "ScreeningEvent",
                        "talk": "EducationEvent",
                    }.get(cat, "Event"),
                    "identifier": uid("event", i),
                    "name": name,
                    "startDate": begin.isoformat(),
                    "endDate": end.isoformat(),
                    "location": {
                        "@type": "Place",
                        "name": place["name"],
                        "address": {
                            "@type": "PostalAddress",
                            "streetAddress": str(place["address"]).split(",")[0],
                            "postalCode": str(place["address"]).split(", ")[1][:5],
                            "addressLocality": "Rostock",
                        },
                        "geo": {
                            "@type": "GeoCoordinates",
                            "latitude": place["lat"],
                            "longitude": place["lon"],
                        },
                        "amenityFeature": [
                            {
                                "@type": "LocationFeatureSpecification",
                                "name": "wheelchair",
                                "value": chair,
                            }
                        ],
                    },
                    "keywords": [cat],
                    "isAccessibleForFree": free,
                    "inLanguage": lang,
                    "description": desc,
                    "url": f"https://www.rostock.de/veranstaltungen/beispiel-{i}",
                }
            )
            continue
        ics += [
            "BEGIN:VEVENT",
            f"UID:{uid('event', i)}@sample.smilecity-rostock",
            "DTSTAMP:20260105T000000Z",
            f"DTSTART;TZID=Europe/Berlin:{begin.strftime('%Y%m%dT%H%M%S')}",
            f"DTEND;TZID=Europe/Berlin:{end.strftime('%Y%m%dT%H%M%S')}",
            f"SUMMARY;LANGUAGE={lang}:{ics_escape(name)}",
            f"LOCATION:{ics_escape(str(place['name']))}\\, {ics_escape(str(place['address']))}",
            f"GEO:{place['lat']};{place['lon']}",
            f"CATEGORIES:{cat.upper()}",
            f"DESCRIPTION:{ics_escape(desc)}",
            f"URL:https://www.rostock.de/veranstaltungen/beispiel-{i}",
            f"X-WHEELCHAIR:{chair}",
            f"X-FREE:{'TRUE' if free else 'FALSE'}",
            "END:VEVENT",
        ]
    ics.append("END:VCALENDAR")
    (HERE / "veranstaltungen.ics").write_text("\r\n".join(ics) + "\r\n", encoding="utf-8")
    (HERE / "veranstaltungen.jsonld").write_text(
        json.dumps(
            {"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, indent=1
        )
        + "\n",
        encoding="utf-8",
    )
    manifest_files += [
        {"file": "veranstaltungen.ics", "kind": "ical", "source": "sample:veranstaltungen-ical"},
        {
            "file": "veranstaltungen.jsonld",
            "kind": "jsonld",
            "source": "sample:veranstaltungen-jsonld",
        },
        {"file": "oparl_rostock.json", "kind": "oparl", "source": "sample:oparl"},
    ]
    make_oparl_sample.main()
    manifest = {
        "note": "SAMPLE DATA for development and tests, not the city's real data. "
        "Made by make_sample.py.",
        "anchor_date": ANCHOR.isoformat(),
        "files": manifest_files,
    }
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    n_places = len(rows) + sum(len(c["features"]) for _, _, c in GEOJSON)  # type: ignore[arg-type]
    print(f"{n_places} places, {len(EVENTS)} events ({len(graph)} in JSON-LD)")


if __name__ == "__main__":
    main()
