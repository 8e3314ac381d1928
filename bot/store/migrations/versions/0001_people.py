"""The people table: one record per person and channel.

Revision ID: 0001_people
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_people"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("platform_id", sa.String(255), nullable=False),
        sa.Column("chat_id", sa.String(255), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("voice_replies", sa.Boolean(), nullable=True),
        sa.Column("speech_rate", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column("last_buttons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "platform_id", name="uq_people_channel_platform"),
    )


def downgrade() -> None:
    op.drop_table("people")
