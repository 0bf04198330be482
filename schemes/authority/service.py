"""Authority-scheme verbs: establish it (Research Services), move its agreement (draft → signed →
active → terminated), new purpose versions (the authority tells the office its needs changed; a
new version follows; access follows it), tailored deliveries against the purpose, and members:
the authority's administrator associates its own employees, the office approves. No fixed
period: access lasts while the agreement is active."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique, get_or_404
from boa.people.institutions import active_agreement_for
from boa.people.lookups import roles_at, user_by_ident
from boa.people.models import Institution, User
from boa.registers.service import known_codes
from schemes.authority import rules
from schemes.authority.models import AuthorityScheme, NeedChange, PurposeDescription, TailoredDelivery
from schemes.authority.states import AGREEMENT, AgreementState
from schemes.projects import members
from schemes.projects.models import Project, ProjectMember
from schemes.projects.service import INSTITUTION_VIEWERS, new_project
from schemes.projects.states import OPEN_STATES


def _staff(actor: Actor, what: str) -> None:
    if not actor.is_staff:
        raise PermissionDenied(f"Research Services {what}.")


async def purposes(session: AsyncSession, scheme: AuthorityScheme) -> list[PurposeDescription]:
    return list(await session.scalars(select(PurposeDescription).where(PurposeDescription.scheme_id == scheme.id)
                                      .order_by(PurposeDescription.version)))


async def current(session: AsyncSession, scheme: AuthorityScheme) -> PurposeDescription | None:
    return rules.current_purpose(await purposes(session, scheme), clock.now().date())


async def _add_purpose(session: AsyncSession, actor: Actor, scheme: AuthorityScheme, topics: list[str],
                       registers: list[str], valid_from: date | None, link_own_data: bool) -> PurposeDescription:
    clean_topics, clean_registers = rules.check_purpose(topics, registers, await known_codes(session, registers))
    existing = await purposes(session, scheme)
    latest = existing[-1] if existing else None
    start = valid_from or clock.now().date()
    rules.check_new_version_start(latest, start, clock.now().date())
    purpose = PurposeDescription(scheme_id=scheme.id, version=(latest.version if latest else 0) + 1,
                                 topics=clean_topics, registers=clean_registers, link_own_data=link_own_data,
                                 valid_from=start)
    session.add(purpose)
    await session.flush()
    answered = list(await session.scalars(select(NeedChange).where(
        NeedChange.scheme_id == scheme.id, NeedChange.answered_by_version.is_(None))))
    for need in answered:  # the new version follows the needs the authority told
        need.answered_by_version = purpose.version
    await audit.record(session, actor=actor.label, action=AuditAction.AUTHORITY_PURPOSE,
                       subject=f"authority_scheme:{scheme.id}",
                       after={"version": purpose.version, "topics": clean_topics, "registers": clean_registers,
                              "valid_from": purpose.valid_from, "link_own_data": link_own_data,
                              "answers_needs": [n.id for n in answered]})
    return purpose


async def create(session: AsyncSession, *, actor: Actor, institution_id: str, topics: list[str],
                 registers: list[str], valid_from: date | None = None, link_own_data: bool = False) -> AuthorityScheme:
    _staff(actor, "establishes an authority scheme")
    institution = await get_or_404(session, Institution, institution_id, "institution")
    rules.check_institution_kind(institution.kind)
    rules.check_purpose(topics, registers, await known_codes(session, registers))
    if await active_agreement_for(session, institution.id, "authority") is None:
        raise Conflict("The institution has no active agreement for the authority scheme.", code="no_agreement")
    if await session.scalar(select(AuthorityScheme.id).where(AuthorityScheme.institution_id == institution.id)):
        raise Conflict("The institution already has an authority scheme.", code="authority_scheme_exists")
    project = await new_project(session, actor=actor, institution=institution, scheme="authority",
                                title=f"Authority scheme of {institution.name}", state="approved", approved=True)
    scheme = AuthorityScheme(institution_id=institution.id, project_id=project.id, agreement=AgreementState.DRAFT)
    await add_unique(session, scheme, Conflict("The institution already has an authority scheme.", code="authority_scheme_exists"))
    await audit.record(session, actor=actor.label, action=AuditAction.AUTHORITY_CREATE,
                       subject=f"authority_scheme:{scheme.id}",
                       after={"institution": institution.authorisation_number, "project": project.number,
                              "agreement": scheme.agreement})
    await _add_purpose(session, actor, scheme, topics, registers, valid_from, link_own_data)
    return scheme


async def authority_schemes_of(session: AsyncSession, institution_ids: list[int]) -> dict[int, int]:
    """The authority scheme of each of these institutions that has one (institution id → scheme id)."""
    if not institution_ids:
        return {}
    rows = await session.execute(select(AuthorityScheme.institution_id, AuthorityScheme.id).where(
        AuthorityScheme.institution_id.in_(institution_ids)))
    return {institution: scheme for institution, scheme in rows}


async def visible(session: AsyncSession, actor: Actor, scheme_id: str) -> tuple[AuthorityScheme, set[str]]:
    scheme = await get_or_404(session, AuthorityScheme, scheme_id, "authority scheme")
    roles = await roles_at(session, actor.user_id, scheme.institution_id)
    if actor.is_staff:
        roles.add("office")
    member = await session.scalar(select(ProjectMember.state).where(
        ProjectMember.project_id == scheme.project_id, ProjectMember.user_id == (actor.user_id or 0)))
    if not (roles & (INSTITUTION_VIEWERS | {"office"}) or member in OPEN_STATES):
        raise NotFound(f"No authority scheme with id {scheme_id!r}.")
    return scheme, roles


async def add_purpose(session: AsyncSession, *, actor: Actor, scheme_id: str, topics: list[str],
                      registers: list[str], valid_from: date | None = None,
                      link_own_data: bool = False) -> PurposeDescription:
    """A new version of the purpose description (changed needs); access follows it from its start."""
    _staff(actor, "changes the purpose description")
    scheme, _ = await visible(session, actor, scheme_id)
    return await _add_purpose(session, actor, scheme, topics, registers, valid_from, link_own_data)


async def _staff_scheme(session: AsyncSession, actor: Actor, scheme_id: str, what: str) -> AuthorityScheme:
    _staff(actor, what)
    scheme, _ = await visible(session, actor, scheme_id)
    await session.refresh(scheme, with_for_update=True)
    return scheme


AGREEMENT_TIMES = {AgreementState.SIGNED: "signed_at", AgreementState.ACTIVE: "activated_at",
                   AgreementState.TERMINATED: "terminated_at"}


async def move_agreement(session: AsyncSession, *, actor: Actor, scheme_id: str, to: str,
                         reason: str = "") -> AuthorityScheme:
    """The agreement's next state, through the table (409 ``invalid_transition`` otherwise)."""
    scheme = await _staff_scheme(session, actor, scheme_id, "records the authority agreement")
    target = AGREEMENT.parse(to)
    if target is None:
        raise ValidationFailed(f"An agreement is one of: {', '.join(AgreementState)}.", field="state",
                               code="unknown_state")
    before = scheme.agreement
    scheme.agreement = AGREEMENT.move(before, target)
    setattr(scheme, AGREEMENT_TIMES[target], clock.now())
    await audit.record(session, actor=actor.label, action=AuditAction.AUTHORITY_AGREEMENT,
                       subject=f"authority_scheme:{scheme.id}", reason=reason or None,
                       before={"agreement": before}, after={"agreement": scheme.agreement})
    return scheme


