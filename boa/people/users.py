"""Users: creation by Research Services, requests by administrators, contact details,
the user agreement and the security certification."""

from __future__ import annotations

import secrets
import string
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, inputs
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.domain import STAFF_ROLES
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import dialect, keyset_page
from boa.people import activation_codes, email_changes
from boa.people.lookups import institutions_of, roles_at, user_by_ident, user_of
from boa.people.models import (
    User,
)
from boa.people.permissions import USER_MANAGERS


async def _new_ident(session: AsyncSession) -> str:
    for _ in range(50):
        ident = "".join(secrets.choice(string.ascii_uppercase) for _ in range(4))
        if await session.scalar(select(User.id).where(User.ident == ident)) is None:
            return ident
    raise Conflict("Could not allocate an IDENT; try again.")


def check_email(email: str | None, field: str = "email") -> str | None:
    return None if email is None else inputs.check_email(email, field)


async def create_user(session: AsyncSession, *, actor: Actor, name: str, email: str, mobile: str | None = None,
                      staff_roles: list[str] | None = None) -> User:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services creates users.")
    if not name.strip():
        raise ValidationFailed("name must not be empty.", field="name")
    inputs.check_line(name.strip(), "name")
    if any(r not in STAFF_ROLES for r in staff_roles or []):
        raise ValidationFailed(f"staff_roles must be among {', '.join(STAFF_ROLES)}.", field="staff_roles")
    user = User(ident=await _new_ident(session), name=name.strip(), email=check_email(email),
                mobile=normalise_mobile_or_none(mobile), staff_roles=list(staff_roles or []))
    session.add(user)
    await session.flush()
    await activation_codes.issue(session, user, "activate")
    await audit.record(session, actor=actor.label, action=AuditAction.USER_CREATE,
                       subject=f"user:{user.ident}",
                       after={"name": user.name, "email": user.email, "staff_roles": user.staff_roles})
    return user


def normalise_mobile_or_none(mobile: str | None) -> str | None:
    if mobile in (None, ""):
        return None
    from boa.people.contact import normalise_mobile

    try:
        return normalise_mobile(mobile)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code=getattr(exc, "code", "invalid_mobile"), field="mobile") from None


async def can_see_user(session: AsyncSession, actor: Actor, user: User) -> bool:
    if actor.is_staff or actor.user_id == user.id:
        return True
    if actor.user_id is None:
        return False
    mine = await institutions_of(session, actor.user_id)
    for institution_id in mine & await institutions_of(session, user.id):
        if await roles_at(session, actor.user_id, institution_id) & USER_MANAGERS:
            return True
    return False


async def get_user(session: AsyncSession, *, actor: Actor, ident: str) -> User:
    user = await user_by_ident(session, ident)
    if not await can_see_user(session, actor, user):
        raise NotFound(f"No user with IDENT {user.ident}.")
    return user


def _specific(term: str) -> bool:
    head, dot, rest = term.partition(".")
    return "@" in term or (bool(dot) and len(rest) >= 2)


def prefix_match(session: AsyncSession, term: str, *columns: Any) -> list[ColumnElement[bool]]:
    """``lower(column) LIKE 'term%'`` for each column, with LIKE's wildcards in the term taken
    literally. The pattern is rendered into the SQL (quoted by SQLAlchemy, not by us) so that
    PostgreSQL plans each search with its constant prefix and uses the text_pattern_ops indexes;
    a prepared statement with ``LIKE $1`` may get a generic plan that scans the table."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    pattern: BindParameter[str] = bindparam("prefix", escaped, literal_execute=True)
    # PostgreSQL's default escape is the backslash (an explicit ESCAPE clause would hide the prefix
    # from the planner); SQLite has none by default.
    escape = None if dialect(session) == "postgresql" else "\\"
    return [func.lower(column).like(pattern, escape=escape) for column in columns]


async def search_users(session: AsyncSession, *, actor: Actor, q: str | None, limit: int | None,
                       cursor: str | None) -> tuple[list[User], str | None]:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services searches all users.")
    query = select(User)
    if q:
        term = inputs.check_line(q.strip(), "q", limit=inputs.TERM_MAX)
        query = query.where(or_(User.ident == term.upper(), *prefix_match(session, term, User.name, User.email)))
    order: Any = User.id
    if q and _specific(q.strip()):
        # An e-mail-shaped term matches few users: sort those rather than let the planner walk the
        # whole id index looking for a page of them when it overestimates the matches.
        order = User.id + 0
    rows, nxt = await keyset_page(session, query, order, limit, cursor)
    return list(rows), nxt


async def update_contact(session: AsyncSession, *, actor: Actor, email: str | None = None,
                         mobile: str | None = None, address: dict[str, Any] | None = None,
                         language: str | None = None) -> User:
    """The user's own contact details. A new e-mail address waits for confirmation from that
    address (:mod:`boa.people.email_changes`); the others apply at once."""
    if actor.user is None:
        raise PermissionDenied("Only a user edits their own contact details.")
    user = user_of(actor)
    before = {"email": user.email, "mobile": user.mobile, "address": user.address, "language": user.language}
    if email is not None and (new_email := check_email(email)) != user.email and new_email is not None:
        # Used only once confirmed from the new address (email_changes); nothing else waits for it.
        await email_changes.request_change(session, actor=actor, user=user, new_email=new_email)
    if mobile is not None:
        user.mobile = normalise_mobile_or_none(mobile)
    if address is not None:
        user.address = inputs.check_address(address)
    if language is not None:
        if language not in ("da", "en"):
            raise ValidationFailed("language is da or en.", field="language")
        user.language = language
    after = {"email": user.email, "mobile": user.mobile, "address": user.address, "language": user.language}
    await audit.record(session, actor=actor.label, action=AuditAction.USER_CONTACT_UPDATE,
                       subject=f"user:{user.ident}",
                       before=before, after=after)
    return user
