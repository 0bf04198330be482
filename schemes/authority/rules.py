"""Authority scheme rules (SPEC 3.3; seed 002 "Myndighedsordningen", 003). Pure functions.

Seed 002: "Myndighedsordningen stiller mikrodata til rådighed for de institutioner, der udfører
myndighedsbetjening dvs. departementer, styrelser og direktorater, regioner og kommuner";
"Formålsbeskrivelsen fastslår hvilke emneområder og registre myndigheden har adgang til" (need to
know); "Ændres behovet over tid ... vil dataadgangen blive tilpasset det nye behov"; the authority
associates its own employees, who must exist in FSE-BOA (created by Research Services), be security
certified and approved by the office; own data may be linked "forudsat det er i overensstemmelse med
formålsbeskrivelsen".

The one-year period of a purpose description is SPEC's ("one year, renewable"); the seed is silent.
A period runs from ``starts_on`` up to but not including ``ends_on`` (start + 1 calendar year).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from boa.sanctions.periods import add_years, office_date

SCHEME_KIND = "authority"
# departementer, styrelser, direktorater, regioner, kommuner
AUTHORITY_INSTITUTION_KINDS = frozenset({"ministry", "agency", "directorate", "region", "municipality"})
PURPOSE_PERIOD_YEARS = 1


class AuthorityRuleError(ValueError):
    """An authority scheme rule is broken."""


def may_have_authority_scheme(institution_kind: str) -> bool:
    return institution_kind in AUTHORITY_INSTITUTION_KINDS


def purpose_period_end(starts_on: date, years: int = PURPOSE_PERIOD_YEARS) -> date:
    """First day after a period of ``years`` calendar years from ``starts_on``."""
    return add_years(starts_on, years)


@dataclass(frozen=True, slots=True)
class PurposeDescription:
    """One version of an authority's purpose description: what it may use, and when."""

    version: int
    starts_on: date
    topics: frozenset[str]
    registers: frozenset[str]
    allows_own_data_linking: bool = False
    ends_on: date | None = field(default=None)  # None -> starts_on + one year

    def __post_init__(self) -> None:
        if self.version < 1:
            raise AuthorityRuleError("purpose description versions start at 1")
        if self.ends_on is None:
            object.__setattr__(self, "ends_on", purpose_period_end(self.starts_on))
        if self.ends_on <= self.starts_on:
            raise AuthorityRuleError("a purpose description must end after it starts")

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_on


def renew(purpose: PurposeDescription, years: int = PURPOSE_PERIOD_YEARS) -> PurposeDescription:
    """The same version, its period extended by ``years`` from its current end."""
    if years < 1:
        raise AuthorityRuleError("a renewal is at least one year")
    return replace(purpose, ends_on=add_years(purpose.ends_on, years))


def next_version(
    versions: Iterable[PurposeDescription],
    starts_on: date,
    topics: Iterable[str],
    registers: Iterable[str],
    *,
    allows_own_data_linking: bool = False,
) -> PurposeDescription:
    """A new version for changed needs; access follows it from ``starts_on``."""
    latest = max((v.version for v in versions), default=0)
    return PurposeDescription(
        latest + 1, starts_on, frozenset(topics), frozenset(registers), allows_own_data_linking
    )


def current_purpose(versions: Iterable[PurposeDescription], at: date | datetime) -> PurposeDescription | None:
    """The version in force at ``at`` (office date): of those whose period covers the day, the one
    that started last (a new version supersedes the earlier ones from its start; the higher version
    wins a tie). None when no period covers the day -- the authority then has no data access."""
    day = office_date(at)
    in_force = [v for v in versions if v.in_force_on(day)]
    return max(in_force, key=lambda v: (v.starts_on, v.version), default=None)


def may_use_register(versions: Iterable[PurposeDescription], register: str, at: date | datetime) -> bool:
    purpose = current_purpose(versions, at)
    return purpose is not None and register in purpose.registers


def may_link_own_data(versions: Iterable[PurposeDescription], at: date | datetime) -> bool:
    purpose = current_purpose(versions, at)
    return purpose is not None and purpose.allows_own_data_linking


def member_problems(*, user_exists: bool, security_certified: bool, approved_by_office: bool) -> list[str]:
    """Why an employee may not (yet) be associated with the authority scheme; empty means they may."""
    problems = []
    if not user_exists:
        problems.append("user_not_created")  # Research Services creates the user first
    if not security_certified:
        problems.append("not_security_certified")
    if not approved_by_office:
        problems.append("not_approved_by_office")
    return problems
