"""Adds people.report_updates (the one-time opt-in to report status news) and report_feed.

Revision ID: 0004_report_updates
Revises: 0003_announcements
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_report_updates"
down_revision = "0003_announcements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("report_updates", sa.Boolean(), nullable=True))
    op.create_table(
        "report_feed",
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("after", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("report_feed")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("report_updates")
