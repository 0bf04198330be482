"""The database: one engine configuration for the app, the CLI and the tests."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util.concurrency import await_, in_greenlet

from boa.kernel import clock
from boa.kernel.settings import Settings, is_sqlite

WRITE_QUEUE_TIMEOUT = 30.0


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """Foreign keys on, WAL, and BEGIN IMMEDIATE so that writers queue instead of failing.

    SQLite makes a writer that finds the database locked *sleep* and retry (1, 2, 5, 10 ... 100 ms),
    so concurrent requests of one process that each open a transaction on their own connection
    spent most of their time asleep. Within a process the transactions therefore queue on an
    asyncio lock instead (taken at BEGIN, released when COMMIT or ROLLBACK has finished), and only
    writers of other processes meet SQLite's busy handler."""
    locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
    held: dict[int, asyncio.Lock] = {}
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    def _release(connection) -> None:
        # The dialect is handed the pool's proxy or the driver's connection: key by the latter.
        lock = held.pop(id(getattr(connection, "dbapi_connection", connection)), None)
        if lock is not None and lock.locked():
            lock.release()

    def _wrap(name: str) -> None:
        original = getattr(dialect, name)

        def finish(dbapi_connection, *args):
            try:
                return original(dbapi_connection, *args)
            finally:
                _release(dbapi_connection)

        setattr(dialect, name, finish)

    _wrap("do_commit")
    _wrap("do_rollback")

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):
        dbapi_connection = conn.connection.dbapi_connection
        if in_greenlet() and id(dbapi_connection) not in held:
            loop = asyncio.get_running_loop()
            lock = locks.get(loop)
            if lock is None:
                lock = locks[loop] = asyncio.Lock()
            await_(asyncio.wait_for(lock.acquire(), WRITE_QUEUE_TIMEOUT))
            held[id(dbapi_connection)] = lock
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(dbapi_connection)
            raise


SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite


def boa_now_sqlite() -> str:
    return clock.now().astimezone(UTC).strftime(SQLITE_TIME)


def history_clock(engine: AsyncEngine) -> None:
    """The database's clock for the history of the access decision's facts (``boa_now()`` in the
    triggers of migration 0020) is BOA's clock. On SQLite ``boa_now()`` is this process's
    :func:`boa.kernel.clock.now`; on PostgreSQL it is the transaction's ``now()`` plus the setting
    ``boa.clock_offset``, which is set (for the transaction) only when tests have moved the clock,
    so production pays no round trip for it."""
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine.sync_engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.create_function("boa_now", 0, boa_now_sqlite)
    else:
        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn):
            moved = clock.offset()
            if moved:
                conn.exec_driver_sql(
                    f"SELECT set_config('boa.clock_offset', '{moved.total_seconds():.6f} seconds', true)")


def make_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    if is_sqlite(url):
        engine = create_async_engine(url, echo=settings.sql_echo, connect_args={"timeout": 30})
        _prepare_sqlite(engine)
    else:
        engine = create_async_engine(
            url, echo=settings.sql_echo, pool_size=10, max_overflow=20, pool_pre_ping=True
        )
    history_clock(engine)
    return engine


def alchemy_config(engine: AsyncEngine, before_send: Callable[..., Awaitable[None]]) -> SQLAlchemyAsyncConfig:
    """The plugin's configuration; ``before_send`` ends the request's session (the app commits it
    itself before answering: api/transactions.py)."""
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler=before_send,
        create_all=False,
        engine_config=EngineConfig(),
    )


def session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


KEEP_ON_ERROR = "boa_keep_on_error"


def keep_on_error(session: AsyncSession) -> None:
    """What this transaction has written is committed even though the request (or command) then
    fails: a login failure counted towards the lockout, the audit row of a refused access. The
    transaction's owner commits it (the web's transaction hook, or :func:`transaction`); nothing
    else commits in the middle of a request."""
    session.info[KEEP_ON_ERROR] = True


async def commit_early(session: AsyncSession) -> None:
    """Commits what the request has done so far, before a slow step that must not hold a
    transaction (on SQLite: the write lock): files streaming in, being scanned or re-hashed. The
    rest of the request runs in a new transaction that its owner commits. The transfer gate's
    upload and submit are the only callers."""
    await session.commit()


def kept_on_error(session: AsyncSession) -> bool:
    return bool(session.info.pop(KEEP_ON_ERROR, False))


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One transaction for CLI and seed code; committed at the end, rolled back on an error
    unless :func:`keep_on_error` asked to keep it."""
    async with session_maker(engine)() as session:
        try:
            yield session
        except BaseException:
            if kept_on_error(session):
                await session.commit()
            else:
                await session.rollback()
            raise
        await session.commit()
