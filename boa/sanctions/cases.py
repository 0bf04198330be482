"""Breach cases (SPEC 5 "Case flow", issue 15): registration with the temporary suspension, the
report and plan in the standard template, their assessment, the preparation by Research
Services, the Director General's decision, dismissal; and the disclosure-control record.

Rules kept here, in one place:
- registration: Research Services (sanctions or review staff) register; a user may self-report
  only about themself, and only on a project they are a member of. The user and the project are
  suspended at once, whatever the history.
- a disclosure-control breach (kind ``disclosure_control``) is recorded as guidance: a letter to
  the user, no lock, not counted on the sanction tables; counted per institution over the window
  (two years), and from the :data:`DISCLOSURE_CONTROL_FLAG_FROM`-th on flagged to the office, who
  may open an ordinary case.
- the report and plan come from the institution's responsible person or a substitute, in the
  template (:mod:`boa.sanctions.template`); they may replace it until the office judges it; an
  adequate report lifts the case's "until report approved" locks.
- adequacy first: no preparation and no decision before the report is adequate (409
  ``report_not_adequate``).
- Research Services (``sanctions``) prepare: severity proposal, the seed's deciding factors, the
  sanction preview. The Director General (``sanction_decision``), never the preparer, decides a
  prepared case; the decision lifts the suspension and creates exactly the locks the sanction
  table gives (:func:`boa.sanctions.plan_sanction`); an "until report approved" lock starts
  lifted (the report is adequate by then; recorded, never active).
- counting: earlier non-dismissed, non-disclosure-control cases on the same unit within the
  window (two years), and the user's own earlier cases for the user column.
- working days from the adequate report to the decision are Danish working days
  (:mod:`boa.sanctions.working_days`); a case past the target is listed (``overdue``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import changed, get_or_404, keyset_page
from boa.people.lookups import institutions_of, roles_at, user_by_ident
from boa.people.models import AuthorisationAgreement, InstitutionRole, User
from boa.sanctions import letters
from boa.sanctions.locks import lift_for_case, new_lock
from boa.sanctions.models import BREACH_KINDS, DISCLOSURE_CONTROL, BreachCase, Lock
from boa.sanctions.periods import count_in_window
from boa.sanctions.permissions import REPORTERS, may_decide, may_prepare, may_register
from boa.sanctions.rules import SanctionPlan, plan_sanction, table_kind_for, temporary_suspension
from boa.sanctions.states import (
    CASE,
    NEEDS_ADEQUATE,
    REPORT,
    TAKES_REPORT,
    UNDECIDED,
    CaseState,
    ReportState,
    takes_report,
)
from boa.sanctions.tables import InvalidSanctionInput, load_sanction_data
from boa.sanctions.template import report_fields
from boa.sanctions.working_days import DECISION_TARGET, decision_due, elapsed
from schemes.law_model.models import LawModel
from schemes.projects.models import Project, ProjectMember
from schemes.projects.service import by_number

MAX_TEXT = 20_000


def _text(value: str | None, field: str, *, required: bool = False) -> str | None:
    """The text stripped; None when empty (refused when ``required``); at most MAX_TEXT characters."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"{field} is required.", field=field)
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"{field} is longer than {MAX_TEXT} characters.", field=field)
    return value or None


def _required_text(value: str | None, field: str) -> str:
    text = _text(value, field, required=True)
    assert text is not None  # refused above when empty
    return text


def _when(value: datetime) -> datetime:
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if value > clock.now():
        raise ValidationFailed("occurred_at lies in the future.", field="occurred_at", code="occurred_in_future")
    return value


# A disclosure-control breach is flagged to the office from this number at the institution within
# the window on (the third within two years: repeated non-compliance, SPEC 5).
DISCLOSURE_CONTROL_FLAG_FROM = 3


