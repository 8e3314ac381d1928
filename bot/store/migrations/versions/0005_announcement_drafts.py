"""Adds announcement_drafts: announcements staff are writing in a chat, kept across restarts.

Revision ID: 0005_announcement_drafts
Revises: 0004_report_updates
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_announcement_drafts"
down_revision = "0004_report_updates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcement_drafts",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("text_plain", sa.Text(), nullable=True),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("announcement_drafts")
