"""The project database: datasets, managers, sub-projects, the data-minimisation report and the
end date. Managers create sub-projects; Research Services extends the end date."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.forms import done, read_form
from admin_ui.i18n import N_
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from schemes import views
from schemes.project_database import service


class ProjectDatabasePages(Controller):
    path = "/project-databases/{pdb_id:str}"

    @get("/")
    async def show(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        actor = viewer_of(request).actor
        pdb, managers, main, subs = await service.overview(db_session, actor=actor, pdb_id=pdb_id)
        view = await views.project_database(db_session, pdb, managers, main, subs)
        report = await service.report(db_session, actor=actor, pdb_id=pdb_id)
        return render(request, "project_database.html", pdb=view, report=report,
                      is_manager=actor.user_id in managers, can_extend=actor.is_staff and pdb.state == "active")

    @post("/sub-projects")
    async def create_sub_project(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        project = await service.create_sub_project(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id,
                                                   title=form.text("title"), datasets=form.all("datasets"))
        return done(request, f"/project-databases/{pdb_id}", N_("Sub-project %(number)s is created."),
                    number=project.number)

    @post("/extend")
    async def extend(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        await service.extend(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id,
                             end_date=form.day("end_date"))
        return done(request, f"/project-databases/{pdb_id}", N_("The end date is extended."))