async def _case_institution(session: AsyncSession, user: User, project: Project | None,
                            institution_id: str | None, *, self_report: bool = False) -> int:
    mine = await institutions_of(session, user.id)
    if project is not None:
        member = await session.scalar(select(ProjectMember.id).where(
            ProjectMember.project_id == project.id, ProjectMember.user_id == user.id))
        if member is None and self_report:
            # A self-report suspends the project it names: only the reporter's own.
            raise ValidationFailed(f"You are not a member of project {project.number}.", field="project",
                                   code="not_project_member")
        if member is None and project.institution_id not in mine:
            raise ValidationFailed(f"{user.ident} is not a user of project {project.number}.", field="project",
                                   code="not_project_user")
        return project.institution_id
    if institution_id is not None:
        try:
            wanted = int(institution_id)
        except ValueError:
            raise ValidationFailed("institution_id is an id.", field="institution_id") from None
        if wanted not in mine:
            raise ValidationFailed(f"{user.ident} is not associated with institution {wanted}.",
                                   field="institution_id", code="not_institution_user")
        return wanted
    if len(mine) != 1:
        raise ValidationFailed("Name the project or the institution the breach concerns.", field="project",
                               code="institution_required")
    return next(iter(mine))


async def table_for_scheme(session: AsyncSession, scheme: str) -> str:
    """The sanction table a scheme's breaches are decided by (``scheme_tables`` in
    seed_data/sanctions.json); the law model names its own in its rule set (default: the authority
    table, schemes/law_model/rules.py). Read when the case is registered and kept on the case."""
    if scheme == "law_model":
        model = await session.scalar(select(LawModel))
        named = (model.rule_set or {}).get("sanction_table") if model is not None else None
        if named:
            return table_kind_for(named)
    return table_kind_for(scheme)


async def _case_scheme(session: AsyncSession, institution_id: int, project: Project | None,
                       scheme: str | None) -> str:
    if project is not None:
        return project.scheme
    if scheme is not None:
        try:
            table_kind_for(scheme)
        except InvalidSanctionInput:
            raise ValidationFailed(f"Unknown scheme {scheme!r}.", field="scheme") from None
        return scheme
    agreed = {s for a in await session.scalars(select(AuthorisationAgreement).where(
        AuthorisationAgreement.institution_id == institution_id, AuthorisationAgreement.state == "active"))
        for s in a.schemes}
    if len(agreed) != 1:
        raise ValidationFailed("Name the scheme the breach concerns.", field="scheme", code="scheme_required")
    return agreed.pop()


async def register(session: AsyncSession, *, actor: Actor, ident: str, kind: str, description: str,
                   occurred_at: datetime, self_reported: bool = False, project: str | None = None,
                   institution_id: str | None = None, scheme: str | None = None,
                   transfer_tool_used: bool | None = None, warning_ignored: bool | None = None,
                   data_volume: str | None = None, transfer_file_id: int | None = None,
                   file_name: str | None = None) -> tuple[BreachCase, list[Lock]]:
    """A breach case with the temporary suspension; a disclosure-control breach is recorded as
    guidance instead (no lock)."""
    user = await user_by_ident(session, ident)
    self_report = not may_register(actor)
    if self_report:
        if actor.user_id != user.id or not self_reported:
            raise PermissionDenied("Only Research Services register breaches; a user may report their own.")
    if kind not in BREACH_KINDS:
        raise ValidationFailed(f"kind is one of {', '.join(BREACH_KINDS)}.", field="kind")
    description = _required_text(description, "description")
    occurred = _when(occurred_at)
    proj = await by_number(session, project) if project else None
    inst = await _case_institution(session, user, proj, institution_id, self_report=self_report)
    scheme_kind = await _case_scheme(session, inst, proj, scheme)
    table = await table_for_scheme(session, scheme_kind)
    unit_scheme = scheme_kind if load_sanction_data().tables[table].unit == "scheme" else None
    case = BreachCase(user_id=user.id, institution_id=inst, project_id=proj.id if proj else None, scheme=scheme_kind,
                      table_kind=table, unit_institution_id=inst, unit_scheme=unit_scheme, kind=kind,
                      description=description, occurred_at=occurred, self_reported=self_reported,
                      transfer_tool_used=transfer_tool_used, warning_ignored=warning_ignored,
                      data_volume=_text(data_volume, "data_volume"),
                      transfer_file_id=transfer_file_id, registered_by=actor.label, registered_at=clock.now())
    if kind == DISCLOSURE_CONTROL:
        return await _guidance(session, actor, case, user, proj, file_name=file_name), []
    session.add(case)
    await session.flush()
    now = case.registered_at
    locks = [new_lock(case, spec, source="suspension", start=now, actor=actor)
             for spec in temporary_suspension() if spec.scope != "project" or proj is not None]
    session.add_all(locks)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_REGISTERED,
                       subject=f"case:{case.id}",
                       user=user.ident, project=proj.number if proj else None, institution=inst, kind=kind,
                       self_reported=self_reported, locks=[lock.id for lock in locks])
    await letters.registered(session, case, user, proj)
    return case, locks


