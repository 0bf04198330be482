"""Report: active projects per scheme per year (SPEC 7).

A project is active in a year when it was approved (established) in or before that year and
had not ended before it: its end date, its closing or its approved deletion, whichever comes
first. Every scheme kind counts, the project database's main project included. The counting is
pure (:func:`count_active`); :func:`active_projects_report` loads the spans."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.actor import Actor
from boa.kernel.domain import SCHEME_KINDS
from boa.kernel.errors import PermissionDenied, ValidationFailed
from schemes.projects.models import Project

MAX_YEARS = 30


@dataclass(frozen=True)
class Span:
    scheme: str
    start: date
    end: date | None


@dataclass(frozen=True)
class ActiveProjects:
    years: list[int]
    schemes: tuple[str, ...]
    counts: dict[int, dict[str, int]]

    def as_dict(self) -> dict:
        return {"years": self.years, "schemes": list(self.schemes),
                "rows": [{"year": y, "counts": self.counts[y], "total": sum(self.counts[y].values())}
                         for y in self.years]}


def count_active(spans: Iterable[Span], years: list[int]) -> dict[int, dict[str, int]]:
    counts = {year: dict.fromkeys(SCHEME_KINDS, 0) for year in years}
    for span in spans:
        for year in years:
            if span.start.year <= year and (span.end is None or span.end.year >= year):
                counts[year][span.scheme] = counts[year].get(span.scheme, 0) + 1
    return counts


def _first(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


async def active_projects_report(session: AsyncSession, *, actor: Actor, first_year: int | None = None,
                                 last_year: int | None = None) -> ActiveProjects:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services sees the reports.")
    rows = (await session.execute(select(Project.scheme, Project.approved_at, Project.end_date, Project.closed_at,
                                         Project.deletion_approved_at).where(Project.approved_at.is_not(None))))
    spans = [Span(scheme, clock.aware(approved).date(), _first(end, clock.aware(closed).date() if closed else None,
                                                                 clock.aware(deleted).date() if deleted else None))
             for scheme, approved, end, closed, deleted in rows.tuples() if approved is not None]
    this_year = clock.now().year
    last = last_year or this_year
    first = first_year or min([s.start.year for s in spans] + [last])
    if first > last:
        raise ValidationFailed("first_year is after last_year.", field="first_year")
    if last - first >= MAX_YEARS:
        raise ValidationFailed(f"At most {MAX_YEARS} years at a time.", field="first_year")
    years = list(range(first, last + 1))
    return ActiveProjects(years, SCHEME_KINDS, count_active(spans, years))
