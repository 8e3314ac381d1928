"""The tables of the Open311 service (SQLAlchemy Core); migration 0003_open311 creates them."""

from __future__ import annotations

from sqlalchemy import (
    Column,
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

from cityapi.schema import UTCDateTime

metadata = MetaData()

requests = Table(
    "open311_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token", String(36), nullable=False, unique=True),
    Column("service_code", String(64), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("attributes", Text, nullable=False, default="{}"),  # JSON object
    Column("lat", Float),
    Column("lon", Float),
    Column("address", String(300)),
    Column("district", String(64)),
    Column("ortsteil", String(64)),
    Column("council", String(120)),  # an idea addressed to the district's Ortsbeirat
    Column("detailed_status", String(16), nullable=False),
    Column("status_notes", Text),
    Column("reason", String(32)),  # why it was rejected: duplicate, not_solvable, not_responsible
    Column("requested_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    # personal data: only what the person gave after agreeing to the privacy notice
    Column("email", String(254)),
    Column("first_name", String(100)),
    Column("last_name", String(100)),
    Column("phone", String(40)),
    Column("account_id", String(128)),
    Column("device_id", String(128)),
    Column("idempotency_key", String(128), unique=True),
    Column("upstream_id", String(64)),
    Column("votes", Integer, nullable=False, default=0),
    Index("ix_open311_requests_code_lat_lon", "service_code", "lat", "lon"),
    Index("ix_open311_requests_requested", "requested_at"),
    Index("ix_open311_requests_account", "account_id"),
)

status_history = Table(
    "open311_status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "request_id",
        Integer,
        ForeignKey("open311_requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("detailed_status", String(16), nullable=False),
    Column("note", Text),
    Column("changed_by", String(100)),
    Column("changed_at", UTCDateTime, nullable=False),
    Index("ix_open311_history_request", "request_id"),
)

votes = Table(
    "open311_votes",
    metadata,
    Column(
        "request_id",
        Integer,
        ForeignKey("open311_requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("account_id", String(128), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("request_id", "account_id", name="uq_open311_votes"),
)

media = Table(
    "open311_media",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "request_id",
        Integer,
        ForeignKey("open311_requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(80), nullable=False, unique=True),  # random file name on disk
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# photos uploaded first (POST media.json) and attached when the report is filed (media_id)
uploads = Table(
    "open311_uploads",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

forward_queue = Table(
    "open311_forward_queue",
    metadata,
    Column(
        "request_id",
        Integer,
        ForeignKey("open311_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", String(200)),
    Column("done_at", UTCDateTime),
    Index("ix_open311_forward_due", "done_at", "next_attempt_at"),
)
