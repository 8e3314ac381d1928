"""Adds people.spoke_by_voice: the person's last message was a voice note (announcements then
come as a voice note too, unless they chose /voice off).

Revision ID: 0007_spoke_by_voice
Revises: 0006_hashed_platform_ids
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_spoke_by_voice"
down_revision = "0006_hashed_platform_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("spoke_by_voice", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("spoke_by_voice")
