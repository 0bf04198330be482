"""Look-ups about people every area shares: a user by IDENT, a person's roles at an institution,
the institutions a person belongs to."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.actor import Actor
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import NotAuthenticated, NotFound, ValidationFailed
from boa.kernel.queries import get_or_404
from boa.people.models import Association, Institution, InstitutionRole, User


def person_label(name: str, ident: str) -> str:
    """A person as the pages and messages name them: "Rikke Researcher (RESA)"."""
    return f"{name} ({ident})"


def institution_label(number: int, name: str) -> str:
    """An institution as the pages and messages name it: "101 Aarhus Research University"."""
    return f"{number} {name}"


async def names_of(session: AsyncSession, user_id: int, institution_id: int) -> tuple[str, str]:
    """The person and the institution of a row (an association, a role), as every message names them."""
    user = await session.get_one(User, user_id)
    institution = await session.get_one(Institution, institution_id)
    return person_label(user.name, user.ident), institution_label(institution.authorisation_number, institution.name)


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
    return actor.user_id is not None and institution.id in await institutions_of(session, actor.user_id)


def user_of(actor: Actor) -> User:
    """The signed-in user behind ``actor`` as a row of this area (the kernel knows only a Person)."""
    if not isinstance(actor.user, User):
        raise NotAuthenticated("Log in first.")
    return actor.user


async def institution_at(session: AsyncSession, actor: Actor, institution_id: str,
                         may_see: Callable[[set[str]], bool] | None = None) -> tuple[Institution, set[str]]:
    """The institution and the actor's roles there. Someone who may not see it gets 404, as if it did
    not exist: by default staff and whoever holds a role or an approved association there; with
    ``may_see``, whoever that predicate admits for their roles."""
    institution = await get_or_404(session, Institution, institution_id, "institution")
    roles = await roles_at(session, actor.user_id, institution.id)
    visible = may_see(roles) if may_see is not None else bool(roles) or actor.is_staff
    if not visible:
        raise NotFound(f"No institution with id {institution_id!r}.")
    return institution, roles
