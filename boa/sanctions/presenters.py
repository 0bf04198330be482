"""Breach cases and locks → JSON (ids as strings, times ISO 8601 UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boa.kernel import clock
from boa.kernel.clock import iso as _ts
from boa.sanctions.locks import is_active
from boa.sanctions.models import BreachCase, Lock


def lock(row: Lock, now: datetime | None = None) -> dict[str, Any]:
    now = now or clock.now()
    return {"id": str(row.id) if row.id else None, "case_id": str(row.case_id) if row.case_id else None,
            "scope": row.scope, "user_id": _id(row.user_id), "project_id": _id(row.project_id),
            "institution_id": _id(row.institution_id), "scheme": row.scheme, "source": row.source,
            "starts_at": _ts(row.starts_at), "ends_at": _ts(row.ends_at), "open_end": row.open_end,
            "reason": row.reason, "active": is_active(row, now) if row.starts_at else False,
            "lifted_at": _ts(row.lifted_at), "lifted_by": row.lifted_by, "lift_comment": row.lift_comment}


def _id(value: int | None) -> str | None:
    return str(value) if value is not None else None


def case(row: BreachCase, *, ident: str, project_number: int | None, locks: list[Lock],
         full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(row.id), "ident": ident, "institution_id": str(row.institution_id),
        "project": str(project_number) if project_number else None, "scheme": row.scheme, "kind": row.kind,
        "occurred_at": _ts(row.occurred_at), "self_reported": row.self_reported, "state": row.state,
        "report_state": row.report_state, "severity": row.severity, "decided_at": _ts(row.decided_at),
        "termination_possible": row.termination_possible, "created_at": _ts(row.created_at),
        "locks": [lock(x) for x in locks],
    }
    if full:
        out.update({"description": row.description, "transfer_tool_used": row.transfer_tool_used,
                    "warning_ignored": row.warning_ignored, "data_volume": row.data_volume,
                    "transfer_file_id": _id(row.transfer_file_id), "registered_by": row.registered_by,
                    "report": row.report, "plan": row.plan, "report_submitted_at": _ts(row.report_submitted_at),
                    "assessment_comment": row.assessment_comment, "decision_comment": row.decision_comment,
                    "decision": row.decision})
    return out


def plan(plan, counts, locks: list[Lock], report_ready: bool) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"severity": str(plan.severity), "table": plan.table, "occurrence": plan.occurrence,
            "user_occurrence": plan.user_occurrence, "unit_count": counts.unit, "user_count": counts.user,
            "columns": list(plan.columns), "locks": [lock(x) for x in locks],
            "termination_possible": plan.termination_possible,
            "termination_of": sorted(str(a) for a in plan.termination_of),
            "seed_texts": [{"column": c, "da": da, "en": en} for c, da, en in plan.seed_texts],
            "report_ready": report_ready}
