"""Pure rules of the project database scheme (SPEC 3.2, seed 003)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from boa.kernel.errors import Conflict, ValidationFailed

MIN_MANAGERS, MAX_MANAGERS = 1, 3
MIN_ACTIVE_PROJECTS = 5
TERM_YEARS = 2
MIN_SUB_PROJECTS_PER_DATASET = 2


def validate_managers(idents: Sequence[str]) -> None:
    """1 to 3 distinct managers (whether a manager is also an administrator is not a rule: seed 003
    has none, see docs/decisions.md)."""
    if len(idents) < MIN_MANAGERS:
        raise ValidationFailed("A project database has at least one manager.", code="managers_required",
                               field="manager_idents")
    if len(idents) > MAX_MANAGERS:
        raise ValidationFailed("A project database has at most three managers.", code="too_many_managers",
                               field="manager_idents")
    if len(set(idents)) != len(idents):
        raise ValidationFailed("A manager is named twice.", field="manager_idents")


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


def clean_codes(codes: Sequence[str], known: Collection[str], *, field: str = "datasets") -> list[str]:
    """Register codes from the catalogue (``known``), each once: none, a code twice or a code the
    catalogue does not hold is a 422 (``datasets_required``, ``duplicate_dataset``,
    ``unknown_register``)."""
    clean = [c.strip().upper() for c in codes]
    if not clean or any(not c for c in clean):
        raise ValidationFailed("Name the datasets (register codes from the catalogue).", field=field,
                               code="datasets_required")
    twice = sorted({c for c in clean if clean.count(c) > 1})
    if twice:
        raise ValidationFailed(f"Named twice: {', '.join(twice)}.", field=field, code="duplicate_dataset",
                               datasets=twice)
    unknown = sorted(set(clean) - set(known))
    if unknown:
        raise ValidationFailed(f"Not in the register catalogue: {', '.join(unknown)}.", field=field,
                               code="unknown_register", datasets=unknown)
    return clean


def usage(datasets: Sequence[str], sub_projects: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Which live sub-projects (by number) use each dataset of the project database."""
    return {d: sorted(n for n, used in sub_projects.items() if d in used) for d in datasets}


def check_addition(current: Sequence[str], wanted: Sequence[str]) -> None:
    present = sorted(set(wanted) & set(current))
    if present:
        raise Conflict(f"Already in the project database: {', '.join(present)}.", code="dataset_present",
                       datasets=present)


def check_removal(current: Sequence[str], wanted: Sequence[str]) -> None:
    outside = sorted(set(wanted) - set(current))
    if outside:
        raise ValidationFailed(f"Not in the project database: {', '.join(outside)}.", field="datasets",
                               code="dataset_not_in_database", datasets=outside)
    if not set(current) - set(wanted):
        raise Conflict("A narrowing leaves at least one dataset; close the project database instead.",
                       code="would_be_empty")


def blocking(wanted: Sequence[str], used_by: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The datasets of ``wanted`` that live sub-projects use, with those sub-projects."""
    return {d: list(used_by[d]) for d in wanted if used_by.get(d)}


def check_narrowing(current: Sequence[str], wanted: Sequence[str], used_by: Mapping[str, Sequence[str]]) -> None:
    """Narrowing removes datasets no live sub-project uses; one in use is refused with the
    sub-projects named (409 ``dataset_in_use``)."""
    check_removal(current, wanted)
    in_use = blocking(wanted, used_by)
    if in_use:
        named = "; ".join(f"{d} by {', '.join(n)}" for d, n in in_use.items())
        raise Conflict(f"Sub-projects use these datasets: {named}.", code="dataset_in_use", sub_projects=in_use)


def check_move(current: Sequence[str], dataset: str, used_by: Mapping[str, Sequence[str]]) -> str:
    """A dataset used by one sub-project only moves to that sub-project's own order; the number
    of that sub-project."""
    check_removal(current, [dataset])
    users = list(used_by.get(dataset, []))
    if len(users) != 1:
        raise Conflict(f"{dataset} is used by {len(users)} sub-projects; only a dataset one sub-project uses "
                       "moves to its own order.", code="not_single_use", sub_projects=users)
    return users[0]


MAX_ASSESSMENT = 4000


def check_assessment(overlap: str, growth: str) -> tuple[str, str]:
    """Both parts of the office's assessment are written (up to 4000 characters each)."""
    texts = {"overlap": overlap.strip(), "growth": growth.strip()}
    for field, value in texts.items():
        if not value:
            raise ValidationFailed(f"Write the assessment of the {field}.", field=field, code="assessment_required")
        if len(value) > MAX_ASSESSMENT:
            raise ValidationFailed(f"At most {MAX_ASSESSMENT} characters.", field=field, code="too_long")
    return texts["overlap"], texts["growth"]
