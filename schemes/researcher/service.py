"""Researcher-scheme verbs: create a project with its first proposal, edit it, re-propose, and
move it through the state machine. Side effects per (from, to) live in :func:`_dispatch`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, mail
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique, get_or_404
from boa.people.institutions import active_agreement_for
from boa.people.lookups import roles_at, user_by_ident
from boa.people.models import Institution, InstitutionRole, User
from schemes.projects.models import Project
from schemes.projects.service import new_project, visible
from schemes.researcher.models import Proposal
from schemes.researcher.states import (
    CLOSED,
    COMMENT_REQUIRED,
    NOTIFY,
    Role,
    State,
    check_transition,
    is_frozen,
)

EDITORS = frozenset({"contact_person", "administrator"})


def clean_datasets(datasets: list[str], *, field: str = "datasets") -> list[str]:
    out = [d.strip().upper() for d in datasets]
    if any(not d or len(d) > 40 for d in out) or len(set(out)) != len(out):
        raise ValidationFailed("datasets are distinct, non-empty register names.", field=field)
    return out


async def current_proposal(session: AsyncSession, project: Project) -> Proposal | None:
    return await session.scalar(select(Proposal).where(Proposal.project_id == project.id)
                                .order_by(Proposal.version.desc()).limit(1))


async def create_project(session: AsyncSession, *, actor: Actor, institution_id: str, title: str,
                         description: str = "", datasets: list[str] | None = None, contact_ident: str | None = None,
                         end_date: date | None = None, deletion_date: date | None = None,
                         details: dict[str, Any] | None = None) -> Project:
    institution = await get_or_404(session, Institution, institution_id, "institution")
    roles = await roles_at(session, actor.user_id, institution.id)
    if not roles and not actor.is_staff:
        raise PermissionDenied("Only users of the institution create its projects.")
    if await active_agreement_for(session, institution.id, "researcher") is None:
        raise Conflict("The institution has no active agreement for the researcher scheme.", code="no_agreement")
    contact = await user_by_ident(session, contact_ident, field="contact_ident") if contact_ident else actor.user
    if contact is None:
        raise ValidationFailed("Name the project's contact person.", field="contact_ident")
    if not await roles_at(session, contact.id, institution.id):
        raise ValidationFailed(f"{contact.ident} is not associated with the institution.",
                               code="not_associated", field="contact_ident")
    clean = clean_datasets(datasets or [])
    project = await new_project(session, actor=actor, institution=institution, scheme="researcher", title=title,
                                state=State.CREATED.value, contact_person_id=contact.id, datasets=clean,
                                end_date=end_date, deletion_date=deletion_date)
    await add_proposal(session, project, title=project.title, description=description, datasets=clean,
                       details=details or {}, actor=actor)
    return project


async def add_proposal(session: AsyncSession, project: Project, *, title: str, description: str,
                       datasets: list[str], details: dict[str, Any], actor: Actor) -> Proposal:
    version = (await session.scalar(select(func.max(Proposal.version)).where(Proposal.project_id == project.id))) or 0
    proposal = Proposal(project_id=project.id, version=version + 1, state=State.CREATED.value, valid=False,
                        title=title.strip(), description=description, datasets=datasets, details=details)
    await add_unique(session, proposal, Conflict("Another proposal for this project is in progress.", code="proposal_in_progress"))
    project.state = proposal.state
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_CREATE,
                       subject=f"project:{project.number}",
                       version=proposal.version, after={"title": proposal.title, "datasets": datasets})
    return proposal


async def edit_proposal(session: AsyncSession, *, actor: Actor, number: str, title: str | None,
                        description: str | None, datasets: list[str] | None) -> Proposal:
    project, roles = await visible(session, actor, number, lock=True)
    if not roles & EDITORS:
        raise PermissionDenied("Only the contact person or an administrator edits the proposal.")
    proposal = await current_proposal(session, project)
    if proposal is None:
        raise Conflict("This project has no proposal.", code="no_proposal")
    if is_frozen(proposal.state):
        raise Conflict(f"The proposal is {proposal.state}; it cannot be edited until it is returned.",
                       code="proposal_frozen")
    if proposal.state in CLOSED:
        raise Conflict("The proposal is approved; make a re-proposal instead.", code="proposal_closed")
    if title is not None:
        if not title.strip():
            raise ValidationFailed("title must not be empty.", field="title")
        proposal.title = title.strip()
    if description is not None:
        proposal.description = description
    if datasets is not None:
        proposal.datasets = clean_datasets(datasets)
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_EDIT,
                       subject=f"project:{project.number}",
                       version=proposal.version, after={"title": proposal.title, "datasets": proposal.datasets})
    return proposal


async def repropose(session: AsyncSession, *, actor: Actor, number: str, title: str, description: str,
                    datasets: list[str], details: dict[str, Any]) -> Proposal:
    """A new proposal for an existing project, with all data restated (nothing is carried over)."""
    project, roles = await visible(session, actor, number, lock=True)
    if not roles & EDITORS:
        raise PermissionDenied("Only the contact person or an administrator makes a re-proposal.")
    if project.deleted:
        raise Conflict("The project's deletion is approved; it takes no re-proposals.", code="project_deleted")
    proposal = await current_proposal(session, project)
    if proposal is None or proposal.state not in CLOSED:
        raise Conflict("A re-proposal needs an approved proposal and none in progress.", code="proposal_in_progress")
    return await add_proposal(session, project, title=title, description=description,
                              datasets=clean_datasets(datasets), details=details, actor=actor)


async def transition(session: AsyncSession, *, actor: Actor, number: str, to: str,
                     comment: str | None) -> tuple[Project, Proposal]:
    project, roles = await visible(session, actor, number, lock=True)
    proposal = await current_proposal(session, project)
    if proposal is None:
        raise Conflict(f"Project {project.number} has no proposal workflow.", code="invalid_transition")
    if project.deleted:
        raise Conflict("The project is deleted.", code="project_deleted")
    old, new = check_transition(proposal.state, to, roles)
    if new in COMMENT_REQUIRED and not (comment or "").strip():
        raise ValidationFailed("Say why the proposal is returned (comment).", field="comment", code="comment_required")
    await _dispatch(session, actor, project, proposal, old, new, comment)
    proposal.state = project.state = new.value
    proposal.last_comment = comment
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_TRANSITION,
                       subject=f"project:{project.number}",
                       version=proposal.version, before={"state": old.value}, after={"state": new.value},
                       comment=comment)
    await _notify(session, project, old, new, actor, comment)
    return project, proposal


async def _dispatch(session: AsyncSession, actor: Actor, project: Project, proposal: Proposal, old: State,
                    new: State, comment: str | None) -> None:
    match (old, new):
        case (_, State.SENT_TO_OFFICE):
            if project.owner_id is None or not await _is_staff(session, project.owner_id):
                project.owner_id = await allocate_owner(session)
        case (State.SENT_TO_OFFICE, State.SENT_FOR_SIGNATURE):
            proposal.office_signed_by_id, proposal.office_signed_at = actor.user_id, clock.now()
        case (State.SENT_FOR_SIGNATURE, State.UNDER_REVIEW):
            # Refused by the signatory: the office signs again after the revision.
            proposal.office_signed_by_id = proposal.office_signed_at = None
        case (State.SENT_FOR_SIGNATURE, State.APPROVED):
            proposal.signatory_id, proposal.signed_at = actor.user_id, clock.now()
            await session.execute(update(Proposal).where(Proposal.project_id == project.id, Proposal.valid)
                                  .values(valid=False))
            await session.flush()
            proposal.valid = True
            project.title, project.datasets = proposal.title, list(proposal.datasets)
            project.approved_at = project.approved_at or clock.now()
        case _:
            pass


async def _is_staff(session: AsyncSession, user_id: int) -> bool:
    user = await session.get(User, user_id)
    return bool(user and user.is_staff and user.active)


async def allocate_owner(session: AsyncSession) -> int | None:
    """The active staff member who owns the fewest proposals in progress (then the lowest id)."""
    staff = [u for u in await session.scalars(select(User).where(User.active).order_by(User.id)) if u.is_staff]
    if not staff:
        return None
    load = dict((await session.execute(select(Project.owner_id, func.count(Project.id)).where(
        Project.state.not_in([s.value for s in CLOSED])).group_by(Project.owner_id))).all())
    return min(staff, key=lambda u: (load.get(u.id, 0), u.id)).id


async def _recipients(session: AsyncSession, project: Project, role: Role) -> list[User]:
    if role in (Role.CONTACT_PERSON, Role.PROJECT_OWNER):
        uid = project.contact_person_id if role is Role.CONTACT_PERSON else project.owner_id
        user = await session.get(User, uid) if uid else None
        return [user] if user else []
    rows = await session.scalars(select(User).join(InstitutionRole, InstitutionRole.user_id == User.id).where(
        InstitutionRole.institution_id == project.institution_id, InstitutionRole.role == role.value))
    return list(rows)


async def _notify(session: AsyncSession, project: Project, old: State, new: State, actor: Actor,
                  comment: str | None) -> None:
    sent: set[str] = set()
    for role in NOTIFY.get((old, new), ()):
        for user in await _recipients(session, project, role):
            if not user.email or user.email in sent:
                continue
            sent.add(user.email)
            mail.send(session, to=user.email, template="proposal_state", lang=user.language, name=user.name,
                      number=project.number, title=project.title, old=old.value, new=new.value, comment=comment,
                      **mail.by(actor))
