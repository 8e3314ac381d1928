"""Platform ids and web chat addresses become keyed hashes (HMAC-SHA256 under PEOPLE_ID_KEY).

Revision ID: 0006_hashed_platform_ids
Revises: 0005_announcement_drafts
Create Date: 2026-12-03

The key comes from `migrate(url, people_ids=…)` (the gateway passes its own); a database that
holds people needs it, an empty one does not. Values already hashed (prefix `h1:`) stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from bot.store.identity import PREFIX, PeopleIds

revision = "0006_hashed_platform_ids"
down_revision = "0005_announcement_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    people = bind.execute(sa.text("SELECT id, channel, platform_id, chat_id FROM people")).all()
    waiting = bind.execute(sa.text("SELECT id, address FROM web_outbox")).all()
    clear = [p for p in people if not p.platform_id.startswith(PREFIX)]
    clear_waiting = [w for w in waiting if not w.address.startswith(PREFIX)]
    if not clear and not clear_waiting:
        return
    ids: PeopleIds | None = context.config.attributes.get("people_ids")
    if ids is None:
        raise RuntimeError("hashing the stored platform ids needs the key (PEOPLE_ID_KEY)")
    for person in clear:
        chat_id = person.chat_id
        if not (person.channel == "web" and chat_id.startswith(PREFIX)):
            chat_id = ids.address(person.channel, chat_id)
        bind.execute(
            sa.text("UPDATE people SET platform_id = :platform, chat_id = :chat WHERE id = :id"),
            {"platform": ids.platform(person.channel, person.platform_id), "chat": chat_id,
             "id": person.id},
        )  # fmt: skip
    for row in clear_waiting:
        bind.execute(
            sa.text("UPDATE web_outbox SET address = :address WHERE id = :id"),
            {"address": ids.address("web", row.address), "id": row.id},
        )


def downgrade() -> None:
    # A keyed hash cannot be turned back: the ids stay hashed.
    pass
