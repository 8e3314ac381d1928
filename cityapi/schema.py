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
