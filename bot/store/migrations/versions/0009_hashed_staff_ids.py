"""Staff accounts named as author or approver of an announcement drafted in a chat
("telegram:123456", "matrix:@anna:rostock.de") become "<channel>:" + the keyed hash of the
platform id, as people.platform_id holds it (HMAC-SHA256 under PEOPLE_ID_KEY).

Revision ID: 0009_hashed_staff_ids
Revises: 0008_announcement_rejections
Create Date: 2026-12-04

Names the staff API's callers gave ("Pressestelle") stay. The key comes from
`migrate(url, people_ids=…)` like in 0006; a database without such names does not need it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from bot.store.identity import PREFIX, PeopleIds

revision = "0009_hashed_staff_ids"
down_revision = "0008_announcement_rejections"
branch_labels = None
depends_on = None

CHANNELS = ("telegram", "matrix")


def _clear(name: str | None) -> tuple[str, str] | None:
    """(channel, platform id) of a chat staff name still in clear, else None."""
    if not name:
        return None
    channel, colon, platform_id = name.partition(":")
    if not colon or channel not in CHANNELS or not platform_id or platform_id.startswith(PREFIX):
        return None
    return channel, platform_id


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, author, approver FROM announcements")).all()
    clear = [r for r in rows if _clear(r.author) or _clear(r.approver)]
    if not clear:
        return
    ids: PeopleIds | None = context.config.attributes.get("people_ids")
    if ids is None:
        raise RuntimeError("hashing the staff ids of announcements needs the key (PEOPLE_ID_KEY)")

    def hashed(name: str | None) -> str | None:
        found = _clear(name)
        if found is None:
            return name
        return f"{found[0]}:{ids.platform(*found)}"

    for row in clear:
        bind.execute(
            sa.text(
                "UPDATE announcements SET author = :author, approver = :approver WHERE id = :id"
            ),
            {"author": hashed(row.author), "approver": hashed(row.approver), "id": row.id},
        )


def downgrade() -> None:
    # A keyed hash cannot be turned back: the names stay hashed.
    pass
