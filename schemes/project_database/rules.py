"""Pure rules of the project database scheme (SPEC 3.2, seed 003)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from boa.kernel.errors import Conflict, ValidationFailed

MIN_MANAGERS, MAX_MANAGERS = 1, 3
MIN_ACTIVE_PROJECTS = 5
TERM_YEARS = 2
MIN_SUB_PROJECTS_PER_DATASET = 2


@dataclass(frozen=True)
class Candidate:
    ident: str
    is_administrator: bool


def validate_managers(managers: Sequence[Candidate]) -> None:
    """1 to 3 distinct managers, at least one an administrator of the institution."""
    idents = [m.ident for m in managers]
    if len(idents) < MIN_MANAGERS:
        raise ValidationFailed("A project database has at least one manager.", code="managers_required",
                               field="manager_idents")
    if len(idents) > MAX_MANAGERS:
        raise ValidationFailed("A project database has at most three managers.", code="too_many_managers",
                               field="manager_idents")
    if len(set(idents)) != len(idents):
        raise ValidationFailed("A manager is named twice.", field="manager_idents")
    if not any(m.is_administrator for m in managers):
        raise ValidationFailed("At least one manager must be an administrator of the institution.",
                               code="administrator_manager_required", field="manager_idents")


def check_eligibility(*, has_agreement: bool, active_projects: int) -> None:
    """The institution has an active agreement for the scheme and at least five active projects.
    (The 'substantial data overlap' is Research Services' judgement, not checked here.)"""
    if not has_agreement:
        raise Conflict("The institution has no active agreement for the project database scheme.",
                       code="no_agreement")
    if active_projects < MIN_ACTIVE_PROJECTS:
        raise Conflict(f"The institution has {active_projects} active projects; a project database needs at "
                       f"least {MIN_ACTIVE_PROJECTS}.", code="not_eligible")


def default_end_date(created: date) -> date:
    """The agreed end date: two years after creation (29 February → 28 February)."""
    try:
        return created.replace(year=created.year + TERM_YEARS)
    except ValueError:
        return created.replace(year=created.year + TERM_YEARS, day=28)


def check_extension(current_end: date, new_end: date) -> None:
    if new_end <= current_end:
        raise ValidationFailed("The new end date must be after the current one.", field="end_date",
                               code="dates_out_of_order")


def check_sub_project_datasets(database: Sequence[str], wanted: Sequence[str]) -> None:
    if not wanted:
        raise ValidationFailed("Name the datasets the sub-project uses.", field="datasets")
    outside = sorted(set(wanted) - set(database))
    if outside:
        raise ValidationFailed(f"Not in the project database: {', '.join(outside)}. Order them for the "
                               "sub-project separately.", field="datasets", code="dataset_not_in_database")


def minimisation_report(datasets: Sequence[str], sub_projects: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Every dataset in the project database must be used by at least two sub-projects; the
    ones used by fewer break the data-minimisation principle and are listed."""
    rows = []
    for dataset in datasets:
        users = sorted(number for number, used in sub_projects.items() if dataset in used)
        rows.append({"dataset": dataset, "sub_projects": users, "count": len(users),
                     "ok": len(users) >= MIN_SUB_PROJECTS_PER_DATASET})
    violations = [{**r, "advice": "Order this dataset for the sub-project instead." if r["count"] == 1
                   else "No sub-project uses this dataset; remove it."} for r in rows if not r["ok"]]
    return {"datasets": rows, "violations": violations, "ok": not violations,
            "minimum_sub_projects": MIN_SUB_PROJECTS_PER_DATASET}
