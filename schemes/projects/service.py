"""Project verbs shared by every scheme kind: create, find, list, deletion date and approval."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, mail
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import keyset_page
from boa.people.lookups import roles_at
from boa.people.models import Institution, InstitutionRole, User
from schemes.projects.models import Project, ProjectMember
from schemes.projects.numbers import next_number, parse_number
from schemes.projects.permissions import (
    INSTITUTION_VIEWERS,
    may_approve_deletion,
    may_change_deletion_date,
    may_see,
)


async def project_roles(session: AsyncSession, actor: Actor, project: Project) -> set[str]:
    """The actor's roles towards one project (the vocabulary of the transition table)."""
    roles: set[str] = set()
    if actor.is_staff:
        roles.add("office")
    if actor.user_id is None:
        return roles
    if project.owner_id == actor.user_id:
        roles.add("project_owner")
    if project.contact_person_id == actor.user_id:
        roles.add("contact_person")
    roles |= await roles_at(session, actor.user_id, project.institution_id) & (INSTITUTION_VIEWERS | {"user"})
    member = await session.scalar(select(ProjectMember.state).where(
        ProjectMember.project_id == project.id, ProjectMember.user_id == actor.user_id))
    if member in ("active", "pending", "requested"):
        roles.add("member")
    return roles


def can_see(roles: set[str]) -> bool:
    return may_see(roles)


async def by_number(session: AsyncSession, number: str | int, *, lock: bool = False) -> Project:
    value = parse_number(number)
    query = select(Project).where(Project.number == value)
    if lock:
        query = query.with_for_update()
    project = await session.scalar(query)
    if project is None:
        raise NotFound(f"No project {value}.")
    return project


async def visible(session: AsyncSession, actor: Actor, number: str | int, *,
                  lock: bool = False) -> tuple[Project, set[str]]:
    project = await by_number(session, number, lock=lock)
    roles = await project_roles(session, actor, project)
    if not can_see(roles):
        raise NotFound(f"No project {project.number}.")
    return project, roles


def check_dates(end_date: date | None, deletion_date: date | None, *, today: date | None = None) -> None:
    today = today or clock.now().date()
    if end_date is not None and end_date <= today:
        raise ValidationFailed("end_date must be in the future.", field="end_date", code="dates_out_of_order")
    if deletion_date is not None and deletion_date <= today:
        raise ValidationFailed("deletion_date must be in the future.", field="deletion_date",
                               code="dates_out_of_order")
    if end_date is not None and deletion_date is not None and deletion_date < end_date:
        raise ValidationFailed("deletion_date may not be before end_date.", field="deletion_date",
                               code="dates_out_of_order")


async def new_project(session: AsyncSession, *, actor: Actor, institution: Institution, scheme: str, title: str,
                      state: str, contact_person_id: int | None = None, kind: str | None = None,
                      datasets: list[str] | None = None, end_date: date | None = None,
                      deletion_date: date | None = None, approved: bool = False) -> Project:
    if not title.strip():
        raise ValidationFailed("title must not be empty.", field="title")
    check_dates(end_date, deletion_date)
    project = Project(number=await next_number(session), institution_id=institution.id, scheme=scheme,
                      kind=kind, billed_as="researcher" if scheme in ("researcher", "project_database") else scheme,
                      title=title.strip(), contact_person_id=contact_person_id, state=state,
                      datasets=list(datasets or []), end_date=end_date, deletion_date=deletion_date,
                      approved_at=clock.now() if approved else None, created_by_id=actor.user_id, deleted=False)
    session.add(project)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_CREATE,
                       subject=f"project:{project.number}",
                       after={"institution": institution.authorisation_number, "scheme": scheme, "kind": kind,
                              "title": project.title, "state": state})
    return project


