"""Database access for the service: SQLite read in the event loop, PostgreSQL through asyncpg.

SQLite answers an indexed query in well under a millisecond from the page cache, so the service runs
it directly in the event loop: a hop to a worker thread (aiosqlite) costs more than the query itself
and was the bottleneck of the places benchmark. The loop never waits for the file's lock, though:
its connections have no busy timeout, and a query that meets a lock (another process holding the
file) runs again in a small pool of worker threads, which wait for the lock only for what is left
of the request's budget (`CITYAPI_DB_TIMEOUT`). Heavy queries run in the same pool (`run_plain`
learns which kinds are heavy from the CPU time they took), so light requests go on meanwhile. Once
the budget is spent, `DatabaseBusy` (a TimeoutError) ends the request and the service answers 503.

PostgreSQL is remote and uses asyncpg with a pool that pings connections (`pool_pre_ping`), so after
an outage the service recovers by itself; every operation is bounded by the same budget (pool wait,
connect and statement time, and an overall timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import ClauseElement, Connection, Engine, Executable, RowMapping, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import OperationalError

from cityapi.settings import async_url, sqlite_file, sync_url

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
Rows = Sequence[Mapping[str, Any]]
PlainQuery = Callable[[ClauseElement, Mapping[str, Any]], Rows]

READ_WORKERS = 4  # threads for heavy queries and for reads that met a lock
# Heavy work is Python under the GIL: more than one at a time only slows the event loop down, and
# the other workers stay free for reads that met a lock and for kinds not measured yet.
HEAVY_AT_ONCE = 1
LIGHT_S = 0.010  # a kind of query that took less CPU time than this runs in the event loop
HEAVY_S = 0.050  # and one that took more waits for HEAVY_AT_ONCE
_PROGRESS_STEPS = 10_000  # SQLite VM steps between two looks at the deadline (worker threads)
_DATA_VERSION = text("PRAGMA data_version")


class DatabaseBusy(TimeoutError):
    """The database stayed locked, or the work did not finish, until the budget was spent."""


class _Budget:
    __slots__ = ("deadline",)

    def __init__(self) -> None:
        self.deadline: float | None = None


_BUDGET: ContextVar[_Budget | None] = ContextVar("cityapi_db_budget", default=None)


def request_budget() -> Token[_Budget | None]:
    """Give the current task one budget for all its database work, from its first query on.

    Without one (background tasks) every operation has a budget of its own; pass the token to
    `end_budget` when the request is answered.
    """
    return _BUDGET.set(_Budget())


def end_budget(token: Token[_Budget | None]) -> None:
    """Forget the budget `request_budget` gave."""
    _BUDGET.reset(token)


def _busy(exc: BaseException | None) -> bool:
    """Whether an error is SQLite's "database is locked" (SQLITE_BUSY and its extended codes)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_BUSY


