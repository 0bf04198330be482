"""The access decision's facts as they were at a moment, from ``fact_history``.

The same :class:`boa.kernel.access.Facts` the live loaders (identity's person, the schemes'
project, sanctions' locks) build from today's rows, built from the rows valid at ``at``, so that
:func:`boa.kernel.access.decide` gives the decision it gave then. Each part mirrors its live
loader; the replay property test (tests/integration/test_access_replay.py) holds them together."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.history.models import fact_history as fh
from boa.kernel import clock
from boa.kernel.access import Facts, LockFact, ProjectFact
from boa.kernel.domain import normalise_ident
from schemes.access import PROJECT_ACTIONS, day_end
from schemes.authority import rules as authority_rules
from schemes.project_database.states import DatabaseState
from schemes.projects.numbers import is_number


@dataclass(frozen=True)
class Row:
    """One row of a tracked table as it was: its table, id and decision-relevant columns."""

    table: str
    id: str
    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key)

    def time(self, key: str) -> datetime | None:
        value = self.data.get(key)
        return None if value is None else clock.aware(datetime.fromisoformat(value))

    def day(self, key: str) -> date | None:
        value = self.data.get(key)
        return None if value is None else date.fromisoformat(value[:10])


@dataclass
class PurposeAsOf:
    version: int
    valid_from: date
    valid_until: date


def valid_at(at: datetime) -> Any:
    return and_(fh.c.valid_from <= at, or_(fh.c.valid_to.is_(None), fh.c.valid_to > at))


async def rows_at(session: AsyncSession, at: datetime, *where: Any) -> list[Row]:
    """The rows valid at ``at`` matching any of ``where``."""
    found = await session.execute(select(fh.c.table_name, fh.c.row_id, fh.c.row_data)
                                  .where(valid_at(at), or_(*where)).order_by(fh.c.id))
    return [Row(table, row_id, data) for table, row_id, data in found.all()]


def _of(rows: list[Row], table: str) -> list[Row]:
    return [r for r in rows if r.table == table]


async def person_facts(session: AsyncSession, facts: Facts, at: datetime) -> Facts:
    """What :func:`tokens.access.load_person_facts` gave at ``at``."""
    users = await rows_at(session, at, and_(fh.c.table_name == "users", fh.c.label == facts.ident))
    if not users:
        return facts
    user = users[0]
    user_id = int(user.id)
    rows = await rows_at(session, at,
                         and_(fh.c.user_id == user_id, fh.c.table_name.in_(("associations", "institution_roles", "tokens"))),
                         fh.c.table_name == "user_agreement_versions")
    versions = [r["version"] for r in _of(rows, "user_agreement_versions")]
    current = max(versions) if versions else None
    approved = sum(1 for r in _of(rows, "associations") if r["state"] == "approved") + len(_of(rows, "institution_roles"))
    return replace(
        facts, exists=True, user_id=user_id, active=bool(user["active"]), activated=bool(user["activated"]),
        is_staff="staff" in (user["staff_roles"] or []),
        certification_expires_at=user.time("certification_expires_at"),
        accepted_user_agreement=current is None or user["user_agreement_version"] == current,
        approved_associations=approved,
        has_active_token=any(r["state"] == "active" for r in _of(rows, "tokens")),
    )


def _authority_period(purposes: list[Row], at: datetime) -> datetime | None:
    versions = [PurposeAsOf(p["version"], p.day("valid_from") or date.min, p.day("valid_until") or date.min)
                for p in purposes]
    today = at.date()
    now_valid = authority_rules.current_purpose(versions, today)
    if now_valid is not None:
        return day_end(now_valid.valid_until - timedelta(days=1))
    ended = [p.valid_until for p in versions if p.valid_until <= today]
    return day_end(max(ended) - timedelta(days=1)) if ended else at


async def project_facts(session: AsyncSession, facts: Facts, number: str, at: datetime) -> Facts:
    """What :func:`schemes.access.load_project_facts` gave at ``at``."""
    if facts.user_id is None or not is_number(number):
        return facts
    found = await rows_at(session, at, and_(fh.c.table_name == "projects", fh.c.label == str(int(number))))
    if not found:
        return facts
    project = found[0]
    project_id, institution_id = int(project.id), project["institution_id"]
    rows = await rows_at(
        session, at,
        and_(fh.c.table_name == "project_members", fh.c.project_id == project_id, fh.c.user_id == facts.user_id),
        and_(fh.c.table_name == "authority_schemes", fh.c.project_id == project_id),
        and_(fh.c.table_name == "project_databases", fh.c.institution_id == institution_id))
    members = _of(rows, "project_members")
    membership = members[0]["state"] if members else None
    period_end, closed = None, project["closed_at"] is not None
    if project["scheme"] == "authority":
        schemes = _of(rows, "authority_schemes")
        purposes = await rows_at(session, at, and_(fh.c.table_name == "authority_purposes",
                                                   fh.c.label == schemes[0].id)) if schemes else []
        period_end = _authority_period(purposes, at)
    elif project["scheme"] == "project_database":
        databases = _of(rows, "project_databases")
        if databases:
            pdb = databases[0]
            if pdb["state"] == DatabaseState.CLOSED:
                period_end, closed = pdb.time("closed_at"), closed or project["kind"] == "main"
            else:
                period_end = day_end(pdb.day("end_date"))
    fact = ProjectFact(id=project_id, number=str(project["number"]), institution_id=institution_id,
                       scheme=project["scheme"], state=project["state"], approved=project["approved_at"] is not None,
                       end_date=day_end(project.day("end_date")), deleted=bool(project["deleted"]),
                       is_member=membership == "active", membership_pending=membership == "pending",
                       membership_requested=membership == "requested", period_end=period_end, closed=closed,
                       research_allowed=project["kind"] != "main")
    return replace(facts, project=fact)


async def lock_facts(session: AsyncSession, facts: Facts, action: str, at: datetime) -> Facts:
    """What :func:`boa.sanctions.locks.load_lock_facts` gave at ``at``."""
    if facts.user_id is None:
        return facts
    covers = [fh.c.user_id == facts.user_id]
    project = facts.project
    if action in PROJECT_ACTIONS and project is not None:
        covers += [fh.c.project_id == project.id, fh.c.institution_id == project.institution_id]
    rows = await rows_at(session, at, and_(fh.c.table_name == "locks", or_(*covers)))
    found = []
    for lock in sorted(rows, key=lambda r: int(r.id)):
        if not _covers(lock, facts, action):
            continue
        ends = lock.time("ends_at")
        if lock["lifted_at"] is not None or (ends is not None and ends <= at):
            continue
        starts = lock.time("starts_at")
        found.append(LockFact(id=lock.id, scope=lock["scope"], case_id=str(lock["case_id"]) if lock["case_id"] else None,
                              until=ends, open_end=lock["open_end"],
                              starts=starts if starts is not None and starts > at else None))
    return replace(facts, locks=facts.locks + tuple(found)) if found else facts


def _covers(lock: Row, facts: Facts, action: str) -> bool:
    """The live loader's cover: the user's locks; for project actions the project's, its
    institution's and its scheme's."""
    if lock["user_id"] == facts.user_id:
        return True
    project = facts.project
    if action not in PROJECT_ACTIONS or project is None:
        return False
    if lock["project_id"] == project.id:
        return True
    if lock["institution_id"] != project.institution_id:
        return False
    return lock["scope"] == "institution" or (lock["scope"] == "scheme" and lock["scheme"] == project.scheme)


async def facts_at(session: AsyncSession, ident: str, action: str, project: str | None, at: datetime) -> Facts:
    """The facts for ``ident`` as they were at ``at`` (the replay's :func:`boa.kernel.decisions.load_facts`)."""
    facts = Facts(now=at, ident=normalise_ident(ident) or ident)
    facts = await person_facts(session, facts, at)
    if action in PROJECT_ACTIONS and project:
        facts = await project_facts(session, facts, project, at)
    return await lock_facts(session, facts, action, at)
