"""One project: its state, proposals and members, and the actions the viewer may take on it
(transitions from the proposal state machine, the deletion date, approving a deletion)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.forms import done, read_form, safe_path
from admin_ui.i18n import N_, gettext
from admin_ui.labels import STATES
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from schemes import views
from schemes.projects import service
from schemes.projects.permissions import may_approve_deletion, may_change_deletion_date
from schemes.researcher import service as researcher
from schemes.researcher.content import amount_ore
from schemes.researcher.states import (
    COMMENT_REQUIRED,
    EDITABLE,
    QUOTABLE,
    QUOTERS,
    SIGNERS,
    SIGNING,
)


async def project_actions(db: AsyncSession, actor, project) -> dict:
    """What the viewer may do with the project, from the rules the API enforces."""
    roles = await service.project_roles(db, actor, project)
    proposal = await researcher.current_proposal(db, project)
    transitions = await researcher.offered_moves(db, actor, project, roles)
    state = proposal.state if proposal is not None and not project.deleted else None
    return {"roles": roles, "transitions": transitions, "comment_required": [t for t in transitions
                                                                            if t in COMMENT_REQUIRED],
            "edit": state in EDITABLE and bool(roles & researcher.EDITORS),
            "sign": state in SIGNING and bool(roles & set(SIGNERS)) and proposal is not None
            and proposal.signed_at is None,
            "quote": state in QUOTABLE and bool(roles & set(QUOTERS)),
            "deletion_date": may_change_deletion_date(roles) and not project.deleted,
            "approve_deletion": may_approve_deletion(roles) and not project.deleted}


class ProjectPages(Controller):
    path = "/projects"

    @get("/{number:str}")
    async def show(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        actor = viewer_of(request).actor
        project, _ = await service.visible(db_session, actor, number)
        view = await views.project(db_session, project, full=True)
        current = view.proposals[-1] if view.proposals else None
        changes = await views.proposal_changes(db_session, project, current.version) if current else None
        return render(request, "project.html", project=view, current=current, changes=changes,
                      can=await project_actions(db_session, actor, project))

    @post("/{number:str}/transitions")
    async def transition(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        form, viewer = await read_form(request), viewer_of(request)
        invoice_number = form.text("invoice_number")
        invoice = researcher.Invoice(number=invoice_number,
                                     amount_ore=amount_ore(form.text("invoice_amount"), "invoice_amount")) \
            if invoice_number else None
        project, proposal = await researcher.transition(db_session, actor=viewer.actor, number=number,
                                                        to=form.text("to"), comment=form.optional("comment"),
                                                        invoice=invoice)
        state = gettext(viewer.lang, STATES.get(proposal.state, proposal.state))
        return done(request, safe_path(form.text("back"), f"/projects/{project.number}"),
                    N_("Project %(number)s is now: %(state)s."), number=project.number, state=state)

    @post("/{number:str}/deletion-date")
    async def deletion_date(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        form = await read_form(request)
        day = form.checked(form.day("deletion_date"))
        project = await service.set_deletion_date(db_session, actor=viewer_of(request).actor, number=number,
                                                  deletion_date=day)
        return done(request, f"/projects/{project.number}", N_("The deletion date is changed."))

    @get("/{number:str}/deletion-approval")
    async def confirm_deletion(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        """Before a deletion is approved: the project, its deletion date, its members who lose access."""
        project = await service.project_to_delete(db_session, actor=viewer_of(request).actor, number=number)
        members = await views.members(db_session, project.id)
        return render(request, "project_deletion.html", project=project, members=members)

    @post("/{number:str}/deletion-approval")
    async def approve_deletion(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        project = await service.approve_deletion(db_session, actor=viewer_of(request).actor, number=number)
        return done(request, f"/projects/{project.number}", N_("The deletion of project %(number)s %(title)s is approved."),
                    number=project.number, title=project.title)
