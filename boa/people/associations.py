"""Association agreements: an administrator requests, the responsible person or a substitute
approves, and the user, an administrator, the responsible person or a substitute ends one.
The database keeps at most one open association per user and institution."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, extensions, inputs
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique, get_or_404, keyset_page
from boa.people.four_eyes import is_own, refuse_own_grant
from boa.people.lookups import institution_at, roles_at, user_by_ident
from boa.people.models import Association, User
from boa.people.permissions import (
    may_decide_association,
    may_end_association,
    may_list_associations,
    may_request_association,
)
from boa.people.states import ASSOCIATION, OPEN_ASSOCIATION_STATES, AssociationState


async def request_association(session: AsyncSession, *, actor: Actor, institution_id: str, ident: str) -> Association:
    institution, roles = await institution_at(session, actor, institution_id)
    if not may_request_association(roles):
        raise PermissionDenied("Only an administrator of the institution associates users.")
    user = await user_by_ident(session, ident)
    open_one = await session.scalar(select(Association).where(
        Association.user_id == user.id, Association.institution_id == institution.id,
        Association.state.in_(OPEN_ASSOCIATION_STATES)))
    if open_one is not None:
        raise Conflict(f"{user.ident} already has a {open_one.state} association with this institution.",
                       code="already_associated")
    association = Association(user_id=user.id, institution_id=institution.id, state=AssociationState.PENDING,
                              requested_by_id=actor.user_id)
    await add_unique(session, association, Conflict(f"{user.ident} is already associated with this institution.", code="already_associated"))
    await audit.record(session, actor=actor.label, action=AuditAction.ASSOCIATION_REQUEST,
                       subject=f"association:{association.id}",
                       after={"ident": user.ident, "institution": institution.authorisation_number, "state": "pending"})
    return association


async def _visible(session: AsyncSession, actor: Actor, association_id: str) -> tuple[Association, set[str]]:
    association = await get_or_404(session, Association, association_id, "association")
    roles = await roles_at(session, actor.user_id, association.institution_id)
    if not roles and not actor.is_staff and actor.user_id != association.user_id:
        raise NotFound(f"No association with id {association_id!r}.")
    return association, roles


# The audit action of each decision.
DECIDED = {AssociationState.APPROVED: AuditAction.ASSOCIATION_APPROVED,
           AssociationState.REFUSED: AuditAction.ASSOCIATION_REFUSED}


async def decide_association(session: AsyncSession, *, actor: Actor, association_id: str,
                             approve: bool) -> Association:
    association, roles = await _visible(session, actor, association_id)
    if not may_decide_association(roles):
        raise PermissionDenied("Only the person responsible for authorisation or a substitute decides associations.")
    to = AssociationState.APPROVED if approve else AssociationState.REFUSED
    if is_own(actor, association.user_id):
        await refuse_own_grant(session, actor=actor, subject=f"association:{association.id}",
                               message="Nobody decides their own association: another responsible person or "
                                       "substitute decides it.", decision=str(to))
    association.state = ASSOCIATION.move(association.state, to,
                                         refuse=Conflict(f"The association is {association.state}, not pending."))
    association.decided_by_id, association.decided_at = actor.user_id, clock.now()
    await audit.record(session, actor=actor.label, action=DECIDED[to],
                       subject=f"association:{association.id}", before={"state": "pending"},
                       after={"state": association.state})
    return association


async def association_to_end(session: AsyncSession, *, actor: Actor, association_id: str) -> Association:
    """The association ``actor`` may end (what the confirmation page names before it is ended)."""
    association, roles = await _visible(session, actor, association_id)
    if not may_end_association(roles, own=actor.user_id == association.user_id):
        raise PermissionDenied("Only the user, an administrator, the responsible person or a substitute ends it.")
    if association.state not in ASSOCIATION.sources(AssociationState.ENDED):
        raise Conflict(f"The association is already {association.state}.")
    return association


async def end_association(session: AsyncSession, *, actor: Actor, association_id: str) -> Association:
    association = await association_to_end(session, actor=actor, association_id=association_id)
    before = association.state
    association.state = ASSOCIATION.move(before, AssociationState.ENDED,
                                         refuse=Conflict(f"The association is already {before}."))
    association.ended_by_id, association.ended_at = actor.user_id, clock.now()
    for hook in extensions.current().on_association_end:  # the schemes end the memberships there
        await hook(session, association, actor)
    await audit.record(session, actor=actor.label, action=AuditAction.ASSOCIATION_END,
                       subject=f"association:{association.id}",
                       before={"state": before}, after={"state": "ended"})
    return association


async def list_associations(session: AsyncSession, *, actor: Actor, institution_id: str, state: str | None = None,
                            q: str | None = None, limit: int | None = None,
                            cursor: str | None = None) -> tuple[list[tuple[Association, User]], str | None]:
    """One page of the institution's associations (oldest first), each with its user; ``q``
    matches the IDENT exactly or the start of the name or e-mail."""
    institution, roles = await institution_at(
        session, actor, institution_id, lambda r: may_list_associations(r, staff=actor.is_staff))
    query = select(Association).join(User, User.id == Association.user_id).where(
        Association.institution_id == institution.id)
    if state:
        if state not in tuple(AssociationState):
            raise ValidationFailed(f"state must be one of {', '.join(AssociationState)}.", field="state")
        query = query.where(Association.state == state)
    if q and q.strip():
        term = inputs.check_line(q.strip(), "q", limit=inputs.TERM_MAX)
        if len(term) > 200:
            raise ValidationFailed("q is too long.", field="q")
        like = f"{term.lower()}%"
        query = query.where(or_(User.ident == term.upper(), func.lower(User.name).like(like),
                                func.lower(User.email).like(like)))
    rows, nxt = await keyset_page(session, query, Association.id, limit, cursor)
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_([a.user_id for a in rows])))}
    return [(a, users[a.user_id]) for a in rows], nxt
