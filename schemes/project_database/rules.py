"""Project database scheme rules (SPEC 3.2; seed 003 "Projektdatabaseordningen"). Pure functions.

Seed quotes: "En autoriseret institution kan have maks. 1 projektdatabase"; target group: institutions
that "har mindst fem aktive projekter med væsentligt dataoverlap"; "Institutionen pålægges at udpege
1 til 3 erfarne projektdatabasemanager(e) ... Kun projektdatabasemanagere får adgang til selve
projektdatabasen"; "Der må ikke gennemføres forskning direkte på projektdatabasen"; data minimisation:
"data i en projektdatabase [skal] anvendes på flere underprojekter. Data, der kun anvendes i et eller
få projekter, kan ikke indgå i projektdatabasen, men skal bestilles særskilt til underprojektet";
"Når en projektdatabase oprettes aftales en ophørsdato efter 2 år ... kan ordningen efter de 2 år
forlænges efter aftale".

Notes: "at least one manager is an administrator of the institution" is SPEC's rule (the seed is
silent); "substantial data overlap" is the office's judgement, so callers pass the number of active
projects the office counts as overlapping. The minimum number of sub-projects per dataset is 2
(SPEC's reading of "flere"; the seed's "et eller få" may justify more -- a parameter).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from boa.sanctions.periods import add_years

MIN_ACTIVE_PROJECTS = 5
MIN_MANAGERS, MAX_MANAGERS = 1, 3
MIN_SUB_PROJECTS_PER_DATASET = 2
TERM_YEARS = 2
SCHEME_KIND = "project_database"


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    message: str


class ProjectDatabaseRuleError(ValueError):
    """A project database rule is broken; ``reasons`` lists every problem found."""

    def __init__(self, reasons: Iterable[Reason]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(r.message for r in self.reasons))


def eligibility_problems(
    *,
    has_active_agreement: bool,
    active_overlapping_projects: int,
    has_project_database: bool = False,
) -> list[Reason]:
    """Why an institution may not get a project database; an empty list means it may."""
    reasons = []
    if not has_active_agreement:
        reasons.append(
            Reason("no_active_agreement", "no active authorisation agreement for the project database scheme")
        )
    if active_overlapping_projects < MIN_ACTIVE_PROJECTS:
        reasons.append(
            Reason(
                "too_few_active_projects",
                f"{active_overlapping_projects} active projects with substantial data overlap; "
                f"at least {MIN_ACTIVE_PROJECTS} are needed",
            )
        )
    if has_project_database:
        reasons.append(
            Reason("already_has_project_database", "an institution may have at most one project database")
        )
    return reasons


def normalise_ident(ident: str) -> str:
    return ident.strip().upper()


def manager_problems(
    manager_idents: Iterable[str], institution_administrators: Iterable[str]
) -> list[Reason]:
    """1-3 distinct managers (IDENTs, case-insensitive), at least one an administrator of the institution."""
    managers = [normalise_ident(i) for i in manager_idents]
    administrators = {normalise_ident(i) for i in institution_administrators}
    reasons = []
    duplicates = sorted({m for m in managers if managers.count(m) > 1})
    if duplicates:
        reasons.append(
            Reason("duplicate_managers", f"managers named more than once: {', '.join(duplicates)}")
        )
    distinct = set(managers)
    if not MIN_MANAGERS <= len(distinct) <= MAX_MANAGERS:
        reasons.append(
            Reason(
                "manager_count",
                f"{len(distinct)} managers; a project database has {MIN_MANAGERS} to {MAX_MANAGERS}",
            )
        )
    if distinct and not distinct & administrators:
        reasons.append(
            Reason(
                "no_administrator_manager", "at least one manager must be an administrator of the institution"
            )
        )
    return reasons


def check_managers(
    manager_idents: Iterable[str], institution_administrators: Iterable[str]
) -> tuple[str, ...]:
    """The normalised manager IDENTs, or ProjectDatabaseRuleError with every problem."""
    managers = [normalise_ident(i) for i in manager_idents]
    reasons = manager_problems(managers, institution_administrators)
    if reasons:
        raise ProjectDatabaseRuleError(reasons)
    return tuple(managers)


def may_access_main_project(ident: str, manager_idents: Iterable[str]) -> bool:
    """Only the project database managers have access to the project database (the main project)."""
    return normalise_ident(ident) in {normalise_ident(m) for m in manager_idents}


@dataclass(frozen=True, slots=True)
class MinimisationFinding:
    dataset: str
    used_by: tuple[str, ...]  # the sub-projects using it, sorted

    @property
    def action(self) -> str:
        """One user: order the dataset for that sub-project instead; none: remove or narrow."""
        return "order_for_sub_project" if self.used_by else "remove_from_project_database"


def minimisation_report(
    datasets_of_main: Iterable[str],
    datasets_by_sub_project: Mapping[str, Iterable[str]],
    *,
    minimum_uses: int = MIN_SUB_PROJECTS_PER_DATASET,
) -> list[MinimisationFinding]:
    """Datasets of the project database used by fewer than ``minimum_uses`` sub-projects, sorted by
    dataset. Datasets a sub-project uses that are not in the project database are not counted."""
    users: dict[str, set[str]] = {d: set() for d in datasets_of_main}
    for sub_project, datasets in datasets_by_sub_project.items():
        for dataset in set(datasets):
            if dataset in users:
                users[dataset].add(sub_project)
    return [
        MinimisationFinding(dataset, tuple(sorted(subs)))
        for dataset, subs in sorted(users.items())
        if len(subs) < minimum_uses
    ]


def default_end_date(created: date | datetime) -> date | datetime:
    """The agreed end date: two calendar years after creation (29 Feb -> 28 Feb)."""
    return add_years(created, TERM_YEARS)


def extended_end_date(current_end: date | datetime, years: int = TERM_YEARS) -> date | datetime:
    """A new end date after an extension by agreement (the seed gives no length; default 2 years)."""
    if years < 1:
        raise ValueError("an extension is at least one year")
    return add_years(current_end, years)
