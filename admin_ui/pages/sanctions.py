"""Breach cases and locks (issue 7, items 3 and 6) over :mod:`boa.sanctions.cases` and
:mod:`boa.sanctions.locks`, the same functions the API calls; the services decide.

- Research Services: ``/staff/breaches`` (list by state, register a breach), the case page
  ``/staff/breaches/{id}`` (report and plan, assessment, the sanction preview per severity, the
  decision, dismissal) and ``/staff/locks`` (active locks, lift with a comment).
- The person responsible for authorisation or a substitute (and a user for their own cases):
  ``/breaches`` and ``/breaches/{id}`` with the report-and-plan form when they may submit.

A page offers a form only when the service would accept the person for it (the sanctions staff
role, the registrars, the reporters' roles at the case's institution); the service still checks.
The menu offers the office's pages to the sanctions and review staff (who register breaches);
other office staff may still open them read-only, as the API lets them list cases and locks.
The words for the codes of this area are registered here, in one place, with the nav items."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import boa.sanctions.hooks  # noqa: F401  (the lock loader: pages refuse a locked user like the API)
from admin_ui import labels, nav
from admin_ui.forms import Form, done, read_form
from admin_ui.i18n import N_
from admin_ui.nav import MINE, OFFICE, NavItem
from admin_ui.templating import LOCAL_TIME, render
from admin_ui.viewer import Viewer, viewer_of
from api.auth import require_staff
from boa.actor import Actor
from boa.domain import SCHEME_KINDS
from boa.errors import ValidationFailed
from boa.models import Institution, User
from boa.sanctions import cases, locks, presenters
from boa.sanctions.models import BREACH_KINDS, CASE_STATES
from schemes.projects.models import Project

PAGE_SIZE = 25
SEVERITIES = ("minor", "severe")

# ---- words ---------------------------------------------------------------------------------------

BREACH_KIND_LABELS = {
    "microdata_transfer": N_("Microdata taken out"),
    "credential_sharing": N_("Login shared with others"),
    "screen_capture": N_("Screen capture of microdata"),
    "other": N_("Other breach"),
}
CASE_STATE_LABELS = {
    "open": N_("Open"),
    "decided": N_("Decided"),
    "dismissed": N_("Dismissed"),
}
REPORT_STATE_LABELS = {
    "requested": N_("Awaiting report and plan"),
    "submitted": N_("Report submitted"),
    "adequate": N_("Report approved"),
    "returned": N_("Report returned"),
}
SEVERITY_LABELS = {"minor": N_("Minor breach"), "severe": N_("Severe breach")}
OPEN_END_LABELS = {
    "until_decision": N_("Until the case is decided"),
    "until_report_approved": N_("Until the report is approved"),
    "case_by_case": N_("Until further decision"),
}
LOCK_SOURCE_LABELS = {"suspension": N_("Temporary suspension"), "decision": N_("Sanction")}
LOCK_SCOPE_LABELS = {
    "user": N_("User"),
    "project": N_("Project"),
    "institution": N_("Institution"),
    "scheme": N_("Scheme at the institution"),
}
AGREEMENT_LABELS = {"authorisation_agreement": N_("The authorisation agreement"),
                    "user_agreement": N_("The user agreement")}
SANCTION_ERRORS = {
    "report_required": N_("The decision waits for the institution's report and plan."),
    "already_lifted": N_("The lock is already lifted."),
    "occurred_in_future": N_("The time of the breach lies in the future."),
    "not_project_user": N_("The user is not a user of that project."),
    "not_institution_user": N_("The user is not associated with that institution."),
    "no_report": N_("There is no submitted report to assess."),
    "report_not_expected": N_("The case takes no report now."),
    "institution_required": N_("Name the project or the institution the breach concerns."),
    "scheme_required": N_("Name the scheme the breach concerns."),
}
SANCTION_REASONS = {
    "locked_until_decision": N_("Access is suspended until the breach case is decided."),
}

labels.KINDS.update({"breach_kind": BREACH_KIND_LABELS, "case_state": CASE_STATE_LABELS,
                     "report_state": REPORT_STATE_LABELS, "severity": SEVERITY_LABELS,
                     "open_end": OPEN_END_LABELS, "lock_source": LOCK_SOURCE_LABELS,
                     "lock_scope": LOCK_SCOPE_LABELS, "agreement": AGREEMENT_LABELS})
for _code, _msgid in SANCTION_ERRORS.items():
    labels.ERRORS.setdefault(_code, _msgid)
for _code, _msgid in SANCTION_REASONS.items():
    labels.REASONS.setdefault(_code, _msgid)

# ---- who may do what (the services' own predicates) -------------------------------------------------


def may_register(actor: Actor) -> bool:
    return actor.is_staff and any(actor.has_staff_role(r) for r in cases.REGISTRARS)


def may_sanction(actor: Actor) -> bool:
    return actor.is_staff and actor.has_staff_role("sanctions")


def is_reporter(viewer: Viewer, institution_id: int | str) -> bool:
    return bool(viewer.roles_at(int(institution_id)) & cases.REPORTERS)


def may_report(viewer: Viewer, case: dict[str, Any]) -> bool:
    return (is_reporter(viewer, case["institution_id"]) and case["state"] != "dismissed"
            and case["report_state"] != "adequate")


nav.register(NavItem("my_breaches", N_("Breach cases"), "/breaches", MINE,
                     lambda viewer, _: viewer.user is not None and not viewer.is_staff
                     and any(p.roles & cases.REPORTERS for p in viewer.places),
                     N_("Breach cases at your institutions: submit the report and plan.")))
nav.register(NavItem("staff_breaches", N_("Breach cases"), "/staff/breaches", OFFICE,
                     lambda viewer, _: may_register(viewer.actor),
                     N_("Register breaches, assess reports, preview and decide sanctions.")))
nav.register(NavItem("staff_locks", N_("Active locks"), "/staff/locks", OFFICE,
                     lambda viewer, _: may_register(viewer.actor),
                     N_("The locks in force, why and until when; lift a lock with a comment.")))

# ---- reading the forms ---------------------------------------------------------------------------


def _moment(form: Form, name: str) -> datetime:
    """A ``datetime-local`` field, read as Danish time."""
    try:
        value = datetime.fromisoformat(form.text(name))
    except ValueError:
        raise ValidationFailed(f"{name} must be a date and time.", field=name) from None
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TIME)


def _yes_no(form: Form, name: str) -> bool | None:
    value = form.text(name)
    return {"yes": True, "no": False}.get(value)


def _choice(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    if value and value not in allowed:
        raise ValidationFailed(f"{name} is one of {', '.join(allowed)}.", field=name)
    return value or None


async def _names(db: AsyncSession, rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """IDENTs, project numbers and institution names for the ids the presenters give."""
    def ids(key: str) -> set[int]:
        return {int(r[key]) for r in rows if r.get(key)}

    users = dict((await db.execute(select(User.id, User.ident).where(User.id.in_(ids("user_id"))))).all())
    projects = dict((await db.execute(select(Project.id, Project.number).where(
        Project.id.in_(ids("project_id"))))).all())
    insts = dict((await db.execute(select(Institution.id, Institution.name).where(
        Institution.id.in_(ids("institution_id"))))).all())
    return {"user": {str(k): v for k, v in users.items()}, "project": {str(k): str(v) for k, v in projects.items()},
            "institution": {str(k): v for k, v in insts.items()}}


async def _institutions(db: AsyncSession) -> list[Institution]:
    return list(await db.scalars(select(Institution).order_by(Institution.authorisation_number)))


# ---- Research Services -----------------------------------------------------------------------------


class SanctionStaffPages(Controller):
    path = "/staff"
    guards = [require_staff]

    @get("/breaches")
    async def breaches(self, request: Request, db_session: AsyncSession,
                       case_state: Annotated[str | None, Parameter(query="state")] = None,
                       cursor: str | None = None) -> Response:
        actor = viewer_of(request).actor
        rows, nxt = await cases.list_cases(db_session, actor=actor, state=case_state or None, limit=PAGE_SIZE,
                                           cursor=cursor)
        items = [await cases.view(db_session, c, full=False) for c in rows]
        return render(request, "sanctions_staff_list.html", items=items, next_cursor=nxt, state=case_state or "",
                      states=CASE_STATES, can_register=may_register(actor), kinds=BREACH_KINDS,
                      schemes=SCHEME_KINDS, institutions=await _institutions(db_session) if may_register(actor) else [])

    @post("/breaches")
    async def register(self, request: Request, db_session: AsyncSession) -> Response:
        form = await read_form(request)
        case, _ = await cases.register(
            db_session, actor=viewer_of(request).actor, ident=form.text("ident").upper(), kind=form.text("kind"),
            description=form.text("description"), occurred_at=_moment(form, "occurred_at"),
            self_reported=form.text("self_reported") == "yes", project=form.optional("project"),
            institution_id=form.optional("institution_id"), scheme=form.optional("scheme"),
            transfer_tool_used=_yes_no(form, "transfer_tool_used"), warning_ignored=_yes_no(form, "warning_ignored"),
            data_volume=form.optional("data_volume"))
        return done(request, f"/staff/breaches/{case.id}",
                    N_("Breach case %(id)s is registered; the user and the project are suspended."), id=case.id)

    @get("/breaches/{case_id:str}")
    async def case(self, request: Request, db_session: AsyncSession, case_id: str,
                   severity: str | None = None) -> Response:
        actor = viewer_of(request).actor
        case = await cases.visible_case(db_session, actor, case_id)
        shown = await cases.view(db_session, case)
        preview = None
        if _choice(severity, SEVERITIES, "severity"):
            found = await cases.preview(db_session, actor=actor, case_id=case_id, severity=severity)  # type: ignore[arg-type]
            preview = presenters.plan(found["plan"], found["counts"], found["locks"], found["report_ready"])
        names = await _names(db_session, [{"institution_id": shown["institution_id"]}, *shown["locks"],
                                          *(preview["locks"] if preview else [])])
        return render(request, "sanctions_case.html", case=shown, preview=preview, severity=severity or "",
                      severities=SEVERITIES, names=names, staff_page=True, can_sanction=may_sanction(actor),
                      can_report=may_report(viewer_of(request), shown))

    @post("/breaches/{case_id:str}/assessment")
    async def assess(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        adequate = form.text("adequate") == "yes"
        await cases.assess_report(db_session, actor=viewer_of(request).actor, case_id=case_id, adequate=adequate,
                                  comment=form.optional("comment"))
        message = N_("The report is approved.") if adequate else N_("The report is returned to the institution.")
        return done(request, f"/staff/breaches/{case_id}", message)

    @post("/breaches/{case_id:str}/decision")
    async def decide(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        _, created, _ = await cases.decide(db_session, actor=viewer_of(request).actor, case_id=case_id,
                                           severity=form.text("severity"), comment=form.optional("comment"))
        return done(request, f"/staff/breaches/{case_id}",
                    N_("The sanction is decided: %(count)s locks; the decision letter is sent."), count=len(created))

    @post("/breaches/{case_id:str}/dismiss")
    async def dismiss(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        await cases.dismiss(db_session, actor=viewer_of(request).actor, case_id=case_id, comment=form.text("comment"))
        return done(request, f"/staff/breaches/{case_id}", N_("The case is dismissed; the suspension is lifted."))

    @get("/locks")
    async def active_locks(self, request: Request, db_session: AsyncSession, ident: str | None = None,
                           cursor: str | None = None) -> Response:
        actor = viewer_of(request).actor
        rows, nxt = await locks.list_locks(db_session, actor=actor, active=True, ident=ident or None, case_id=None,
                                           scope=None, limit=PAGE_SIZE, cursor=cursor)
        items = [presenters.lock(x) for x in rows]
        return render(request, "sanctions_locks.html", items=items, next_cursor=nxt, ident=ident or "",
                      names=await _names(db_session, items), can_lift=may_sanction(actor))

    @post("/locks/{lock_id:str}/lift")
    async def lift(self, request: Request, db_session: AsyncSession, lock_id: str) -> Response:
        form = await read_form(request)
        lock = await locks.lift(db_session, actor=viewer_of(request).actor, lock_id=lock_id,
                                comment=form.text("comment"))
        return done(request, "/staff/locks", N_("Lock %(id)s is lifted."), id=lock.id)


# ---- the institution's responsible person / substitute, and the user ------------------------------


class BreachPages(Controller):
    path = "/breaches"

    @get("/")
    async def breaches(self, request: Request, db_session: AsyncSession,
                       case_state: Annotated[str | None, Parameter(query="state")] = None,
                       cursor: str | None = None) -> Response:
        viewer = viewer_of(request)
        rows, nxt = await cases.list_cases(db_session, actor=viewer.actor, state=case_state or None,
                                           limit=PAGE_SIZE, cursor=cursor)
        items = [await cases.view(db_session, c, full=False) for c in rows]
        places = {str(p.id): f"{p.name} ({p.number})" for p in viewer.places}
        return render(request, "sanctions_list.html", items=items, next_cursor=nxt, state=case_state or "",
                      states=CASE_STATES, places=places,
                      reporting={i["id"] for i in items if may_report(viewer, i)})

    @get("/{case_id:str}")
    async def case(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        viewer = viewer_of(request)
        shown = await cases.view(db_session, await cases.visible_case(db_session, viewer.actor, case_id))
        return render(request, "sanctions_case.html", case=shown, preview=None, severity="", severities=SEVERITIES,
                      names=await _names(db_session, [{"institution_id": shown["institution_id"]}, *shown["locks"]]),
                      staff_page=False, can_sanction=False,
                      can_report=may_report(viewer, shown))

    @post("/{case_id:str}/report")
    async def report(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        await cases.submit_report(db_session, actor=viewer_of(request).actor, case_id=case_id,
                                  report=form.text("report"), plan=form.text("plan"))
        return done(request, f"/breaches/{case_id}",
                    N_("The report and plan are sent to Research Services."))


SANCTION_PAGES: list[type] = [SanctionStaffPages, BreachPages]
