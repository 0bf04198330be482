"""The schemes' part of the access decision: a loader that fills ``Facts.project``.

For ``project_access`` and ``transfer`` it looks the project up by number and states: approved
(a proposal was approved, or the scheme's project was established), closed, deleted, the end
date, the user's membership (active, pending a physical token, awaiting the office), and the
scheme period: the authority scheme's agreement (active) and its current purpose description
(no fixed period), the project database's end date (for its main project and its sub-projects). The pure checks in :mod:`boa.kernel.access` turn
these facts into reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.access import FactRequest, Facts, ProjectFact
from schemes.authority import rules as authority_rules
from schemes.authority.models import AuthorityScheme, PurposeDescription
from schemes.authority.states import AgreementState
from schemes.project_database.models import ProjectDatabase
from schemes.project_database.states import DatabaseState
from schemes.projects.models import Project, ProjectMember
from schemes.projects.numbers import is_number

PROJECT_ACTIONS = ("project_access", "transfer")


def day_end(day: date | None) -> datetime | None:
    """An end date is inclusive: access ends at the start of the next day (UTC); the last date
    there is (stored before dates were bounded on input) ends at the end of time, not in an error."""
    if day is None:
        return None
    if day >= date.max:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


AGREEMENT_REFUSALS = {AgreementState.DRAFT: "agreement_not_signed", AgreementState.SIGNED: "agreement_not_active",
                      AgreementState.TERMINATED: "agreement_terminated"}


async def _authority_period(session: AsyncSession, project: Project) -> tuple[datetime | None, str | None]:
    """No fixed period (seed 002): access lasts while the agreement is active, and needs a
    purpose description in force (none yet: the period has not begun)."""
    scheme = await session.scalar(select(AuthorityScheme).where(AuthorityScheme.project_id == project.id))
    if scheme is None:
        return None, None
    refusal = AGREEMENT_REFUSALS.get(AgreementState(scheme.agreement))
    purposes = list(await session.scalars(select(PurposeDescription).where(PurposeDescription.scheme_id == scheme.id)))
    if authority_rules.current_purpose(purposes, clock.now().date()) is None:
        return clock.now(), refusal
    return None, refusal


async def _database_period(session: AsyncSession, project: Project) -> tuple[datetime | None, bool]:
    pdb = await session.scalar(select(ProjectDatabase).where(ProjectDatabase.institution_id == project.institution_id))
    if pdb is None:
        return None, False
    if pdb.state == DatabaseState.CLOSED:
        return clock.aware(pdb.closed_at), project.kind == "main"
    return day_end(pdb.end_date), False


async def project_fact(session: AsyncSession, user_id: int, number: str) -> ProjectFact | None:
    if not is_number(number):
        return None
    # The project and the user's membership in one round trip.
    found = (await session.execute(
        select(Project, ProjectMember.state).outerjoin(
            ProjectMember, (ProjectMember.project_id == Project.id) & (ProjectMember.user_id == user_id))
        .where(Project.number == int(number)))).first()
    if found is None:
        return None
    project, membership = found
    period_end, closed, refusal = None, project.closed_at is not None, None
    if project.scheme == "authority":
        period_end, refusal = await _authority_period(session, project)
    elif project.scheme == "project_database":
        period_end, pdb_closed = await _database_period(session, project)
        closed = closed or pdb_closed
    return ProjectFact(id=project.id, number=str(project.number), institution_id=project.institution_id,
                       scheme=project.scheme, state=project.state, approved=project.approved_at is not None,
                       end_date=day_end(project.end_date), deleted=project.deleted,
                       is_member=membership == "active", membership_pending=membership == "pending",
                       membership_requested=membership == "requested", period_end=period_end, closed=closed,
                       research_allowed=project.kind != "main", agreement_refusal=refusal)


async def load_project_facts(session: AsyncSession, facts: Facts, request: FactRequest) -> Facts:
    if request.action not in PROJECT_ACTIONS or not request.project or facts.user_id is None:
        return facts
    fact = await project_fact(session, facts.user_id, request.project)
    return facts if fact is None else replace(facts, project=fact)
