from __future__ import annotations

from litestar import Controller, get, patch, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.bodies import EmailConfirmBody, MePatch
from api.schemas.common import extended
from api.schemas.people import EmailConfirmed, Membership, MeView, MyRole, Onboarding
from boa.kernel.access import missing_onboarding
from boa.kernel.actor import Actor
from boa.kernel.decisions import decision_for
from boa.kernel.errors import PermissionDenied
from boa.people import email_changes, users
from boa.people.lookups import user_of
from boa.people.models import Association, Institution, InstitutionRole
from boa.web.auth import ONBOARDING
from schemes.projects import service as project_service
from tokens.models import Token


async def me_view(db: AsyncSession, actor: Actor) -> MeView:
    if actor.user is None:
        raise PermissionDenied("A service client has no profile.")
    user = user_of(actor)
    roles = (await db.execute(
        select(InstitutionRole.role, Institution.id, Institution.authorisation_number, Institution.name)
        .join(Institution, Institution.id == InstitutionRole.institution_id)
        .where(InstitutionRole.user_id == user.id))).all()
    assoc = (await db.execute(
        select(Association, Institution.authorisation_number).join(Institution, Institution.id == Association.institution_id)
        .where(Association.user_id == user.id).order_by(Association.id))).all()
    tokens = await db.scalars(select(Token).where(Token.user_id == user.id).order_by(Token.id))
    decision = await decision_for(db, user.ident, "login", record_denial=False)
    associations = []
    for a, number in assoc:
        shown = presenters.association(a, user.ident)
        shown.authorisation_number = number
        associations.append(shown)
    return extended(
        MeView, presenters.user(user),
        roles=[MyRole(institution_id=str(i), authorisation_number=n, institution=name, role=r)
               for r, i, n, name in roles] + [MyRole(institution="office", role=r) for r in user.staff_roles or []],
        associations=associations, tokens=[presenters.token(t) for t in tokens],
        memberships=[Membership(project=str(p.number), title=p.title, scheme=p.scheme, kind=p.kind,
                                institution_id=str(p.institution_id), state=m.state, project_state=p.state,
                                approved=p.approved_at is not None, deleted=p.deleted)
                     for m, p in await project_service.memberships_of(db, user.id)],
        access=presenters.decision(decision), onboarding=Onboarding(missing=missing_onboarding(decision)),
        pending_email=change.new_email if (change := await email_changes.pending(db, user)) else None)


class MeController(Controller):
    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished
    path = "/v1/me"
    tags = ["Me"]

    @get("/")
    async def me(self, db_session: AsyncSession, actor: Actor) -> MeView:
        return await me_view(db_session, actor)

    @patch("/")
    async def update(self, db_session: AsyncSession, actor: Actor, data: MePatch) -> MeView:
        await users.update_contact(db_session, actor=actor, email=data.email, mobile=data.mobile,
                                   address=data.address.as_dict() if data.address else None,
                                   language=data.language)
        return await me_view(db_session, actor)

    @post("/email/confirm", opt={"public": True}, status_code=200)
    async def confirm_email(self, db_session: AsyncSession, data: EmailConfirmBody) -> EmailConfirmed:
        """The link sent to a new address, opened: from now on the user's address."""
        user = await email_changes.confirm(db_session, token=data.token)
        return EmailConfirmed(ident=user.ident, email=user.email)
