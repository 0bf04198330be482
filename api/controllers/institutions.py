from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.bodies import (
    AgreementBody,
    IdentBody,
    InstitutionBody,
    RoleBody,
    TerminateBody,
    UserRequestBody,
)
from api.schemas.common import Page, extended
from api.schemas.people import (
    AgreementView,
    AssociationView,
    InstitutionDetail,
    InstitutionView,
    RoleAssigned,
    RoleHolder,
    UserRequestView,
)
from boa.kernel.actor import Actor
from boa.people import associations, institutions, user_requests
from boa.people.models import User
from boa.web.auth import require_staff


class InstitutionController(Controller):
    path = "/v1/institutions"
    tags = ["Institutions"]

    @post("/", guards=[require_staff])
    async def create(self, db_session: AsyncSession, actor: Actor, data: InstitutionBody) -> InstitutionView:
        inst = await institutions.create_institution(db_session, actor=actor, name=data.name,
                                                     authorisation_number=data.authorisation_number,
                                                     kind=data.kind, mail_domains=data.mail_domains,
                                                     address=data.address.as_dict() if data.address else None)
        return presenters.institution(inst)

    @get("/", guards=[require_staff])
    async def index(self, db_session: AsyncSession, actor: Actor, limit: int | None = None,
                   cursor: str | None = None) -> Page[InstitutionView]:
        rows, nxt = await institutions.list_institutions(db_session, actor=actor, limit=limit, cursor=cursor)
        return Page(items=[presenters.institution(i) for i in rows], next_cursor=nxt)

    @get("/{institution_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, institution_id: str) -> InstitutionDetail:
        view = await institutions.overview(db_session, actor=actor, institution_id=institution_id)
        return extended(
            InstitutionDetail, presenters.institution(view.institution),
            agreements=[presenters.agreement(a, ident) for a, ident in view.agreements],
            roles=[RoleHolder(ident=ident, role=role) for ident, _, role in view.roles],
            my_roles=sorted(view.my_roles))

    @post("/{institution_id:str}/agreements", guards=[require_staff])
    async def create_agreement(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                               data: AgreementBody) -> AgreementView:
        agreement = await institutions.create_agreement(
            db_session, actor=actor, institution_id=institution_id, schemes=data.schemes,
            responsible_ident=data.responsible_ident, substitute_idents=data.substitute_idents)
        responsible = await db_session.get(User, agreement.responsible_user_id)
        out = presenters.agreement(agreement, responsible.ident if responsible else None)
        out.substitute_idents = [i.upper() for i in data.substitute_idents]
        return out

    @post("/{institution_id:str}/roles")
    async def assign_role(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                          data: RoleBody) -> RoleAssigned:
        row = await institutions.assign_role(db_session, actor=actor, institution_id=institution_id,
                                             ident=data.ident, role=data.role)
        return RoleAssigned(institution_id=str(row.institution_id), ident=data.ident.upper(), role=row.role)

    @delete("/{institution_id:str}/roles/{ident:str}/{role:str}", status_code=204)
    async def remove_role(self, db_session: AsyncSession, actor: Actor, institution_id: str, ident: str,
                          role: str) -> None:
        await institutions.remove_role(db_session, actor=actor, institution_id=institution_id, ident=ident, role=role)

    @post("/{institution_id:str}/user-requests")
    async def request_user(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                           data: UserRequestBody) -> UserRequestView:
        req = await user_requests.request_user(db_session, actor=actor, institution_id=institution_id, name=data.name,
                                       email=data.email, mobile=data.mobile)
        return presenters.user_request(req)

    @get("/{institution_id:str}/user-requests")
    async def list_user_requests(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                                 limit: int | None = None, cursor: str | None = None) -> Page[UserRequestView]:
        rows, nxt = await user_requests.list_user_requests(db_session, actor=actor, institution_id=institution_id,
                                                   limit=limit, cursor=cursor)
        return Page(items=[presenters.user_request(r) for r in rows], next_cursor=nxt)

    @post("/{institution_id:str}/associations")
    async def associate(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                        data: IdentBody) -> AssociationView:
        a = await associations.request_association(db_session, actor=actor, institution_id=institution_id,
                                                   ident=data.ident)
        return presenters.association(a, data.ident.upper())

    @get("/{institution_id:str}/associations")
    async def list_associations(
        self, db_session: AsyncSession, actor: Actor, institution_id: str,
        association_state: Annotated[str | None, Parameter(query="state")] = None,
        q: str | None = None, limit: int | None = None, cursor: str | None = None,
    ) -> Page[AssociationView]:
        rows, nxt = await associations.list_associations(db_session, actor=actor, institution_id=institution_id,
                                                         state=association_state, q=q, limit=limit, cursor=cursor)
        return Page(items=[presenters.association(a, u.ident) for a, u in rows], next_cursor=nxt)


class AgreementController(Controller):
    path = "/v1/agreements"
    tags = ["Institutions"]

    @post("/{agreement_id:str}/terminate", guards=[require_staff], status_code=200)
    async def terminate(self, db_session: AsyncSession, actor: Actor, agreement_id: str,
                        data: TerminateBody) -> AgreementView:
        agreement = await institutions.terminate_agreement(db_session, actor=actor, agreement_id=agreement_id,
                                                           reason=data.reason)
        return presenters.agreement(agreement)