async def disclosure_control_count(session: AsyncSession, institution_id: int, occurred: datetime,
                                   exclude: int | None = None) -> int:
    """This disclosure-control breach's number at the institution within the window (1 = first)."""
    rows = await session.execute(select(BreachCase.id, BreachCase.occurred_at).where(
        BreachCase.kind == DISCLOSURE_CONTROL, BreachCase.institution_id == institution_id))
    this = clock.aware(occurred)
    return count_in_window([clock.aware(t) for cid, t in rows.tuples() if cid != exclude], this)


async def _guidance(session: AsyncSession, actor: Actor, case: BreachCase, user: User, project: Project | None,
                    *, file_name: str | None) -> BreachCase:
    """Record a disclosure-control breach: guidance, no suspension; flagged when repeated."""
    case.state, case.report_state = CaseState.GUIDANCE, ReportState.NOT_REQUIRED
    case.occurrence = await disclosure_control_count(session, case.institution_id, case.occurred_at)
    case.flagged = case.occurrence >= DISCLOSURE_CONTROL_FLAG_FROM
    session.add(case)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_DISCLOSURE_CONTROL,
                       subject=f"case:{case.id}", user=user.ident, project=project.number if project else None,
                       institution=case.institution_id, occurrence=case.occurrence, flagged=case.flagged,
                       file=file_name)
    await letters.guidance(session, case, user, project, file_name=file_name)
    return case


async def visible_case(session: AsyncSession, actor: Actor, case_id: str) -> BreachCase:
    case = await get_or_404(session, BreachCase, case_id, "breach case")
    if actor.is_staff or actor.user_id == case.user_id:
        return case
    if await roles_at(session, actor.user_id, case.institution_id) & REPORTERS:
        return case
    raise NotFound(f"No breach case with id {case_id!r}.")


def _require_sanctions(actor: Actor) -> None:
    if not may_prepare(actor):
        raise PermissionDenied("Only Research Services' sanction staff do this.")


def _require_decider(actor: Actor) -> None:
    if not may_decide(actor):
        raise PermissionDenied("Only the Director General (sanction_decision) decides a breach case.",
                               code="sanction_decision_required")


def _require_adequate(case: BreachCase) -> None:
    if case.state in UNDECIDED and case.report_state not in NEEDS_ADEQUATE:
        raise Conflict("The case is not processed until the report and plan are judged adequate.",
                       code="report_not_adequate", report_state=case.report_state)


async def submit_report(session: AsyncSession, *, actor: Actor, case_id: str, report: str, plan: str,
                        sections: dict[str, Any] | None = None, measures: list[Any] | None = None) -> BreachCase:
    """The report and plan in the standard template (:func:`boa.sanctions.template.report_fields`)."""
    case = await visible_case(session, actor, case_id)
    if not await roles_at(session, actor.user_id, case.institution_id) & REPORTERS:
        raise PermissionDenied("Only the person responsible for authorisation or a substitute submits the report.")
    fields = report_fields(report=report, plan=plan, sections=sections or {}, measures=measures)
    if not takes_report(case.state, case.report_state):
        raise Conflict("The case takes no report now.", code="report_not_expected")
    done = await changed(session, update(BreachCase).where(
        BreachCase.id == case.id, BreachCase.report_state.in_(REPORT.sources(ReportState.SUBMITTED)),
        BreachCase.state.in_(TAKES_REPORT)).values(
        report=fields["incident"], plan=fields["plan"], report_fields=fields, report_state=ReportState.SUBMITTED,
        report_submitted_at=clock.now(), report_submitted_by_id=actor.user_id))
    if done != 1:
        raise Conflict("The case takes no report now.", code="report_not_expected")
    await session.refresh(case)
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_REPORT_SUBMITTED,
                       subject=f"case:{case.id}", measures=len(fields["measures"]))
    await letters.report_submitted(session, case)
    return case


