"""Adds web_outbox: what the city wrote to a web chat user, kept until their next visit.

Revision ID: 0002_web_outbox
Revises: 0001_people
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_web_outbox"
down_revision = "0001_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_outbox_person_id", "web_outbox", ["person_id"])
    op.create_index("ix_web_outbox_address", "web_outbox", ["address"])


def downgrade() -> None:
    op.drop_index("ix_web_outbox_address", "web_outbox")
    op.drop_index("ix_web_outbox_person_id", "web_outbox")
    op.drop_table("web_outbox")
