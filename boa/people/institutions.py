"""Institutions, authorisation agreements and institution roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, inputs
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.domain import INSTITUTION_KINDS, ROLE_ASSIGNERS, SCHEME_KINDS
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import get_or_404, keyset_page
from boa.people.four_eyes import is_own, refuse_own_grant
from boa.people.lookups import can_see_institution, institution_at, institutions_of, roles_at, user_by_ident
from boa.people.models import AuthorisationAgreement, Institution, InstitutionRole, User
from boa.people.permissions import may_assign_role
from boa.people.states import AGREEMENT, AgreementState


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services may do this.")


async def create_institution(session: AsyncSession, *, actor: Actor, name: str, authorisation_number: int,
                             kind: str, mail_domains: list[str] | None = None,
                             address: dict[str, Any] | None = None) -> Institution:
    _require_staff(actor)
    if kind not in INSTITUTION_KINDS:
        raise ValidationFailed(f"kind must be one of {', '.join(INSTITUTION_KINDS)}.", field="kind")
    if not name.strip():
        raise ValidationFailed("name must not be empty.", field="name")
    inputs.check_line(name.strip(), "name")
    for domain in mail_domains or []:
        inputs.check_line(domain, "mail_domains")
    if authorisation_number < 1 or authorisation_number > 999_999:
        raise ValidationFailed("authorisation_number must be a small positive integer.",
                               field="authorisation_number")
    taken = await session.scalar(
        select(Institution.id).where(Institution.authorisation_number == authorisation_number)
    )
    if taken is not None:
        raise Conflict(f"Authorisation number {authorisation_number} is taken.", code="duplicate_authorisation_number")
    institution = Institution(name=name.strip(), authorisation_number=authorisation_number, kind=kind,
                              mail_domains=[d.lower() for d in mail_domains or []],
                              address=inputs.check_address(address) if address is not None else None)
    session.add(institution)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.INSTITUTION_CREATE,
                       subject=f"institution:{institution.id}",
                       after={"name": institution.name, "authorisation_number": authorisation_number, "kind": kind})
    return institution


async def active_agreement_for(session: AsyncSession, institution_id: int, scheme: str) -> AuthorisationAgreement | None:
    rows = await session.scalars(
        select(AuthorisationAgreement).where(
            AuthorisationAgreement.institution_id == institution_id,
            AuthorisationAgreement.state == AgreementState.ACTIVE,
        )
    )
    return next((a for a in rows if scheme in a.schemes), None)


async def _grant(session: AsyncSession, institution_id: int, user_id: int, role: str, by: int | None) -> bool:
    exists = await session.scalar(
        select(InstitutionRole.id).where(
            InstitutionRole.institution_id == institution_id,
            InstitutionRole.user_id == user_id,
            InstitutionRole.role == role,
        )
    )
    if exists is None:
        session.add(InstitutionRole(institution_id=institution_id, user_id=user_id, role=role, granted_by_id=by))
        return True
    return False


async def create_agreement(session: AsyncSession, *, actor: Actor, institution_id: str, schemes: list[str],
                           responsible_ident: str, substitute_idents: list[str]) -> AuthorisationAgreement:
    _require_staff(actor)
    institution = await get_or_404(session, Institution, institution_id, "institution")
    if not schemes or any(s not in SCHEME_KINDS for s in schemes) or len(set(schemes)) != len(schemes):
        raise ValidationFailed(f"schemes must be distinct values of {', '.join(SCHEME_KINDS)}.", field="schemes")
    if not substitute_idents:
        raise ValidationFailed("An agreement names one or more substitutes.", field="substitute_idents")
    responsible = await user_by_ident(session, responsible_ident, field="responsible_ident")
    substitutes = [await user_by_ident(session, i, field="substitute_idents") for i in substitute_idents]
    if any(s.id == responsible.id for s in substitutes):
        raise ValidationFailed("The responsible person may not be their own substitute.", code="responsible_is_substitute",
                               field="substitute_idents")
    if len({s.id for s in substitutes}) != len(substitutes):
        raise ValidationFailed("A substitute is named twice.", field="substitute_idents")
    for scheme in schemes:
        if await active_agreement_for(session, institution.id, scheme) is not None:
            raise Conflict(f"The institution already has an active agreement for {scheme}.")
    if "authority" in schemes and institution.kind not in ("ministry", "agency", "directorate", "region", "municipality"):
        raise ValidationFailed("The authority scheme is only for public authorities.", field="schemes")
    agreement = AuthorisationAgreement(institution_id=institution.id, schemes=list(schemes), state=AgreementState.ACTIVE,
                                       responsible_user_id=responsible.id)
    session.add(agreement)
    await _grant(session, institution.id, responsible.id, "responsible", actor.user_id)
    for sub in substitutes:
        await _grant(session, institution.id, sub.id, "substitute", actor.user_id)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.AGREEMENT_CREATE,
                       subject=f"agreement:{agreement.id}",
                       after={"institution": institution.authorisation_number, "schemes": schemes,
                              "responsible": responsible.ident, "substitutes": [s.ident for s in substitutes]})
    return agreement


async def agreement_to_terminate(session: AsyncSession, *, actor: Actor, agreement_id: str) -> AuthorisationAgreement:
    """The agreement ``actor`` may terminate (what the confirmation page names before it is)."""
    _require_staff(actor)
    agreement = await get_or_404(session, AuthorisationAgreement, agreement_id, "agreement")
    if agreement.state not in AGREEMENT.sources(AgreementState.TERMINATED):
        raise Conflict("The agreement is already terminated.")
    return agreement


async def terminate_agreement(session: AsyncSession, *, actor: Actor, agreement_id: str,
                              reason: str) -> AuthorisationAgreement:
    agreement = await agreement_to_terminate(session, actor=actor, agreement_id=agreement_id)
    to = AGREEMENT.move(agreement.state, AgreementState.TERMINATED,
                        refuse=Conflict("The agreement is already terminated."))
    if not reason.strip():
        raise ValidationFailed("A termination needs a reason.", field="reason")
    agreement.state, agreement.terminated_at, agreement.termination_reason = to, clock.now(), reason.strip()
    await audit.record(session, actor=actor.label, action=AuditAction.AGREEMENT_TERMINATE,
                       subject=f"agreement:{agreement.id}",
                       before={"state": "active"}, after={"state": "terminated", "reason": reason.strip()})
    return agreement


async def assign_role(session: AsyncSession, *, actor: Actor, institution_id: str, ident: str,
                      role: str) -> InstitutionRole:
    institution, my_roles = await institution_at(session, actor, institution_id)
    if role not in ROLE_ASSIGNERS:
        raise ValidationFailed(f"role must be one of {', '.join(ROLE_ASSIGNERS)}.", field="role")
    if not may_assign_role(my_roles, role, staff=actor.is_staff):
        raise PermissionDenied(f"Only {' or '.join(sorted(ROLE_ASSIGNERS[role]))} may assign the role {role}.")
    user = await user_by_ident(session, ident)
    if is_own(actor, user.id):
        await refuse_own_grant(session, actor=actor, subject=f"institution:{institution.id}",
                               message="Nobody grants a role to themselves: the office or another responsible "
                                       "person or substitute grants it.", ident=user.ident, role=role)
    target_roles = await roles_at(session, user.id, institution.id)
    if role == "substitute" and "responsible" in target_roles:
        raise ValidationFailed("The responsible person may not be their own substitute.",
                               code="responsible_is_substitute")
    if role in target_roles:
        raise Conflict(f"{user.ident} already has the role {role}.")
    granted = InstitutionRole(institution_id=institution.id, user_id=user.id, role=role, granted_by_id=actor.user_id)
    session.add(granted)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.ROLE_ASSIGN,
                       subject=f"institution:{institution.id}",
                       after={"ident": user.ident, "role": role})
    return granted


async def remove_role(session: AsyncSession, *, actor: Actor, institution_id: str, ident: str, role: str) -> None:
    institution, my_roles = await institution_at(session, actor, institution_id)
    if not may_assign_role(my_roles, role, staff=actor.is_staff):
        raise PermissionDenied(f"You may not remove the role {role}.")
    user = await user_by_ident(session, ident)
    row = await session.scalar(select(InstitutionRole).where(
        InstitutionRole.institution_id == institution.id, InstitutionRole.user_id == user.id,
        InstitutionRole.role == role))
    if row is None:
        raise NotFound(f"{user.ident} does not have the role {role}.")
    await session.delete(row)
    await audit.record(session, actor=actor.label, action=AuditAction.ROLE_REMOVE,
                       subject=f"institution:{institution.id}",
                       before={"ident": user.ident, "role": role})


# --- reading -------------------------------------------------------------------------------------

async def visible_institution(session: AsyncSession, actor: Actor, institution_id: str) -> Institution:
    """The institution if the actor may see it (staff, or a role or approved association there); else 404."""
    institution = await get_or_404(session, Institution, institution_id, "institution")
    if not await can_see_institution(session, actor, institution):
        raise NotFound(f"No institution with id {institution_id!r}.")
    return institution


async def institutions_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Institution]:
    """The institutions named by id, for a list that shows each row's institution by its name."""
    if not ids:
        return {}
    return {i.id: i for i in await session.scalars(select(Institution).where(Institution.id.in_(ids)))}


