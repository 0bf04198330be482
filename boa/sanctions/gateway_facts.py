"""The gateways' facts in one SQL statement (issue 19 item 4): what the three fact loaders
(:func:`tokens.access.load_person_facts`, :func:`schemes.access.load_project_facts`,
:func:`boa.sanctions.locks.load_lock_facts`) read, as one ``UNION ALL`` of Core selects that
returns tuples — no ORM object is built — in one round trip.

It lives here, in the highest capability the facts are read from, because it reads the tables
of identity, the schemes and the sanctions at once; the composition root installs it as
:attr:`boa.kernel.extensions.Extensions.gateway_facts`. The rows are turned into :class:`Facts`
with the same rules the loaders use (``day_end``, the current purpose description, the project
database's closing), so :func:`boa.kernel.access.decide` sees the same facts either way;
tests/integration/test_gateway_facts.py compares the two on the demo data and on random states.

Each row is one kind (``user``, ``project``, ``purpose``, ``database``, ``lock``) in a fixed set
of typed slots; the first select gives every slot its type."""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from boa.kernel import clock
from boa.kernel.access import Facts, LockFact, ProjectFact
from boa.kernel.access_cache import PersonFacts, ProjectFacts, combine
from boa.kernel.domain import normalise_ident
from boa.people.models import Association, InstitutionRole, User, UserAgreementVersion
from boa.sanctions.locks import PROJECT_ACTIONS, not_over
from boa.sanctions.models import Lock
from schemes.access import AGREEMENT_REFUSALS, day_end
from schemes.authority import rules as authority_rules
from schemes.authority.models import AuthorityScheme, PurposeDescription
from schemes.authority.states import AgreementState
from schemes.project_database.models import ProjectDatabase
from schemes.project_database.states import DatabaseState
from schemes.projects.models import Project, ProjectMember
from schemes.projects.numbers import is_number
from tokens.models import Token

# The slots every row fills (None where a kind has nothing), with their types.
INTS = ("n1", "n2", "n3", "n4", "n5", "n6", "n7")
STRS = ("s1", "s2", "s3", "s4")
TIMES = ("t1", "t2", "t3")
DATES = ("d1", "d2")
_TYPES: dict[str, Any] = {**dict.fromkeys(INTS, Integer), **dict.fromkeys(STRS, String),
                          **dict.fromkeys(TIMES, DateTimeUTC), **dict.fromkeys(DATES, Date)}


def _row(kind: str, **slots: Any) -> Any:
    columns = [literal(kind, String).label("kind")]
    for name, type_ in _TYPES.items():
        value = slots.pop(name, None)
        columns.append((cast(null(), type_) if value is None else value).label(name))
    assert not slots, slots
    return select(*columns)


def _as_int(flag: Any) -> Any:
    return case((flag, 1), else_=0)


def statement(person: bool, project: bool) -> Any:
    """The statement for the person ``:ident`` (their facts, memberships and locks) and/or the
    project ``:number`` (its facts and the locks on it, its institution and scheme) at ``:now``,
    built once per shape: SQLAlchemy then finds its compiled form and asyncpg its prepared
    statement without walking the statement again."""
    built = _BUILT.get((person, project))
    if built is None:
        built = _BUILT[person, project] = _build(person, project)
    return built


_BUILT: dict[tuple[bool, bool], Any] = {}


def _lock_row(kind: str, now: Any, *covers: Any) -> Any:
    return _row(kind, n1=Lock.id, n2=Lock.case_id, s1=Lock.scope, s2=Lock.open_end, t1=Lock.ends_at,
                t2=Lock.starts_at).where(not_over(now), or_(*covers))


def _build(person: bool, project: bool) -> Any:
    assert person or project
    now = bindparam("now", type_=DateTimeUTC)
    parts = []
    if person:
        ident = bindparam("ident", type_=String)
        user_id = select(User.id).where(User.ident == ident).scalar_subquery()
        n_approved = (select(func.count(Association.id))
                      .where(Association.user_id == User.id, Association.state == "approved").scalar_subquery())
        n_roles = select(func.count(InstitutionRole.id)).where(InstitutionRole.user_id == User.id).scalar_subquery()
        token = select(func.count(Token.id)).where(Token.user_id == User.id, Token.state == "active").scalar_subquery()
        agreement = select(func.max(UserAgreementVersion.version)).scalar_subquery()
        parts.append(_row("user", n1=User.id, n2=User.user_agreement_version, n3=_as_int(User.active),
                          n4=_as_int(User.pin_hash.is_not(None)), n5=n_approved + n_roles, n6=token, n7=agreement,
                          s1=cast(User.staff_roles, String), t1=User.certification_expires_at)
                     .where(User.ident == ident))
        parts.append(_row("member", n1=ProjectMember.project_id, s1=ProjectMember.state)
                     .where(ProjectMember.user_id == user_id))
        parts.append(_lock_row("user_lock", now, Lock.user_id == user_id))
    if project:
        number = bindparam("number", type_=Integer)
        parts.append(_row("project", n1=Project.id, n2=Project.number, n3=Project.institution_id,
                          n4=_as_int(Project.deleted), s1=Project.scheme, s2=Project.state, s3=Project.kind,
                          t1=Project.approved_at, t2=Project.closed_at, d1=Project.end_date)
                     .where(Project.number == number))
        project_id = select(Project.id).where(Project.number == number).scalar_subquery()
        institution_id = select(Project.institution_id).where(Project.number == number).scalar_subquery()
        scheme = select(Project.scheme).where(Project.number == number).scalar_subquery()
        scheme_id = select(AuthorityScheme.id).where(AuthorityScheme.project_id == project_id).scalar_subquery()
        parts.append(_row("agreement", n1=AuthorityScheme.id, s1=AuthorityScheme.agreement)
                     .where(AuthorityScheme.project_id == project_id))
        parts.append(_row("purpose", n1=PurposeDescription.id, n2=PurposeDescription.version,
                          d1=PurposeDescription.valid_from, d2=PurposeDescription.valid_until)
                     .where(PurposeDescription.scheme_id == scheme_id))
        parts.append(_row("database", n1=ProjectDatabase.id, s1=ProjectDatabase.state, t1=ProjectDatabase.closed_at,
                          d1=ProjectDatabase.end_date).where(ProjectDatabase.institution_id == institution_id))
        parts.append(_lock_row("project_lock", now, Lock.project_id == project_id,
                               and_(Lock.scope == "institution", Lock.institution_id == institution_id),
                               and_(Lock.scope == "scheme", Lock.institution_id == institution_id,
                                    Lock.scheme == scheme)))
    return union_all(*parts)


