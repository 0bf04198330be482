"""HTTP: /v1/project-databases."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.scheme_bodies import CloseBody, ExtendBody, ManagersBody, ProjectDatabaseBody, SubProjectBody
from api.schemas.schemes import MinimisationReport
from boa.kernel.actor import Actor
from schemes import views
from schemes.presenters import ProjectDatabaseView, ProjectView
from schemes.project_database import service


class ProjectDatabaseController(Controller):
    path = "/v1/project-databases"
    tags = ["Schemes and projects"]

    @post("/", status_code=201)
    async def create(self, db_session: AsyncSession, actor: Actor, data: ProjectDatabaseBody) -> ProjectDatabaseView:
        pdb = await service.create(db_session, actor=actor, institution_id=data.institution_id,
                                   manager_idents=data.manager_idents, datasets=data.datasets)
        return await views.project_database(db_session, pdb)

    @get("/{pdb_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, pdb_id: str) -> ProjectDatabaseView:
        return await views.project_database(db_session, *await service.overview(db_session, actor=actor,
                                                                                pdb_id=pdb_id))

    @put("/{pdb_id:str}/managers")
    async def managers(self, db_session: AsyncSession, actor: Actor, pdb_id: str, data: ManagersBody) -> ProjectDatabaseView:
        pdb = await service.set_managers(db_session, actor=actor, pdb_id=pdb_id, manager_idents=data.manager_idents)
        return await views.project_database(db_session, pdb)

    @post("/{pdb_id:str}/sub-projects", status_code=201)
    async def sub_project(self, db_session: AsyncSession, actor: Actor, pdb_id: str,
                          data: SubProjectBody) -> ProjectView:
        project = await service.create_sub_project(db_session, actor=actor, pdb_id=pdb_id, title=data.title,
                                                   datasets=data.datasets)
        return await views.project(db_session, project, full=True)

    @get("/{pdb_id:str}/minimisation-report")
    async def report(self, db_session: AsyncSession, actor: Actor, pdb_id: str) -> MinimisationReport:
        return msgspec.convert(await service.report(db_session, actor=actor, pdb_id=pdb_id), MinimisationReport)

    @post("/{pdb_id:str}/extend", status_code=200)
    async def extend(self, db_session: AsyncSession, actor: Actor, pdb_id: str, data: ExtendBody) -> ProjectDatabaseView:
        pdb = await service.extend(db_session, actor=actor, pdb_id=pdb_id, end_date=data.end_date)
        return await views.project_database(db_session, pdb)

    @post("/{pdb_id:str}/close", status_code=200)
    async def close(self, db_session: AsyncSession, actor: Actor, pdb_id: str, data: CloseBody) -> ProjectDatabaseView:
        pdb = await service.close(db_session, actor=actor, pdb_id=pdb_id, reason=data.reason)
        return await views.project_database(db_session, pdb)
