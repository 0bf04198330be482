"""Project members, added one at a time.

A user may join a project only with an approved association to the project's institution
(or, for the law model, to an institution with a law-model agreement), an accepted user
agreement and a valid certification. A user whose physical token has not arrived becomes a
*pending* member; :func:`activate_pending_memberships` activates them when the token is."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique
from boa.people.models import Association, User
from schemes.projects.models import Project, ProjectMember
from schemes.projects.states import MEMBERSHIP, OPEN_STATES, MemberState
from tokens.models import Token
from tokens.states import PENDING_PHYSICAL, TokenKind, TokenState


async def check_eligible(session: AsyncSession, user: User, institution_ids: set[int]) -> None:
    """Raises a 422 naming the first rule the user does not meet."""
    if not user.active:
        raise ValidationFailed(f"{user.ident} is not an active user.", code="user_inactive", field="ident")
    associated = await session.scalar(select(Association.id).where(
        Association.user_id == user.id, Association.institution_id.in_(institution_ids),
        Association.state == "approved"))
    if associated is None:
        raise ValidationFailed(f"{user.ident} has no approved association with the project's institution.",
                               code="not_associated", field="ident")
    if user.user_agreement_version is None:
        raise ValidationFailed(f"{user.ident} has not accepted the user agreement.",
                               code="user_agreement_missing", field="ident")
    expires = clock.aware(user.certification_expires_at)
    if expires is None or expires <= clock.now():
        raise ValidationFailed(f"{user.ident} has no valid security certification.",
                               code="certification_invalid", field="ident")


async def waits_for_physical_token(session: AsyncSession, user_id: int) -> bool:
    """A physical token is on its way and the user has no active token yet."""
    active = await session.scalar(select(Token.id).where(Token.user_id == user_id, Token.state == TokenState.ACTIVE))
    if active is not None:
        return False
    coming = await session.scalar(select(Token.id).where(
        Token.user_id == user_id, Token.kind == TokenKind.PHYSICAL, Token.state.in_(PENDING_PHYSICAL)))
    return coming is not None


async def _approved_state(session: AsyncSession, user_id: int) -> MemberState:
    """An approved membership is active, or pending while the user's physical token is on its way."""
    return MemberState.PENDING if await waits_for_physical_token(session, user_id) else MemberState.ACTIVE


async def add_member(session: AsyncSession, *, actor: Actor, project: Project, user: User,
                     requested: bool = False) -> ProjectMember:
    """Puts one user on the project: ``requested`` (awaiting the office), ``pending`` (awaiting
    the physical token) or ``active``. An ended membership is reopened."""
    row = await session.scalar(select(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.user_id == user.id).with_for_update())
    if row is not None and row.state in OPEN_STATES:
        raise Conflict(f"{user.ident} is already on project {project.number} ({row.state}).", code="already_member")
    state = MemberState.REQUESTED if requested else await _approved_state(session, user.id)
    before = row.state if row is not None else None
    if row is None:
        row = ProjectMember(project_id=project.id, user_id=user.id, state=state, added_by_id=actor.user_id)
        await add_unique(session, row, Conflict(f"{user.ident} is already on project {project.number}.", code="already_member"))
    else:
        row.state = MEMBERSHIP.move(row.state, state)
        row.added_by_id, row.ended_at, row.ended_reason = actor.user_id, None, None
    row.activated_at = clock.now() if state == MemberState.ACTIVE else None
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_MEMBER_ADD,
                       subject=f"project:{project.number}",
                       ident=user.ident, before={"state": before}, after={"state": state})
    return row


async def end_member(session: AsyncSession, *, actor: Actor, project: Project, user: User,
                     reason: str) -> ProjectMember:
    row = await session.scalar(select(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.user_id == user.id).with_for_update())
    not_member = Conflict(f"{user.ident} is not on project {project.number}.", code="not_member")
    if row is None:
        raise not_member
    before = row.state
    row.state = MEMBERSHIP.move(before, MemberState.ENDED, refuse=not_member)
    row.ended_at, row.ended_reason = clock.now(), reason
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_MEMBER_END,
                       subject=f"project:{project.number}",
                       ident=user.ident, reason=reason, before={"state": before}, after={"state": "ended"})
    return row


