"""The project database's reminder (run by the worker, listed in the composition root; sent once
each, boa.kernel.reminders): its agreed end date, 90 and 30 days before, to its managers."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import mail
from boa.kernel.reminders import Due, send_once, threshold
from boa.people.lookups import institution_label
from boa.people.models import Institution, User
from schemes.project_database.models import ProjectDatabase, ProjectDatabaseManager
from schemes.project_database.states import DatabaseState
from schemes.projects.models import Project

DAYS = (90, 30)


async def project_database_end(session: AsyncSession, now: datetime) -> int:
    today = now.astimezone(mail.COPENHAGEN).date()
    rows = (await session.execute(select(ProjectDatabase, Institution, Project.number).join(
        Institution, Institution.id == ProjectDatabase.institution_id).outerjoin(
        Project, Project.id == ProjectDatabase.main_project_id).where(
        ProjectDatabase.state == DatabaseState.ACTIVE, ProjectDatabase.end_date >= today,
        ProjectDatabase.end_date <= today + timedelta(days=max(DAYS))).order_by(ProjectDatabase.id))).all()
    if not rows:
        return 0
    managers: dict[int, list[User]] = defaultdict(list)
    for pdb_id, user in (await session.execute(select(ProjectDatabaseManager.project_database_id, User).join(
            User, User.id == ProjectDatabaseManager.user_id).where(
            ProjectDatabaseManager.project_database_id.in_([pdb.id for pdb, _, _ in rows]), User.active)
            .order_by(ProjectDatabaseManager.slot))):
        managers[pdb_id].append(user)
    due = []
    for pdb, institution, number in rows:
        days = threshold(pdb.end_date, now, DAYS)
        if days is not None:
            named = institution_label(institution.authorisation_number, institution.name)
            due.append(Due(f"project_database_end:{days}:{pdb.id}:{pdb.end_date.isoformat()}", "project_database_end",
                           managers[pdb.id], {"institution": named, "number": number, "end_date": pdb.end_date,
                                              "days": (pdb.end_date - today).days}))
    return await send_once(session, due)