async def list_projects(session: AsyncSession, *, actor: Actor, limit: int | None, cursor: str | None,
                        scheme: str | None = None, institution_id: str | None = None,
                        state: str | None = None):
    """Staff see all; administrators (and the other institution viewers) their institution's;
    everybody their own (member, contact person, project owner)."""
    query = select(Project)
    if not actor.is_staff:
        uid = actor.user_id or 0
        viewer_of = select(InstitutionRole.institution_id).where(
            InstitutionRole.user_id == uid, InstitutionRole.role.in_(INSTITUTION_VIEWERS))
        mine = select(ProjectMember.project_id).where(
            ProjectMember.user_id == uid, ProjectMember.state.in_(("active", "pending", "requested")))
        # One index-backed set of ids per way of seeing a project, so the page does not scan the table.
        visible = union(
            select(Project.id).where(Project.institution_id.in_(viewer_of)),
            mine,
            select(Project.id).where(Project.contact_person_id == uid),
            select(Project.id).where(Project.owner_id == uid),
        )
        query = query.where(Project.id.in_(visible))
    if scheme:
        query = query.where(Project.scheme == scheme)
    if state:
        if len(state) > 30:
            raise ValidationFailed("state is too long.", field="state")
        query = query.where(Project.state == state)
    if institution_id:
        try:
            query = query.where(Project.institution_id == int(institution_id))
        except ValueError:
            raise ValidationFailed("institution_id must be an id.", field="institution_id") from None
    return await keyset_page(session, query, Project.id, limit, cursor)


async def set_deletion_date(session: AsyncSession, *, actor: Actor, number: str, deletion_date: date) -> Project:
    project, roles = await visible(session, actor, number, lock=True)
    if not may_change_deletion_date(roles):
        raise PermissionDenied("Only an administrator of the project's institution changes the deletion date.")
    if project.deleted:
        raise Conflict("The project is deleted.", code="project_deleted")
    check_dates(project.end_date, deletion_date)
    before = project.deletion_date
    project.deletion_date = deletion_date
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DELETION_DATE,
                       subject=f"project:{project.number}",
                       before={"deletion_date": before}, after={"deletion_date": deletion_date})
    return project


async def project_to_delete(session: AsyncSession, *, actor: Actor, number: str, lock: bool = False) -> Project:
    """The project whose deletion ``actor`` may approve (what the confirmation page names first):
    an administrator of the institution; the office's project owner never may (SPEC 3.1), even if
    they also held an administrator role."""
    project, roles = await visible(session, actor, number, lock=lock)
    if "project_owner" in roles:
        raise PermissionDenied("The office's project owner may not approve a deletion.",
                               code="owner_may_not_approve_deletion")
    if not may_approve_deletion(roles):
        raise PermissionDenied("Only an administrator of the project's institution approves a deletion.")
    if project.deleted:
        raise Conflict("The deletion is already approved.", code="project_deleted")
    return project


async def approve_deletion(session: AsyncSession, *, actor: Actor, number: str) -> Project:
    project = await project_to_delete(session, actor=actor, number=number, lock=True)
    project.deleted = True
    project.deletion_approved_at, project.deletion_approved_by_id = clock.now(), actor.user_id
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_DELETION_APPROVED,
                       subject=f"project:{project.number}", after={"deleted": True,
                                                                  "deletion_date": project.deletion_date})
    contact = await session.get(User, project.contact_person_id) if project.contact_person_id else None
    if contact is not None:
        mail.send(session, to=contact.email, template="project_deletion_approved", lang=contact.language,
                  name=contact.name, number=project.number, title=project.title,
                  deletion_date=project.deletion_date, **mail.by(actor))
    return project


async def memberships_of(session: AsyncSession, user_id: int) -> list[tuple[ProjectMember, Project]]:
    """The user's open and pending memberships (not ended), by project number."""
    rows = (await session.execute(select(ProjectMember, Project).join(Project, Project.id == ProjectMember.project_id)
                                  .where(ProjectMember.user_id == user_id, ProjectMember.state != "ended")
                                  .order_by(Project.number))).all()
    return [(m, p) for m, p in rows]
