"""Members of researcher-scheme projects and sub-projects, added and removed one at a time by the
contact person, an administrator or Research Services (SPEC 3); not while the proposal is with
the administrator, the office or the signatory. The other kinds keep their own member lists
(authority scheme, law model, the project database's managers)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.actor import Actor
from boa.kernel.errors import Conflict, PermissionDenied
from boa.people.lookups import user_by_ident
from boa.people.models import User
from schemes.projects import members
from schemes.projects.models import Project, ProjectMember
from schemes.projects.permissions import may_manage_members
from schemes.projects.service import visible
from schemes.researcher.states import is_frozen


async def add_project_member(session: AsyncSession, *, actor: Actor, number: str,
                             ident: str) -> tuple[Project, ProjectMember, User]:
    """``POST /v1/projects/{number}/members``: researcher projects and sub-projects only; not while
    the proposal is with the administrator or the office."""
    project, roles = await visible(session, actor, number, lock=True)
    if not may_manage_members(roles):
        raise PermissionDenied("Only the contact person, an administrator or Research Services adds members.")
    _member_list_here(project)
    if project.deleted or project.closed_at is not None:
        raise Conflict("The project is deleted or closed.", code="project_deleted")
    if is_frozen(project.state):
        raise Conflict(f"The proposal is {project.state}; no users can be associated until it is returned.",
                       code="proposal_frozen")
    user = await user_by_ident(session, ident)
    await members.check_eligible(session, user, {project.institution_id})
    return project, await members.add_member(session, actor=actor, project=project, user=user), user


async def remove_project_member(session: AsyncSession, *, actor: Actor, number: str, ident: str) -> None:
    project, roles = await visible(session, actor, number, lock=True)
    user = await user_by_ident(session, ident)
    if not may_manage_members(roles) and user.id != actor.user_id:
        raise PermissionDenied("Only the contact person, an administrator, Research Services or the member "
                               "themself removes a member.")
    _member_list_here(project)
    await members.end_member(session, actor=actor, project=project, user=user, reason="removed")


def _member_list_here(project: Project) -> None:
    where = {"authority": "/v1/authority-schemes/{id}/members", "law_model": "/v1/law-model/members"}.get(
        project.scheme, "/v1/project-databases/{id}/managers" if project.kind == "main" else None)
    if where:
        raise Conflict(f"Members of this {project.scheme} project are managed at {where}.", code="wrong_scheme")