async def tell_need(session: AsyncSession, *, actor: Actor, scheme_id: str, description: str) -> NeedChange:
    """The authority tells the office its needs changed (seed 002); a new purpose version answers it."""
    scheme, roles = await visible(session, actor, scheme_id)
    if "administrator" not in roles and not actor.is_staff:
        raise PermissionDenied("The authority's administrator tells the office of changed needs.")
    rules.check_data_work(scheme.agreement)
    need = NeedChange(scheme_id=scheme.id, description=rules.check_text(description, "description"),
                      told_by=actor.label)
    session.add(need)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.AUTHORITY_NEED,
                       subject=f"authority_scheme:{scheme.id}", after={"need": need.id, "description": need.description})
    return need


async def deliver(session: AsyncSession, *, actor: Actor, scheme_id: str, description: str,
                  registers: list[str]) -> tuple[TailoredDelivery, int]:
    """Tailored data for a specific purpose, recorded against the current purpose version."""
    scheme = await _staff_scheme(session, actor, scheme_id, "records a tailored delivery")
    rules.check_data_work(scheme.agreement)
    purpose = await current(session, scheme)
    if purpose is None:
        raise Conflict("No purpose description is in force.", code="no_current_purpose")
    delivery = TailoredDelivery(scheme_id=scheme.id, purpose_id=purpose.id,
                                description=rules.check_text(description, "description"),
                                registers=rules.check_delivery_registers(registers, purpose.registers),
                                delivered_by=actor.label)
    session.add(delivery)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.AUTHORITY_DELIVERY,
                       subject=f"authority_scheme:{scheme.id}",
                       after={"delivery": delivery.id, "purpose_version": purpose.version,
                              "registers": delivery.registers, "description": delivery.description})
    return delivery, purpose.version


