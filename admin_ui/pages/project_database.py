"""The project database: datasets and their versions, managers, sub-projects, the
data-minimisation report and the end date. Managers create sub-projects; Research Services
extends the end date, adds datasets by agreement, narrows them (after a confirmation page that
names the sub-projects, datasets and users it affects), moves a dataset one sub-project alone
uses to that sub-project's own order, assigns the responsible person and records its assessment."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import labels
from admin_ui.forms import Form, done, read_form
from admin_ui.i18n import N_
from admin_ui.templating import day_text, render
from admin_ui.viewer import viewer_of
from boa.kernel.errors import PermissionDenied
from schemes import views
from schemes.project_database import datasets, service


class ProjectDatabasePages(Controller):
    path = "/project-databases/{pdb_id:str}"

    @get("/")
    async def show(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        actor = viewer_of(request).actor
        pdb, managers, main, subs = await service.overview(db_session, actor=actor, pdb_id=pdb_id)
        view = await views.project_database(db_session, pdb, managers, main, subs)
        report = await service.report(db_session, actor=actor, pdb_id=pdb_id)
        history = await datasets.history(db_session, actor=actor, pdb_id=pdb_id)
        return render(request, "project_database.html", pdb=view, report=report, history=history,
                      is_manager=actor.user_id in managers, can_extend=actor.is_staff and pdb.state == "active",
                      can_change=actor.is_staff and pdb.state == "active", is_staff=actor.is_staff)

    @post("/sub-projects")
    async def create_sub_project(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        project = await service.create_sub_project(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id,
                                                   title=form.text("title"), datasets=form.all("datasets"))
        return done(request, f"/project-databases/{pdb_id}", N_("Sub-project %(number)s is created."),
                    number=project.number)

    @get("/extend")
    async def confirm_extend(self, request: Request, db_session: AsyncSession, pdb_id: str,
                             end_date: str | None = None) -> Response:
        """The confirmation page of a new end date: the sub-projects and users it applies to, or why
        it would be refused (an earlier date, a closed database)."""
        actor = viewer_of(request).actor
        if not actor.is_staff:  # as service.extend: Research Services set the end date
            raise PermissionDenied("Research Services extends a project database.")
        asked = Form({"end_date": end_date or ""})
        day = asked.day("end_date")
        asked.check()
        preview = await datasets.preview(db_session, actor=actor, pdb_id=pdb_id, action="end_date", end_date=day)
        return render(request, "project_database_end_date.html", pdb_id=pdb_id, preview=preview,
                      refusal=labels.ERRORS.get(preview.refused or "", labels.ERRORS["conflict"]))

    @post("/extend")
    async def extend(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        end_date = form.checked(form.day("end_date"))
        await service.extend(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id, end_date=end_date)
        return done(request, f"/project-databases/{pdb_id}", N_("The end date is extended to %(day)s."),
                    day=day_text(end_date, viewer_of(request).lang))

    @post("/datasets")
    async def add_datasets(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        version = await datasets.add(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id,
                                     datasets=form.words("datasets"), agreement=form.text("agreement"))
        return done(request, f"/project-databases/{pdb_id}", N_("Added: %(datasets)s (version %(version)s)."),
                    datasets=", ".join(version.added), version=version.version)

    @get("/narrow")
    async def confirm_narrow(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        """The confirmation page: what the narrowing affects, or why it would be refused."""
        actor = viewer_of(request).actor
        wanted = [d for d in request.query_params.getall("datasets", []) if d.strip()]
        preview = await datasets.preview(db_session, actor=actor, pdb_id=pdb_id, action="narrow", datasets=wanted)
        return render(request, "project_database_narrow.html", pdb_id=pdb_id, preview=preview,
                      reason=request.query_params.get("reason", ""),
                      refusal=labels.ERRORS.get(preview.refused or "", labels.ERRORS["conflict"]))

    @post("/narrow")
    async def narrow(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        version = await datasets.narrow(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id,
                                        datasets=form.all("datasets"), reason=form.text("reason"))
        return done(request, f"/project-databases/{pdb_id}", N_("Removed: %(datasets)s (version %(version)s)."),
                    datasets=", ".join(version.removed), version=version.version)

    @post("/datasets/{code:str}/move")
    async def move(self, request: Request, db_session: AsyncSession, pdb_id: str, code: str) -> Response:
        form = await read_form(request)
        await datasets.move_to_sub_project(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id, dataset=code,
                                           reason=form.checked(form.required("reason")))
        return done(request, f"/project-databases/{pdb_id}",
                    N_("%(dataset)s is moved to the sub-project's own order."), dataset=code.upper())

    @post("/responsible")
    async def responsible(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        await service.assign_responsible(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id,
                                         ident=form.text("ident"))
        return done(request, f"/project-databases/{pdb_id}", N_("The responsible person is assigned."))

    @post("/assessment")
    async def assessment(self, request: Request, db_session: AsyncSession, pdb_id: str) -> Response:
        form = await read_form(request)
        await service.assess(db_session, actor=viewer_of(request).actor, pdb_id=pdb_id,
                             overlap=form.text("overlap"), growth=form.text("growth"))
        return done(request, f"/project-databases/{pdb_id}", N_("The assessment is recorded."))
