"""The services (categories) citizens can report to, in Klarschiff.HRO's structure.

Klarschiff.HRO, Rostock's reporting system, groups its categories by `keywords` (problem or idea)
and `group` (the main category); the Barrierefreiheit group follows its idea categories ("Bordstein
absenken", "Ampel behindertengerecht gestalten") and adds the barriers citizens report most. The
other problems follow the category seed of the Klarschiff back office (see data/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACCESSIBILITY = "Barrierefreiheit"


@dataclass(frozen=True, slots=True)
class Value:
    """One allowed value of a list attribute."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Attribute:
    """An Open311 service attribute (`attribute[code]=…` in a POST)."""

    code: str
    description: str
    datatype: str = "singlevaluelist"
    required: bool = False
    values: tuple[Value, ...] = ()

    def as_dict(self, order: int) -> dict[str, Any]:
        """The attribute as the service definition shows it."""
        body: dict[str, Any] = {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": None,
            "order": order,
            "description": self.description,
        }
        if self.values:
            body["values"] = [{"key": v.key, "name": v.name} for v in self.values]
        return body


@dataclass(frozen=True, slots=True)
class Service:
    """A category people can report to."""

    code: str
    name: str
    description: str
    keyword: str  # problem | idea
    group: str
    attributes: tuple[Attribute, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The entry in services.json."""
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": self.description,
            "metadata": bool(self.attributes),
            "type": "batch",  # a person decides, later
            "keywords": self.keyword,
            "group": self.group,
        }


_YES_NO = (Value("yes", "Ja"), Value("no", "Nein"))

SERVICES: tuple[Service, ...] = (
    Service(
        "barrier-lift",
        "Aufzug oder Rolltreppe außer Betrieb",
        "Ein Aufzug oder eine Rolltreppe steht still, zum Beispiel an einer Haltestelle.",
        "problem",
        ACCESSIBILITY,
        (
            Attribute(
                "device",
                "Aufzug oder Rolltreppe?",
                values=(Value("lift", "Aufzug"), Value("escalator", "Rolltreppe")),
            ),
        ),
    ),
    Service(
        "barrier-kerb",
        "Bordstein nicht abgesenkt",
        "An einer Querung fehlt eine Absenkung des Bordsteins.",
        "problem",
        ACCESSIBILITY,
    ),
    Service(
        "barrier-path",
        "Weg versperrt",
        "Ein Gehweg ist zugestellt oder nicht passierbar (Baustelle, Fahrzeuge, Schäden).",
        "problem",
        ACCESSIBILITY,
    ),
    Service(
        "barrier-signal",
        "Ampel ohne Ton oder zu kurz",
        "Eine Fußgängerampel gibt kein Signal für blinde Menschen oder ist zu kurz grün.",
        "problem",
        ACCESSIBILITY,
        (
            Attribute(
                "signal_problem",
                "Was ist an der Ampel falsch?",
                values=(
                    Value("no_sound", "kein Ton"),
                    Value("too_short", "zu kurz grün"),
                    Value("no_button", "Taster fehlt oder defekt"),
                ),
            ),
        ),
    ),
    Service(
        "barrier-tactile",
        "Blindenleitsystem fehlt oder ist blockiert",
        "Taktile Bodenindikatoren fehlen, sind beschädigt oder zugestellt.",
        "problem",
        ACCESSIBILITY,
    ),
    Service(
        "barrier-step",
        "Stufe ohne Rampe",
        "Ein Eingang oder Weg hat Stufen und keine Rampe.",
        "problem",
        ACCESSIBILITY,
    ),
    Service(
        "barrier-toilet",
        "Barrierefreie Toilette geschlossen oder defekt",
        "Eine rollstuhlgerechte Toilette ist geschlossen, defekt oder zugestellt.",
        "problem",
        ACCESSIBILITY,
    ),
    Service(
        "barrier-other",
        "Andere Barriere",
        "Eine andere Barriere für Menschen mit Behinderung.",
        "problem",
        ACCESSIBILITY,
    ),
    Service(
        "problem-lighting",
        "Beleuchtung schadhaft",
        "Eine Straßenlaterne oder andere Beleuchtung ist defekt.",
        "problem",
        "Gehweg/Radweg/Straße",
    ),
    Service(
        "problem-traffic-light",
        "Ampel schadhaft",
        "Eine Ampel ist ausgefallen oder beschädigt.",
        "problem",
        "Gehweg/Radweg/Straße",
    ),
    Service(
        "problem-litter-bin",
        "Papierkorb/Abfalleimer überfüllt",
        "Ein öffentlicher Papierkorb ist voll oder beschädigt.",
        "problem",
        "Gehweg/Radweg/Straße",
    ),
    Service(
        "problem-playground",
        "Spielgerät schadhaft",
        "Ein Spielgerät auf einem Spielplatz ist beschädigt.",
        "problem",
        "Öffentliches Grün/Spielplatz",
    ),
    Service(
        "idea-district",
        "Idee für den Stadtteil",
        "Ein Vorschlag, was im Stadtteil besser werden kann.",
        "idea",
        "Stadtteil",
        (Attribute("to_council", "An den Ortsbeirat richten?", values=_YES_NO),),
    ),
    Service(
        "idea-accessibility",
        "Idee für mehr Barrierefreiheit",
        "Ein Vorschlag, wie ein Ort oder Weg barrierefrei werden kann.",
        "idea",
        ACCESSIBILITY,
        (Attribute("to_council", "An den Ortsbeirat richten?", values=_YES_NO),),
    ),
)

BY_CODE = {service.code: service for service in SERVICES}
