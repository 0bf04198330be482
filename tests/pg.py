"""Fresh PostgreSQL databases beside the test database, for the workers of a parallel run and
for the tests' own servers. Imports nothing of BOA: the test set-up uses it before BOA's settings
are read."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


async def pg_database(url: str, suffix: str, *, create: bool = True) -> str:
    """A fresh, empty PostgreSQL database beside the one at ``url`` (``<name><suffix>``); its URL.
    ``create=False`` only drops it (a clean-up)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if create:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return urlunsplit(parts._replace(path="/" + name))
