"""Covering indexes for the distance search: (type, lat, lon) and (lat, lon).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The bounding-box prefilter reads id, lat and lon from the index alone, no table lookups.
    op.drop_index("ix_places_type_lat", table_name="places")
    op.drop_index("ix_places_lat", table_name="places")
    op.create_index("ix_places_type_lat_lon", "places", ["type", "lat", "lon"])
    op.create_index("ix_places_lat_lon", "places", ["lat", "lon"])


def downgrade() -> None:
    op.drop_index("ix_places_lat_lon", table_name="places")
    op.drop_index("ix_places_type_lat_lon", table_name="places")
    op.create_index("ix_places_type_lat", "places", ["type", "lat"])
    op.create_index("ix_places_lat", "places", ["lat"])
