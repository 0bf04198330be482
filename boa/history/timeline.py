"""Who could reach a project, what could a person reach (issue 21 item 3).

For each (person, project) pair the decisions ``project_access`` (research access) and
``transfer`` (transfer rights) are evaluated, by :func:`boa.kernel.access.decide` on
:func:`boa.history.asof.facts_from`, at every moment in the window where a fact changes: a row's
version begins or ends, or a time a fact names passes (a certification's expiry, a lock's start or
end, a project's end date, a scheme's period end). Between those moments nothing can change. An
interval of access begins when the denial's reasons go (``began_because``: the reasons that no
longer held; ``history_started`` or ``window_start`` when it was already open) and ends when
reasons come (``ended_because``)."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.history.asof import Row, facts_from, load, load_many, overlapping
from boa.history.models import fact_history as fh
from boa.history.replay import check_moment, history_start, parse_moment
from boa.kernel import clock
from boa.kernel.access import Decision, Facts, Reason, decide
from boa.kernel.actor import Actor
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import NotFound, PermissionDenied, ValidationFailed
from boa.people.models import InstitutionRole
from schemes.access import PROJECT_ACTIONS
from schemes.projects.models import Project

ACTIONS = PROJECT_ACTIONS  # research access, transfer rights: the facts they read are the same
MAX_RANGE = timedelta(days=3653)  # ten years
REPORTERS = ("responsible",)  # the institution role that may read its institution's history


@dataclass(frozen=True)
class Interval:
    ident: str
    project: str
    action: str
    start: datetime
    end: datetime | None
    began_because: tuple[Reason, ...]
    ended_because: tuple[Reason, ...]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class History:
    """The intervals found in the window asked about."""

    window: Window
    intervals: list[Interval]


async def window(session: AsyncSession, start: datetime | None, end: datetime | None) -> Window:
    """The asked window: in the past, not before the history, at most ten years; by default the
    last year (or since the history began)."""
    end = end or clock.now()
    await check_moment(session, end, "to")
    first = await history_start(session)
    start = start or max(end - timedelta(days=365), first or end)
    if start > end:
        raise ValidationFailed("from is after to.", code="dates_out_of_order", field="from")
    if end - start > MAX_RANGE:
        raise ValidationFailed("The range is at most ten years.", code="range_too_long", field="from")
    await check_moment(session, start, "from")
    return Window(start, end)


def _moments_in(facts: Facts, after: datetime, end: datetime) -> list[datetime]:
    """The times the facts name that fall in (after, end]: the decision may change there."""
    named: list[datetime | None] = [facts.certification_expires_at]
    named += [t for lock in facts.locks for t in (lock.starts, lock.until)]
    if facts.project is not None:
        named += [facts.project.end_date, facts.project.period_end]
    return [t for t in named if t is not None and after < t <= end]


def facts_over(rows: Sequence[Row], ident: str, number: str, action: str,
               span: Window) -> list[tuple[datetime, Facts]]:
    """The facts at every moment in ``span`` where the decision may change, in order."""
    queue = [span.start] + sorted({t for r in rows for t in (r.valid_from, r.valid_to)
                                   if t is not None and span.start < t <= span.end})
    heapq.heapify(queue)
    seen: set[datetime] = set()
    out: list[tuple[datetime, Facts]] = []
    while queue:
        at = heapq.heappop(queue)
        if at in seen:
            continue
        seen.add(at)
        facts = facts_from(rows, ident, action, number, at)
        out.append((at, facts))
        for t in _moments_in(facts, at, span.end):
            heapq.heappush(queue, t)
    return out


STARTED = Reason("history_started", "history", "Access was open when the access history began.")
WINDOW = Reason("window_start", "history", "Access was open at the start of the asked period.")


def intervals(steps: list[tuple[datetime, Decision]], ident: str, number: str, action: str,
              first: datetime | None) -> list[Interval]:
    found: list[Interval] = []
    open_at: datetime | None = None
    began: tuple[Reason, ...] = ()
    before: Decision | None = None
    for at, decision in steps:
        if decision.allowed and open_at is None:
            open_at = at
            if before is not None:
                began = before.reasons
            else:
                began = (STARTED,) if first is not None and at <= first else (WINDOW,)
        elif not decision.allowed and open_at is not None:
            found.append(Interval(ident, number, action, open_at, at, began, decision.reasons))
            open_at = None
        before = decision
    if open_at is not None:
        found.append(Interval(ident, number, action, open_at, None, began, ()))
    return found


def pair_from(rows: Sequence[Row], ident: str, number: str, span: Window, first: datetime | None) -> list[Interval]:
    """The intervals of (``ident``, ``number``) from the rows :func:`boa.history.asof.load` read.
    Research access and transfer rights are both project actions: they read the same facts (the
    same moments), built once for both."""
    steps = facts_over(rows, ident, number, ACTIONS[0], span)
    return [i for action in ACTIONS
            for i in intervals([(at, decide(action, facts)) for at, facts in steps], ident, number, action, first)]


async def pair(session: AsyncSession, ident: str, number: str, span: Window, first: datetime | None) -> list[Interval]:
    return pair_from(await load(session, ident, number, span.start, span.end), ident, number, span, first)


async def _reporting_institutions(session: AsyncSession, actor: Actor) -> set[int] | None:
    """``None`` for the office (every institution); else the institutions where the actor is the
    responsible person (none: refused)."""
    if actor.is_staff:
        return None
    mine = set(await session.scalars(select(InstitutionRole.institution_id).where(
        InstitutionRole.user_id == actor.user_id, InstitutionRole.role.in_(REPORTERS))))
    if not mine:
        raise PermissionDenied("Only Research Services or an institution's responsible person read access history.")
    return mine


async def _users_of(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    rows = await session.execute(select(fh.c.row_id, fh.c.label).where(
        fh.c.table_name == "users", fh.c.row_id.in_([str(u) for u in user_ids])).distinct())
    return {int(row_id): label for row_id, label in rows.all()}


async def for_project(session: AsyncSession, *, actor: Actor, number: str, start: datetime | None,
                      end: datetime | None) -> History:
    """Per person who was on the project in the window, their intervals of access."""
    mine = await _reporting_institutions(session, actor)
    project = await session.scalar(select(Project).where(Project.number == int(number))) \
        if number.isdigit() and len(number) <= 9 else None
    if project is None:
        raise NotFound(f"No project {number!r}.")
    if mine is not None and project.institution_id not in mine:
        raise PermissionDenied("The project belongs to an institution that is not yours.", code="not_your_institution")
    span = await window(session, start, end)
    members = set(await session.scalars(select(fh.c.user_id).where(
        fh.c.table_name == "project_members", fh.c.project_id == project.id, overlapping(span.start, span.end))))
    idents = await _users_of(session, {m for m in members if m is not None})
    first = await history_start(session)
    people = sorted(set(idents.values()))
    rows = await load_many(session, people, str(project.number), span.start, span.end)  # all at once
    out = [i for ident in people for i in pair_from(rows[ident], ident, str(project.number), span, first)]
    return History(span, sorted(out, key=lambda i: (i.ident, i.action, i.start)))


async def for_person(session: AsyncSession, *, actor: Actor, ident: str, start: datetime | None,
                     end: datetime | None) -> History:
    """Per project the person was on in the window, their intervals of access."""
    mine = await _reporting_institutions(session, actor)
    normal = normalise_ident(ident)
    user_id = normal and await session.scalar(select(fh.c.row_id).where(
        fh.c.table_name == "users", fh.c.label == normal).limit(1))
    if not normal or user_id is None:
        raise NotFound(f"No user {ident!r}.")
    if mine is not None:
        theirs = set(await session.scalars(select(fh.c.institution_id).where(
            fh.c.table_name.in_(("associations", "institution_roles")), fh.c.user_id == int(user_id))))
        if not theirs & mine:
            raise PermissionDenied("The person has never been at an institution of yours.",
                                   code="not_your_institution")
    span = await window(session, start, end)
    project_ids = set(await session.scalars(select(fh.c.project_id).where(
        fh.c.table_name == "project_members", fh.c.user_id == int(user_id), overlapping(span.start, span.end))))
    projects = (await session.execute(select(Project.number, Project.institution_id).where(
        Project.id.in_(project_ids)))).all() if project_ids else []
    first = await history_start(session)
    out: list[Interval] = []
    for number, institution_id in sorted(projects):
        if mine is None or institution_id in mine:
            out += await pair(session, normal, str(number), span, first)
    return History(span, sorted(out, key=lambda i: (i.project, i.action, i.start)))



async def asked(session: AsyncSession, *, actor: Actor, project: str | None, ident: str | None,
                start: str | None, end: str | None) -> History:
    """The question as the API and the pages ask it: one project or one IDENT, and the period as
    ISO 8601 text (empty: the default)."""
    if bool(project) == bool(ident):
        raise ValidationFailed("Ask about one project or one IDENT.", field="project")
    since = parse_moment(start, "from") if start else None
    until = parse_moment(end, "to") if end else None
    if project:
        return await for_project(session, actor=actor, number=project, start=since, end=until)
    return await for_person(session, actor=actor, ident=ident or "", start=since, end=until)