async def approve_requested(session: AsyncSession, *, actor: Actor, project: Project, user: User) -> ProjectMember:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services approves this member.")
    row = await session.scalar(select(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.user_id == user.id).with_for_update())
    if row is None or row.state != MemberState.REQUESTED:
        raise Conflict(f"{user.ident} has no membership awaiting approval.", code="not_requested")
    row.state = MEMBERSHIP.move(row.state, await _approved_state(session, user.id))
    row.activated_at = clock.now() if row.state == MemberState.ACTIVE else None
    await audit.record(session, actor=actor.label, action=AuditAction.PROJECT_MEMBER_APPROVE,
                       subject=f"project:{project.number}",
                       ident=user.ident, before={"state": "requested"}, after={"state": row.state})
    return row


async def activate_pending_memberships(session: AsyncSession, user_id: int, *, actor: str = "system:boa") -> list[int]:
    """Called by the tokens area when the user's physical token is activated: every pending
    membership becomes active (in the caller's transaction). Returns the project numbers."""
    rows = list(await session.scalars(select(ProjectMember).where(
        ProjectMember.user_id == user_id, ProjectMember.state == MemberState.PENDING).with_for_update()))
    numbers: list[int] = []
    user = await session.get(User, user_id)
    for row in rows:
        row.state, row.activated_at = MEMBERSHIP.move(row.state, MemberState.ACTIVE), clock.now()
        project = await session.get(Project, row.project_id)
        numbers.append(project.number if project else row.project_id)
        await audit.record(session, actor=actor, action=AuditAction.PROJECT_MEMBER_ACTIVATE,
                           subject=f"project:{numbers[-1]}", ident=user.ident if user else str(user_id),
                           before={"state": "pending"}, after={"state": "active"}, reason="physical token activated")
    return numbers


def _open_at(user_id: int, institution_id: int):
    ids = select(Project.id).where(Project.institution_id == institution_id)
    return (ProjectMember.user_id == user_id, ProjectMember.state.in_(OPEN_STATES), ProjectMember.project_id.in_(ids))


async def open_projects_at(session: AsyncSession, *, user_id: int, institution_id: int) -> list[tuple[int, str]]:
    """The projects (number, title) whose membership ending the association would end."""
    rows = await session.execute(select(Project.number, Project.title).join(
        ProjectMember, ProjectMember.project_id == Project.id).where(*_open_at(user_id, institution_id))
        .order_by(Project.number))
    return [(number, title) for number, title in rows.all()]


async def end_memberships_at(session: AsyncSession, *, actor: Actor, user_id: int, institution_id: int,
                             reason: str) -> int:
    """Ends the user's open memberships in the institution's projects."""
    rows = list(await session.scalars(select(ProjectMember).where(*_open_at(user_id, institution_id))))
    user = await session.get_one(User, user_id)
    for row in rows:
        project = await session.get_one(Project, row.project_id)
        await end_member(session, actor=actor, project=project, user=user, reason=reason)
    return len(rows)


async def end_all_memberships(session: AsyncSession, project: Project, reason: str) -> None:
    await session.execute(update(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.state.in_(MEMBERSHIP.sources(MemberState.ENDED))).values(
        state=MemberState.ENDED, ended_at=clock.now(), ended_reason=reason))


async def end_memberships_on_association_end(session: AsyncSession, association: Association, actor: Actor) -> None:
    """An ended association ends the user's project memberships at that institution (SPEC 1)."""
    await end_memberships_at(session, actor=actor, user_id=association.user_id,
                             institution_id=association.institution_id, reason="association ended")


async def activate_memberships_on_physical_token(session: AsyncSession, user_id: int, actor: Actor) -> None:
    """The first valid code of a physical token activates the memberships that waited for it (SPEC 4)."""
    await activate_pending_memberships(session, user_id, actor=actor.label)
