"""Association agreements: an administrator requests, the responsible person or a substitute
approves, and the user, an administrator, the responsible person or a substitute ends one.
The database keeps at most one open association per user and institution."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from boa import audit, clock
from boa.actor import Actor
from boa.domain import ASSOCIATION_APPROVERS, ASSOCIATION_ENDERS
from boa.errors import Conflict, NotFound, PermissionDenied
from boa.models import Association, Institution
from boa.services.common import get_or_404, roles_at, user_by_ident

# Hooks other areas register: called when an association ends (e.g. end project memberships).
ON_END: list[Callable[[AsyncSession, Association, Actor], Awaitable[None]]] = []


async def request_association(session: AsyncSession, *, actor: Actor, institution_id: str, ident: str) -> Association:
    institution = await get_or_404(session, Institution, institution_id, "institution")
    roles = await roles_at(session, actor.user_id, institution.id)
    if not roles and not actor.is_staff:
        raise NotFound(f"No institution with id {institution_id!r}.")
    if "administrator" not in roles:
        raise PermissionDenied("Only an administrator of the institution associates users.")
    user = await user_by_ident(session, ident)
    open_one = await session.scalar(select(Association).where(
        Association.user_id == user.id, Association.institution_id == institution.id,
        Association.state.in_(("pending", "approved"))))
    if open_one is not None:
        raise Conflict(f"{user.ident} already has a {open_one.state} association with this institution.",
                       code="already_associated")
    association = Association(user_id=user.id, institution_id=institution.id, state="pending",
                              requested_by_id=actor.user_id)
    try:
        async with session.begin_nested():
            session.add(association)
            await session.flush()
    except IntegrityError:
        raise Conflict(f"{user.ident} is already associated with this institution.", code="already_associated") from None
    await audit.record(session, actor=actor.label, action="association.request", subject=f"association:{association.id}",
                       after={"ident": user.ident, "institution": institution.authorisation_number, "state": "pending"})
    return association


async def _visible(session: AsyncSession, actor: Actor, association_id: str) -> tuple[Association, set[str]]:
    association = await get_or_404(session, Association, association_id, "association")
    roles = await roles_at(session, actor.user_id, association.institution_id)
    if not roles and not actor.is_staff and actor.user_id != association.user_id:
        raise NotFound(f"No association with id {association_id!r}.")
    return association, roles


async def decide_association(session: AsyncSession, *, actor: Actor, association_id: str,
                             approve: bool) -> Association:
    association, roles = await _visible(session, actor, association_id)
    if not roles & ASSOCIATION_APPROVERS:
        raise PermissionDenied("Only the person responsible for authorisation or a substitute decides associations.")
    if association.state != "pending":
        raise Conflict(f"The association is {association.state}, not pending.")
    association.state = "approved" if approve else "refused"
    association.decided_by_id, association.decided_at = actor.user_id, clock.now()
    await audit.record(session, actor=actor.label, action=f"association.{association.state}",
                       subject=f"association:{association.id}", before={"state": "pending"},
                       after={"state": association.state})
    return association


async def end_association(session: AsyncSession, *, actor: Actor, association_id: str) -> Association:
    association, roles = await _visible(session, actor, association_id)
    if actor.user_id != association.user_id and not roles & ASSOCIATION_ENDERS:
        raise PermissionDenied("Only the user, an administrator, the responsible person or a substitute ends it.")
    if association.state not in ("pending", "approved"):
        raise Conflict(f"The association is already {association.state}.")
    before = association.state
    association.state, association.ended_by_id, association.ended_at = "ended", actor.user_id, clock.now()
    for hook in ON_END:
        await hook(session, association, actor)
    await audit.record(session, actor=actor.label, action="association.end", subject=f"association:{association.id}",
                       before={"state": before}, after={"state": "ended"})
    return association


async def list_associations(session: AsyncSession, *, actor: Actor, institution_id: str,
                            state: str | None = None) -> list[Association]:
    institution = await get_or_404(session, Institution, institution_id, "institution")
    roles = await roles_at(session, actor.user_id, institution.id)
    if not actor.is_staff and not roles & (ASSOCIATION_ENDERS | {"signatory"}):
        raise NotFound(f"No institution with id {institution_id!r}.")
    query = select(Association).where(Association.institution_id == institution.id)
    if state:
        query = query.where(Association.state == state)
    return list(await session.scalars(query.order_by(Association.id)))
