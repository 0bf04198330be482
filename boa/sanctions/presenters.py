"""Breach cases and locks → the shapes both faces show (ids as strings, times ISO 8601 UTC).

Each shape is a msgspec Struct defined here, beside the pure function that builds it from rows
already loaded (:mod:`boa.sanctions.views` loads, then presents). The JSON API answers these
Structs as they are; the admin pages show them. A key shown only sometimes is ``UNSET`` when
absent (left out of the JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from boa.kernel import clock
from boa.kernel.clock import iso as _ts
from boa.sanctions.locks import is_active
from boa.sanctions.models import BreachAttachment, BreachCase, Lock
from boa.sanctions.states import stage
from boa.sanctions.working_days import decision_due, elapsed


class LockView(msgspec.Struct):
    """A lock; a planned lock (in a sanction preview) has no id yet."""

    id: str | None
    case_id: str | None
    scope: str
    user_id: str | None
    project_id: str | None
    institution_id: str | None
    scheme: str | None
    source: str
    starts_at: str | None
    ends_at: str | None
    open_end: str | None
    reason: str
    active: bool
    lifted_at: str | None
    lifted_by: str | None
    lift_comment: str | None


class AttachmentView(msgspec.Struct):
    """A document of the report and plan (minutes, agendas)."""

    id: str
    name: str
    kind: str
    size: int
    sha256: str
    verdict: str
    uploaded_at: str | None
    content_url: str


def attachment(row: BreachAttachment) -> AttachmentView:
    return AttachmentView(id=str(row.id), name=row.name, kind=row.kind, size=row.size, sha256=row.sha256,
                          verdict=row.verdict, uploaded_at=_ts(row.uploaded_at),
                          content_url=f"/v1/breaches/{row.case_id}/attachments/{row.id}/content")


class CaseView(msgspec.Struct, kw_only=True):
    """A breach case; the keys from ``description`` on only in the full view of one case."""

    id: str
    ident: str
    institution_id: str
    project: str | None
    scheme: str
    kind: str
    occurred_at: str | None
    self_reported: bool
    state: str
    report_state: str
    # Where the case is on the guide's one walk (boa.sanctions.states.stage).
    stage: str
    severity: str | None
    decided_at: str | None
    termination_possible: bool
    created_at: str | None
    locks: list[LockView]
    # A disclosure-control record: its number at the institution within two years; flagged to the
    # office as repeated.
    occurrence: int | None = None
    flagged: bool = False
    # From the adequate report: the day the decision is due (8 Danish working days) and the working
    # days gone (to the decision, or to now).
    decision_due: str | None = None
    working_days: int | None = None
    description: str | UnsetType = UNSET
    transfer_tool_used: bool | None | UnsetType = UNSET
    warning_ignored: bool | None | UnsetType = UNSET
    data_volume: str | None | UnsetType = UNSET
    transfer_file_id: str | None | UnsetType = UNSET
    registered_by: str | UnsetType = UNSET
    report: str | None | UnsetType = UNSET
    plan: str | None | UnsetType = UNSET
    report_submitted_at: str | None | UnsetType = UNSET
    assessment_comment: str | None | UnsetType = UNSET
    decision_comment: str | None | UnsetType = UNSET
    decision: dict[str, Any] | None | UnsetType = UNSET
    report_fields: dict[str, Any] | None | UnsetType = UNSET
    preparation: dict[str, Any] | None | UnsetType = UNSET
    # People by name and IDENT ("Søren Sanction (SANC)"), never an actor label.
    registered_by_name: str | None | UnsetType = UNSET
    report_submitted_by: str | None | UnsetType = UNSET
    report_assessed_by: str | None | UnsetType = UNSET
    prepared_by: str | None | UnsetType = UNSET
    prepared_at: str | None | UnsetType = UNSET
    decided_by: str | None | UnsetType = UNSET
    attachments: list[AttachmentView] | UnsetType = UNSET


class SeedText(msgspec.Struct):
    column: str
    da: str
    en: str


class PlanView(msgspec.Struct, kw_only=True):
    """What a decision of a severity would do (the sanction preview)."""

    severity: str
    table: str
    occurrence: int
    user_occurrence: int | None
    unit_count: int
    user_count: int
    columns: list[str]
    locks: list[LockView]
    termination_possible: bool
    termination_of: list[str]
    seed_texts: list[SeedText]
    report_ready: bool


def lock(row: Lock, now: datetime | None = None) -> LockView:
    now = now or clock.now()
    return LockView(
        id=str(row.id) if row.id else None, case_id=str(row.case_id) if row.case_id else None, scope=row.scope,
        user_id=_id(row.user_id), project_id=_id(row.project_id), institution_id=_id(row.institution_id),
        scheme=row.scheme, source=row.source, starts_at=_ts(row.starts_at), ends_at=_ts(row.ends_at),
        open_end=row.open_end, reason=row.reason, active=is_active(row, now) if row.starts_at else False,
        lifted_at=_ts(row.lifted_at), lifted_by=row.lifted_by, lift_comment=row.lift_comment)


def _id(value: int | None) -> str | None:
    return str(value) if value is not None else None


def case(row: BreachCase, *, ident: str, project_number: int | None, locks: list[Lock],
         full: bool = True, names: dict[str, str] | None = None,
         attachments: list[BreachAttachment] | None = None) -> CaseView:
    """``names``: people by user id (``"<id>"``) and by actor label, as "Name (IDENT)"."""
    names = names or {}
    adequate_at = row.report_assessed_at if row.report_state == "adequate" else None
    out = CaseView(
        id=str(row.id), ident=ident, institution_id=str(row.institution_id),
        project=str(project_number) if project_number else None, scheme=row.scheme, kind=row.kind,
        occurred_at=_ts(row.occurred_at), self_reported=row.self_reported, state=row.state,
        report_state=row.report_state, stage=stage(row.state, row.report_state), severity=row.severity,
        decided_at=_ts(row.decided_at), occurrence=row.occurrence, flagged=bool(row.flagged),
        decision_due=decision_due(adequate_at).isoformat() if adequate_at else None,
        working_days=elapsed(adequate_at, row.decided_at or clock.now()) if adequate_at else None,
        termination_possible=row.termination_possible, created_at=_ts(row.created_at),
        locks=[lock(x) for x in locks])
    if full:
        out.description, out.transfer_tool_used = row.description, row.transfer_tool_used
        out.warning_ignored, out.data_volume = row.warning_ignored, row.data_volume
        out.transfer_file_id, out.registered_by = _id(row.transfer_file_id), row.registered_by
        out.report, out.plan, out.report_submitted_at = row.report, row.plan, _ts(row.report_submitted_at)
        out.assessment_comment, out.decision_comment = row.assessment_comment, row.decision_comment
        out.decision = row.decision
        out.report_fields, out.preparation, out.prepared_at = row.report_fields, row.preparation, _ts(row.prepared_at)
        out.registered_by_name = names.get(row.registered_by)
        out.report_submitted_by = names.get(str(row.report_submitted_by_id))
        out.report_assessed_by = names.get(str(row.report_assessed_by_id))
        out.prepared_by = names.get(str(row.prepared_by_id))
        out.decided_by = names.get(str(row.decided_by_id))
        out.attachments = [attachment(a) for a in attachments or []]
    return out


def plan(plan, counts, locks: list[Lock], report_ready: bool) -> PlanView:
    return PlanView(
        severity=str(plan.severity), table=plan.table, occurrence=plan.occurrence,
        user_occurrence=plan.user_occurrence, unit_count=counts.unit, user_count=counts.user,
        columns=list(plan.columns), locks=[lock(x) for x in locks], termination_possible=plan.termination_possible,
        termination_of=sorted(str(a) for a in plan.termination_of),
        seed_texts=[SeedText(column=c, da=da, en=en) for c, da, en in plan.seed_texts], report_ready=report_ready)
