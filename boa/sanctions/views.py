"""The read model of breach cases: each function loads what a page or an API answer shows in a
fixed number of queries (never one per case), then presents it with
:mod:`boa.sanctions.presenters`, where the Structs are defined (both faces show them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.people.models import User
from boa.sanctions import presenters
from boa.sanctions.models import BreachAttachment, BreachCase, Lock
from boa.sanctions.presenters import CaseView
from schemes.projects.models import Project


async def names(session: AsyncSession, rows: Sequence[BreachCase]) -> dict[str, str]:
    """The people the cases name (registrar, reporter, assessor, preparer, decider) as "Name
    (IDENT)", by user id and by actor label: one query."""
    ids = {i for c in rows for i in (c.report_submitted_by_id, c.report_assessed_by_id, c.prepared_by_id,
                                     c.decided_by_id) if i is not None}
    idents = {c.registered_by.removeprefix("user:") for c in rows if c.registered_by.startswith("user:")}
    out: dict[str, str] = {}
    if ids or idents:
        for uid, ident, name in (await session.execute(select(User.id, User.ident, User.name).where(
                or_(User.id.in_(ids), User.ident.in_(idents))))).all():
            out[str(uid)] = out[f"user:{ident}"] = f"{name} ({ident})"
    return out


async def cases(session: AsyncSession, rows: Sequence[BreachCase], *, full: bool = False) -> list[CaseView]:
    """A page of cases in two queries for the whole page (the cases' IDENTs and project numbers;
    their locks), whatever its size; a third for the people a full view names."""
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
    people = await names(session, rows) if full else {}
    documents: dict[int, list[BreachAttachment]] = {i: [] for i in ids}
    if full:
        for doc in await session.scalars(select(BreachAttachment).where(BreachAttachment.case_id.in_(ids))
                                         .order_by(BreachAttachment.id)):
            documents[doc.case_id].append(doc)
    return [presenters.case(c, ident=named[c.id][0], project_number=named[c.id][1], locks=by_case[c.id], full=full,
                            names=people, attachments=documents[c.id]) for c in rows]


async def case(session: AsyncSession, row: BreachCase, *, full: bool = True) -> CaseView:
    """One case, in full unless told otherwise (two queries)."""
    return (await cases(session, [row], full=full))[0]
