"""What importers produce: normalised place and event records, and the report of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, missing columns)."""


class RowError(Exception):
    """One row or entry is unusable; it is counted, reported and skipped."""


@dataclass(slots=True)
class PlaceRecord:
    """A place as an importer read it."""

    type: str
    name: str
    lat: float
    lon: float
    source: str
    source_id: str
    address: str | None = None
    district: str | None = None
    ortsteil: str | None = None
    opening_hours: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    description: str | None = None
    wheelchair: str = "unknown"
    wheelchair_toilet: bool | None = None
    euro_key: bool | None = None
    tactile_paving: bool | None = None
    induction_loop: bool | None = None
    step_free_entrance: bool | None = None
    accessibility_notes: str | None = None


@dataclass(slots=True)
class EventRecord:
    """An event as an importer read it."""

    name: str
    start: datetime
    source: str
    source_id: str
    end: datetime | None = None
    location_name: str | None = None
    address: str | None = None
    district: str | None = None
    lat: float | None = None
    lon: float | None = None
    category: str = "other"
    wheelchair: str = "unknown"
    is_free: bool | None = None
    description: str | None = None
    url: str | None = None
    language: str | None = None


@dataclass(slots=True)
class ImportReport:
    """Counts of one import run, and the problems found in skipped rows."""

    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    problems: list[str] = field(default_factory=list)

    def skip(self, where: str, reason: str) -> None:
        """Count a bad row and remember why."""
        self.skipped += 1
        self.problems.append(f"skipped {where}: {reason}")

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.source}: read {self.read}, created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, skipped {self.skipped}"
            + (f", removed {self.removed}" if self.removed else "")
        )

    def note(self, where: str, problem: str) -> None:
        """Remember a problem that did not cost a row (a missing detail, a page that failed)."""
        self.problems.append(f"{where}: {problem}")
