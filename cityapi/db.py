"""Database access for the service: SQLite read in the event loop, PostgreSQL through asyncpg.

SQLite answers an indexed query in well under a millisecond from the page cache, so the service runs
it directly in the event loop: a hop to a worker thread (aiosqlite) costs more than the query itself
and was the bottleneck of the places benchmark. PostgreSQL is remote and uses asyncpg with a pool
that pings connections (`pool_pre_ping`), so after an outage the service recovers by itself.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ClauseElement, Connection, Engine, Executable, RowMapping, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.dialects import sqlite as sqlite_dialect

from cityapi.settings import async_url, sqlite_file, sync_url

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while an import writes; NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """Runs the service's read queries on SQLite or PostgreSQL."""

    def __init__(self, database_url: str, timeout_s: float = 3.0):
        self.is_sqlite = database_url.split(":", 1)[0].split("+", 1)[0] == "sqlite"
        self._sync: Engine | None = None
        self._async: AsyncEngine | None = None
        self._sql: dict[int, str] = {}
        self._keep: list[ClauseElement] = []
        self._named_sqlite = sqlite_dialect.dialect(paramstyle="named")
        self._timeout_s = timeout_s
        self._sqlite_path = str(sqlite_file(database_url) or ":memory:") if self.is_sqlite else None
        self._plain: sqlite3.Connection | None = None
        self._url = database_url
        self._writer: Engine | None = None
        self._write_thread: ThreadPoolExecutor | None = None
        if self.is_sqlite:
            self._sync = create_sync_engine(
                sync_url(database_url),
                connect_args={"timeout": timeout_s, "check_same_thread": False},
                hide_parameters=True,  # what people searched for stays out of logs
            )
            event.listen(self._sync, "connect", _sqlite_pragmas)
        else:
            # imported here: SQLite deployments never load asyncpg and the asyncio extension
            from sqlalchemy.ext.asyncio import create_async_engine

            self._async = create_async_engine(
                async_url(database_url),
                pool_pre_ping=True,  # a connection killed while the database was away is replaced
                pool_size=5,
                max_overflow=5,
                pool_timeout=timeout_s,
                connect_args={"timeout": timeout_s, "command_timeout": timeout_s * 3},
                hide_parameters=True,
            )

    async def fetch(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Sequence[RowMapping]:
        """All rows of a query, as mappings."""
        if self._sync is not None:
            with self._sync.connect() as conn:
                return conn.execute(statement, dict(params or {})).mappings().all()
        assert self._async is not None
        async with self._async.connect() as aconn:
            result = await aconn.execute(statement, dict(params or {}))
            return result.mappings().all()

    async def fetch_plain(
        self, statement: ClauseElement, params: Mapping[str, Any]
    ) -> Sequence[Mapping[str, Any]]:
        """Rows of a hot query without SQLAlchemy's result processing (booleans may come as 0/1).

        On SQLite the statement is compiled once to SQL and run on the DBAPI connection directly;
        its rows are sqlite3.Row objects (mapping access by column name). Binds must be plain
        values: no expanding IN, no values that need a bind processor.
        """
        if self._sync is None:
            assert isinstance(statement, Executable)
            return [dict(row) for row in await self.fetch(statement, params)]
        sql = self._sql.get(id(statement))
        if sql is None:
            compiled = statement.compile(dialect=self._named_sqlite)
            sql = self._sql.setdefault(id(statement), str(compiled))
            self._keep.append(statement)  # ids stay valid while the statement is alive
        conn = self._plain_connection()
        try:
            rows: list[Mapping[str, Any]] = conn.execute(sql, dict(params)).fetchall()
        except sqlite3.Error:
            # start afresh next time (file replaced, disk error); the caller answers 503
            self._plain = None
            conn.close()
            raise
        return rows

    def _plain_connection(self) -> sqlite3.Connection:
        # One connection in autocommit mode, used only from the event loop's thread: every
        # SELECT is its own transaction, so it sees what an import committed a moment ago.
        if self._plain is None:
            assert self._sqlite_path is not None
            conn = sqlite3.connect(
                self._sqlite_path,
                timeout=self._timeout_s,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.row_factory = sqlite3.Row
            _sqlite_pragmas(conn, None)
            self._plain = conn
        return self._plain

    async def change_marker(self) -> int | None:
        """A number that changes whenever another connection commits (SQLite); None elsewhere."""
        if self._sync is None:
            return None
        try:
            row = self._plain_connection().execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            self._plain = None
            raise
        return int(row[0])

    async def read(self, work: Callable[[Connection], T]) -> T:
        """Run read-only `work` on a connection of the read path (no write lock taken).

        SQLite: in the event loop, like `fetch`; PostgreSQL: on the pool, through SQLAlchemy's
        bridge that runs synchronous code on an async connection.
        """
        if self._sync is not None:
            with self._sync.connect() as conn:
                return work(conn)
        assert self._async is not None
        async with self._async.connect() as aconn:
            return await aconn.run_sync(work)

    async def transaction(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction that commits when it returns (reports, votes, statuses).

        SQLite: in one writer thread, so the event loop never waits on the file's lock and writes
        queue instead of failing with "database is locked"; the transaction takes the write lock
        at its start (BEGIN IMMEDIATE), so a read-then-write never deadlocks. PostgreSQL: on the
        pool, through SQLAlchemy's bridge that runs synchronous code on an async connection.
        """
        if self._sync is not None:
            if self._writer is None:
                self._writer = self._sqlite_writer()
                self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
            writer = self._writer

            def run() -> T:
                with writer.begin() as conn:
                    return work(conn)

            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._write_thread, run)
        assert self._async is not None
        async with self._async.begin() as aconn:
            return await aconn.run_sync(work)

    def _sqlite_writer(self) -> Engine:
        engine = create_sync_engine(
            sync_url(self._url),
            connect_args={"timeout": self._timeout_s, "check_same_thread": False},
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record)
            dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    async def ping(self) -> None:
        """Raise when the database does not answer or lacks the schema."""
        await self.fetch(text("SELECT id FROM places LIMIT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        if self._plain is not None:
            self._plain.close()
            self._plain = None
        if self._sync is not None:
            self._sync.dispose()
        if self._write_thread is not None:
            self._write_thread.shutdown(wait=True)
            self._write_thread = None
        if self._writer is not None:
            self._writer.dispose()
            self._writer = None
        if self._async is not None:
            await self._async.dispose()
