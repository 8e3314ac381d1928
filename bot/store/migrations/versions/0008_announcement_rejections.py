"""Adds announcements.rejection_reason: a second person may reject an announcement waiting for
approval (status `rejected`, never sent), with an optional reason the author is told.

Revision ID: 0008_announcement_rejections
Revises: 0007_spoke_by_voice
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_announcement_rejections"
down_revision = "0007_spoke_by_voice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("rejection_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.drop_column("rejection_reason")