async def list_institutions(session: AsyncSession, *, actor: Actor, limit: int | None = None,
                            cursor: str | None = None) -> tuple[list[Institution], str | None]:
    _require_staff(actor)
    rows, nxt = await keyset_page(session, select(Institution), Institution.id, limit, cursor)
    return list(rows), nxt


@dataclass
class InstitutionOverview:
    institution: Institution
    agreements: list[tuple[AuthorisationAgreement, str | None]]
    roles: list[tuple[str, str, str]]  # (ident, name, role), by IDENT
    my_roles: set[str]


async def overview(session: AsyncSession, *, actor: Actor, institution_id: str) -> InstitutionOverview:
    institution = await visible_institution(session, actor, institution_id)
    agreements = (await session.execute(
        select(AuthorisationAgreement, User.ident).join(User, User.id == AuthorisationAgreement.responsible_user_id)
        .where(AuthorisationAgreement.institution_id == institution.id).order_by(AuthorisationAgreement.id))).all()
    roles = (await session.execute(
        select(User.ident, User.name, InstitutionRole.role).join(User, User.id == InstitutionRole.user_id)
        .where(InstitutionRole.institution_id == institution.id).order_by(User.ident, InstitutionRole.role))).all()
    return InstitutionOverview(institution, [(a, ident) for a, ident in agreements],
                               [(i, n, r) for i, n, r in roles], await roles_at(session, actor.user_id, institution.id))


async def my_institutions(session: AsyncSession, user_id: int) -> list[tuple[Institution, set[str]]]:
    """Every institution where the user holds a role or an approved association, with those roles."""
    ids = await institutions_of(session, user_id)
    if not ids:
        return []
    rows = await session.scalars(select(Institution).where(Institution.id.in_(ids))
                                 .order_by(Institution.authorisation_number))
    return [(inst, await roles_at(session, user_id, inst.id)) for inst in rows]
