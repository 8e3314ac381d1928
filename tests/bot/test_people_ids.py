"""Platform ids as keyed hashes: stored without the ids, found by them, migrated in place."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command

from bot.store.database import alembic_config, create_engine, migrate
from bot.store.identity import PeopleIds, load_key
from bot.store.people import SqlPersonStore
from bot.store.web_outbox import WebOutbox

IDS = PeopleIds(b"a key of the test, long enough")


def _dump(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return "\n".join(conn.iterdump())


async def test_the_database_holds_no_platform_id_and_no_web_sender_id(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    migrate(url, IDS)
    engine = create_engine(url)
    people = SqlPersonStore(engine, IDS)
    telegram = await people.touch("telegram", "5551234567", "5551234567", "de")
    matrix = await people.touch("matrix", "@anna.lena:example.org", "!room:example.org", "en")
    web = await people.touch("web", "web-9f3a77c1", "web-9f3a77c1", "de")
    await WebOutbox(engine).put(web.id, web.chat_id, {"text": "Die Bibliothek ist zu."})
    await engine.dispose()

    dump = _dump(tmp_path / "gateway.sqlite3")
    assert "@anna.lena:example.org" not in dump
    assert "web-9f3a77c1" not in dump
    assert "!room:example.org" in dump  # needed to write to the person first
    assert telegram.chat_id == "5551234567"  # Telegram's chat id, to send announcements to

    engine = create_engine(url)
    people = SqlPersonStore(engine, IDS)
    found = await people.find("matrix", "@anna.lena:example.org")
    assert found is not None
    assert found.id == matrix.id
    assert (await people.touch("web", "web-9f3a77c1", "web-9f3a77c1", "de")).id == web.id
    # another key finds nobody: the hashes are keyed
    assert (
        await SqlPersonStore(engine, PeopleIds(b"another key, long enough")).find(
            "matrix", "@anna.lena:example.org"
        )
        is None
    )
    await engine.dispose()


async def test_the_migration_hashes_the_ids_kept_before_it(tmp_path: Path) -> None:
    path = tmp_path / "gateway.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0005_announcement_drafts")
    now = datetime.now(UTC).isoformat()
    with sqlite3.connect(path) as conn:
        for pid, channel, platform, chat in (
            ("p-tg", "telegram", "5551234567", "5551234567"),
            ("p-web", "web", "web-77aa", "web-77aa"),
        ):
            conn.execute(
                "INSERT INTO people (id, channel, platform_id, chat_id, language, speech_rate, "
                "last_buttons, created_at, last_seen_at) VALUES (?, ?, ?, ?, 'de', 0, '[]', ?, ?)",
                (pid, channel, platform, chat, now, now),
            )
        conn.execute(
            "INSERT INTO web_outbox (person_id, address, message, created_at) "
            "VALUES ('p-web', 'web-77aa', '{\"text\": \"hallo\"}', ?)",
            (now,),
        )
    with pytest.raises(RuntimeError, match="PEOPLE_ID_KEY"):
        migrate(url)  # people are kept: hashing them needs the key
    migrate(url, IDS)
    migrate(url, IDS)  # a second run changes nothing
    dump = _dump(path)
    assert "web-77aa" not in dump
    assert "'5551234567', '5551234567'" not in dump

    engine = create_engine(url)
    people = SqlPersonStore(engine, IDS)
    telegram = await people.find("telegram", "5551234567")
    assert telegram is not None
    assert telegram.id == "p-tg"
    assert telegram.chat_id == "5551234567"
    web = await people.find("web", "web-77aa")
    assert web is not None
    assert web.id == "p-web"
    waiting = await WebOutbox(engine).waiting(IDS.address("web", "web-77aa"))
    assert [m for _, m in waiting] == [{"text": "hallo"}]
    await engine.dispose()


def test_without_a_configured_key_one_is_made_once_and_kept(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "people-id.key"
    first = load_key(None, key_file)
    assert len(first) >= 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_key(None, key_file) == first
    assert load_key("configured-key-of-the-city", key_file) == b"configured-key-of-the-city"


async def test_the_migration_hashes_staff_ids_of_announcements_and_keeps_api_names(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gateway.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0008_announcement_rejections")
    now = datetime.now(UTC).isoformat()
    with sqlite3.connect(path) as conn:
        for author, approver in (
            ("telegram:5551234567", "matrix:@presse:rostock.de"),
            ("Pressestelle Müller", "Ortsamt Nord"),
            ("matrix:@quartier-ktv:rostock.de", None),
        ):
            conn.execute(
                "INSERT INTO announcements (text, districts, topics, status, author, approver, "
                "created_at) VALUES ('Hallo', '[]', '[]', 'approved', ?, ?, ?)",
                (author, approver, now),
            )
    with pytest.raises(RuntimeError, match="PEOPLE_ID_KEY"):
        migrate(url)  # staff ids are kept in clear: hashing them needs the key
    migrate(url, IDS)
    migrate(url, IDS)  # a second run changes nothing
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT author, approver FROM announcements ORDER BY id").fetchall()
    assert rows == [
        (IDS.staff("telegram", "5551234567"), IDS.staff("matrix", "@presse:rostock.de")),
        ("Pressestelle Müller", "Ortsamt Nord"),
        (IDS.staff("matrix", "@quartier-ktv:rostock.de"), None),
    ]
    dump = _dump(path)
    assert "5551234567" not in dump
    assert "@presse:rostock.de" not in dump
