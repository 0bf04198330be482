"""The access decision's facts as they were at a moment, from ``fact_history``.

The same :class:`boa.kernel.access.Facts` the live loaders (identity's person, the schemes'
project, sanctions' locks) build from today's rows, built from the rows valid at ``at``, so that
:func:`boa.kernel.access.decide` gives the decision it gave then. :func:`load` reads, in four
queries, every row a person's decisions on a project can read over a window; :func:`facts_from`
builds the facts at any moment of it without the database (a replay is a window of one moment; a
timeline evaluates many). Each part mirrors its live loader; the replay property test
(tests/integration/test_access_replay.py) holds them together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.history.models import fact_history as fh
from boa.kernel import clock
from boa.kernel.access import Facts, LockFact, ProjectFact
from boa.kernel.domain import normalise_ident
from schemes.access import AGREEMENT_REFUSALS, PROJECT_ACTIONS, day_end
from schemes.authority import rules as authority_rules
from schemes.authority.states import AgreementState
from schemes.project_database.states import DatabaseState
from schemes.projects.numbers import is_number

PERSON_TABLES = ("associations", "institution_roles", "tokens")


@dataclass(frozen=True)
class Row:
    """One version of a tracked row: its table, id, decision-relevant columns and interval."""

    table: str
    id: str
    data: dict[str, Any]
    valid_from: datetime
    valid_to: datetime | None

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key)

    def held_at(self, at: datetime) -> bool:
        return self.valid_from <= at and (self.valid_to is None or self.valid_to > at)

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
    valid_until: date | None


def overlapping(start: datetime, end: datetime) -> Any:
    """Rows whose interval meets [start, end]."""
    return and_(fh.c.valid_from <= end, or_(fh.c.valid_to.is_(None), fh.c.valid_to > start))


@dataclass(frozen=True)
class _Found:
    """A row :func:`load_many` read, with the keys it is shared out by."""

    id: int
    row: Row
    user_id: int | None
    project_id: int | None
    institution_id: int | None
    label: str | None


async def _found(session: AsyncSession, start: datetime, end: datetime, *where: Any) -> list[_Found]:
    if not where:
        return []
    found = await session.execute(
        select(fh.c.id, fh.c.table_name, fh.c.row_id, fh.c.row_data, fh.c.valid_from, fh.c.valid_to, fh.c.user_id,
               fh.c.project_id, fh.c.institution_id, fh.c.label)
        .where(overlapping(start, end), or_(*where)).order_by(fh.c.id))
    return [_Found(id_, Row(table, row_id, data, clock.aware(since), clock.aware(until)), user_id, project_id,
                   institution_id, label)
            for id_, table, row_id, data, since, until, user_id, project_id, institution_id, label in found.all()
            if until is None or until > since]


async def load(session: AsyncSession, ident: str, project: str | None, start: datetime, end: datetime) -> list[Row]:
    """Every version, over [start, end], of the rows the decisions of ``ident`` (on ``project``)
    read: the user; their associations, roles, tokens, memberships and locks; the user agreement
    versions; the project, its scheme's purposes, its institution's project database and locks."""
    return (await load_many(session, [ident], project, start, end))[ident]


async def load_many(session: AsyncSession, idents: Sequence[str], project: str | None, start: datetime,
                    end: datetime) -> dict[str, list[Row]]:
    """:func:`load` for several people on one project, in four queries whatever their number (a
    project's timeline): per IDENT asked, the rows :func:`load` gives it, in the same order."""
    normal = {ident: normalise_ident(ident) or ident for ident in idents}
    users = await _found(session, start, end, and_(fh.c.table_name == "users", fh.c.label.in_(set(normal.values()))))
    user_ids = sorted({int(u.row.id) for u in users})
    projects: list[_Found] = []
    if project and is_number(project):
        projects = await _found(session, start, end, and_(fh.c.table_name == "projects",
                                                          fh.c.label == str(int(project))))
    project_ids = sorted({int(p.row.id) for p in projects})
    institutions = sorted({p.row["institution_id"] for p in projects})
    wanted = [fh.c.table_name == "user_agreement_versions"]
    if user_ids:
        wanted += [and_(fh.c.table_name.in_((*PERSON_TABLES, "locks")), fh.c.user_id.in_(user_ids))]
    if project_ids:
        # A member's decision reads only their own membership: the others' are not read.
        wanted += [and_(fh.c.table_name.in_(("authority_schemes", "locks")), fh.c.project_id.in_(project_ids)),
                   and_(fh.c.table_name == "project_members", fh.c.project_id.in_(project_ids),
                        fh.c.user_id.in_(user_ids or [0])),
                   and_(fh.c.table_name.in_(("project_databases", "locks")), fh.c.institution_id.in_(institutions))]
    rows = await _found(session, start, end, *wanted)
    schemes = sorted({r.row.id for r in rows if r.row.table == "authority_schemes"})
    purposes = await _found(session, start, end, and_(fh.c.table_name == "authority_purposes",
                                                      fh.c.label.in_(schemes))) if schemes else []
    # Shared out: the rows of the project (and its institution's) go to everyone; a person's own
    # rows (their associations, roles, tokens, membership, locks) to them.
    shared: list[_Found] = []
    personal: dict[int, list[_Found]] = {}
    for r in rows:
        if r.row.table in ("user_agreement_versions", "authority_schemes", "project_databases") or (
                r.row.table == "locks" and (r.project_id in project_ids or r.institution_id in institutions)):
            shared.append(r)
        else:
            personal.setdefault(r.user_id or 0, []).append(r)
    out = {}
    for ident, label in normal.items():
        own = [u for u in users if u.label == label]
        mine = {int(u.row.id) for u in own}
        theirs = sorted(shared + [r for uid in mine for r in personal.get(uid, [])], key=lambda r: r.id)
        out[ident] = [r.row for r in (*own, *projects, *theirs, *purposes)]
    return out


def _at(rows: Sequence[Row], table: str, at: datetime, **match: Any) -> list[Row]:
    return [r for r in rows if r.table == table and r.held_at(at) and all(r[k] == v for k, v in match.items())]


def person(facts: Facts, rows: Sequence[Row], at: datetime) -> Facts:
    """What :func:`tokens.access.load_person_facts` gave at ``at``."""
    users = [u for u in _at(rows, "users", at) if u["ident"] == facts.ident]
    if not users:
        return facts
    user = users[0]
    user_id = int(user.id)
    versions = [r["version"] for r in _at(rows, "user_agreement_versions", at)]
    current = max(versions) if versions else None
    approved = (len(_at(rows, "associations", at, user_id=user_id, state="approved"))
                + len(_at(rows, "institution_roles", at, user_id=user_id)))
    return replace(
        facts, exists=True, user_id=user_id, active=bool(user["active"]), activated=bool(user["activated"]),
        is_staff="staff" in (user["staff_roles"] or []),
        certification_expires_at=user.time("certification_expires_at"),
        accepted_user_agreement=current is None or user["user_agreement_version"] == current,
        approved_associations=approved,
        has_active_token=bool(_at(rows, "tokens", at, user_id=user_id, state="active")),
    )


def _authority_period(purposes: list[Row], at: datetime) -> datetime | None:
    """As :func:`schemes.access._authority_period`: no fixed period; none before a purpose is in force."""
    versions = [PurposeAsOf(p["version"], p.day("valid_from") or date.min, p.day("valid_until")) for p in purposes]
    return None if authority_rules.current_purpose(versions, at.date()) is not None else at


def project(facts: Facts, rows: Sequence[Row], number: str, at: datetime) -> Facts:
    """What :func:`schemes.access.load_project_facts` gave at ``at``."""
    if facts.user_id is None or not is_number(number):
        return facts
    found = [p for p in _at(rows, "projects", at) if p["number"] == int(number)]
    if not found:
        return facts
    row = found[0]
    project_id, institution_id = int(row.id), row["institution_id"]
    members = _at(rows, "project_members", at, project_id=project_id, user_id=facts.user_id)
    membership = members[0]["state"] if members else None
    period_end, closed, refusal = None, row["closed_at"] is not None, None
    if row["scheme"] == "authority":
        schemes = _at(rows, "authority_schemes", at, project_id=project_id)
        purposes = [p for p in _at(rows, "authority_purposes", at) if schemes and p["scheme_id"] == int(schemes[0].id)]
        period_end = _authority_period(purposes, at) if schemes else None
        if schemes:
            refusal = AGREEMENT_REFUSALS.get(AgreementState(schemes[0]["agreement"] or AgreementState.ACTIVE))
    elif row["scheme"] == "project_database":
        databases = _at(rows, "project_databases", at, institution_id=institution_id)
        if databases:
            pdb = databases[0]
            if pdb["state"] == DatabaseState.CLOSED:
                period_end, closed = pdb.time("closed_at"), closed or row["kind"] == "main"
            else:
                period_end = day_end(pdb.day("end_date"))
    fact = ProjectFact(id=project_id, number=str(row["number"]), institution_id=institution_id,
                       scheme=row["scheme"], state=row["state"], approved=row["approved_at"] is not None,
                       end_date=day_end(row.day("end_date")), deleted=bool(row["deleted"]),
                       is_member=membership == "active", membership_pending=membership == "pending",
                       membership_requested=membership == "requested", period_end=period_end, closed=closed,
                       research_allowed=row["kind"] != "main", agreement_refusal=refusal)
    return replace(facts, project=fact)


def _covers(lock: Row, facts: Facts, action: str) -> bool:
    """The live loader's cover: the user's locks; for project actions the project's, its
    institution's and its scheme's."""
    if lock["user_id"] == facts.user_id:
        return True
    fact = facts.project
    if action not in PROJECT_ACTIONS or fact is None:
        return False
    if lock["project_id"] == fact.id:
        return True
    if lock["institution_id"] != fact.institution_id:
        return False
    return lock["scope"] == "institution" or (lock["scope"] == "scheme" and lock["scheme"] == fact.scheme)


def locks(facts: Facts, rows: Sequence[Row], action: str, at: datetime) -> Facts:
    """What :func:`boa.sanctions.locks.load_lock_facts` gave at ``at``."""
    if facts.user_id is None:
        return facts
    found = []
    for lock in sorted(_at(rows, "locks", at), key=lambda r: int(r.id)):
        ends = lock.time("ends_at")
        if not _covers(lock, facts, action) or lock["lifted_at"] is not None or (ends is not None and ends <= at):
            continue
        starts = lock.time("starts_at")
        found.append(LockFact(id=lock.id, scope=lock["scope"], case_id=str(lock["case_id"]) if lock["case_id"] else None,
                              until=ends, open_end=lock["open_end"],
                              starts=starts if starts is not None and starts > at else None))
    return replace(facts, locks=facts.locks + tuple(found)) if found else facts


def facts_from(rows: Sequence[Row], ident: str, action: str, number: str | None, at: datetime) -> Facts:
    """The facts for ``ident`` as they were at ``at``, from rows :func:`load` read for a window
    holding ``at`` (the replay's :func:`boa.kernel.decisions.load_facts`)."""
    facts = person(Facts(now=at, ident=normalise_ident(ident) or ident), rows, at)
    if action in PROJECT_ACTIONS and number:
        facts = project(facts, rows, number, at)
    return locks(facts, rows, action, at)


async def facts_at(session: AsyncSession, ident: str, action: str, number: str | None, at: datetime) -> Facts:
    return facts_from(await load(session, ident, number, at, at), ident, action, number, at)
