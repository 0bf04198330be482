"""Breach cases and locks (issue 7, items 3 and 6) over :mod:`boa.sanctions.cases` and
:mod:`boa.sanctions.locks`, the same functions the API calls; the services decide.

- Research Services: ``/staff/breaches`` (list by state, register a breach), the case page
  ``/staff/breaches/{id}`` (report and plan in the template, assessment, the sanction preview per
  severity, the preparation, dismissal) and ``/staff/locks`` (active locks, lift with a comment).
- The Director General (``sanction_decision``): the same case page, deciding a prepared case.
- The person responsible for authorisation or a substitute (and a user for their own cases):
  ``/breaches`` and ``/breaches/{id}`` with the report-and-plan form (the standard template) and
  the documentation form (PDF or DOCX, through :mod:`boa.sanctions.attachments` as the API's) when
  they may submit; a refused document is named in place on the case page. The office downloads
  the documentation from the same place (``/breaches/{id}/attachments/{attachment_id}``).

A page offers a form only when the service would accept the person for it (the sanctions staff
role, the registrars, the reporters' roles at the case's institution); the service still checks.
The menu offers the office's pages to the sanctions and review staff (who register breaches);
other office staff may still open them read-only, as the API lets them list cases and locks.
The words for this area's codes are in :mod:`admin_ui.labels_sanctions`."""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Parameter
from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import labels
from admin_ui.errors import FORM_FIELDS, error_text
from admin_ui.forms import Form, check_csrf, done, read_form
from admin_ui.i18n import N_, gettext
from admin_ui.labels_sanctions import ATTACHMENT_ERRORS, DOCUMENT_TOO_LARGE, SANCTION_ERRORS
from admin_ui.templating import LOCAL_TIME, SECURITY_HEADERS, render
from admin_ui.viewer import Viewer, viewer_of
from boa.kernel.domain import SCHEME_KINDS
from boa.kernel.errors import BoaError, ValidationFailed
from boa.sanctions import attachments, cases, locks, overview, presenters, views
from boa.sanctions.models import BREACH_KINDS, Lock
from boa.sanctions.permissions import may_decide, may_register, may_report, may_sanction
from boa.sanctions.presenters import CaseView, LockView
from boa.sanctions.states import CaseState
from boa.web.auth import CSRF_FIELD, CSRF_IN_STREAM, require_staff

PAGE_SIZE = 25
SEVERITIES = ("minor", "severe")
# The report form offers this many measure rows (each row: what, who, when, target group, status).
MEASURE_ROWS = 3
# The documentation form's file field.
DOCUMENT_FIELD = "document"

def lock_target(lock: LockView, names: dict[str, dict[str, str]], lang: str) -> str:
    """Whom a lock closes, as the pages name it: a user's IDENT, a project's number, an institution's
    name, a scheme at an institution."""
    institution = names["institution"].get(lock.institution_id or "", lock.institution_id or "")
    if lock.scope == "user":
        return names["user"].get(lock.user_id or "", lock.user_id or "")
    if lock.scope == "project":
        return gettext(lang, N_("project %(number)s")) % {"number": names["project"].get(lock.project_id or "", "")}
    if lock.scope == "institution":
        return institution
    return f"{gettext(lang, labels.SCHEMES.get(lock.scheme or '', lock.scheme or ''))}, {institution}"


def _may_report(viewer: Viewer, case: CaseView) -> bool:
    return may_report(viewer.roles_at(int(case.institution_id)), state=case.state, report_state=case.report_state)


# ---- reading the forms ---------------------------------------------------------------------------


def _yes_no(form: Form, name: str) -> bool | None:
    value = form.text(name)
    return {"yes": True, "no": False}.get(value)


