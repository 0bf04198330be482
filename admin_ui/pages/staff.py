"""Research Services' pages: institutions and agreements, users and user requests, proposals
awaiting the office, and the report of active projects."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import charts
from admin_ui.errors import FORM_FIELDS, coded, problems_of, render_refused
from admin_ui.forms import Form, done, read_form
from admin_ui.i18n import N_, gettext
from admin_ui.labels import SCHEMES
from admin_ui.pages.access_history import From, To, history_page
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.kernel.domain import INSTITUTION_KINDS, SCHEME_KINDS, STAFF_ROLES
from boa.kernel.errors import ValidationFailed
from boa.kernel.queries import MAX_LIMIT
from boa.people import institutions, user_requests, users
from boa.people.lookups import institution_label
from boa.people.models import AuthorisationAgreement, Institution
from boa.web.auth import require_staff
from schemes import views
from schemes.projects.report import active_projects_report
from schemes.projects.service import list_projects
from schemes.researcher import service as researcher

PAGE_SIZE = 25


async def _termination_page(request: Request, db: AsyncSession, agreement: AuthorisationAgreement) -> Response:
    institution = await db.get_one(Institution, agreement.institution_id)
    return render(request, "agreement_terminate.html", agreement=agreement,
                  institution=institution_label(institution.authorisation_number, institution.name))


class StaffPages(Controller):
    path = "/staff"
    guards = [require_staff]

    @get("/institutions")
    async def institutions(self, request: Request, db_session: AsyncSession, cursor: str | None = None) -> Response:
        rows, nxt = await institutions.list_institutions(db_session, actor=viewer_of(request).actor, limit=PAGE_SIZE,
                                                         cursor=cursor)
        return render(request, "staff_institutions.html", rows=rows, next_cursor=nxt, kinds=INSTITUTION_KINDS)

    @post("/institutions")
    async def create_institution(self, request: Request, db_session: AsyncSession) -> Response:
        form = await read_form(request)
        number = form.checked(form.number("authorisation_number"))
        inst = await institutions.create_institution(
            db_session, actor=viewer_of(request).actor, name=form.text("name"), authorisation_number=number,
            kind=form.text("kind"), mail_domains=form.words("mail_domains"))
        return done(request, f"/institutions/{inst.id}", N_("The institution is created."))

    @post("/institutions/{institution_id:str}/agreements",
          opt={FORM_FIELDS: {"responsible_ident": "responsible", "substitute_idents": "substitutes"}})
    async def create_agreement(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        form = await read_form(request)
        await institutions.create_agreement(db_session, actor=viewer_of(request).actor, institution_id=institution_id,
                                            schemes=form.all("schemes"), responsible_ident=form.text("responsible"),
                                            substitute_idents=form.words("substitutes"))
        return done(request, f"/institutions/{institution_id}", N_("The authorisation agreement is created."))

    @get("/agreements/{agreement_id:str}/terminate")
    async def confirm_terminate(self, request: Request, db_session: AsyncSession, agreement_id: str) -> Response:
        """Before an authorisation agreement ends: whose, which schemes, and that it is final."""
        agreement = await institutions.agreement_to_terminate(db_session, actor=viewer_of(request).actor,
                                                              agreement_id=agreement_id)
        return await _termination_page(request, db_session, agreement)

    @post("/agreements/{agreement_id:str}/terminate")
    async def terminate_agreement(self, request: Request, db_session: AsyncSession, agreement_id: str) -> Response:
        form = await read_form(request)  # no reason: the confirmation again, the reason marked (in place)
        agreement = await institutions.terminate_agreement(db_session, actor=viewer_of(request).actor,
                                                           agreement_id=agreement_id, reason=form.text("reason"))
        institution = await db_session.get_one(Institution, agreement.institution_id)
        return done(request, f"/institutions/{agreement.institution_id}",
                    N_("The authorisation agreement of %(institution)s is terminated."),
                    institution=institution_label(institution.authorisation_number, institution.name))

    @get("/users")
    async def users(self, request: Request, db_session: AsyncSession, q: str | None = None,
                    cursor: str | None = None) -> Response:
        rows, nxt = await users.search_users(db_session, actor=viewer_of(request).actor, q=q, limit=PAGE_SIZE,
                                             cursor=cursor)
        return render(request, "staff_users.html", rows=rows, next_cursor=nxt, q=q or "", staff_roles=STAFF_ROLES)

    @post("/users")
    async def create_user(self, request: Request, db_session: AsyncSession) -> Response:
        form = await read_form(request)
        user = await users.create_user(db_session, actor=viewer_of(request).actor, name=form.text("name"),
                                       email=form.text("email"), mobile=form.optional("mobile"),
                                       staff_roles=form.all("staff_roles"))
        return done(request, "/staff/users", N_("User %(ident)s is created; the activation code is sent by e-mail."),
                    ident=user.ident)

    @get("/user-requests")
    async def user_requests(self, request: Request, db_session: AsyncSession,
                            request_state: Annotated[str, Parameter(query="state")] = "pending") -> Response:
        rows, _ = await user_requests.list_user_requests(db_session, actor=viewer_of(request).actor,
                                                 state=request_state or None, limit=MAX_LIMIT)
        asking = await institutions.institutions_by_id(db_session, {r.institution_id for r in rows})
        return render(request, "staff_user_requests.html", rows=rows, state=request_state, institutions=asking)

    @post("/user-requests/{request_id:str}/{decision:str}")
    async def decide_user_request(self, request: Request, db_session: AsyncSession, request_id: str,
                                  decision: str) -> Response:
        form = await read_form(request)
        if decision not in ("approve", "refuse"):
            raise ValidationFailed("The decision is approve or refuse.", field="decision")
        await user_requests.decide_user_request(db_session, actor=viewer_of(request).actor, request_id=request_id,
                                        approve=decision == "approve", comment=form.optional("comment"))
        message = N_("The request is approved; the user is created.") if decision == "approve" \
            else N_("The request is refused.")
        return done(request, "/staff/user-requests", message)

    @get("/proposals")
    async def proposals(self, request: Request, db_session: AsyncSession, cursor: str | None = None) -> Response:
        rows, nxt = await list_projects(db_session, actor=viewer_of(request).actor, limit=PAGE_SIZE, cursor=cursor,
                                        state="sent_to_office")
        items = await views.projects(db_session, rows)
        return render(request, "staff_proposals.html", items=items, next_cursor=nxt)

    @get("/approvals")
    async def approvals(self, request: Request, db_session: AsyncSession) -> Response:
        """The Head of Division's queue: proposals sent for signature, the signed ones first, each
        with the buttons to approve or return it."""
        actor = viewer_of(request).actor
        rows = await researcher.approval_queue(db_session, actor=actor)
        items = await views.approval_queue(db_session, rows)
        return render(request, "staff_approvals.html", items=items, can={"transitions": ["approved", "under_review"],
                                                                           "comment_required": ["under_review"]})

    @get("/access-history")
    async def access_history(self, request: Request, db_session: AsyncSession, project: str | None = None,
                             ident: str | None = None, start: From = None, end: To = None,
                             export: str | None = None) -> Response:
        """Who could reach a project, or what a person could reach (the page the responsible
        person opens at ``/access-history``)."""
        return await history_page(request, db_session, project=project, ident=ident, start=start, end=end,
                                  export=export)

    @get("/reports/active-projects")
    async def active_projects(self, request: Request, db_session: AsyncSession) -> Response:
        """The years are read by the page (a year that is not one is shown at its field, the report
        of the default years below it), not by the framework (whose refusal is JSON)."""
        viewer = viewer_of(request)
        asked = Form(request.query_params)
        first_year, last_year = asked.year("first_year", required=False), asked.year("last_year", required=False)
        problems = coded(asked.problems, viewer.lang)
        try:
            report = await active_projects_report(db_session, actor=viewer.actor, first_year=first_year,
                                                  last_year=last_year)
        except ValidationFailed as exc:
            problems = problems_of(request, exc, viewer.lang)
            report = await active_projects_report(db_session, actor=viewer.actor, first_year=None, last_year=None)
        names = {s: gettext(viewer.lang, SCHEMES[s]) for s in SCHEME_KINDS}
        chart = charts.grouped_bars(report.years, list(report.schemes), report.counts, names,
                                    title=gettext(viewer.lang, N_("Active projects per scheme per year")))
        if problems:
            return render_refused(request, "staff_report.html", problems, action=request.url.path, method="get",
                                  typed=asked.typed(), report=report, chart=chart, names=names)
        return render(request, "staff_report.html", report=report, chart=chart, names=names)
