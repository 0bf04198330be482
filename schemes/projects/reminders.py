"""The projects' reminders (run by the worker, listed in the composition root; sent once each,
boa.kernel.reminders): a project's end date and its deletion date, 30 days before, to its contact
person and the administrators of its institution."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import mail
from boa.kernel.reminders import Due, send_once, threshold
from boa.people.lookups import institution_label
from boa.people.models import Institution, InstitutionRole, User
from schemes.projects.models import Project

DAYS = (30,)


async def administrators(session: AsyncSession, institution_ids: set[int]) -> dict[int, list[User]]:
    """The administrators of each institution, in one query."""
    found: dict[int, list[User]] = defaultdict(list)
    if institution_ids:
        rows = await session.execute(select(InstitutionRole.institution_id, User).join(
            User, User.id == InstitutionRole.user_id).where(
            InstitutionRole.institution_id.in_(institution_ids), InstitutionRole.role == "administrator",
            User.active).order_by(User.ident))
        for institution_id, user in rows:
            found[institution_id].append(user)
    return found


async def project_dates(session: AsyncSession, now: datetime) -> int:
    today = now.astimezone(mail.COPENHAGEN).date()
    horizon = today + timedelta(days=max(DAYS))
    # A project database's main project ends with it: schemes.project_database.reminders tells its managers.
    ending = and_(Project.closed_at.is_(None), or_(Project.kind.is_(None), Project.kind != "main"),
                  Project.end_date >= today, Project.end_date <= horizon)
    deleting = and_(Project.deletion_date >= today, Project.deletion_date <= horizon)
    rows = (await session.execute(select(Project, Institution).join(
        Institution, Institution.id == Project.institution_id).where(
        Project.deleted.is_(False), or_(ending, deleting)).order_by(Project.id))).all()
    if not rows:
        return 0
    admins = await administrators(session, {p.institution_id for p, _ in rows})
    contacts = {u.id: u for u in await session.scalars(select(User).where(
        User.id.in_({p.contact_person_id for p, _ in rows if p.contact_person_id}), User.active))}
    due = []
    for project, institution in rows:
        readers = [*([contacts[project.contact_person_id]] if project.contact_person_id in contacts else []),
                   *admins[project.institution_id]]
        about = {"number": project.number, "title": project.title,
                 "institution": institution_label(institution.authorisation_number, institution.name)}
        ends = project.closed_at is None and project.kind != "main"
        for what, day in (("end", project.end_date if ends else None), ("deletion", project.deletion_date)):
            days = threshold(day, now, DAYS) if day is not None else None
            if day is not None and days is not None:
                due.append(Due(f"project_{what}:{days}:{project.id}:{day.isoformat()}", f"project_{what}", readers,
                               {**about, f"{what}_date": day, "days": (day - today).days}))
    return await send_once(session, due)
