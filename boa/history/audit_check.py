"""Checks on the past (issue 21 item 4): every transfer, download and research-server login in the
audit log against the decision replayed at its moment. There should be none the replay denies:
the check guards the guards (a gate that let someone through without the decision, a change that
escaped the history, a planted audit row).

What each audited act needed is data (:data:`CHECKED`): a submitted transfer the ``transfer``
decision; a research-server login (RADIUS accept) the ``login`` decision; a download from the
results portal no lock on the person or the project (the portal's rule,
:func:`boa.transfers.lookups.require_unsuspended`; the office's downloads are not decided)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.history.asof import facts_from, load
from boa.history.replay import history_start
from boa.kernel import clock
from boa.kernel.access import Facts, Reason, decide, no_active_lock
from boa.kernel.audit_actions import AuditAction
from boa.kernel.models import AuditEntry
from boa.transfers.models import Transfer


def _decided(action: str) -> Callable[[Facts], list[Reason]]:
    return lambda facts: list(decide(action, facts).reasons)


def _results(facts: Facts) -> list[Reason]:
    return [] if facts.is_staff else no_active_lock(facts)


@dataclass(frozen=True)
class Needs:
    """What an audited act needed: the facts of ``action``, and the rule that would refuse it."""

    action: str
    refusal: Callable[[Facts], list[Reason]]
    person: str  # where the audit row names the person: "actor" or "subject"


CHECKED: dict[str, Needs] = {
    AuditAction.TRANSFER_SUBMIT.value: Needs("transfer", _decided("transfer"), "actor"),
    AuditAction.TRANSFER_FILE_DOWNLOAD.value: Needs("project_access", _results, "actor"),
    AuditAction.RADIUS_ACCEPT.value: Needs("login", _decided("login"), "subject"),
}


@dataclass(frozen=True)
class Finding:
    seq: int
    at: datetime
    action: str
    ident: str
    project: str | None
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at.isoformat(), "action": self.action, "ident": self.ident,
                "project": self.project, "reasons": [r.as_dict() for r in self.reasons]}


@dataclass
class Report:
    checked: int = 0
    before_history: int = 0  # acts before the history starts: nothing to replay them against
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "before_history": self.before_history,
                "findings": [f.as_dict() for f in self.findings]}


def _ident(entry: AuditEntry, where: str) -> str | None:
    named = entry.actor if where == "actor" else entry.subject
    return named.split(":", 1)[1] if named.startswith("user:") else None


async def _projects_of_transfers(session: AsyncSession, entries: list[AuditEntry]) -> dict[str, str]:
    ids = {int(e.summary["transfer"]) for e in entries
           if e.action == AuditAction.TRANSFER_FILE_DOWNLOAD.value and str(e.summary.get("transfer", "")).isdigit()}
    if not ids:
        return {}
    rows = await session.execute(select(Transfer.id, Transfer.project_number).where(Transfer.id.in_(ids)))
    return {str(tid): str(number) for tid, number in rows.all()}


async def check(session: AsyncSession, *, since: datetime | None = None, batch: int = 500) -> Report:
    """Replays the decision behind every checked act in the audit log (from ``since``)."""
    report, first, last_seq = Report(), await history_start(session), 0
    while True:
        query = select(AuditEntry).where(AuditEntry.action.in_(CHECKED), AuditEntry.seq > last_seq)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        entries = list(await session.scalars(query.order_by(AuditEntry.seq).limit(batch)))
        if not entries:
            return report
        last_seq = entries[-1].seq
        transfers = await _projects_of_transfers(session, entries)
        for entry in entries:
            needs, at = CHECKED[entry.action], clock.aware(entry.at)
            ident = _ident(entry, needs.person)
            if ident is None:
                continue
            if first is None or at < first:
                report.before_history += 1
                continue
            project = entry.summary.get("project") or transfers.get(str(entry.summary.get("transfer")))
            rows = await load(session, ident, project, at, at)
            reasons = needs.refusal(facts_from(rows, ident, needs.action, project, at))
            report.checked += 1
            if reasons:
                report.findings.append(Finding(entry.seq, at, entry.action, ident, project, tuple(reasons)))
