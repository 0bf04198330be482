"""Helpers every service verb shares: look-ups that 404, role look-ups, keyset pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.actor import Actor
from boa.domain import normalise_ident
from boa.errors import NotFound, ValidationFailed
from boa.models import Association, Institution, InstitutionRole, User

T = TypeVar("T")
MAX_LIMIT = 200


async def get_or_404(session: AsyncSession, model: type[T], object_id: Any, what: str) -> T:
    try:
        key = int(object_id)
    except (TypeError, ValueError):
        raise NotFound(f"No {what} with id {object_id!r}.") from None
    if key <= 0 or key > 2**62:
        raise NotFound(f"No {what} with id {object_id!r}.")
    obj = await session.get(model, key)
    if obj is None:
        raise NotFound(f"No {what} with id {object_id!r}.")
    return obj


async def user_by_ident(session: AsyncSession, ident: str, *, field: str = "ident") -> User:
    norm = normalise_ident(ident)
    if norm is None:
        raise ValidationFailed("An IDENT is 3 or 4 letters A-Z.", field=field)
    user = await session.scalar(select(User).where(User.ident == norm))
    if user is None:
        raise NotFound(f"No user with IDENT {norm}.")
    return user


async def roles_at(session: AsyncSession, user_id: int | None, institution_id: int) -> set[str]:
    if user_id is None:
        return set()
    rows = await session.scalars(
        select(InstitutionRole.role).where(
            InstitutionRole.user_id == user_id, InstitutionRole.institution_id == institution_id
        )
    )
    roles = set(rows)
    approved = await session.scalar(
        select(Association.id).where(
            Association.user_id == user_id,
            Association.institution_id == institution_id,
            Association.state == "approved",
        )
    )
    if approved is not None:
        roles.add("user")
    return roles


async def institutions_of(session: AsyncSession, user_id: int) -> set[int]:
    """Institutions where the user holds a role or an approved association."""
    ids = set(await session.scalars(select(InstitutionRole.institution_id).where(InstitutionRole.user_id == user_id)))
    ids |= set(
        await session.scalars(
            select(Association.institution_id).where(
                Association.user_id == user_id, Association.state == "approved"
            )
        )
    )
    return ids


async def can_see_institution(session: AsyncSession, actor: Actor, institution: Institution) -> bool:
    if actor.is_staff:
        return True
    return bool(actor.user_id) and institution.id in await institutions_of(session, actor.user_id)  # type: ignore[arg-type]


def parse_limit(limit: int | None, default: int = 50) -> int:
    if limit is None:
        return default
    if limit < 1 or limit > MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    return limit


def parse_cursor(cursor: str | None) -> int | None:
    if cursor in (None, ""):
        return None
    try:
        value = int(cursor)  # type: ignore[arg-type]
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