async def assess_report(session: AsyncSession, *, actor: Actor, case_id: str, adequate: bool,
                        comment: str | None) -> BreachCase:
    _require_sanctions(actor)
    case = await get_or_404(session, BreachCase, case_id, "breach case")
    comment = _text(comment, "comment", required=not adequate)
    new_state = ReportState.ADEQUATE if adequate else ReportState.RETURNED
    done = await changed(session, update(BreachCase).where(
        BreachCase.id == case.id, BreachCase.report_state.in_(REPORT.sources(new_state))).values(
        report_state=new_state, report_assessed_at=clock.now(), report_assessed_by_id=actor.user_id,
        assessment_comment=comment))
    if done != 1:
        raise Conflict("There is no submitted report to assess.", code="no_report")
    await session.refresh(case)
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_REPORT_ASSESSED,
                       subject=f"case:{case.id}",
                       adequate=adequate, comment=comment)
    if adequate:
        await lift_for_case(session, case, actor=actor, open_end="until_report_approved", why="report approved")
    await letters.report_assessed(session, case)
    return case


@dataclass(frozen=True)
class Counts:
    unit: int
    user: int


async def counts(session: AsyncSession, case: BreachCase) -> Counts:
    """This breach's number on its unit and for its user within the window (1 = first)."""
    def earlier(rows: list[tuple[int, datetime]]) -> list[datetime]:
        this = clock.aware(case.occurred_at)
        return [t for cid, t in ((cid, clock.aware(t)) for cid, t in rows)
                if cid != case.id and (t < this or (t == this and cid < case.id))]

    counted = (BreachCase.state != CaseState.DISMISSED, BreachCase.kind != DISCLOSURE_CONTROL)
    on_unit = (await session.execute(select(BreachCase.id, BreachCase.occurred_at).where(
        *counted, BreachCase.table_kind == case.table_kind,
        BreachCase.unit_institution_id == case.unit_institution_id,
        BreachCase.unit_scheme.is_(None) if case.unit_scheme is None else BreachCase.unit_scheme == case.unit_scheme,
    )))
    by_user = await session.execute(select(BreachCase.id, BreachCase.occurred_at).where(
        *counted, BreachCase.user_id == case.user_id))
    this = clock.aware(case.occurred_at)
    return Counts(unit=count_in_window(earlier(list(on_unit.tuples())), this),
                  user=count_in_window(earlier(list(by_user.tuples())), this))


def _severity(value: str) -> str:
    if value not in ("minor", "severe"):
        raise ValidationFailed("severity is 'minor' or 'severe'.", field="severity")
    return value


async def plan_for(session: AsyncSession, case: BreachCase, severity: str) -> tuple[SanctionPlan, Counts]:
    n = await counts(session, case)
    plan = plan_sanction(case.table_kind, _severity(severity), n.unit, n.user, with_project=case.project_id is not None)
    return plan, n


def planned_locks(case: BreachCase, plan: SanctionPlan, actor: Actor, start: datetime) -> list[Lock]:
    return [new_lock(case, spec, source="decision", start=start, actor=actor) for spec in plan.locks]


def _plan_summary(plan: SanctionPlan, n: Counts, locks: list[Lock]) -> dict[str, Any]:
    return {"table": plan.table, "occurrence": plan.occurrence, "user_occurrence": plan.user_occurrence,
            "columns": list(plan.columns), "termination_possible": plan.termination_possible,
            "termination_of": sorted(str(a) for a in plan.termination_of), "unit_count": n.unit, "user_count": n.user,
            "locks": [{"scope": lk.scope, "ends_at": clock.iso(lk.ends_at), "open_end": lk.open_end} for lk in locks]}


