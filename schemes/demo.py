"""Loads the demo's ``projects``, ``project_databases``, ``authority_schemes`` and ``law_model``
sections (run in this order by :func:`boa.demo.load_demo`). Projects in state ``approved`` are seeded
as approved by the office and the institution's signatory; the sub-project too, so the demo
shows access through it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.actor import SEED, Actor
from boa.people.models import Institution, InstitutionRole, User
from schemes.authority import service as authority
from schemes.law_model import service as law_model
from schemes.project_database import service as project_database
from schemes.projects.members import add_member
from schemes.projects.models import Project
from schemes.researcher import service as researcher
from schemes.researcher.states import State


async def _approve(session: AsyncSession, project: Project, owner: User | None) -> None:
    proposal = await researcher.current_proposal(session, project)
    assert proposal is not None
    signatory = await session.scalar(select(InstitutionRole.user_id).where(
        InstitutionRole.institution_id == project.institution_id, InstitutionRole.role == "signatory"))
    proposal.state = project.state = State.APPROVED.value
    proposal.valid = True
    proposal.office_signed_by_id, proposal.office_signed_at = owner.id if owner else None, clock.now()
    proposal.signatory_id, proposal.signed_at = signatory, clock.now()
    heads = await researcher.heads_of_division(session)
    proposal.approved_by_id, proposal.approved_at = (heads[0].id if heads else None), clock.now()
    project.owner_id = owner.id if owner else None
    project.approved_at = clock.now()


async def _projects(session: AsyncSession, data: dict[str, Any], users: dict[str, User],
                    insts: dict[int, Institution]) -> None:
    for spec in data.get("projects", []):
        project = await researcher.create_project(
            session, actor=SEED, institution_id=str(insts[spec["institution"]].id), title=spec["title"],
            datasets=spec.get("datasets", []), contact_ident=spec["contact_person"])
        owner = users.get(spec.get("owner", ""))
        if spec.get("state") == "approved":
            await _approve(session, project, owner)
        elif owner is not None:
            project.owner_id = owner.id
        for ident in spec.get("members", []):
            await add_member(session, actor=SEED, project=project, user=users[ident])


async def _project_databases(session: AsyncSession, data: dict[str, Any], users: dict[str, User],
                             insts: dict[int, Institution]) -> None:
    for spec in data.get("project_databases", []):
        # The demo institution has fewer than five active projects; the office waives it (audited).
        pdb = await project_database.create(
            session, actor=SEED, institution_id=str(insts[spec["institution"]].id),
            manager_idents=spec["managers"], datasets=spec.get("datasets", []), waive_eligibility=True)
        manager = Actor(user=users[spec["managers"][0]])
        for sub in spec.get("sub_projects", []):
            project = await project_database.create_sub_project(
                session, actor=manager, pdb_id=str(pdb.id), title=sub["title"], datasets=sub["datasets"])
            await _approve(session, project, users.get("STAF"))
            for ident in sub.get("members", []):
                await add_member(session, actor=SEED, project=project, user=users[ident])


async def _authority_schemes(session: AsyncSession, data: dict[str, Any], users: dict[str, User],
                             insts: dict[int, Institution]) -> None:
    for spec in data.get("authority_schemes", []):
        scheme = await authority.create(
            session, actor=SEED, institution_id=str(insts[spec["institution"]].id),
            topics=spec["purpose"]["topics"], registers=spec["purpose"]["registers"],
            link_own_data=spec["purpose"].get("link_own_data", False))
        for state in ("signed", "active"):  # the demo's agreement is signed and in force
            await authority.move_agreement(session, actor=SEED, scheme_id=str(scheme.id), to=state)
        for ident in spec.get("members", []):
            await authority.add_member(session, actor=SEED, scheme_id=str(scheme.id), ident=ident)


async def _law_model(session: AsyncSession, data: dict[str, Any], users: dict[str, User],
                     insts: dict[int, Institution]) -> None:
    spec = data.get("law_model")
    if not spec:
        return
    await law_model.establish(session, actor=SEED, institution_id=str(insts[spec["institution"]].id))
    for ident in spec.get("members", []):
        await law_model.add_member(session, actor=SEED, ident=ident)


SECTIONS = (_projects, _project_databases, _authority_schemes, _law_model)
