from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, delete, get, post
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.auth import require_staff
from api.schemas import AgreementBody, IdentBody, InstitutionBody, RoleBody, TerminateBody, UserRequestBody
from boa.actor import Actor
from boa.errors import NotFound
from boa.models import AuthorisationAgreement, Institution, InstitutionRole, User, UserRequest
from boa.services import associations, institutions, users
from boa.services.common import can_see_institution, get_or_404, keyset_page, roles_at


async def _visible_institution(db: AsyncSession, actor: Actor, institution_id: str) -> Institution:
    institution = await get_or_404(db, Institution, institution_id, "institution")
    if not await can_see_institution(db, actor, institution):
        raise NotFound(f"No institution with id {institution_id!r}.")
    return institution


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
    async def index(self, db_session: AsyncSession, limit: int | None = None,
                   cursor: str | None = None) -> dict[str, Any]:
        rows, nxt = await keyset_page(db_session, select(Institution), Institution.id, limit, cursor)
        return {"items": [presenters.institution(i) for i in rows], "next_cursor": nxt}

    @get("/{institution_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, institution_id: str) -> dict[str, Any]:
        inst = await _visible_institution(db_session, actor, institution_id)
        out = presenters.institution(inst)
        agreements = await db_session.scalars(select(AuthorisationAgreement).where(
            AuthorisationAgreement.institution_id == inst.id).order_by(AuthorisationAgreement.id))
        out["agreements"] = [presenters.agreement(a) for a in agreements]
        role_rows = (await db_session.execute(select(InstitutionRole.role, User.ident).join(
            User, User.id == InstitutionRole.user_id).where(InstitutionRole.institution_id == inst.id)
            .order_by(User.ident))).all()
        out["roles"] = [{"ident": ident, "role": role} for role, ident in role_rows]
        out["my_roles"] = sorted(await roles_at(db_session, actor.user_id, inst.id))
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
        req = await users.request_user(db_session, actor=actor, institution_id=institution_id, name=data.name,
                                       email=data.email, mobile=data.mobile)
        return presenters.user_request(req)

    @get("/{institution_id:str}/user-requests")
    async def list_user_requests(self, db_session: AsyncSession, actor: Actor,
                                 institution_id: str) -> dict[str, Any]:
        inst = await _visible_institution(db_session, actor, institution_id)
        if not actor.is_staff and "administrator" not in await roles_at(db_session, actor.user_id, inst.id):
            raise NotFound(f"No institution with id {institution_id!r}.")
        rows = await db_session.scalars(select(UserRequest).where(UserRequest.institution_id == inst.id)
                                        .order_by(UserRequest.id))
        return {"items": [presenters.user_request(r) for r in rows], "next_cursor": None}

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
    ) -> dict[str, Any]:
        rows = await associations.list_associations(db_session, actor=actor, institution_id=institution_id,
                                                    state=association_state)
        idents = {u.id: u.ident for u in await db_session.scalars(
            select(User).where(User.id.in_([a.user_id for a in rows])))}
        return {"items": [presenters.association(a, idents.get(a.user_id)) for a in rows], "next_cursor": None}


class AgreementController(Controller):
    path = "/v1/agreements"
    tags = ["Institutions"]

    @post("/{agreement_id:str}/terminate", guards=[require_staff], status_code=200)
    async def terminate(self, db_session: AsyncSession, actor: Actor, agreement_id: str,
                        data: TerminateBody) -> dict[str, Any]:
        agreement = await institutions.terminate_agreement(db_session, actor=actor, agreement_id=agreement_id,
                                                           reason=data.reason)
        return presenters.agreement(agreement)
