"""HTTP: /v1/law-model."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.bodies import IdentBody
from api.schemas.scheme_bodies import LawModelBody
from boa.kernel.actor import Actor
from boa.kernel.errors import NotFound
from schemes import presenters, views
from schemes.law_model import service
from schemes.presenters import LawModelView, MemberView
from schemes.projects.models import Project
from schemes.projects.service import can_see, project_roles


class LawModelController(Controller):
    path = "/v1/law-model"
    tags = ["Schemes and projects"]

    @post("/", status_code=201)
    async def establish(self, db_session: AsyncSession, actor: Actor, data: LawModelBody) -> LawModelView:
        model = await service.establish(db_session, actor=actor, institution_id=data.institution_id,
                                        rule_set=data.rule_set)
        return await views.law_model(db_session, model)

    @get("/")
    async def show(self, db_session: AsyncSession, actor: Actor) -> LawModelView:
        model = await service.the_law_model(db_session)
        project = await db_session.get(Project, model.project_id)
        # Its members are seen by the office, the ministry's role holders and the members (as a project).
        if project is None or not can_see(await project_roles(db_session, actor, project)):
            raise NotFound("The law model is not established.")
        return await views.law_model(db_session, model)

    @post("/members", status_code=201)
    async def add_member(self, db_session: AsyncSession, actor: Actor, data: IdentBody) -> MemberView:
        member = await service.add_member(db_session, actor=actor, ident=data.ident)
        return presenters.member(member, data.ident.upper())

    @delete("/members/{ident:str}", status_code=204)
    async def remove_member(self, db_session: AsyncSession, actor: Actor, ident: str) -> None:
        await service.remove_member(db_session, actor=actor, ident=ident)