def _project(row: Any, purposes: list[Any], agreement: Any | None, database: Any | None,
             now: datetime) -> ProjectFact:
    """The project's fact without the membership (:func:`boa.kernel.access_cache.combine` adds it)."""
    period_end, closed, refusal = None, row.t2 is not None, None
    kind = row.s3
    if row.s1 == "authority" and agreement is not None:
        # As schemes.access: no fixed period, none before a purpose is in force; the agreement's state.
        refusal = AGREEMENT_REFUSALS.get(AgreementState(agreement.s1))
        if authority_rules.current_purpose(purposes, now.date()) is None:
            period_end = clock.now()
    elif row.s1 == "project_database" and database is not None:
        if database.s1 == DatabaseState.CLOSED:
            period_end, closed = clock.aware(database.t1), closed or kind == "main"
        else:
            period_end = day_end(database.d1)
    return ProjectFact(id=row.n1, number=str(row.n2), institution_id=row.n3, scheme=row.s1, state=row.s2,
                       approved=row.t1 is not None, end_date=day_end(row.d1), deleted=bool(row.n4),
                       is_member=False, period_end=period_end, closed=closed, research_allowed=kind != "main",
                       agreement_refusal=refusal)


def _locks(rows: list[Any], kind: str, now: datetime) -> tuple[LockFact, ...]:
    return tuple(LockFact(id=str(r.n1), scope=r.s1, case_id=str(r.n2) if r.n2 else None, until=clock.aware(r.t1),
                          open_end=r.s2, starts=starts if (starts := clock.aware(r.t2)) is not None and starts > now
                          else None)
                 for r in sorted((r for r in rows if r.kind == kind), key=lambda r: r.n1))


def _person(rows: list[Any], ident: str, now: datetime) -> PersonFacts:
    user = next((r for r in rows if r.kind == "user"), None)
    if user is None:
        return PersonFacts(Facts(now=now, ident=ident))
    facts = Facts(now=now, ident=ident, exists=True, user_id=user.n1, active=bool(user.n3), activated=bool(user.n4),
                  is_staff="staff" in (json.loads(user.s1) if user.s1 else []),
                  certification_expires_at=clock.aware(user.t1),
                  accepted_user_agreement=user.n7 is None or user.n2 == user.n7,
                  approved_associations=user.n5 or 0, has_active_token=bool(user.n6),
                  locks=_locks(rows, "user_lock", now))
    return PersonFacts(facts, {r.n1: r.s1 for r in rows if r.kind == "member"})


def _project_facts(rows: list[Any], now: datetime) -> ProjectFacts:
    found = next((r for r in rows if r.kind == "project"), None)
    if found is None:
        return ProjectFacts(None)
    purposes = sorted((SimpleNamespace(version=r.n2, valid_from=r.d1, valid_until=r.d2)
                       for r in rows if r.kind == "purpose"), key=lambda p: p.version)
    agreement = next((r for r in rows if r.kind == "agreement"), None)
    database = next((r for r in rows if r.kind == "database"), None)
    return ProjectFacts(_project(found, purposes, agreement, database, now), _locks(rows, "project_lock", now))


async def load_gateway_parts(connection: AsyncConnection, ident: str | None, project: str | None
                             ) -> tuple[PersonFacts | None, ProjectFacts | None]:
    """The person ``ident``'s part and the project ``project``'s part of the gateways' facts (None
    for either: not asked for), from one statement; a project that is not a number is not read."""
    now = clock.now()
    person = ident is not None
    read_project = project is not None and is_number(project)
    parameters: dict[str, Any] = {"now": now}
    if ident is not None:
        ident = parameters["ident"] = normalise_ident(ident) or ident
    if read_project and project is not None:
        parameters["number"] = int(project)
    rows = (list((await connection.execute(statement(person, read_project), parameters)).all())
            if person or read_project else [])
    return (_person(rows, ident, now) if ident is not None else None,
            (_project_facts(rows, now) if read_project else ProjectFacts(None)) if project is not None else None)


async def load_gateway_facts(connection: AsyncConnection, ident: str, action: str, project: str | None) -> Facts:
    """The facts :func:`boa.kernel.decisions.load_facts` would load, from one statement."""
    person, found = await load_gateway_parts(connection, ident, project if action in PROJECT_ACTIONS and project
                                             else None)
    assert person is not None
    return combine(person, found)
