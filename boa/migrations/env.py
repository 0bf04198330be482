"""Alembic environment: async engine from BOA settings, metadata from the models."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from boa.composition import metadata
from boa.migrate import ours
from boa.kernel.db import history_clock
from boa.kernel.settings import get_settings

config = context.config


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata(), render_as_batch=True,
                      compare_type=True, include_name=ours)
    with context.begin_transaction():
        context.run_migrations()


async def _online() -> None:
    engine = create_async_engine(_url())
    history_clock(engine)  # a later migration that changes a tracked row writes its history
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_online())


run()
