"""The breach case and its report as lifecycles (SPEC 5 "Case flow", issue 15). Pure: the
services in :mod:`boa.sanctions.cases` move a case or its report only through these tables,
taking the move in a conditional update from the table's source states (two concurrent moves
cannot both win).

The seed's guide, as one walk (:func:`stage` names where a case is on it):

    registered (suspended) → report requested → report submitted → adequate | returned
    (with the reason; a new report requested) → prepared → decided (or dismissed)

- A case is registered ``open`` with its report ``requested``. The institution's responsible
  person or a substitute submits the report and plan, and may replace it until the office
  judges it ``adequate`` (final) or ``returned`` (to be submitted again).
- Adequacy first: nothing is prepared or decided before the report is adequate
  (:data:`NEEDS_ADEQUATE`; the service answers 409 ``report_not_adequate``).
- Research Services prepare the case (``prepared``; a preparation may be redone until the
  decision); the Director General decides a prepared case (``decided``). Sanction staff may
  dismiss an open or prepared case. Decided and dismissed are final.
- A disclosure-control breach is recorded as ``guidance`` (final at once): guidance to the user,
  no suspension, no report (its report state is ``not_required``)."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class CaseState(StrEnum):
    OPEN = "open"
    PREPARED = "prepared"
    DECIDED = "decided"
    DISMISSED = "dismissed"
    GUIDANCE = "guidance"


class ReportState(StrEnum):
    REQUESTED = "requested"
    SUBMITTED = "submitted"
    ADEQUATE = "adequate"
    RETURNED = "returned"
    NOT_REQUIRED = "not_required"


C, R = CaseState, ReportState

CASE = Lifecycle.open_to_all("case", CaseState, [
    (C.OPEN, C.PREPARED),
    (C.PREPARED, C.PREPARED),  # prepared again before the decision
    (C.PREPARED, C.DECIDED),
    (C.OPEN, C.DISMISSED),
    (C.PREPARED, C.DISMISSED),
])

REPORT = Lifecycle.open_to_all("report", ReportState, [
    (R.REQUESTED, R.SUBMITTED),
    (R.SUBMITTED, R.SUBMITTED),  # replaced before the office judges it
    (R.RETURNED, R.SUBMITTED),
    (R.SUBMITTED, R.ADEQUATE),
    (R.SUBMITTED, R.RETURNED),
])

# The case states that take a report: a decided case still does (a case decided before issue
# 15, on a submitted report, has "until report approved" locks waiting for an adequate one).
TAKES_REPORT = (C.OPEN, C.DECIDED)

# Adequacy first (the seed: the office "will not commence the processing of the case until we
# have received an adequate report and plan"): preparation and decision need it.
NEEDS_ADEQUATE = (R.ADEQUATE,)

# Cases still before their decision (suspended, counted towards the 8 working days once adequate).
UNDECIDED = (C.OPEN, C.PREPARED)


def takes_report(state: str, report_state: str | None) -> bool:
    """Whether a report may be submitted now (no report state yet counts as requested)."""
    return state in TAKES_REPORT and REPORT.allows(report_state or R.REQUESTED, R.SUBMITTED)


def stage(state: str, report_state: str | None) -> str:
    """Where a case is on the guide's one walk: ``report_requested``, ``report_submitted``,
    ``report_returned``, ``adequate``, ``prepared``, ``decided``, ``dismissed``, ``guidance``."""
    if state != C.OPEN:
        return state
    return {R.SUBMITTED: "report_submitted", R.RETURNED: "report_returned",
            R.ADEQUATE: "adequate"}.get(ReportState(report_state or R.REQUESTED), "report_requested")
