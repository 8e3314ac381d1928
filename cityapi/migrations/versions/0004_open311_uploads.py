"""Open311 photo uploads waiting to be attached to a report (POST media.json, then media_id).

Revision ID: 0004_open311_uploads
Revises: 0003_councils
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from cityapi.schema import UTCDateTime

revision = "0004_open311_uploads"
down_revision = "0003_councils"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open311_uploads",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("open311_uploads")
