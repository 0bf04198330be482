"""The database: one engine configuration for the app, the CLI and the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from boa.settings import Settings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """Foreign keys on, WAL, and BEGIN IMMEDIATE so that writers queue instead of failing."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    if is_sqlite(url):
        engine = create_async_engine(url, echo=settings.sql_echo, connect_args={"timeout": 30})
        _prepare_sqlite(engine)
    else:
        engine = create_async_engine(
            url, echo=settings.sql_echo, pool_size=10, max_overflow=20, pool_pre_ping=True
        )
    return engine


def alchemy_config(engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit_include_redirects",  # the pages answer a post with 303
        create_all=False,
        engine_config=EngineConfig(),
    )


def session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One transaction for CLI and seed code."""
    async with session_maker(engine)() as session, session.begin():
        yield session
