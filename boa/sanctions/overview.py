"""What the sanctions pages show beside the cases: the names behind the ids in cases and locks
(IDENTs, project numbers, institution names), and the institutions to register a breach at."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.people.models import Institution, User
from schemes.projects.models import Project


async def names(session: AsyncSession, rows: Sequence[object]) -> dict[str, dict[str, str]]:
    """IDENTs, project numbers and institution names for the ids the presenters give (the
    ``user_id``, ``project_id`` and ``institution_id`` of each shape that has them)."""
    def ids(key: str) -> set[int]:
        return {int(value) for r in rows if (value := getattr(r, key, None))}

    users = dict((await session.execute(select(User.id, User.ident).where(User.id.in_(ids("user_id"))))).tuples().all())
    projects = dict((await session.execute(select(Project.id, Project.number).where(
        Project.id.in_(ids("project_id"))))).tuples().all())
    insts = dict((await session.execute(select(Institution.id, Institution.name).where(
        Institution.id.in_(ids("institution_id"))))).tuples().all())
    return {"user": {str(k): v for k, v in users.items()}, "project": {str(k): str(v) for k, v in projects.items()},
            "institution": {str(k): v for k, v in insts.items()}}


async def institutions(session: AsyncSession) -> list[Institution]:
    return list(await session.scalars(select(Institution).order_by(Institution.authorisation_number)))
