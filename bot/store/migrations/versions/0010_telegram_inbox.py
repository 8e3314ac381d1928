"""Adds telegram_inbox: every Telegram update is stored before Telegram is told it arrived.

Revision ID: 0010_telegram_inbox
Revises: 0009_hashed_staff_ids
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_telegram_inbox"
down_revision = "0009_hashed_staff_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_inbox",
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("chat_id", sa.String(32), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("owner", sa.String(32), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_telegram_inbox_chat_id", "telegram_inbox", ["chat_id"])
    op.create_index("ix_telegram_inbox_status", "telegram_inbox", ["status", "claimed_until"])


def downgrade() -> None:
    op.drop_index("ix_telegram_inbox_status", "telegram_inbox")
    op.drop_index("ix_telegram_inbox_chat_id", "telegram_inbox")
    op.drop_table("telegram_inbox")
