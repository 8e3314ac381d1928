"""The tables of the city data API (SQLAlchemy Core); Alembic migrations create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

PLACE_TYPES = (
    "toilet",
    "disabled_parking",
    "library",
    "playground",
    "beach",
    "museum",
    "swimming_pool",
    "citizen_office",
    "defibrillator",
    "parking_garage",
    "meeting_place",
    "public_transport_stop",
)
WHEELCHAIR_VALUES = ("yes", "limited", "no", "unknown")
EVENT_CATEGORIES = (
    "music",
    "market",
    "exhibition",
    "theatre",
    "sport",
    "family",
    "festival",
    "guided_tour",
    "talk",
    "film",
    "other",
)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time stored as UTC, so SQLite (no time zones) and PostgreSQL compare alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; SQLite stores it without an offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Read back as an aware UTC datetime."""
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

places = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("type", String(32), nullable=False),
    Column("name", String(300), nullable=False),
    Column("sort_name", String(300), nullable=False),
    Column("address", String(300)),
    Column("district", String(64)),
    Column("ortsteil", String(64)),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("opening_hours", String(500)),
    Column("phone", String(64)),
    Column("email", String(200)),
    Column("website", String(500)),
    Column("description", Text),
    Column("source", String(100), nullable=False),
    Column("source_id", String(200), nullable=False),
    Column("wheelchair", String(8), nullable=False, default="unknown"),
    Column("wheelchair_toilet", Boolean),
    Column("euro_key", Boolean),
    Column("tactile_paving", Boolean),
    Column("induction_loop", Boolean),
    Column("step_free_entrance", Boolean),
    Column("accessibility_notes", Text),
    Column("search_text", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "source_id", name="uq_places_source"),
    Index("ix_places_type_lat_lon", "type", "lat", "lon"),
    Index("ix_places_lat_lon", "lat", "lon"),
    Index("ix_places_district", "district"),
    Index("ix_places_sort_name", "sort_name"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False),
    Column("start_at", UTCDateTime, nullable=False),
    Column("end_at", UTCDateTime),
    Column("place_id", Integer, ForeignKey("places.id", ondelete="SET NULL")),
    Column("location_name", String(300)),
    Column("address", String(300)),
    Column("district", String(64)),
    Column("lat", Float),
    Column("lon", Float),
    Column("category", String(32), nullable=False, default="other"),
    Column("wheelchair", String(8), nullable=False, default="unknown"),
    Column("is_free", Boolean),
    Column("description", Text),
    Column("url", String(500)),
    Column("language", String(8)),
    Column("source", String(100), nullable=False),
    Column("source_id", String(200), nullable=False),
    Column("search_text", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "source_id", name="uq_events_source"),
    Index("ix_events_start", "start_at"),
    Index("ix_events_district", "district"),
)

COUNCIL_KINDS = ("ortsbeirat", "buergerschaft", "committee")

# Councils (Gremien) from the council information system (OParl): the 19 Ortsbeiräte, the
# Bürgerschaft and its committees. An Ortsbeirat's area is kept as Ortsteile and Stadtbereiche
# (";"-separated; twenty rows are read whole, so no join table is needed).
councils = Table(
    "councils",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("oparl_id", String(500), nullable=False),
    Column("source", String(500), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", String(300), nullable=False),
    Column("short_name", String(100)),
    Column("districts", Text, nullable=False, default=""),
    Column("ortsteile", Text, nullable=False, default=""),
    Column("office_name", String(200)),
    Column("office_address", String(300)),
    Column("office_phone", String(64)),
    Column("office_email", String(200)),
    Column("office_url", String(500)),
    Column("web", String(500)),
    Column("modified", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("oparl_id", name="uq_councils_oparl_id"),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("oparl_id", String(500), nullable=False),
    Column("source", String(500), nullable=False),
    Column("council_id", Integer, ForeignKey("councils.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("start_at", UTCDateTime, nullable=False),
    Column("end_at", UTCDateTime),
    Column("location_name", String(300)),
    Column("location_address", String(300)),
    Column("wheelchair", String(8), nullable=False, default="unknown"),
    Column("accessibility_notes", Text),
    Column("public", Boolean),
    Column("cancelled", Boolean, nullable=False, default=False),
    Column("state", String(64)),
    Column("web", String(500)),
    Column("modified", UTCDateTime),
    Column("search_text", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("oparl_id", name="uq_meetings_oparl_id"),
    Index("ix_meetings_council_start", "council_id", "start_at"),
    Index("ix_meetings_start", "start_at"),
)

agenda_items = Table(
    "agenda_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("oparl_id", String(500)),
    Column("number", String(32)),
    Column("title", Text, nullable=False),
    Column("public", Boolean),
    Column("position", Integer, nullable=False),
    Index("ix_agenda_items_meeting", "meeting_id", "position"),
)

# When each OParl system was last imported: the next import asks only for what changed since.
oparl_imports = Table(
    "oparl_imports",
    metadata,
    Column("source", String(500), primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
)
