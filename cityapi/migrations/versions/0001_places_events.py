"""Places and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from cityapi.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("sort_name", sa.String(300), nullable=False),
        sa.Column("address", sa.String(300)),
        sa.Column("district", sa.String(64)),
        sa.Column("ortsteil", sa.String(64)),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("opening_hours", sa.String(500)),
        sa.Column("phone", sa.String(64)),
        sa.Column("email", sa.String(200)),
        sa.Column("website", sa.String(500)),
        sa.Column("description", sa.Text),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("wheelchair", sa.String(8), nullable=False),
        sa.Column("wheelchair_toilet", sa.Boolean),
        sa.Column("euro_key", sa.Boolean),
        sa.Column("tactile_paving", sa.Boolean),
        sa.Column("induction_loop", sa.Boolean),
        sa.Column("step_free_entrance", sa.Boolean),
        sa.Column("accessibility_notes", sa.Text),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("source", "source_id", name="uq_places_source"),
    )
    op.create_index("ix_places_type_lat", "places", ["type", "lat"])
    op.create_index("ix_places_lat", "places", ["lat"])
    op.create_index("ix_places_district", "places", ["district"])
    op.create_index("ix_places_sort_name", "places", ["sort_name"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("start_at", UTCDateTime, nullable=False),
        sa.Column("end_at", UTCDateTime),
        sa.Column("place_id", sa.Integer, sa.ForeignKey("places.id", ondelete="SET NULL")),
        sa.Column("location_name", sa.String(300)),
        sa.Column("address", sa.String(300)),
        sa.Column("district", sa.String(64)),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("wheelchair", sa.String(8), nullable=False),
        sa.Column("is_free", sa.Boolean),
        sa.Column("description", sa.Text),
        sa.Column("url", sa.String(500)),
        sa.Column("language", sa.String(8)),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("source", "source_id", name="uq_events_source"),
    )
    op.create_index("ix_events_start", "events", ["start_at"])
    op.create_index("ix_events_district", "events", ["district"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("places")
