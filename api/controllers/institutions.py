from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, delete, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas import AgreementBody, IdentBody, InstitutionBody, RoleBody, TerminateBody, UserRequestBody
from boa.kernel.actor import Actor
from boa.people import associations, institutions, user_requests
from boa.people.models import User
from boa.web.auth import require_staff


class InstitutionController(Controller):
    path = "/v1/institutions"
    tags = ["Institutions"]

    @post("/", guards=[require_staff])
    async def create(self, db_session: AsyncSession, actor: Actor, data: InstitutionBody) -> dict[str, Any]:
        inst = await institutions.create_institution(db_session, actor=actor, name=data.name,
                                                     authorisation_number=data.authorisation_number,
                                                     kind=data.kind, mail_domains=data.mail_domains,
                                                     address=data.address)
        return presenters.institution(inst)

    @get("/", guards=[require_staff])
    async def index(self, db_session: AsyncSession, actor: Actor, limit: int | None = None,
                   cursor: str | None = None) -> dict[str, Any]:
        rows, nxt = await institutions.list_institutions(db_session, actor=actor, limit=limit, cursor=cursor)
        return {"items": [presenters.institution(i) for i in rows], "next_cursor": nxt}

    @get("/{institution_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, institution_id: str) -> dict[str, Any]:
        view = await institutions.overview(db_session, actor=actor, institution_id=institution_id)
        out = presenters.institution(view.institution)
        out["agreements"] = [presenters.agreement(a, ident) for a, ident in view.agreements]
        out["roles"] = [{"ident": ident, "role": role} for ident, _, role in view.roles]
        out["my_roles"] = sorted(view.my_roles)
        return out

    @post("/{institution_id:str}/agreements", guards=[require_staff])
    async def create_agreement(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                               data: AgreementBody) -> dict[str, Any]:
        agreement = await institutions.create_agreement(
            db_session, actor=actor, institution_id=institution_id, schemes=data.schemes,
            responsible_ident=data.responsible_ident, substitute_idents=data.substitute_idents)
        responsible = await db_session.get(User, agreement.responsible_user_id)
        return presenters.agreement(agreement, responsible.ident if responsible else None) | {
            "substitute_idents": [i.upper() for i in data.substitute_idents]}

    @post("/{institution_id:str}/roles")
    async def assign_role(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                          data: RoleBody) -> dict[str, Any]:
        row = await institutions.assign_role(db_session, actor=actor, institution_id=institution_id,
                                             ident=data.ident, role=data.role)
        return {"institution_id": str(row.institution_id), "ident": data.ident.upper(), "role": row.role}

    @delete("/{institution_id:str}/roles/{ident:str}/{role:str}", status_code=204)
    async def remove_role(self, db_session: AsyncSession, actor: Actor, institution_id: str, ident: str,
                          role: str) -> None:
        await institutions.remove_role(db_session, actor=actor, institution_id=institution_id, ident=ident, role=role)

    @post("/{institution_id:str}/user-requests")
    async def request_user(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                           data: UserRequestBody) -> dict[str, Any]:
        req = await user_requests.request_user(db_session, actor=actor, institution_id=institution_id, name=data.name,
                                       email=data.email, mobile=data.mobile)
        return presenters.user_request(req)

    @get("/{institution_id:str}/user-requests")
    async def list_user_requests(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                                 limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        rows, nxt = await user_requests.list_user_requests(db_session, actor=actor, institution_id=institution_id,
                                                   limit=limit, cursor=cursor)
        return {"items": [presenters.user_request(r) for r in rows], "next_cursor": nxt}

    @post("/{institution_id:str}/associations")
    async def associate(self, db_session: AsyncSession, actor: Actor, institution_id: str,
                        data: IdentBody) -> dict[str, Any]:
        a = await associations.request_association(db_session, actor=actor, institution_id=institution_id,
                                                   ident=data.ident)
        return presenters.association(a, data.ident.upper())

    @get("/{institution_id:str}/associations")
    async def list_associations(
        self, db_session: AsyncSession, actor: Actor, institution_id: str,
        association_state: Annotated[str | None, Parameter(query="state")] = None,
        q: str | None = None, limit: int | None = None, cursor: str | None = None,
    ) -> dict[str, Any]:
        rows, nxt = await associations.list_associations(db_session, actor=actor, institution_id=institution_id,
                                                         state=association_state, q=q, limit=limit, cursor=cursor)
        return {"items": [presenters.association(a, u.ident) for a, u in rows], "next_cursor": nxt}


class AgreementController(Controller):
    path = "/v1/agreements"
    tags = ["Institutions"]

    @post("/{agreement_id:str}/terminate", guards=[require_staff], status_code=200)
    async def terminate(self, db_session: AsyncSession, actor: Actor, agreement_id: str,
                        data: TerminateBody) -> dict[str, Any]:
        agreement = await institutions.terminate_agreement(db_session, actor=actor, agreement_id=agreement_id,
                                                           reason=data.reason)
        return presenters.agreement(agreement)
