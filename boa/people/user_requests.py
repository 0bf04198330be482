"""User requests: an institution's administrator asks Research Services for a new user; staff
approve (the user is created and mailed an activation code) or refuse (SPEC 2)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, inputs
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, PermissionDenied, ValidationFailed
from boa.kernel.queries import get_or_404, keyset_page
from boa.people.lookups import institution_at
from boa.people.models import UserRequest
from boa.people.permissions import may_list_user_requests, may_request_user
from boa.people.states import USER_REQUEST, UserRequestState
from boa.people.users import check_email, create_user, normalise_mobile_or_none


async def request_user(session: AsyncSession, *, actor: Actor, institution_id: str, name: str, email: str,
                       mobile: str | None = None) -> UserRequest:
    institution, roles = await institution_at(session, actor, institution_id)
    if not may_request_user(roles):
        raise PermissionDenied("Only an administrator of the institution requests a new user.")
    if not name.strip():
        raise ValidationFailed("name must not be empty.", field="name")
    inputs.check_line(name.strip(), "name")
    req = UserRequest(institution_id=institution.id, requested_by_id=actor.user_id, name=name.strip(),
                      email=check_email(email), mobile=normalise_mobile_or_none(mobile), state=UserRequestState.PENDING)
    session.add(req)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.USER_REQUEST_CREATE,
                       subject=f"user_request:{req.id}",
                       after={"institution": institution.authorisation_number, "name": req.name, "email": req.email})
    return req


async def list_user_requests(session: AsyncSession, *, actor: Actor, institution_id: str | None = None,
                             state: str | None = None, limit: int | None = None,
                             cursor: str | None = None) -> tuple[Sequence[UserRequest], str | None]:
    """Staff see every institution's requests; an administrator their institution's. One page."""
    query = select(UserRequest)
    if institution_id is not None:
        institution, roles = await institution_at(
            session, actor, institution_id, lambda r: may_list_user_requests(r, staff=actor.is_staff))
        query = query.where(UserRequest.institution_id == institution.id)
    elif not actor.is_staff:
        raise PermissionDenied("Only Research Services lists every institution's user requests.")
    if state:
        if state not in tuple(UserRequestState):
            raise ValidationFailed(f"state must be one of {', '.join(UserRequestState)}.", field="state")
        query = query.where(UserRequest.state == state)
    return await keyset_page(session, query, UserRequest.id, limit, cursor)


# The audit action of each decision.
DECIDED = {UserRequestState.APPROVED: AuditAction.USER_REQUEST_APPROVED,
           UserRequestState.REFUSED: AuditAction.USER_REQUEST_REFUSED}


async def decide_user_request(session: AsyncSession, *, actor: Actor, request_id: str, approve: bool,
                              comment: str | None = None) -> UserRequest:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services decides user requests.")
    req = await get_or_404(session, UserRequest, request_id, "user request")
    to = USER_REQUEST.move(req.state, UserRequestState.APPROVED if approve else UserRequestState.REFUSED,
                           refuse=Conflict(f"The request is already {req.state}."))
    req.decided_by_id, req.comment = actor.user_id, comment
    if approve:
        user = await create_user(session, actor=actor, name=req.name, email=req.email, mobile=req.mobile)
        req.user_id = user.id
    req.state = to
    await audit.record(session, actor=actor.label, action=DECIDED[to], subject=f"user_request:{req.id}",
                       after={"state": req.state, "comment": comment})
    return req
