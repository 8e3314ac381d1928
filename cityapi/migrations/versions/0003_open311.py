"""Open311 reports and ideas: requests, status history, votes, photos, forwarding queue.

Revision ID: 0003_open311
Revises: 0002
Create Date: 2026-12-03
"""

from alembic import op

from cityapi.open311.tables import forward_queue, media, requests, status_history, votes

revision = "0003_open311"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = (requests, status_history, votes, media, forward_queue)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
