"""The shipped OParl sample (data/sample/oparl_rostock.json) as an in-process OParl source."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cityapi.importers.oparl import FetchError, shift_moment

SAMPLE_FILE = "oparl_rostock.json"
_MOVED = ("start", "end", "modified", "created")


def _shifted(obj: dict[str, Any], days: int) -> dict[str, Any]:
    for key in _MOVED:
        if isinstance(obj.get(key), str):
            obj[key] = shift_moment(obj[key], days)
    for key in ("agendaItem", "location"):
        inner = obj.get(key)
        for item in inner if isinstance(inner, list) else [inner]:
            if isinstance(item, dict):
                _shifted(item, days)
    return obj


@dataclass(frozen=True, slots=True)
class SampleOParl:
    """The sample's objects, dated relative to the import day, under a base URL of choice."""

    base: str
    system: dict[str, Any]
    bodies: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    meetings: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    agenda_items: list[dict[str, Any]]

    @classmethod
    def load(cls, path: Path, today: date, base: str | None = None) -> SampleOParl:
        """Read the dump; its anchor Monday moves to the Monday of `today`'s week."""
        text = path.read_text(encoding="utf-8")
        dump = json.loads(text)
        if base is not None:
            dump = json.loads(text.replace(dump["base"], base))
        days = (today - date.fromisoformat(dump["anchor_date"])).days // 7 * 7
        return cls(
            base=dump["base"],
            system=dump["system"],
            bodies=dump["bodies"],
            organizations=[_shifted(o, days) for o in dump["organizations"]],
            meetings=[_shifted(m, days) for m in dump["meetings"]],
            locations=dump["locations"],
            agenda_items=[_shifted(a, days) for a in dump["agendaItems"]],
        )

    @property
    def system_url(self) -> str:
        """The System object's URL, where a walk starts."""
        return str(self.system["id"])

    def lists(self) -> dict[str, list[dict[str, Any]]]:
        """The list URLs and their items."""
        found = {str(self.system["body"]): self.bodies}
        for body in self.bodies:
            found[str(body["organization"])] = self.organizations
            found[str(body["meeting"])] = self.meetings
        for org in self.organizations:  # each Organization's own list of its meetings
            if isinstance(org.get("meeting"), str):
                found[org["meeting"]] = [
                    m for m in self.meetings if org["id"] in m.get("organization", [])
                ]
        return found

    def objects(self) -> dict[str, dict[str, Any]]:
        """Every object by its id."""
        everything = [
            self.system, *self.bodies, *self.organizations, *self.meetings,
            *self.locations, *self.agenda_items,
        ]  # fmt: skip
        return {str(obj["id"]): obj for obj in everything}


class SampleSource:
    """Serves the sample to the OParl walker without HTTP (one page per list)."""

    def __init__(self, sample: SampleOParl):
        self._lists = sample.lists()
        self._objects = sample.objects()

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """The object or list page at a URL."""
        if url in self._lists:
            items = self._lists[url]
            return {
                "data": items,
                "pagination": {"totalElements": len(items), "currentPage": 1, "totalPages": 1},
                "links": {},
            }
        if url in self._objects:
            return self._objects[url]
        raise FetchError("HTTP 404")
