"""OParl 1.1 objects read into records: pure functions, tolerant of the fields servers omit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cityapi.hours import BERLIN
from cityapi.importers import values as v
from cityapi.importers.council_areas import CouncilAreas
from cityapi.importers.records import RowError
from cityapi.schema import WHEELCHAIR_VALUES

# Vendor extension on Location (OParl allows extra, prefixed properties): OSM wheelchair values.
WHEELCHAIR_KEY = "hro:wheelchair"
ACCESSIBILITY_KEY = "hro:accessibility"
_CANCELLED_STATES = {"abgesagt", "ausgefallen", "entfällt", "entfaellt", "cancelled"}


@dataclass(slots=True)
class AgendaItemRecord:
    """One item of a meeting's agenda."""

    title: str
    position: int
    number: str | None = None
    public: bool | None = None
    oparl_id: str | None = None


@dataclass(slots=True)
class CouncilRecord:
    """A council (Gremium) as read from an OParl Organization."""

    oparl_id: str
    kind: str
    name: str
    short_name: str | None = None
    districts: tuple[str, ...] = ()
    ortsteile: tuple[str, ...] = ()
    office_name: str | None = None
    office_address: str | None = None
    office_phone: str | None = None
    office_email: str | None = None
    office_url: str | None = None
    web: str | None = None
    modified: datetime | None = None


@dataclass(slots=True)
class MeetingRecord:
    """A meeting as read from an OParl Meeting, with its agenda."""

    oparl_id: str
    organizations: tuple[str, ...]
    start: datetime
    name: str | None = None
    end: datetime | None = None
    location_name: str | None = None
    location_address: str | None = None
    wheelchair: str = "unknown"
    accessibility_notes: str | None = None
    public: bool | None = None
    cancelled: bool = False
    state: str | None = None
    web: str | None = None
    modified: datetime | None = None
    agenda: list[AgendaItemRecord] = field(default_factory=list)


@dataclass(slots=True)
class Harvest:
    """What one walk found; `*_complete` is False when a page of that list failed."""

    councils: list[CouncilRecord] = field(default_factory=list)
    meetings: list[MeetingRecord] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)  # every id the lists named, usable or not
    councils_complete: bool = True
    meetings_complete: bool = True


def moment(raw: Any) -> datetime | None:
    """An OParl date-time (ISO 8601; without an offset it is Rostock's time); None if unusable."""
    if not isinstance(raw, str) or "T" not in raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=BERLIN) if value.tzinfo is None else value


def _text(raw: Any, limit: int) -> str | None:
    return v.clean(raw, limit) if isinstance(raw, str) else None


def _flag(raw: Any) -> bool | None:
    return raw if isinstance(raw, bool) else None


def _address(location: Mapping[str, Any]) -> str | None:
    street = _text(location.get("streetAddress"), 200)
    town = " ".join(
        p for p in (_text(location.get("postalCode"), 10), _text(location.get("locality"), 80)) if p
    )
    joined = ", ".join(p for p in (street, town) if p)
    return joined[:300] or None


def council_kind(name: str, classification: str | None) -> str:
    """ortsbeirat, buergerschaft or committee, from the Organization's classification and name."""
    words = f"{classification or ''} {name}".casefold().replace("ü", "ue")
    if "ortsbeirat" in words:
        return "ortsbeirat"
    if "buergerschaft" in words and "ausschuss" not in words:
        return "buergerschaft"
    return "committee"


def parse_organization(obj: Mapping[str, Any], areas: CouncilAreas) -> CouncilRecord | None:
    """A council from an Organization; None for parties, factions and other non-councils."""
    oparl_id = _text(obj.get("id"), 500)
    if not oparl_id:
        raise RowError("id is missing")
    org_type = _text(obj.get("organizationType"), 60)
    if org_type and org_type.casefold() not in ("gremium", "committee"):
        return None
    name = _text(obj.get("name"), 300) or _text(obj.get("shortName"), 300)
    if not name:
        raise RowError("name and shortName are missing")
    short = _text(obj.get("shortName"), 100)
    kind = council_kind(name, _text(obj.get("classification"), 100))
    record = CouncilRecord(
        oparl_id=oparl_id,
        kind=kind,
        name=name,
        short_name=short,
        web=_text(obj.get("web"), 500) or _text(obj.get("website"), 500),
        modified=moment(obj.get("modified")),
    )
    area = areas.match(name, short) if kind == "ortsbeirat" else None
    if area is not None:
        record.short_name = short or area.short_name
        record.districts, record.ortsteile = area.districts, area.ortsteile
        record.office_name, record.office_address = area.office_name, area.office_address
        record.office_phone, record.office_email = area.office_phone, area.office_email
        record.office_url = area.office_url
    elif isinstance(obj.get("location"), Mapping):
        record.office_address = _address(obj["location"])
    return record


def parse_agenda_item(obj: Mapping[str, Any], index: int) -> AgendaItemRecord | None:
    """One agenda item; None when it has no title or was deleted."""
    if obj.get("deleted") is True:
        return None
    title = _text(obj.get("name"), 2000)
    if not title:
        return None
    order = obj.get("order")
    return AgendaItemRecord(
        title=title,
        position=order if isinstance(order, int) and not isinstance(order, bool) else index,
        number=_text(obj.get("number"), 32),
        public=_flag(obj.get("public")),
        oparl_id=_text(obj.get("id"), 500),
    )


def parse_meeting(
    obj: Mapping[str, Any],
    location: Mapping[str, Any] | None,
    agenda: list[Mapping[str, Any]],
) -> MeetingRecord:
    """A meeting from a Meeting object and its (already fetched) location and agenda items."""
    oparl_id = _text(obj.get("id"), 500)
    if not oparl_id:
        raise RowError("id is missing")
    start = moment(obj.get("start"))
    if start is None:
        raise RowError("start is missing or not a date-time")
    end = moment(obj.get("end"))
    raw_orgs = obj.get("organization")
    raw_orgs = raw_orgs if isinstance(raw_orgs, list) else [raw_orgs]
    orgs = tuple(
        o if isinstance(o, str) else str(o.get("id"))
        for o in raw_orgs
        if isinstance(o, str) or (isinstance(o, Mapping) and o.get("id"))
    )
    if not orgs:
        raise RowError("organization is missing")
    state = _text(obj.get("meetingState"), 64)
    items = [item for i, raw in enumerate(agenda) if (item := parse_agenda_item(raw, i + 1))]
    items.sort(key=lambda item: item.position)
    publics = [item.public for item in items if item.public is not None]
    record = MeetingRecord(
        oparl_id=oparl_id,
        organizations=orgs,
        start=start,
        name=_text(obj.get("name"), 300),
        end=end if end is not None and end >= start else None,
        cancelled=obj.get("cancelled") is True or (state or "").casefold() in _CANCELLED_STATES,
        state=state,
        web=_text(obj.get("web"), 500),
        modified=moment(obj.get("modified")),
        public=any(publics) if publics else None,
        agenda=items,
    )
    if location:
        record.location_name = _text(location.get("description"), 300) or _text(
            location.get("room"), 300
        )
        record.location_address = _address(location)
        wheelchair = location.get(WHEELCHAIR_KEY)
        if wheelchair in WHEELCHAIR_VALUES:
            record.wheelchair = str(wheelchair)
        record.accessibility_notes = _text(location.get(ACCESSIBILITY_KEY), 1000)
    return record