async def check_external_data(session: AsyncSession, project: Project) -> None:
    """For the proposal's "External data" on an authority-scheme project: refused (409
    ``own_data_not_allowed``) unless the current purpose description allows linking own data.
    A project of another scheme is not this rule's business."""
    if project.scheme != "authority":
        return
    scheme = await session.scalar(select(AuthorityScheme).where(AuthorityScheme.institution_id == project.institution_id))
    rules.check_link_own_data(await current(session, scheme) if scheme else None)


async def _scheme_project(session: AsyncSession, actor: Actor, scheme_id: str,
                          ident: str) -> tuple[AuthorityScheme, set[str], Project, User]:
    scheme, roles = await visible(session, actor, scheme_id)
    project = (await session.scalars(select(Project).where(Project.id == scheme.project_id).with_for_update())).one()
    user = await user_by_ident(session, ident)
    return scheme, roles, project, user


async def add_member(session: AsyncSession, *, actor: Actor, scheme_id: str, ident: str) -> ProjectMember:
    """The authority's administrator associates one of its own employees: the user must exist,
    be associated with the authority, have accepted the user agreement and be certified. The
    office then approves (when a staff member adds the user, it is approved at once)."""
    scheme, roles, project, user = await _scheme_project(session, actor, scheme_id, ident)
    if "administrator" not in roles and not actor.is_staff:
        raise PermissionDenied("Only the authority's administrator associates its employees.")
    rules.check_data_work(scheme.agreement)
    await members.check_eligible(session, user, {scheme.institution_id})
    return await members.add_member(session, actor=actor, project=project, user=user, requested=not actor.is_staff)


async def approve_member(session: AsyncSession, *, actor: Actor, scheme_id: str, ident: str) -> ProjectMember:
    _, _, project, user = await _scheme_project(session, actor, scheme_id, ident)
    await members.check_eligible(session, user, {project.institution_id})
    return await members.approve_requested(session, actor=actor, project=project, user=user)


async def remove_member(session: AsyncSession, *, actor: Actor, scheme_id: str, ident: str) -> ProjectMember:
    _, roles, project, user = await _scheme_project(session, actor, scheme_id, ident)
    if "administrator" not in roles and not actor.is_staff:
        raise PermissionDenied("Only the authority's administrator or Research Services removes a member.")
    return await members.end_member(session, actor=actor, project=project, user=user, reason="removed")
