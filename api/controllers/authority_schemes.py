"""HTTP: /v1/authority-schemes."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.bodies import IdentBody
from api.schemas.scheme_bodies import AgreementBody, AuthoritySchemeBody, DeliveryBody, NeedBody, PurposeBody
from boa.kernel.actor import Actor
from schemes import presenters, views
from schemes.authority import service
from schemes.presenters import AuthoritySchemeView, DeliveryView, MemberView, NeedView, PurposeView


class AuthoritySchemeController(Controller):
    path = "/v1/authority-schemes"
    tags = ["Schemes and projects"]

    @post("/", status_code=201)
    async def create(self, db_session: AsyncSession, actor: Actor, data: AuthoritySchemeBody) -> AuthoritySchemeView:
        p = data.purpose
        scheme = await service.create(db_session, actor=actor, institution_id=data.institution_id, topics=p.topics,
                                      registers=p.registers, valid_from=p.valid_from, link_own_data=p.link_own_data)
        return await views.authority_scheme(db_session, scheme)

    @get("/{scheme_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, scheme_id: str) -> AuthoritySchemeView:
        scheme, _ = await service.visible(db_session, actor, scheme_id)
        return await views.authority_scheme(db_session, scheme)

    @post("/{scheme_id:str}/purposes", status_code=201)
    async def purpose(self, db_session: AsyncSession, actor: Actor, scheme_id: str, data: PurposeBody) -> PurposeView:
        purpose = await service.add_purpose(db_session, actor=actor, scheme_id=scheme_id, topics=data.topics,
                                            registers=data.registers, valid_from=data.valid_from,
                                            link_own_data=data.link_own_data)
        return presenters.purpose(purpose)

    @post("/{scheme_id:str}/agreement", status_code=200)
    async def agreement(self, db_session: AsyncSession, actor: Actor, scheme_id: str,
                        data: AgreementBody) -> AuthoritySchemeView:
        """The agreement's next state: draft → signed → active → terminated (no fixed period)."""
        scheme = await service.move_agreement(db_session, actor=actor, scheme_id=scheme_id, to=data.state,
                                              reason=data.reason)
        return await views.authority_scheme(db_session, scheme)

    @post("/{scheme_id:str}/needs", status_code=201)
    async def need(self, db_session: AsyncSession, actor: Actor, scheme_id: str, data: NeedBody) -> NeedView:
        """The authority tells the office its needs changed; a new purpose version answers it."""
        return presenters.need(await service.tell_need(db_session, actor=actor, scheme_id=scheme_id,
                                                       description=data.description))

    @post("/{scheme_id:str}/deliveries", status_code=201)
    async def delivery(self, db_session: AsyncSession, actor: Actor, scheme_id: str,
                       data: DeliveryBody) -> DeliveryView:
        """Tailored data delivered for a specific purpose, against the current purpose version."""
        row, version = await service.deliver(db_session, actor=actor, scheme_id=scheme_id,
                                             description=data.description, registers=data.registers)
        return presenters.delivery(row, version)

    @post("/{scheme_id:str}/members", status_code=201)
    async def add_member(self, db_session: AsyncSession, actor: Actor, scheme_id: str, data: IdentBody) -> MemberView:
        member = await service.add_member(db_session, actor=actor, scheme_id=scheme_id, ident=data.ident)
        return presenters.member(member, data.ident.upper())

    @post("/{scheme_id:str}/members/{ident:str}/approve", status_code=200)
    async def approve_member(self, db_session: AsyncSession, actor: Actor, scheme_id: str,
                             ident: str) -> MemberView:
        member = await service.approve_member(db_session, actor=actor, scheme_id=scheme_id, ident=ident)
        return presenters.member(member, ident.upper())

    @delete("/{scheme_id:str}/members/{ident:str}", status_code=204)
    async def remove_member(self, db_session: AsyncSession, actor: Actor, scheme_id: str, ident: str) -> None:
        await service.remove_member(db_session, actor=actor, scheme_id=scheme_id, ident=ident)
