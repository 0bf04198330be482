"""HTTP: /v1/projects (all scheme kinds)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.bodies import IdentBody
from api.schemas.common import Page, extended
from api.schemas.content import content_input
from api.schemas.scheme_bodies import ProjectBody, ProjectPatch
from api.schemas.schemes import ProjectDetail, ProjectMemberView
from api.schemas.system import ActiveProjectsReport
from boa.kernel.actor import Actor
from boa.kernel.errors import ValidationFailed
from schemes import presenters, views
from schemes.presenters import ProjectView
from schemes.projects import service
from schemes.projects.report import active_projects_report
from schemes.researcher import members as researcher_members
from schemes.researcher import service as researcher


class ProjectController(Controller):
    path = "/v1/projects"
    tags = ["Schemes and projects"]

    @post("/", status_code=201)
    async def create(self, db_session: AsyncSession, actor: Actor, data: ProjectBody) -> ProjectView:
        if data.scheme != "researcher":
            raise ValidationFailed("POST /v1/projects creates researcher-scheme projects; sub-projects are created "
                                   "at /v1/project-databases/{id}/sub-projects, the authority scheme and the law "
                                   "model have their own endpoints.", field="scheme", code="wrong_scheme")
        project = await researcher.create_project(
            db_session, actor=actor, institution_id=data.institution_id, title=data.title,
            description=data.description, datasets=data.datasets, contact_ident=data.contact_ident,
            end_date=data.end_date, deletion_date=data.deletion_date, details=data.details,
            given=content_input(data, datasets=data.datasets))
        return await views.project(db_session, project, full=True)

    @get("/")
    async def index(self, db_session: AsyncSession, actor: Actor, limit: int | None = None,
                    cursor: str | None = None, scheme: str | None = None,
                    institution_id: str | None = None,
                    project_state: Annotated[str | None, Parameter(query="state")] = None) -> Page[ProjectView]:
        rows, nxt = await service.list_projects(db_session, actor=actor, limit=limit, cursor=cursor, scheme=scheme,
                                                institution_id=institution_id, state=project_state)
        return Page(items=await views.projects(db_session, rows), next_cursor=nxt)

    @get("/{number:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, number: str) -> ProjectDetail:
        project, roles = await service.visible(db_session, actor, number)
        shown = await views.project(db_session, project, full=True)
        return extended(ProjectDetail, shown, my_roles=sorted(roles),
                        next_states=await researcher.offered_moves(db_session, actor, project, roles))

    @patch("/{number:str}")
    async def update(self, db_session: AsyncSession, actor: Actor, number: str, data: ProjectPatch) -> ProjectView:
        project = await service.set_deletion_date(db_session, actor=actor, number=number,
                                                  deletion_date=data.deletion_date)
        return await views.project(db_session, project)

    @post("/{number:str}/deletion-approval", status_code=200)
    async def approve_deletion(self, db_session: AsyncSession, actor: Actor, number: str) -> ProjectView:
        project = await service.approve_deletion(db_session, actor=actor, number=number)
        return await views.project(db_session, project)

    @post("/{number:str}/members", status_code=201)
    async def add_member(self, db_session: AsyncSession, actor: Actor, number: str,
                         data: IdentBody) -> ProjectMemberView:
        project, member, user = await researcher_members.add_project_member(db_session, actor=actor, number=number,
                                                                 ident=data.ident)
        return extended(ProjectMemberView, presenters.member(member, user.ident),
                                 project=str(project.number))

    @delete("/{number:str}/members/{ident:str}", status_code=204)
    async def remove_member(self, db_session: AsyncSession, actor: Actor, number: str, ident: str) -> None:
        await researcher_members.remove_project_member(db_session, actor=actor, number=number, ident=ident)


class ReportController(Controller):
    path = "/v1/reports"
    tags = ["Reports"]

    @get("/active-projects")
    async def active_projects(self, db_session: AsyncSession, actor: Actor, first_year: int | None = None,
                              last_year: int | None = None) -> ActiveProjectsReport:
        report = await active_projects_report(db_session, actor=actor, first_year=first_year, last_year=last_year)
        return msgspec.convert(report.as_dict(), ActiveProjectsReport)
