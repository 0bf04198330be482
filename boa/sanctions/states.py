"""The breach case and its report as lifecycles (SPEC 5 "Case flow"). Pure: the services in
:mod:`boa.sanctions.cases` move a case or its report only through these tables, taking the move
in a conditional update from the table's source states (two concurrent moves cannot both win).

- A case is registered ``open``; sanction staff decide it (only with a report, see
  :data:`DECISION_NEEDS_REPORT`) or dismiss it. Both are final.
- The report is ``requested`` at registration; the institution's responsible person or a
  substitute submits it, and may replace it until the office judges it ``adequate`` (final) or
  ``returned`` (to be submitted again). A dismissed case takes no report."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class CaseState(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    DISMISSED = "dismissed"


class ReportState(StrEnum):
    REQUESTED = "requested"
    SUBMITTED = "submitted"
    ADEQUATE = "adequate"
    RETURNED = "returned"


C, R = CaseState, ReportState

CASE = Lifecycle.open_to_all("case", CaseState, [(C.OPEN, C.DECIDED), (C.OPEN, C.DISMISSED)])

REPORT = Lifecycle.open_to_all("report", ReportState, [
    (R.REQUESTED, R.SUBMITTED),
    (R.SUBMITTED, R.SUBMITTED),  # replaced before the office judges it
    (R.RETURNED, R.SUBMITTED),
    (R.SUBMITTED, R.ADEQUATE),
    (R.SUBMITTED, R.RETURNED),
])

# The case states that take a report: a decided case still does, its "until report approved"
# locks wait for an adequate one.
TAKES_REPORT = (C.OPEN, C.DECIDED)

# The office decides on the institution's account: a report must be in (SPEC 5).
DECISION_NEEDS_REPORT = (R.SUBMITTED, R.ADEQUATE)


def takes_report(state: str, report_state: str | None) -> bool:
    """Whether a report may be submitted now (no report state yet counts as requested)."""
    return state in TAKES_REPORT and REPORT.allows(report_state or R.REQUESTED, R.SUBMITTED)
