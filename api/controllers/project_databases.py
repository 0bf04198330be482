"""HTTP: /v1/project-databases."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from api.scheme_schemas import CloseBody, ExtendBody, ManagersBody, ProjectDatabaseBody, SubProjectBody
from boa.kernel.actor import Actor
from schemes import presenters
from schemes.project_database import service
from schemes.project_database.models import ProjectDatabase
from schemes.projects.models import Project


async def _view(db: AsyncSession, pdb: ProjectDatabase) -> dict[str, Any]:
    main = await db.get(Project, pdb.main_project_id) if pdb.main_project_id else None
    return await presenters.project_database(db, pdb, await service.manager_ids(db, pdb), main,
                                             await service.sub_projects(db, pdb))


class ProjectDatabaseController(Controller):
    path = "/v1/project-databases"
    tags = ["Schemes and projects"]

    @post("/", status_code=201)
    async def create(self, db_session: AsyncSession, actor: Actor, data: ProjectDatabaseBody) -> dict[str, Any]:
        pdb = await service.create(db_session, actor=actor, institution_id=data.institution_id,
                                   manager_idents=data.manager_idents, datasets=data.datasets)
        return await _view(db_session, pdb)

    @get("/{pdb_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, pdb_id: str) -> dict[str, Any]:
        return await presenters.project_database(db_session, *await service.overview(db_session, actor=actor,
                                                                                     pdb_id=pdb_id))

    @put("/{pdb_id:str}/managers")
    async def managers(self, db_session: AsyncSession, actor: Actor, pdb_id: str, data: ManagersBody) -> dict[str, Any]:
        pdb = await service.set_managers(db_session, actor=actor, pdb_id=pdb_id, manager_idents=data.manager_idents)
        return await _view(db_session, pdb)

    @post("/{pdb_id:str}/sub-projects", status_code=201)
    async def sub_project(self, db_session: AsyncSession, actor: Actor, pdb_id: str,
                          data: SubProjectBody) -> dict[str, Any]:
        project = await service.create_sub_project(db_session, actor=actor, pdb_id=pdb_id, title=data.title,
                                                   datasets=data.datasets)
        return await presenters.project(db_session, project, full=True)

    @get("/{pdb_id:str}/minimisation-report")
    async def report(self, db_session: AsyncSession, actor: Actor, pdb_id: str) -> dict[str, Any]:
        return await service.report(db_session, actor=actor, pdb_id=pdb_id)

    @post("/{pdb_id:str}/extend", status_code=200)
    async def extend(self, db_session: AsyncSession, actor: Actor, pdb_id: str, data: ExtendBody) -> dict[str, Any]:
        pdb = await service.extend(db_session, actor=actor, pdb_id=pdb_id, end_date=data.end_date)
        return await _view(db_session, pdb)

    @post("/{pdb_id:str}/close", status_code=200)
    async def close(self, db_session: AsyncSession, actor: Actor, pdb_id: str, data: CloseBody) -> dict[str, Any]:
        pdb = await service.close(db_session, actor=actor, pdb_id=pdb_id, reason=data.reason)
        return await _view(db_session, pdb)
