"""Councils (Ortsbeiräte, Bürgerschaft, committees), their meetings and agenda items (OParl).

Revision ID: 0003_councils
Revises: 0003_open311
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from cityapi.schema import UTCDateTime

revision = "0003_councils"
down_revision = "0003_open311"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "councils",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("oparl_id", sa.String(500), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("short_name", sa.String(100)),
        sa.Column("districts", sa.Text, nullable=False),
        sa.Column("ortsteile", sa.Text, nullable=False),
        sa.Column("office_name", sa.String(200)),
        sa.Column("office_address", sa.String(300)),
        sa.Column("office_phone", sa.String(64)),
        sa.Column("office_email", sa.String(200)),
        sa.Column("office_url", sa.String(500)),
        sa.Column("web", sa.String(500)),
        sa.Column("modified", UTCDateTime),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("oparl_id", name="uq_councils_oparl_id"),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("oparl_id", sa.String(500), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column(
            "council_id",
            sa.Integer,
            sa.ForeignKey("councils.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("start_at", UTCDateTime, nullable=False),
        sa.Column("end_at", UTCDateTime),
        sa.Column("location_name", sa.String(300)),
        sa.Column("location_address", sa.String(300)),
        sa.Column("wheelchair", sa.String(8), nullable=False),
        sa.Column("accessibility_notes", sa.Text),
        sa.Column("public", sa.Boolean),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(64)),
        sa.Column("web", sa.String(500)),
        sa.Column("modified", UTCDateTime),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("oparl_id", name="uq_meetings_oparl_id"),
    )
    op.create_index("ix_meetings_council_start", "meetings", ["council_id", "start_at"])
    op.create_index("ix_meetings_start", "meetings", ["start_at"])
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "meeting_id",
            sa.Integer,
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("oparl_id", sa.String(500)),
        sa.Column("number", sa.String(32)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("public", sa.Boolean),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_agenda_items_meeting", "agenda_items", ["meeting_id", "position"])
    op.create_table(
        "oparl_imports",
        sa.Column("source", sa.String(500), primary_key=True),
        sa.Column("started_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("oparl_imports")
    op.drop_table("agenda_items")
    op.drop_table("meetings")
    op.drop_table("councils")
