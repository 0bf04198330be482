"""Query helpers every service verb shares: look-ups that 404 and keyset pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Select, Update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.errors import Conflict, NotFound, ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 200


def parse_id(value: Any, what: str) -> int:
    """An id from a path or a body: a positive integer a BIGINT holds, else 404 (an id that cannot
    exist names nothing)."""
    try:
        key = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"No {what} with id {value!r}.") from None
    if not 0 < key <= 2**62:
        raise NotFound(f"No {what} with id {value!r}.")
    return key


async def get_or_404(session: AsyncSession, model: type[T], object_id: Any, what: str) -> T:
    key = parse_id(object_id, what)
    obj = await session.get(model, key)
    if obj is None:
        raise NotFound(f"No {what} with id {object_id!r}.")
    return obj


def parse_limit(limit: int | None, default: int = 50, *, most: int = MAX_LIMIT) -> int:
    if limit is None:
        return default
    if limit < 1 or limit > most:
        raise ValidationFailed(f"limit must be between 1 and {most}.", field="limit")
    return limit


def parse_cursor(cursor: str | None) -> int | None:
    if cursor in (None, ""):
        return None
    try:
        value = int(cursor)
    except ValueError:
        raise ValidationFailed("Malformed cursor.", field="cursor") from None
    if value < 0 or value > 2**62:  # beyond a BIGINT PostgreSQL would refuse the comparison
        raise ValidationFailed("Malformed cursor.", field="cursor")
    return value


async def keyset_page(session: AsyncSession, query: Select, id_column: Any, limit: int | None,
                      cursor: str | None) -> tuple[Sequence[Any], str | None]:
    """Keyset pagination on the id: the cursor is the last id seen."""
    size = parse_limit(limit)
    after = parse_cursor(cursor)
    if after is not None:
        query = query.where(id_column > after)
    rows = (await session.scalars(query.order_by(id_column).limit(size + 1))).all()
    next_cursor = str(rows[size - 1].id) if len(rows) > size else None
    return rows[:size], next_cursor


async def add_unique(session: AsyncSession, row: Any, conflict: Conflict) -> None:
    """Inserts ``row`` where a unique constraint of the database keeps an invariant (one open
    association, one project database an institution, ...): a concurrent or repeated insert is
    ``conflict`` (409), and the request's transaction stays usable."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise conflict from None


def dialect(session: AsyncSession) -> str:
    """``postgresql`` or ``sqlite``."""
    return session.get_bind().dialect.name


async def insert_if_absent(session: AsyncSession, model: type[Any], **values: Any) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING``: a singleton row (the audit head, a counter, a blob's
    row) made by whichever of two concurrent transactions comes first."""
    insert = pg_insert if dialect(session) == "postgresql" else sqlite_insert
    await session.execute(insert(model).values(**values).on_conflict_do_nothing())


async def changed(session: AsyncSession, statement: Update) -> int:
    """Runs a conditional UPDATE and answers how many rows it changed (0: the condition no longer
    held, e.g. another request got there first)."""
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount
