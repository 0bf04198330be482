"""Who may do what with breach cases and locks: pure predicates the services enforce and the
pages ask to decide which actions to offer."""

from __future__ import annotations

from collections.abc import Set

from boa.kernel.actor import Actor
from boa.sanctions.states import takes_report

# Office rights that register a breach (a reviewer's "suspected breach" registers one too).
REGISTRARS = ("sanctions", "review")
# Institution roles that receive the letters and submit the report and plan.
REPORTERS = frozenset({"responsible", "substitute"})


def may_register(actor: Actor) -> bool:
    return actor.is_staff and any(actor.has_staff_role(r) for r in REGISTRARS)


def may_sanction(actor: Actor) -> bool:
    """Assess reports, prepare cases (with the sanction preview), dismiss cases, lift locks."""
    return actor.is_staff and actor.has_staff_role("sanctions")


# Research Services with sanction rights prepare the case (the seed's guide).
may_prepare = may_sanction


def may_decide(actor: Actor) -> bool:
    """The Director General's final decision (never the preparer: the service checks the case)."""
    return actor.is_staff and actor.has_staff_role("sanction_decision")


def is_reporter(roles: Set[str]) -> bool:
    return bool(roles & REPORTERS)


def may_report(roles: Set[str], *, state: str, report_state: str | None) -> bool:
    """The responsible person or a substitute of the case's institution, while the case is open
    and the report is not yet judged adequate."""
    return is_reporter(roles) and takes_report(state, report_state)
