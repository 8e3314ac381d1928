"""Adds council_notices: which Ortsbeirat meetings were announced to subscribers, and how.

Revision ID: 0011_council_notices
Revises: 0010_telegram_inbox
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_council_notices"
down_revision = "0010_telegram_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_notices",
        sa.Column("meeting_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agenda_items", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("cancelled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("notices", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_council_notices_start_at", "council_notices", ["start_at"])


def downgrade() -> None:
    op.drop_index("ix_council_notices_start_at", "council_notices")
    op.drop_table("council_notices")