async def preview(session: AsyncSession, *, actor: Actor, case_id: str, severity: str) -> dict[str, Any]:
    if not (may_prepare(actor) or may_decide(actor)):
        raise PermissionDenied("Only Research Services' sanction staff and the Director General see this.")
    case = await get_or_404(session, BreachCase, case_id, "breach case")
    plan, n = await plan_for(session, case, severity)
    return {"case": case, "plan": plan, "counts": n, "locks": planned_locks(case, plan, actor, clock.now()),
            "report_ready": case.report_state in NEEDS_ADEQUATE}


@dataclass(frozen=True)
class Factors:
    """The seed's deciding factors of severity, as Research Services find them."""

    conscious: bool  # a conscious action (severe) or thoughtless / an accident (minor)
    self_detected: bool  # detected by the user and the duty of notification observed
    data_volume: str | None  # with a transfer: how much microdata left
    warning_ignored: bool | None  # with a transfer: the transfer tool's warning ignored


async def prepare(session: AsyncSession, *, actor: Actor, case_id: str, severity: str, factors: Factors,
                  note: str) -> BreachCase:
    """Research Services prepare an adequate case for the Supervisory Board and the Director
    General: the severity proposal, the deciding factors, the sanction preview."""
    _require_sanctions(actor)
    case = await get_or_404(session, BreachCase, case_id, "breach case")
    severity = _severity(severity)
    note_text = _required_text(note, "note")
    volume = _text(factors.data_volume, "data_volume")
    CASE.move(case.state, CaseState.PREPARED, refuse=InvalidTransition(f"The case is {case.state}."))
    _require_adequate(case)
    plan, n = await plan_for(session, case, severity)
    now = clock.now()
    preparation = {"severity": severity, "conscious": factors.conscious, "self_detected": factors.self_detected,
                   "data_volume": volume, "warning_ignored": factors.warning_ignored, "note": note_text,
                   "preview": _plan_summary(plan, n, planned_locks(case, plan, actor, now))}
    done = await changed(session, update(BreachCase).where(
        BreachCase.id == case.id, BreachCase.state.in_(CASE.sources(CaseState.PREPARED)),
        BreachCase.report_state.in_(NEEDS_ADEQUATE)).values(
        state=CaseState.PREPARED, prepared_at=now, prepared_by_id=actor.user_id, preparation=preparation))
    if done != 1:
        raise InvalidTransition("The case changed meanwhile.")
    await session.refresh(case)
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_PREPARED, subject=f"case:{case.id}",
                       severity=severity, conscious=factors.conscious, self_detected=factors.self_detected,
                       columns=list(plan.columns))
    return case


async def decide(session: AsyncSession, *, actor: Actor, case_id: str, severity: str,
                 comment: str | None, supervisory_board: str | None = None,
                 ) -> tuple[BreachCase, list[Lock], SanctionPlan]:
    """The Director General's final decision on a prepared case (never by its preparer)."""
    _require_decider(actor)
    case = await get_or_404(session, BreachCase, case_id, "breach case")
    severity = _severity(severity)
    comment = _text(comment, "comment")
    board = _text(supervisory_board, "supervisory_board")
    if case.state not in UNDECIDED:
        raise InvalidTransition(f"The case is {case.state}.")
    _require_adequate(case)
    CASE.move(case.state, CaseState.DECIDED, refuse=Conflict(
        "Research Services prepare the case before the decision.", code="not_prepared"))
    if case.prepared_by_id is not None and case.prepared_by_id == actor.user_id:
        raise PermissionDenied("The Director General's decision is never taken by the person who prepared the case.",
                               code="preparer_cannot_decide")
    plan, n = await plan_for(session, case, severity)
    now = clock.now()
    done = await changed(session, update(BreachCase).where(
        BreachCase.id == case.id, BreachCase.state.in_(CASE.sources(CaseState.DECIDED))).values(state=CaseState.DECIDED))
    if done != 1:
        raise InvalidTransition("The case was decided meanwhile.")
    await lift_for_case(session, case, actor=actor, open_end="until_decision", why="case decided")
    locks = planned_locks(case, plan, actor, now)
    for lock in locks:
        if lock.open_end == "until_report_approved" and case.report_state == "adequate":
            lock.lifted_at, lock.lifted_by, lock.lift_comment = now, actor.label, "report already approved"
    session.add_all(locks)
    await session.flush()
    await session.refresh(case)
    case.severity, case.decided_at, case.decided_by_id, case.decision_comment = severity, now, actor.user_id, comment
    case.termination_possible = plan.termination_possible
    adequate_at = case.report_assessed_at
    case.decision = {**_plan_summary(plan, n, locks), "locks": [lock.id for lock in locks],
                     "supervisory_board": board,
                     "proposed_severity": (case.preparation or {}).get("severity"),
                     "working_days": elapsed(adequate_at, now) if adequate_at else None,
                     "target_working_days": DECISION_TARGET}
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_DECIDED,
                       subject=f"case:{case.id}",
                       severity=severity, columns=list(plan.columns), locks=[lock.id for lock in locks],
                       termination_possible=plan.termination_possible, supervisory_board=board,
                       working_days=case.decision["working_days"])
    await letters.decision(session, case, locks, plan)
    return case, locks, plan


