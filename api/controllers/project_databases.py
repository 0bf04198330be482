"""HTTP: /v1/project-databases."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.scheme_bodies import (
    AssessmentBody,
    CloseBody,
    DatasetsBody,
    ExtendBody,
    ManagersBody,
    MoveBody,
    NarrowBody,
    ProjectDatabaseBody,
    ResponsibleBody,
    SubProjectBody,
)
from api.schemas.schemes import MinimisationReport
from boa.kernel.actor import Actor
from schemes import views
from schemes.presenters import ProjectDatabaseView, ProjectView
from schemes.project_database import datasets, service
from schemes.project_database.presenters import ChangePreview, DatasetsView


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

    @put("/{pdb_id:str}/responsible")
    async def responsible(self, db_session: AsyncSession, actor: Actor, pdb_id: str,
                          data: ResponsibleBody) -> ProjectDatabaseView:
        pdb = await service.assign_responsible(db_session, actor=actor, pdb_id=pdb_id, ident=data.ident)
        return await views.project_database(db_session, pdb)

    @put("/{pdb_id:str}/assessment")
    async def assessment(self, db_session: AsyncSession, actor: Actor, pdb_id: str,
                         data: AssessmentBody) -> ProjectDatabaseView:
        pdb = await service.assess(db_session, actor=actor, pdb_id=pdb_id, overlap=data.overlap, growth=data.growth)
        return await views.project_database(db_session, pdb)

    @get("/{pdb_id:str}/datasets")
    async def datasets(self, db_session: AsyncSession, actor: Actor, pdb_id: str) -> DatasetsView:
        return await datasets.history(db_session, actor=actor, pdb_id=pdb_id)

    @post("/{pdb_id:str}/datasets", status_code=201)
    async def add_datasets(self, db_session: AsyncSession, actor: Actor, pdb_id: str,
                           data: DatasetsBody) -> DatasetsView:
        await datasets.add(db_session, actor=actor, pdb_id=pdb_id, datasets=data.datasets, agreement=data.agreement)
        return await datasets.history(db_session, actor=actor, pdb_id=pdb_id)

    @post("/{pdb_id:str}/narrow", status_code=200)
    async def narrow(self, db_session: AsyncSession, actor: Actor, pdb_id: str, data: NarrowBody) -> DatasetsView:
        await datasets.narrow(db_session, actor=actor, pdb_id=pdb_id, datasets=data.datasets, reason=data.reason)
        return await datasets.history(db_session, actor=actor, pdb_id=pdb_id)

    @post("/{pdb_id:str}/datasets/{code:str}/move-to-sub-project", status_code=200)
    async def move(self, db_session: AsyncSession, actor: Actor, pdb_id: str, code: str,
                   data: MoveBody) -> DatasetsView:
        await datasets.move_to_sub_project(db_session, actor=actor, pdb_id=pdb_id, dataset=code, reason=data.reason)
        return await datasets.history(db_session, actor=actor, pdb_id=pdb_id)

    @get("/{pdb_id:str}/preview")
    async def preview(self, db_session: AsyncSession, actor: Actor, pdb_id: str, action: str,
                      datasets_: Annotated[str | None, Parameter(query="datasets")] = None,
                      end_date: date | None = None) -> ChangePreview:
        """What an end date (``action=end_date&end_date=``), a closing (``action=close``) or a
        narrowing (``action=narrow&datasets=BEF,UDDA``) would affect; nothing changes."""
        named = [d for d in (datasets_ or "").split(",") if d.strip()]
        return await datasets.preview(db_session, actor=actor, pdb_id=pdb_id, action=action, datasets=named,
                                      end_date=end_date)
