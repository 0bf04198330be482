"""The read model of breach cases: each function loads what a page or an API answer shows in a
fixed number of queries (never one per case), then presents it with
:mod:`boa.sanctions.presenters`, where the Structs are defined (both faces show them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.people.models import User
from boa.sanctions import presenters
from boa.sanctions.models import BreachCase, Lock
from boa.sanctions.presenters import CaseView
from schemes.projects.models import Project


async def cases(session: AsyncSession, rows: Sequence[BreachCase], *, full: bool = False) -> list[CaseView]:
    """A page of cases in two queries for the whole page (the cases' IDENTs and project numbers;
    their locks), whatever its size."""
    ids = [c.id for c in rows]
    if not ids:
        return []
    named = {cid: (ident, number) for cid, ident, number in (await session.execute(
        select(BreachCase.id, User.ident, Project.number).join(User, User.id == BreachCase.user_id)
        .outerjoin(Project, Project.id == BreachCase.project_id).where(BreachCase.id.in_(ids)))).all()}
    by_case: dict[int, list[Lock]] = {i: [] for i in ids}
    for lock in await session.scalars(select(Lock).where(Lock.case_id.in_(ids)).order_by(Lock.id)):
        if lock.case_id is not None:
            by_case[lock.case_id].append(lock)
    return [presenters.case(c, ident=named[c.id][0], project_number=named[c.id][1], locks=by_case[c.id], full=full)
            for c in rows]


async def case(session: AsyncSession, row: BreachCase, *, full: bool = True) -> CaseView:
    """One case, in full unless told otherwise (two queries)."""
    return (await cases(session, [row], full=full))[0]