def _wait_ms(deadline: float) -> int:
    return max(1, int((deadline - time.monotonic()) * 1000))


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
        self._readers: ThreadPoolExecutor | None = None
        self._reader_engine: Engine | None = None
        self._local = threading.local()  # per worker thread: its deadline and plain connection
        self._worker_conns: list[sqlite3.Connection] = []
        self._costs: dict[Hashable, float] = {}  # CPU seconds a kind of query took lately
        self._heavy = asyncio.Semaphore(HEAVY_AT_ONCE)
        if self.is_sqlite:
            self._sync = create_sync_engine(
                sync_url(database_url),
                # the event loop's connections never wait for a lock (see the module docstring)
                connect_args={"timeout": 0, "check_same_thread": False},
                hide_parameters=True,  # what people searched for stays out of logs
            )
            event.listen(self._sync, "connect", _sqlite_pragmas)
        else:
            # imported here: SQLite deployments never load asyncpg and the asyncio extension
            from sqlalchemy.ext.asyncio import create_async_engine

            budget_ms = str(max(1, int(timeout_s * 1000)))
            self._async = create_async_engine(
                async_url(database_url),
                pool_pre_ping=True,  # a connection killed while the database was away is replaced
                pool_size=5,
                max_overflow=5,
                pool_timeout=timeout_s,
                connect_args={
                    "timeout": timeout_s,
                    "command_timeout": timeout_s,
                    # the server gives up too, so a statement cut off here does not run on
                    "server_settings": {"statement_timeout": budget_ms, "lock_timeout": budget_ms},
                },
                hide_parameters=True,
            )

    # ------------------------------------------------------------------ budget and workers

    def _deadline(self) -> float:
        budget = _BUDGET.get()
        if budget is None:
            return time.monotonic() + self._timeout_s
        if budget.deadline is None:
            budget.deadline = time.monotonic() + self._timeout_s
        return budget.deadline

    def _pool(self) -> ThreadPoolExecutor:
        if self._readers is None:
            self._readers = ThreadPoolExecutor(READ_WORKERS, thread_name_prefix="cityapi-reader")
        return self._readers

    def _run_by(self, deadline: float, job: Callable[[], T]) -> T:
        # in a worker thread: nothing starts once the budget is spent
        if time.monotonic() >= deadline:
            raise DatabaseBusy("the budget was spent before the query could start")
        self._local.deadline = deadline
        try:
            return job()
        finally:
            self._local.deadline = None

    async def _offload(self, deadline: float, job: Callable[[], T]) -> T:
        """Run `job` in the worker pool; DatabaseBusy once the deadline has passed."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool(), self._run_by, deadline, job)
        try:
            # the worker stops itself at the deadline; this only bounds what it does in Python
            async with asyncio.timeout(max(0.0, deadline - time.monotonic()) + 0.05):
                return await future
        except TimeoutError as exc:
            if isinstance(exc, DatabaseBusy):
                raise
            raise DatabaseBusy("the query did not finish within the budget") from None

    def _overdue(self) -> int:
        # SQLite progress handler of worker connections: non-zero interrupts the statement
        deadline = getattr(self._local, "deadline", None)
        return int(deadline is not None and time.monotonic() > deadline)

    def _worker_setup(self, dbapi_connection: sqlite3.Connection) -> None:
        deadline = getattr(self._local, "deadline", None)
        if deadline is not None:  # before the pragmas: they may meet the lock already
            dbapi_connection.execute(f"PRAGMA busy_timeout = {_wait_ms(deadline)}")
        dbapi_connection.set_progress_handler(self._overdue, _PROGRESS_STEPS)

    # ------------------------------------------------------------------ plain SQLite queries

    def _compiled(self, statement: ClauseElement) -> str:
        sql = self._sql.get(id(statement))
        if sql is None:
            compiled = statement.compile(dialect=self._named_sqlite)
            sql = self._sql.setdefault(id(statement), str(compiled))
            self._keep.append(statement)  # ids stay valid while the statement is alive
        return sql

    def _open_plain(self, timeout_s: float) -> sqlite3.Connection:
        assert self._sqlite_path is not None
        conn = sqlite3.connect(
            self._sqlite_path,
            timeout=timeout_s,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        return conn

    def _plain_connection(self) -> sqlite3.Connection:
        # One connection in autocommit mode, used only from the event loop's thread: every
        # SELECT is its own transaction, so it sees what an import committed a moment ago.
        # Its busy timeout is 0: a lock fails at once instead of stalling the loop.
        if self._plain is None:
            conn = self._open_plain(0)
            try:
                _sqlite_pragmas(conn, None)
            except sqlite3.Error:
                conn.close()
                raise
            self._plain = conn
        return self._plain

    def _loop_execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> Rows:
        try:
            conn = self._plain_connection()
            rows: list[Mapping[str, Any]] = conn.execute(
                self._compiled(statement), dict(params)
            ).fetchall()
        except sqlite3.Error as exc:
            if not _busy(exc) and self._plain is not None:
                # start afresh next time (file replaced, disk error); the caller answers 503
                self._plain.close()
                self._plain = None
            raise
        return rows

    def _worker_plain(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "plain", None)
        deadline = self._local.deadline
        if conn is None:
            conn = self._open_plain(max(0.001, deadline - time.monotonic()))
            self._worker_setup(conn)
            try:
                _sqlite_pragmas(conn, None)
            except sqlite3.Error:
                conn.close()
                raise
            self._local.plain = conn
            self._worker_conns.append(conn)
        else:
            conn.execute(f"PRAGMA busy_timeout = {_wait_ms(deadline)}")
        return conn

    def _worker_execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> Rows:
        conn = self._worker_plain()
        try:
            rows: list[Mapping[str, Any]] = conn.execute(
                self._compiled(statement), dict(params)
            ).fetchall()
        except sqlite3.Error as exc:
            if not _busy(exc) and exc.args != ("interrupted",):
                self._local.plain = None
                self._worker_conns.remove(conn)
                conn.close()
            raise
        return rows

    async def fetch_plain(
        self, statement: ClauseElement, params: Mapping[str, Any]
    ) -> Sequence[Mapping[str, Any]]:
        """Rows of a light, hot query without SQLAlchemy's result processing (booleans: 0/1).

        On SQLite the statement is compiled once to SQL and run on the DBAPI connection directly,
        in the event loop (in a worker when it meets a lock); its rows are sqlite3.Row objects
        (mapping access by column name). Binds must be plain values: no expanding IN, no values
        that need a bind processor.
        """
        if self._sync is None:
            assert isinstance(statement, Executable)
            return [dict(row) for row in await self.fetch(statement, params)]
        try:
            return self._loop_execute(statement, params)
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
        # the budget is taken only now: what ran in the loop took microseconds
        return await self._offload(
            self._deadline(), lambda: self._worker_execute(statement, params)
        )

    async def run_plain(self, kind: Hashable, work: Callable[[PlainQuery], T]) -> T:
        """Run `work`, which reads with the plain queries it is given and digests their rows.

        SQLite: in the event loop when work of this `kind` took less than LIGHT_S of CPU time the
        last times; otherwise (and the first time, and when it meets a lock) in the worker pool.
        PostgreSQL: in the worker pool, its queries run on the async pool. `work` must only read.
        """
        if self._sync is None:
            deadline = self._deadline()
            loop = asyncio.get_running_loop()

            def remote(statement: ClauseElement, params: Mapping[str, Any]) -> Rows:
                rows = self._pg_fetch(statement, params, deadline)
                wait = max(0.0, deadline - time.monotonic()) + 0.05
                return cast(Rows, asyncio.run_coroutine_threadsafe(rows, loop).result(wait))

            return await self._offload(deadline, lambda: work(remote))
        cost = self._costs.get(kind)
        if cost is not None and cost < LIGHT_S:
            started = time.thread_time()
            try:
                result = work(self._loop_execute)
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
            else:
                spent = time.thread_time() - started
                if spent >= LIGHT_S:
                    self._costs[kind] = spent  # heavy after all: the worker pool next time
                elif spent > cost:
                    self._costs[kind] = (cost + spent) / 2
                return result

        deadline = self._deadline()

        def job() -> T:
            started = time.thread_time()
            result = work(self._worker_execute)
            self._note(kind, time.thread_time() - started)
            return result

        if cost is None or cost < HEAVY_S:  # not measured yet, middling, or light but locked
            return await self._offload(deadline, job)
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                await self._heavy.acquire()
        except TimeoutError:
            raise DatabaseBusy("too many heavy queries waited for the budget") from None
        try:
            return await self._offload(deadline, job)
        finally:
            self._heavy.release()

    def _note(self, kind: Hashable, spent: float) -> None:
        # heavy at once; light again only after a few light runs
        before = self._costs.get(kind)
        self._costs[kind] = spent if before is None or spent >= LIGHT_S else (before + spent) / 2

    async def change_marker(self) -> int | None:
        """A number that changes whenever another connection commits (SQLite); None elsewhere."""
        if self._sync is None:
            return None
        try:
            row = self._loop_execute(_DATA_VERSION, {})[0]
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
            row = await self._offload(
                self._deadline(), lambda: self._worker_execute(_DATA_VERSION, {})[0]
            )
        return int(row["data_version"])

    # ------------------------------------------------------------------ SQLAlchemy reads

    async def fetch(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Sequence[RowMapping]:
        """All rows of a query, as mappings."""
        if self._sync is None:
            return await self._pg_fetch(statement, params or {}, self._deadline())
        return await self.read(
            lambda conn: conn.execute(statement, dict(params or {})).mappings().all()
        )

    async def _pg_fetch(
        self, statement: Executable | ClauseElement, params: Mapping[str, Any], deadline: float
    ) -> Sequence[RowMapping]:
        assert self._async is not None
        assert isinstance(statement, Executable)
        async with self._pg_budget(deadline), self._async.connect() as aconn:
            result = await aconn.execute(statement, dict(params))
            return result.mappings().all()

    @contextlib.asynccontextmanager
    async def _pg_budget(self, deadline: float) -> AsyncIterator[None]:
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                yield
        except TimeoutError as exc:
            if isinstance(exc, DatabaseBusy):
                raise
            raise DatabaseBusy("PostgreSQL did not answer within the budget") from None

    async def read(self, work: Callable[[Connection], T]) -> T:
        """Run read-only `work` on a connection of the read path (no write lock taken).

        SQLite: in the event loop (in a worker when it meets a lock), like `fetch_plain`;
        PostgreSQL: on the pool, through SQLAlchemy's bridge that runs synchronous code on an
        async connection.
        """
        deadline = self._deadline()
        if self._sync is not None:
            try:
                with self._sync.connect() as conn:
                    return work(conn)
            except OperationalError as exc:
                if not _busy(exc.orig):
                    raise

            def job() -> T:
                with self._readers_engine().connect() as conn:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {_wait_ms(self._local.deadline)}")
                    return work(conn)

            return await self._offload(deadline, job)
        assert self._async is not None
        async with self._pg_budget(deadline), self._async.connect() as aconn:
            return await aconn.run_sync(work)

    def _readers_engine(self) -> Engine:
        if self._reader_engine is None:
            engine = create_sync_engine(
                sync_url(self._url),
                connect_args={"timeout": 0, "check_same_thread": False},
                hide_parameters=True,
            )

            @event.listens_for(engine, "connect")
            def _connect(dbapi_connection: Any, record: Any) -> None:
                self._worker_setup(dbapi_connection)
                _sqlite_pragmas(dbapi_connection, record)

            self._reader_engine = engine
        return self._reader_engine

    # ------------------------------------------------------------------ writes

    async def transaction(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction that commits when it returns (reports, votes, statuses).

        SQLite: in one writer thread, so the event loop never waits on the file's lock and writes
        queue instead of failing with "database is locked"; the transaction takes the write lock
        at its start (BEGIN IMMEDIATE), so a read-then-write never deadlocks. It waits for the
        lock only for what is left of the budget, and a write still queued when the budget is
        spent does not start: a 503 means nothing was written. PostgreSQL: on the pool, through
        SQLAlchemy's bridge that runs synchronous code on an async connection.
        """
        deadline = self._deadline()
        if self._sync is not None:
            if self._writer is None:
                self._writer = self._sqlite_writer()
                self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
            writer = self._writer

            def run() -> T:
                with writer.begin() as conn:
                    return work(conn)

            loop = asyncio.get_running_loop()
            # no timeout here: the thread keeps the budget itself, and once it has the lock
            # the answer waits for the commit, so what is acknowledged is written
            return await loop.run_in_executor(self._write_thread, self._run_by, deadline, run)
        assert self._async is not None
        async with self._pg_budget(deadline), self._async.begin() as aconn:
            return await aconn.run_sync(work)

    def _sqlite_writer(self) -> Engine:
        engine = create_sync_engine(
            sync_url(self._url),
            connect_args={"timeout": 0, "check_same_thread": False},
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, record: Any) -> None:
            deadline = getattr(self._local, "deadline", None)
            if deadline is not None:
                dbapi_connection.execute(f"PRAGMA busy_timeout = {_wait_ms(deadline)}")
            _sqlite_pragmas(dbapi_connection, record)
            dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            deadline = getattr(self._local, "deadline", None)
            if deadline is not None:  # wait for the write lock only while the budget lasts
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {_wait_ms(deadline)}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    # ------------------------------------------------------------------ the rest

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
        if self._readers is not None:
            self._readers.shutdown(wait=True, cancel_futures=True)
            self._readers = None
        for conn in self._worker_conns:
            conn.close()
        self._worker_conns.clear()
        if self._reader_engine is not None:
            self._reader_engine.dispose()
            self._reader_engine = None
        if self._write_thread is not None:
            self._write_thread.shutdown(wait=True)
            self._write_thread = None
        if self._writer is not None:
            self._writer.dispose()
            self._writer = None
        if self._async is not None:
            await self._async.dispose()