def _choice(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    if value and value not in allowed:
        raise ValidationFailed(f"{name} is one of {', '.join(allowed)}.", field=name)
    return value or None


def _form_field(field: str) -> str:
    """The report form's field for the service's name of it: ``measures[0].who`` is ``measure_who_1``
    (a refusal is shown at the field, :mod:`admin_ui.errors`)."""
    found = re.fullmatch(r"measures\[(\d+)\]\.(\w+)", field)
    return f"measure_{found.group(2)}_{int(found.group(1)) + 1}" if found else field


def _measures(form: Form) -> list[dict[str, str]]:
    """The measure rows the form filled in (a row with any field counts; the service checks it)."""
    rows = []
    for i in range(1, MEASURE_ROWS + 1):
        row = {k: form.text(f"measure_{k}_{i}") for k in ("what", "who", "when", "target_group")}
        if any(row.values()):
            rows.append({**row, "status": form.text(f"measure_status_{i}") or "implemented"})
    return rows


# ---- Research Services -----------------------------------------------------------------------------


class SanctionStaffPages(Controller):
    path = "/staff"
    guards = [require_staff]

    @get("/breaches")
    async def breaches(self, request: Request, db_session: AsyncSession,
                       case_state: Annotated[str | None, Parameter(query="state")] = None,
                       cursor: str | None = None, overdue: str | None = None, flagged: str | None = None) -> Response:
        actor = viewer_of(request).actor
        rows, nxt = await cases.list_cases(db_session, actor=actor, state=case_state or None, limit=PAGE_SIZE,
                                           cursor=cursor, overdue_only=overdue == "yes",
                                           flagged=True if flagged == "yes" else None)
        items = await views.cases(db_session, rows)
        return render(request, "sanctions_staff_list.html", items=items, next_cursor=nxt, state=case_state or "",
                      overdue=overdue == "yes", flagged=flagged == "yes",
                      states=tuple(CaseState), can_register=may_register(actor), kinds=BREACH_KINDS,
                      schemes=SCHEME_KINDS, institutions=await overview.institutions(db_session) if may_register(actor) else [])

    @post("/breaches")
    async def register(self, request: Request, db_session: AsyncSession) -> Response:
        form = await read_form(request)
        occurred_at = form.checked(form.moment("occurred_at", LOCAL_TIME))  # datetime-local: Danish time
        case, _ = await cases.register(
            db_session, actor=viewer_of(request).actor, ident=form.text("ident").upper(), kind=form.text("kind"),
            description=form.text("description"), occurred_at=occurred_at,
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
        shown = await views.case(db_session, case)
        preview = None
        chosen = _choice(severity, SEVERITIES, "severity")
        if chosen is not None:
            found = await cases.preview(db_session, actor=actor, case_id=case_id, severity=chosen)
            preview = presenters.plan(found["plan"], found["counts"], found["locks"], found["report_ready"])
        names = await overview.names(db_session, [shown, *shown.locks, *(preview.locks if preview else [])])
        return render(request, "sanctions_case.html", case=shown, preview=preview, severity=severity or "",
                      severities=SEVERITIES, names=names, staff_page=True, can_sanction=may_sanction(actor),
                      can_decide=may_decide(actor), can_report=_may_report(viewer_of(request), shown),
                      measure_rows=MEASURE_ROWS, refused=None)

    @post("/breaches/{case_id:str}/assessment")
    async def assess(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        adequate = form.text("adequate") == "yes"
        await cases.assess_report(db_session, actor=viewer_of(request).actor, case_id=case_id, adequate=adequate,
                                  comment=form.optional("comment"))
        message = N_("The report is approved.") if adequate else N_("The report is returned to the institution.")
        return done(request, f"/staff/breaches/{case_id}", message)

    @post("/breaches/{case_id:str}/preparation")
    async def prepare(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        factors = cases.Factors(conscious=form.text("conscious") == "yes",
                                self_detected=form.text("self_detected") == "yes",
                                data_volume=form.optional("data_volume"), warning_ignored=_yes_no(form, "warning_ignored"))
        await cases.prepare(db_session, actor=viewer_of(request).actor, case_id=case_id,
                            severity=form.text("severity"), factors=factors, note=form.text("note"))
        return done(request, f"/staff/breaches/{case_id}",
                    N_("The case is prepared for the Supervisory Board and the Director General."))

    @post("/breaches/{case_id:str}/decision")
    async def decide(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        _, created, _ = await cases.decide(db_session, actor=viewer_of(request).actor, case_id=case_id,
                                           severity=form.text("severity"), comment=form.optional("comment"),
                                           supervisory_board=form.optional("supervisory_board"))
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
                      names=await overview.names(db_session, items), can_lift=may_sanction(actor))

    @get("/locks/{lock_id:str}/lift")
    async def confirm_lift(self, request: Request, db_session: AsyncSession, lock_id: str) -> Response:
        """Before a lock is lifted: on whom, from which case, and that access returns at once."""
        lock = await locks.lock_to_lift(db_session, actor=viewer_of(request).actor, lock_id=lock_id)
        return await self._lift_page(request, db_session, lock)

    async def _lift_page(self, request: Request, db: AsyncSession, lock: Lock) -> Response:
        view = presenters.lock(lock)
        names = await overview.names(db, [view])
        return render(request, "sanctions_lock_lift.html", lock=view, names=names,
                      target=lock_target(view, names, viewer_of(request).lang))

    @post("/locks/{lock_id:str}/lift")
    async def lift(self, request: Request, db_session: AsyncSession, lock_id: str) -> Response:
        """No comment: the confirmation again, the comment marked (in place, :mod:`admin_ui.errors`)."""
        form = await read_form(request)
        actor = viewer_of(request).actor
        lock = await locks.lift(db_session, actor=actor, lock_id=lock_id, comment=form.text("comment"))
        view = presenters.lock(lock)
        target = lock_target(view, await overview.names(db_session, [view]), viewer_of(request).lang)
        if lock.case_id:
            return done(request, "/staff/locks", N_("The lock on %(target)s from case %(case)s is lifted."),
                        target=target, case=lock.case_id)
        return done(request, "/staff/locks", N_("The lock on %(target)s is lifted."), target=target)


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
        items = await views.cases(db_session, rows)
        places = {str(p.id): f"{p.name} ({p.number})" for p in viewer.places}
        return render(request, "sanctions_list.html", items=items, next_cursor=nxt, state=case_state or "",
                      states=tuple(CaseState), places=places,
                      reporting={i.id for i in items if _may_report(viewer, i)})

    @get("/{case_id:str}")
    async def case(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        return await _reporter_case_page(request, db_session, case_id)

    # The documentation may be up to 10 MB, more than a page form's usual cap; the form's CSRF token
    # is checked here, from the parsed form, before the document is looked at.
    @post("/{case_id:str}/attachments", opt={CSRF_IN_STREAM: True},
          request_max_body_size=attachments.MAX_BYTES + 64 * 1024)
    async def attach(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        viewer = viewer_of(request)
        await attachments.authorise(db_session, viewer.actor, case_id)  # before the body is read
        if request.content_type[0] != "multipart/form-data":
            raise ValidationFailed("Send the document as multipart/form-data.", code="multipart_required")
        try:
            form = await request.form()
        except RequestEntityTooLarge:
            return await _reporter_case_page(request, db_session, case_id, status=413,
                                             refused=gettext(viewer.lang, DOCUMENT_TOO_LARGE))
        expected = request.state.get(CSRF_IN_STREAM)
        if expected is not None:
            sent = form.get(CSRF_FIELD)
            check_csrf(sent if isinstance(sent, str) else "", expected)
        document = form.get(DOCUMENT_FIELD)
        if not isinstance(document, UploadFile) or not document.filename:
            return await _reporter_case_page(request, db_session, case_id, status=422,
                                             refused=gettext(viewer.lang, SANCTION_ERRORS["file_required"]))
        try:
            row = await attachments.attach(db_session, actor=viewer.actor, case_id=case_id, name=document.filename,
                                           data=await document.read())
        except BoaError as exc:
            if exc.status in (403, 404):
                raise
            return await _reporter_case_page(request, db_session, case_id, status=exc.status,
                                             refused=_refusal(exc, document.filename, viewer.lang))
        return done(request, f"/breaches/{case_id}#documentation", N_("%(name)s is attached."), name=row.name)

    @get("/{case_id:str}/attachments/{attachment_id:str}")
    async def attachment(self, request: Request, db_session: AsyncSession, case_id: str,
                         attachment_id: str) -> File:
        row, path = await attachments.content(db_session, actor=viewer_of(request).actor, case_id=case_id,
                                              attachment_id=attachment_id)
        return File(path=path, filename=row.name, media_type="application/octet-stream",
                    headers={**SECURITY_HEADERS, "X-Content-SHA256": row.sha256})

    @post("/{case_id:str}/report", opt={FORM_FIELDS: _form_field})
    async def report(self, request: Request, db_session: AsyncSession, case_id: str) -> Response:
        form = await read_form(request)
        sections = {k: form.text(k) for k in ("scope", "current_rules", "actions_taken", "user_consequences")}
        await cases.submit_report(db_session, actor=viewer_of(request).actor, case_id=case_id,
                                  report=form.text("report"), plan=form.text("plan"), sections=sections,
                                  measures=_measures(form))
        return done(request, f"/breaches/{case_id}",
                    N_("The report and plan are sent to Research Services."))



async def _reporter_case_page(request: Request, db_session: AsyncSession, case_id: str, *, status: int = 200,
                              refused: str | None = None) -> Response:
    """The case as the institution's reporters (and the user) see it; ``refused`` names a document
    that was not attached, shown at the documentation form."""
    viewer = viewer_of(request)
    shown = await views.case(db_session, await cases.visible_case(db_session, viewer.actor, case_id))
    return render(request, "sanctions_case.html", status=status, case=shown, preview=None, severity="",
                  severities=SEVERITIES, names=await overview.names(db_session, [shown, *shown.locks]),
                  staff_page=False, can_sanction=False, can_decide=False,
                  can_report=_may_report(viewer, shown), measure_rows=MEASURE_ROWS, refused=refused)


def _refusal(exc: BoaError, name: str, lang: str) -> str:
    """Why ``name`` was not attached, in the reader's language."""
    msgid = ATTACHMENT_ERRORS.get(exc.code) or labels.ERRORS.get(exc.code)
    reason = gettext(lang, msgid) if msgid else error_text(exc, lang).message
    return gettext(lang, N_("%(name)s is not attached: %(reason)s")) % {"name": name, "reason": reason}
