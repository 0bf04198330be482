"""Project database verbs: create (Research Services), managers, sub-projects, report, extend, close."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique, get_or_404
from boa.people.institutions import active_agreement_for
from boa.people.lookups import roles_at, user_by_ident
from boa.people.models import Institution, InstitutionRole, User
from boa.registers.service import known_codes
from schemes.project_database import rules
from schemes.project_database.models import DatasetVersion, ProjectDatabase, ProjectDatabaseManager
from schemes.project_database.states import PROJECT_DATABASE, DatabaseState
from schemes.projects.members import add_member, check_eligible, end_member
from schemes.projects.models import Project
from schemes.projects.service import INSTITUTION_VIEWERS, new_project
from schemes.researcher.service import add_proposal, clean_datasets
from schemes.researcher.states import State


async def active_projects(session: AsyncSession, institution_id: int) -> int:
    today = clock.now().date()
    return await session.scalar(select(func.count(Project.id)).where(
        Project.institution_id == institution_id, Project.approved_at.is_not(None), Project.deleted.is_(False),
        Project.closed_at.is_(None), or_(Project.end_date.is_(None), Project.end_date >= today))) or 0


async def clean(session: AsyncSession, codes: list[str]) -> list[str]:
    """Register codes from the catalogue, each once (422 otherwise, rules.clean_codes)."""
    return rules.clean_codes(codes, await known_codes(session, codes))


async def record_version(session: AsyncSession, *, actor: Actor, pdb: ProjectDatabase, change: str,
                         added: list[str] | None = None, removed: list[str] | None = None, reason: str = "",
                         sub_project_id: int | None = None) -> DatasetVersion:
    """A new version of the datasets: the whole set as it now is, and what changed."""
    latest = await session.scalar(select(func.max(DatasetVersion.version)).where(
        DatasetVersion.project_database_id == pdb.id)) or 0
    row = DatasetVersion(project_database_id=pdb.id, version=latest + 1, change=change, datasets=list(pdb.datasets),
                         added=added or [], removed=removed or [], reason=reason, sub_project_id=sub_project_id,
                         changed_by=actor.label)
    session.add(row)
    await session.flush()
    return row


async def _candidates(session: AsyncSession, institution: Institution, idents: list[str]) -> list[User]:
    users = [await user_by_ident(session, i, field="manager_idents") for i in idents]
    rules.validate_managers([u.ident for u in users])
    for user in users:
        await check_eligible(session, user, {institution.id})
    return users


async def create(session: AsyncSession, *, actor: Actor, institution_id: str, manager_idents: list[str],
                 datasets: list[str], waive_eligibility: bool = False) -> ProjectDatabase:
    if not actor.is_staff:
        raise PermissionDenied("Research Services establishes project databases.")
    institution = await get_or_404(session, Institution, institution_id, "institution")
    if not waive_eligibility:
        rules.check_eligibility(
            has_agreement=await active_agreement_for(session, institution.id, "project_database") is not None,
            active_projects=await active_projects(session, institution.id))
    managers = await _candidates(session, institution, manager_idents)
    today = clock.now().date()
    pdb = ProjectDatabase(institution_id=institution.id, datasets=await clean(session, datasets) if datasets else [],
                          state=DatabaseState.ACTIVE, end_date=rules.default_end_date(today))
    await add_unique(session, pdb, Conflict("The institution already has a project database.", code="project_database_exists"))
    main = await new_project(session, actor=actor, institution=institution, scheme="project_database", kind="main",
                             title=f"Project database of {institution.name}", state="approved", approved=True,
                             datasets=pdb.datasets, end_date=pdb.end_date)
    pdb.main_project_id = main.id
    await record_version(session, actor=actor, pdb=pdb, change="created", added=list(pdb.datasets))
    for slot, user in enumerate(managers, start=1):
        session.add(ProjectDatabaseManager(project_database_id=pdb.id, user_id=user.id, slot=slot))
        await add_member(session, actor=actor, project=main, user=user)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_CREATE,
                       subject=f"project_database:{pdb.id}", after={
                           "institution": institution.authorisation_number, "main_project": main.number,
                           "managers": [u.ident for u in managers], "datasets": pdb.datasets,
                           "end_date": pdb.end_date, "eligibility_waived": waive_eligibility})
    return pdb


async def manager_ids(session: AsyncSession, pdb: ProjectDatabase) -> list[int]:
    return list(await session.scalars(select(ProjectDatabaseManager.user_id).where(
        ProjectDatabaseManager.project_database_id == pdb.id).order_by(ProjectDatabaseManager.slot)))


async def visible(session: AsyncSession, actor: Actor, pdb_id: str, *, lock: bool = False) -> ProjectDatabase:
    pdb = await get_or_404(session, ProjectDatabase, pdb_id, "project database")
    if lock:
        await session.refresh(pdb, with_for_update=True)
    if actor.is_staff or actor.user_id in await manager_ids(session, pdb):
        return pdb
    if await roles_at(session, actor.user_id, pdb.institution_id) & INSTITUTION_VIEWERS:
        return pdb
    raise NotFound(f"No project database with id {pdb_id!r}.")


async def visible_databases(session: AsyncSession, actor: Actor) -> list[ProjectDatabase]:
    """The project databases the actor may see (the rule of :func:`visible`, as a list)."""
    query = select(ProjectDatabase)
    if not actor.is_staff:
        uid = actor.user_id or 0
        managed = select(ProjectDatabaseManager.project_database_id).where(ProjectDatabaseManager.user_id == uid)
        viewer_of = select(InstitutionRole.institution_id).where(
            InstitutionRole.user_id == uid, InstitutionRole.role.in_(INSTITUTION_VIEWERS))
        query = query.where(or_(ProjectDatabase.id.in_(managed), ProjectDatabase.institution_id.in_(viewer_of)))
    return list(await session.scalars(query.order_by(ProjectDatabase.id)))


def open_for_change(pdb: ProjectDatabase) -> None:
    if pdb.state != DatabaseState.ACTIVE:
        raise Conflict("The project database is closed.", code="project_database_closed")
    if pdb.end_date < clock.now().date():
        raise Conflict("The project database has passed its end date.", code="project_database_expired")


async def set_managers(session: AsyncSession, *, actor: Actor, pdb_id: str, manager_idents: list[str]) -> ProjectDatabase:
    """Replaces the managers (the row lock on the project database serialises changes)."""
    pdb = await visible(session, actor, pdb_id, lock=True)
    if not actor.is_staff:
        raise PermissionDenied("Research Services changes the managers.")
    open_for_change(pdb)
    institution = await session.get_one(Institution, pdb.institution_id)
    users = await _candidates(session, institution, manager_idents)
    before = await manager_ids(session, pdb)
    main = await session.get_one(Project, pdb.main_project_id)
    await session.execute(delete(ProjectDatabaseManager).where(ProjectDatabaseManager.project_database_id == pdb.id))
    await session.flush()
    for slot, user in enumerate(users, start=1):
        session.add(ProjectDatabaseManager(project_database_id=pdb.id, user_id=user.id, slot=slot))
        if user.id not in before:
            await add_member(session, actor=actor, project=main, user=user)
    for uid in set(before) - {u.id for u in users}:
        await end_member(session, actor=actor, project=main, user=await session.get_one(User, uid),
                         reason="no longer a project database manager")
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_MANAGERS,
                       subject=f"project_database:{pdb.id}", after={"managers": [u.ident for u in users]})
    return pdb


async def create_sub_project(session: AsyncSession, *, actor: Actor, pdb_id: str, title: str,
                             datasets: list[str]) -> Project:
    pdb = await visible(session, actor, pdb_id, lock=True)
    if actor.user_id not in await manager_ids(session, pdb):
        raise PermissionDenied("Only a project database manager creates sub-projects.", code="not_a_manager")
    open_for_change(pdb)
    wanted = clean_datasets(datasets)
    rules.check_sub_project_datasets(pdb.datasets, wanted)
    institution = await session.get_one(Institution, pdb.institution_id)
    project = await new_project(session, actor=actor, institution=institution, scheme="project_database",
                                kind="sub", title=title, state=State.CREATED.value,
                                contact_person_id=actor.user_id, datasets=wanted)
    await add_proposal(session, project, title=project.title, description="", datasets=wanted, details={},
                       actor=actor)
    return project


async def sub_projects(session: AsyncSession, pdb: ProjectDatabase) -> list[Project]:
    return list(await session.scalars(select(Project).where(
        Project.institution_id == pdb.institution_id, Project.kind == "sub", Project.deleted.is_(False))
        .order_by(Project.number)))


async def overview(session: AsyncSession, *, actor: Actor,
                   pdb_id: str) -> tuple[ProjectDatabase, list[int], Project | None, list[Project]]:
    """The project database the actor may see, with its managers, main project and sub-projects."""
    pdb = await visible(session, actor, pdb_id)
    main = await session.get(Project, pdb.main_project_id) if pdb.main_project_id else None
    return pdb, await manager_ids(session, pdb), main, await sub_projects(session, pdb)


async def report(session: AsyncSession, *, actor: Actor, pdb_id: str) -> dict:
    pdb = await visible(session, actor, pdb_id)
    subs = {str(p.number): list(p.datasets or []) for p in await sub_projects(session, pdb)}
    return {"project_database_id": str(pdb.id), **rules.minimisation_report(pdb.datasets, subs)}


async def extend(session: AsyncSession, *, actor: Actor, pdb_id: str, end_date: date) -> ProjectDatabase:
    if not actor.is_staff:
        raise PermissionDenied("Research Services extends a project database.")
    pdb = await visible(session, actor, pdb_id, lock=True)
    if pdb.state != DatabaseState.ACTIVE:
        raise Conflict("The project database is closed.", code="project_database_closed")
    rules.check_extension(pdb.end_date, end_date)
    before, pdb.end_date = pdb.end_date, end_date
    main = await session.get(Project, pdb.main_project_id)
    if main is not None:
        main.end_date = end_date
        if main.deletion_date is not None and main.deletion_date < end_date:
            main.deletion_date = end_date
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_EXTEND,
                       subject=f"project_database:{pdb.id}", before={"end_date": before}, after={"end_date": end_date})
    return pdb


async def close(session: AsyncSession, *, actor: Actor, pdb_id: str, reason: str) -> ProjectDatabase:
    if not actor.is_staff:
        raise PermissionDenied("Research Services closes a project database.")
    pdb = await visible(session, actor, pdb_id, lock=True)
    pdb.state = PROJECT_DATABASE.move(pdb.state, DatabaseState.CLOSED, refuse=Conflict(
        "The project database is already closed.", code="project_database_closed"))
    pdb.closed_at = clock.now()
    main = await session.get(Project, pdb.main_project_id)
    if main is not None:  # the main project closes with it, whatever its proposal state
        main.closed_at, main.state = pdb.closed_at, DatabaseState.CLOSED.value
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_CLOSE,
                       subject=f"project_database:{pdb.id}", reason=reason, after={"state": pdb.state})
    return pdb


async def assign_responsible(session: AsyncSession, *, actor: Actor, pdb_id: str, ident: str) -> ProjectDatabase:
    """The responsible person at Research Services for the project database (seed 003)."""
    if not actor.is_staff:
        raise PermissionDenied("Research Services assigns the responsible person.")
    pdb = await visible(session, actor, pdb_id, lock=True)
    user = await user_by_ident(session, ident, field="ident")
    if not user.is_staff or not user.active:
        raise ValidationFailed("The responsible person is an active member of Research Services.", field="ident",
                               code="not_staff")
    before, pdb.responsible_id = pdb.responsible_id, user.id
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_RESPONSIBLE,
                       subject=f"project_database:{pdb.id}", before={"responsible_id": before},
                       after={"responsible": user.ident})
    return pdb


async def assess(session: AsyncSession, *, actor: Actor, pdb_id: str, overlap: str, growth: str) -> ProjectDatabase:
    """The office's assessment of the data overlap of the projects and the growth of the portfolio."""
    if not actor.is_staff:
        raise PermissionDenied("Research Services assesses a project database.")
    pdb = await visible(session, actor, pdb_id, lock=True)
    overlap, growth = rules.check_assessment(overlap, growth)
    before = {"overlap": pdb.overlap_assessment, "growth": pdb.growth_assessment}
    pdb.overlap_assessment, pdb.growth_assessment = overlap, growth
    pdb.assessed_at, pdb.assessed_by = clock.now(), actor.label
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DATABASE_ASSESS,
                       subject=f"project_database:{pdb.id}", before=before,
                       after={"overlap": overlap, "growth": growth})
    return pdb
