"""Law-model verbs: establish it for its responsible ministry, and manage its own member list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied
from boa.kernel.queries import add_unique, get_or_404
from boa.people.institutions import active_agreement_for
from boa.people.lookups import roles_at, user_by_ident
from boa.people.models import AuthorisationAgreement, Institution
from schemes.law_model import rules
from schemes.law_model.models import LawModel
from schemes.projects import members
from schemes.projects.models import Project, ProjectMember
from schemes.projects.service import new_project


async def the_law_model(session: AsyncSession) -> LawModel:
    model = await session.scalar(select(LawModel).limit(1))
    if model is None:
        raise NotFound("The law model is not established.")
    return model


async def establish(session: AsyncSession, *, actor: Actor, institution_id: str,
                    rule_set: dict[str, Any] | None = None) -> LawModel:
    if not actor.is_staff:
        raise PermissionDenied("Research Services establishes the law model.")
    institution = await get_or_404(session, Institution, institution_id, "institution")
    rules.check_responsible(institution.kind)
    if await active_agreement_for(session, institution.id, "law_model") is None:
        raise Conflict("The ministry has no active agreement for the law model.", code="no_agreement")
    if await session.scalar(select(LawModel.id)) is not None:
        raise Conflict("The law model is already established.", code="law_model_exists")
    rules_now = rules.rule_set(rule_set)
    project = await new_project(session, actor=actor, institution=institution, scheme="law_model",
                                title="Lovmodellen (law model)", state="approved", approved=True)
    model = LawModel(singleton=1, institution_id=institution.id, project_id=project.id, rule_set=rules_now)
    await add_unique(session, model, Conflict("The law model is already established.", code="law_model_exists"))
    await audit.record(session, actor=actor.label, action=AuditAction.LAW_MODEL_ESTABLISH,
                       subject=f"law_model:{model.id}",
                       after={"institution": institution.authorisation_number, "project": project.number,
                              "rule_set": rules_now})
    return model


async def _manage(session: AsyncSession, actor: Actor) -> tuple[LawModel, Project]:
    model = await the_law_model(session)
    roles = await roles_at(session, actor.user_id, model.institution_id)
    if not actor.is_staff and not roles & rules.MEMBER_MANAGERS:
        raise PermissionDenied("Only the responsible ministry or Research Services manages the law model's members.")
    project = (await session.scalars(select(Project).where(Project.id == model.project_id).with_for_update())).one()
    return model, project


async def member_institutions(session: AsyncSession, model: LawModel) -> set[int]:
    scheme = model.rule_set.get("member_agreement_scheme", "law_model")
    rows = await session.scalars(select(AuthorisationAgreement).where(AuthorisationAgreement.state == "active"))
    return {a.institution_id for a in rows if scheme in a.schemes} | {model.institution_id}


async def add_member(session: AsyncSession, *, actor: Actor, ident: str) -> ProjectMember:
    model, project = await _manage(session, actor)
    user = await user_by_ident(session, ident)
    await members.check_eligible(session, user, await member_institutions(session, model))
    return await members.add_member(session, actor=actor, project=project, user=user)


async def remove_member(session: AsyncSession, *, actor: Actor, ident: str) -> ProjectMember:
    _, project = await _manage(session, actor)
    user = await user_by_ident(session, ident)
    return await members.end_member(session, actor=actor, project=project, user=user, reason="removed")
