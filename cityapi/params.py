"""Query parameters: declared once (for validation and the OpenAPI document), parsed strictly."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from cityapi.errors import ApiError, invalid
from cityapi.hours import BERLIN
from cityapi.schema import COUNCIL_KINDS, EVENT_CATEGORIES, PLACE_TYPES

ASCII_INTEGER = re.compile(r"[0-9]{1,18}")
# Times asked about: wide enough for any real question, narrow enough for the calendar maths
# (holidays, opening hours, recurring events) to stay in range.
MIN_YEAR = 1970
MAX_YEAR = 2200

MAX_TEXT = 200
MAX_LIMIT = 100
MAX_OFFSET = 100_000


@dataclass(frozen=True, slots=True)
class Param:
    """A documented query parameter."""

    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    required: bool = False


_BOOL = {"type": "string", "enum": ["true", "false"]}
_WHEELCHAIR = Param(
    "wheelchair",
    "Comma list of OSM wheelchair values; `yes,limited` means usable by wheelchair.",
    {"type": "string", "example": "yes,limited"},
)
_DISTRICT = Param(
    "district",
    "Stadtbereich name, code or Ortsteil name (case-insensitive; KTV, Innenstadt… accepted), or "
    "a group of Stadtbereiche citizens name as one (Dierkow = Dierkow-Neu, -Ost and -West).",
    {"type": "string", "minLength": 1, "maxLength": 80},
)
# ISO 8601 times: the server refuses what this says it refuses
_MOMENT_NOTE = (
    " Without an offset it is Europe/Berlin time; a local time skipped when the clocks go forward"
    " is refused. Years 1970 to 2200."
)
_MOMENT = {"type": "string", "format": "date-time"}
_PAGING = (
    Param(
        "limit",
        "Page size, 1–100.",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
    ),
    Param(
        "offset",
        "Items to skip.",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    ),
)

PLACES_PARAMS: tuple[Param, ...] = (
    Param("type", "Kind of place.", {"type": "string", "enum": list(PLACE_TYPES)}),
    _DISTRICT,
    Param(
        "near",
        "`lat,lon` (WGS84); sorts by distance.",
        {"type": "string", "example": "54.0887,12.1405"},
    ),
    Param(
        "radius",
        "Metres around `near` (only with near).",
        {"type": "integer", "minimum": 1, "maximum": 50000, "default": 2000},
    ),
    _WHEELCHAIR,
    Param("tactile_paving", "`true`: only places with tactile paving.", _BOOL),
    Param("induction_loop", "`true`: only places with an induction loop.", _BOOL),
    Param("open_now", "`true`: only places open now (Europe/Berlin).", _BOOL),
    Param(
        "open_at",
        "ISO 8601 time; only places open then." + _MOMENT_NOTE,
        _MOMENT,
    ),
    Param(
        "q",
        "Free text over name, address and description.",
        {"type": "string", "maxLength": MAX_TEXT},
    ),
    *_PAGING,
)
PLACE_PARAMS: tuple[Param, ...] = (
    Param(
        "at",
        "ISO 8601 time for `open_now` and `hours` (default: now)." + _MOMENT_NOTE,
        _MOMENT,
    ),
)
EVENTS_PARAMS: tuple[Param, ...] = (
    Param(
        "from",
        "ISO 8601 start of the window (default: now)." + _MOMENT_NOTE,
        _MOMENT,
    ),
    Param(
        "to",
        "ISO 8601 end of the window (default: from + 30 days); after `from`." + _MOMENT_NOTE,
        _MOMENT,
    ),
    _DISTRICT,
    Param("category", "Event category.", {"type": "string", "enum": list(EVENT_CATEGORIES)}),
    _WHEELCHAIR,
    Param("free", "`true`: only events free of charge.", _BOOL),
    Param(
        "q",
        "Free text over name, place and description.",
        {"type": "string", "maxLength": MAX_TEXT},
    ),
    *_PAGING,
)
LOCATE_PARAMS: tuple[Param, ...] = (
    Param(
        "lat", "Latitude (WGS84).", {"type": "number", "minimum": -90, "maximum": 90}, required=True
    ),
    Param(
        "lon",
        "Longitude (WGS84).",
        {"type": "number", "minimum": -180, "maximum": 180},
        required=True,
    ),
)
ADDRESS_PARAMS: tuple[Param, ...] = (
    Param(
        "q",
        "An address in Rostock as people write it: street and house number "
        '("Holbeinplatz 14", "Kröpeliner Str. 5a").',
        {"type": "string", "minLength": 3, "maxLength": 120},
        required=True,
    ),
    Param(
        "limit", "At most this many addresses.", {"type": "integer", "minimum": 1, "maximum": 10}
    ),
)
COUNCILS_PARAMS: tuple[Param, ...] = (
    Param("kind", "Kind of council.", {"type": "string", "enum": list(COUNCIL_KINDS)}),
    _DISTRICT,
    Param(
        "lat",
        "Latitude (WGS84), with `lon`: the Ortsbeirat whose area holds the point.",
        {"type": "number", "minimum": -90, "maximum": 90},
    ),
    Param(
        "lon",
        "Longitude (WGS84), with `lat`.",
        {"type": "number", "minimum": -180, "maximum": 180},
    ),
)
MEETINGS_PARAMS: tuple[Param, ...] = (
    Param("council", "Council id (see /councils).", {"type": "integer", "minimum": 1}),
    _DISTRICT,
    Param(
        "from",
        "ISO 8601: meetings starting at or after (default: now)." + _MOMENT_NOTE,
        _MOMENT,
    ),
    Param(
        "to",
        "ISO 8601: meetings starting before (default: from + 90 days); after `from`."
        + _MOMENT_NOTE,
        _MOMENT,
    ),
    Param(
        "q",
        "Free text over the meeting's name and agenda item titles.",
        {"type": "string", "maxLength": MAX_TEXT},
    ),
    *_PAGING,
)
NO_PARAMS: tuple[Param, ...] = ()
MAX_ID = 2**31 - 1


def path_id(request: web.Request) -> int:
    """The `{id}` of the path: a positive whole number in ASCII digits, else a 400."""
    raw = request.match_info["id"]
    if not ASCII_INTEGER.fullmatch(raw) or not 1 <= int(raw) <= MAX_ID:
        raise invalid("id", f"'{raw[:40]}' is not a valid id; ids are positive whole numbers.")
    return int(raw)


class Query:
    """The query string of one request, checked against the parameters a route accepts."""

    def __init__(self, query: MultiMapping[str], accepted: Sequence[Param]):
        names = {p.name for p in accepted}
        for key in query:
            if key not in names:
                hint = f" Accepted: {', '.join(sorted(names))}." if names else ""
                raise ApiError(400, "unknown_parameter", f"Unknown parameter '{key}'.{hint}", key)
            if len(query.getall(key)) > 1:
                raise invalid(key, f"Parameter '{key}' is given more than once.")
        self._query = query

    @classmethod
    def of(cls, request: web.Request, accepted: Sequence[Param]) -> Query:
        """Check the request's query string."""
        return cls(request.query, accepted)

    def has(self, name: str) -> bool:
        """Whether the parameter was given."""
        return name in self._query

    def text(self, name: str, max_len: int = MAX_TEXT) -> str | None:
        """A non-empty text of bounded length, or None when absent."""
        raw = self._query.get(name)
        if raw is None:
            return None
        value = raw.strip()
        if not value:
            raise invalid(name, f"Parameter '{name}' must not be empty.")
        if len(value) > max_len:
            raise invalid(name, f"Parameter '{name}' is longer than {max_len} characters.")
        return value

    def integer(self, name: str, default: int, lo: int, hi: int) -> int:
        """An integer within [lo, hi]."""
        raw = self.text(name, 20)
        if raw is None:
            return default
        # int() would also take "١" (an Arabic digit), "1_000" and " 7": only ASCII digits count
        if not ASCII_INTEGER.fullmatch(raw):
            raise invalid(name, f"Parameter '{name}' must be a whole number.")
        value = int(raw)
        if not lo <= value <= hi:
            raise invalid(name, f"Parameter '{name}' must be between {lo} and {hi}.")
        return value

    def number(self, name: str, lo: float, hi: float) -> float:
        """A required finite number within [lo, hi]."""
        raw = self.text(name, 40)
        if raw is None:
            raise invalid(name, f"Parameter '{name}' is required.")
        return _number(name, raw, lo, hi)

    def flag(self, name: str) -> bool:
        """`true` or `false`, as the OpenAPI document says; absent is false."""
        raw = self.text(name, 10)
        if raw is None:
            return False
        if raw in ("true", "false"):
            return raw == "true"
        raise invalid(name, f"Parameter '{name}' must be true or false.")

    def choice(self, name: str, allowed: Sequence[str]) -> str | None:
        """One of the allowed values."""
        raw = self.text(name, 64)
        if raw is None:
            return None
        if raw not in allowed:
            raise invalid(name, f"Parameter '{name}' must be one of: {', '.join(allowed)}.")
        return raw

    def choices(self, name: str, allowed: Sequence[str]) -> tuple[str, ...] | None:
        """A comma list of allowed values."""
        raw = self.text(name, 64)
        if raw is None:
            return None
        values = tuple(dict.fromkeys(v.strip() for v in raw.split(",")))
        bad = [v for v in values if v not in allowed]
        if bad:
            raise invalid(
                name, f"Parameter '{name}' has unknown value '{bad[0]}'; use {', '.join(allowed)}."
            )
        return values

    def point(self, name: str) -> tuple[float, float] | None:
        """`lat,lon` in WGS84."""
        raw = self.text(name, 64)
        if raw is None:
            return None
        parts = raw.split(",")
        if len(parts) != 2:
            raise invalid(name, f"Parameter '{name}' must be 'lat,lon', e.g. 54.0887,12.1405.")
        return _number(name, parts[0], -90, 90), _number(name, parts[1], -180, 180)

    def moment(self, name: str) -> datetime | None:
        """An ISO 8601 time; without an offset it is read as Europe/Berlin time."""
        raw = self.text(name, 40)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw.replace(" ", "+") if "T" in raw else raw)
        except ValueError:
            raise invalid(
                name, f"Parameter '{name}' must be an ISO 8601 time, e.g. 2026-11-28T18:00."
            ) from None
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise invalid(name, f"Parameter '{name}' must lie between {MIN_YEAR} and {MAX_YEAR}.")
        if value.tzinfo is not None:
            return value
        local = value.replace(tzinfo=BERLIN)
        if local.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) != value:
            # e.g. 02:30 on the last Sunday of March: the clocks jump from 02:00 to 03:00
            raise invalid(
                name,
                f"Parameter '{name}': {raw} does not exist in Europe/Berlin (the clocks go "
                "forward that night); give a time with its offset or another time.",
            )
        return local


def _number(name: str, raw: str, lo: float, hi: float) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise invalid(name, f"Parameter '{name}' must be a number.") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise invalid(name, f"Parameter '{name}' must be between {lo:g} and {hi:g}.")
    return value