async def dismiss(session: AsyncSession, *, actor: Actor, case_id: str, comment: str) -> BreachCase:
    """No breach after all: the case is closed without sanction, not counted, the suspension lifted."""
    _require_sanctions(actor)
    case = await get_or_404(session, BreachCase, case_id, "breach case")
    comment = _required_text(comment, "comment")
    done = await changed(session, update(BreachCase).where(
        BreachCase.id == case.id, BreachCase.state.in_(CASE.sources(CaseState.DISMISSED))).values(
        state=CaseState.DISMISSED, decided_at=clock.now(), decided_by_id=actor.user_id, decision_comment=comment))
    if done != 1:
        raise InvalidTransition(f"The case is {case.state}.")
    await session.refresh(case)
    await lift_for_case(session, case, actor=actor, open_end="until_decision", why="case dismissed")
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_DISMISSED,
                       subject=f"case:{case.id}",
                       comment=comment)
    return case


def overdue(case: BreachCase, now: datetime) -> bool:
    """An undecided case past the target of working days from its adequate report."""
    return (case.state in UNDECIDED and case.report_state == ReportState.ADEQUATE
            and case.report_assessed_at is not None
            and decision_due(case.report_assessed_at) < clock.aware(now).astimezone(clock.OFFICE_TZ).date())


async def list_cases(session: AsyncSession, *, actor: Actor, state: str | None, limit: int | None,
                     cursor: str | None, kind: str | None = None, flagged: bool | None = None,
                     overdue_only: bool = False) -> tuple[Sequence[BreachCase], str | None]:
    """Staff see every case; a responsible person or substitute their institutions' cases; a user
    their own. ``flagged``: repeated disclosure-control breaches; ``overdue_only``: undecided
    cases past the working days' target (staff)."""
    query = select(BreachCase)
    if state is not None:
        if state not in tuple(CaseState):
            raise ValidationFailed(f"state is one of {', '.join(CaseState)}.", field="state")
        query = query.where(BreachCase.state == state)
    if kind is not None:
        if kind not in BREACH_KINDS:
            raise ValidationFailed(f"kind is one of {', '.join(BREACH_KINDS)}.", field="kind")
        query = query.where(BreachCase.kind == kind)
    if flagged is not None:
        query = query.where(BreachCase.flagged == flagged)
    if overdue_only:
        if not actor.is_staff:
            raise PermissionDenied("Only Research Services list overdue cases.")
        due = [c.id for c in await session.scalars(select(BreachCase).where(
            BreachCase.state.in_(UNDECIDED), BreachCase.report_state == ReportState.ADEQUATE))
            if overdue(c, clock.now())]
        query = query.where(BreachCase.id.in_(due))
    if not actor.is_staff:
        if actor.user_id is None:
            raise PermissionDenied("Only users and Research Services see breach cases.")
        reporting = select(InstitutionRole.institution_id).where(
            InstitutionRole.user_id == actor.user_id, InstitutionRole.role.in_(REPORTERS))
        query = query.where(or_(BreachCase.user_id == actor.user_id, BreachCase.institution_id.in_(reporting)))
    return await keyset_page(session, query, BreachCase.id, limit, cursor)
