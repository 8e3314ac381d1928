import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from bot.core.messages import Button
from bot.store.database import create_engine, migrate
from bot.store.people import SqlPersonStore

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    name = f"gateway_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str
) -> AsyncIterator[SqlPersonStore]:
    url = f"sqlite:///{tmp_path}/sub/gateway.sqlite3" if request.param == "sqlite" else postgres_url
    migrate(url)
    migrate(url)  # a second run finds nothing to do
    engine = create_engine(url)
    try:
        yield SqlPersonStore(engine)
    finally:
        await engine.dispose()


async def test_a_person_is_created_once_and_found_again_by_platform_id(
    store: SqlPersonStore,
) -> None:
    platform_id = f"tg-{uuid.uuid4().hex}"
    first = await store.touch("telegram", platform_id, "chat-1", "en")
    assert first.is_new
    assert first.language == "en"
    assert first.voice_replies is None
    assert first.speech_rate == 0
    again = await store.touch("telegram", platform_id, "chat-2", "de")
    assert not again.is_new
    assert again.id == first.id
    assert again.language == "en"  # a later hint does not overwrite the remembered language
    assert again.chat_id == "chat-2"
    assert again.last_seen_at >= first.last_seen_at
    # the same platform id on another channel is another person
    other = await store.touch("matrix", platform_id, "!room", "de")
    assert other.id != first.id


async def test_changes_survive_a_new_store_on_the_same_database(store: SqlPersonStore) -> None:
    person = await store.touch("web", f"web-{uuid.uuid4().hex}", "c", "de")
    changed = replace(
        person,
        language="en",
        voice_replies=True,
        speech_rate=-1,
        consent=True,
        last_buttons=(Button("Ja", "/affirm"), Button("Nein", "/deny")),
    )
    await store.save(changed)
    loaded = await store.get(person.id)
    assert loaded is not None
    assert (loaded.language, loaded.voice_replies, loaded.speech_rate, loaded.consent) == (
        "en",
        True,
        -1,
        True,
    )
    assert loaded.last_buttons == changed.last_buttons
    assert await store.delete(person.id)
    assert await store.get(person.id) is None
    assert not await store.delete(person.id)


async def test_a_failing_query_never_shows_the_platform_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path}/broken.sqlite3"
    migrate(url)
    engine = create_engine(url)
    async with engine.begin() as conn:  # the table is gone, as after a botched restore
        await conn.exec_driver_sql("DROP TABLE people")
    platform_id = f"tg-secret-{uuid.uuid4().hex}"
    try:
        with pytest.raises(Exception) as caught:  # noqa: PT011 (whatever the driver raises)
            await SqlPersonStore(engine).touch("telegram", platform_id, "chat-secret-1", "de")
    finally:
        await engine.dispose()
    assert "people" in str(caught.value)  # the error still says what failed
    assert platform_id not in str(caught.value)
    assert "chat-secret-1" not in str(caught.value)
    assert platform_id not in caplog.text
