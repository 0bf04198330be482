"""The read models of the schemes: each loads what a page or an API answer shows in a fixed
number of queries (never one per row), then presents it with :mod:`schemes.presenters`. The
Structs they return are defined in :mod:`schemes.presenters` (both faces show them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.people.models import User
from schemes import presenters
from schemes.authority import rules as authority_rules
from schemes.authority.models import AuthorityScheme, NeedChange, PurposeDescription, TailoredDelivery
from schemes.law_model.models import LawModel
from schemes.presenters import (
    ApprovalQueueItem,
    AuthoritySchemeView,
    LawModelView,
    MemberView,
    ProjectDatabaseView,
    ProjectView,
    ProposalView,
)
from schemes.project_database.models import ProjectDatabase
from schemes.project_database.service import manager_ids, sub_projects
from schemes.projects.models import Project, ProjectMember
from schemes.researcher import content as proposal_content
from schemes.researcher.content import Changes
from schemes.researcher.models import Proposal, ProposalQuote


async def idents(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    """The IDENTs of the users, by id, in one query (none for no ids)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict((await session.execute(select(User.id, User.ident).where(User.id.in_(wanted)))).all())


async def members(session: AsyncSession, project_id: int) -> list[MemberView]:
    """The project's members by IDENT, in one query."""
    rows = (await session.execute(select(ProjectMember, User.ident).join(User, User.id == ProjectMember.user_id)
                                  .where(ProjectMember.project_id == project_id).order_by(User.ident))).all()
    return [presenters.member(m, ident) for m, ident in rows]


async def projects(session: AsyncSession, rows: Sequence[Project]) -> list[ProjectView]:
    """A page of projects (without members and proposals): one query for the whole page."""
    who = await idents(session, [i for p in rows for i in (p.contact_person_id, p.owner_id)])
    return [presenters.project(p, who) for p in rows]


async def project(session: AsyncSession, p: Project, *, full: bool = False) -> ProjectView:
    """One project; ``full``: with its members and proposals (three queries, whatever their number)."""
    if not full:
        return presenters.project(p, await idents(session, [p.contact_person_id, p.owner_id]))
    shown_members = await members(session, p.id)
    found = list(await session.scalars(select(Proposal).where(Proposal.project_id == p.id)
                                       .order_by(Proposal.version)))
    quotes = await _quotes(session, [x.id for x in found])
    who = await idents(session, [p.contact_person_id, p.owner_id,
                                 *(i for x in found for i in presenters.proposal_signers(x)),
                                 *(q.sent_by_id for qs in quotes.values() for q in qs)])
    return presenters.project(p, who, members=shown_members,
                              proposals=[presenters.proposal(x, who, quotes.get(x.id)) for x in found])


async def _quotes(session: AsyncSession, proposal_ids: list[int]) -> dict[int, list[ProposalQuote]]:
    """The price quotes of these proposals, oldest first (one query)."""
    out: dict[int, list[ProposalQuote]] = {}
    if proposal_ids:
        for q in await session.scalars(select(ProposalQuote).where(ProposalQuote.proposal_id.in_(proposal_ids))
                                       .order_by(ProposalQuote.id)):
            out.setdefault(q.proposal_id, []).append(q)
    return out


async def proposal(session: AsyncSession, x: Proposal) -> ProposalView:
    quotes = (await _quotes(session, [x.id])).get(x.id, [])
    who = await idents(session, [*presenters.proposal_signers(x), *(q.sent_by_id for q in quotes)])
    return presenters.proposal(x, who, quotes)


async def proposal_changes(session: AsyncSession, project: Project, version: int) -> Changes | None:
    """What proposal ``version`` of the project changes against the valid proposal (a valid
    proposal against the one valid before it is not kept: against the one before it by version)."""
    rows = list(await session.scalars(select(Proposal).where(Proposal.project_id == project.id)
                                      .order_by(Proposal.version)))
    target = next((x for x in rows if x.version == version), None)
    if target is None:
        return None
    valid = next((x for x in rows if x.valid), None)
    if valid is None or valid.version >= target.version:
        valid = next((x for x in reversed(rows) if x.version < target.version and x.state in
                      ("approved", "data_delivered")), None)
    against = (valid.version, valid.title, proposal_content.decode(valid.content)) if valid is not None else None
    return proposal_content.changes(target.version, target.title, proposal_content.decode(target.content), against)


async def approval_queue(session: AsyncSession, rows: Sequence[tuple[Project, Proposal]]) -> list[ApprovalQueueItem]:
    who = await idents(session, [i for p, x in rows for i in (p.owner_id, x.signatory_id)])
    return [presenters.queue_item(p, x, who) for p, x in rows]


async def project_database(session: AsyncSession, pdb: ProjectDatabase, managers: list[int] | None = None,
                           main: Project | None = None, subs: list[Project] | None = None) -> ProjectDatabaseView:
    """The project database with its managers, main project and sub-projects; those not given are
    loaded (a query each), the managers' IDENTs in one more."""
    if managers is None:
        managers = await manager_ids(session, pdb)
    if main is None and pdb.main_project_id:
        main = await session.get(Project, pdb.main_project_id)
    if subs is None:
        subs = await sub_projects(session, pdb)
    who = await idents(session, [*managers, pdb.responsible_id])
    return presenters.project_database(pdb, [who[m] for m in managers], main, subs,
                                       who.get(pdb.responsible_id or 0))


async def authority_scheme(session: AsyncSession, scheme: AuthorityScheme) -> AuthoritySchemeView:
    """The scheme with its project, purpose descriptions (the current one among them) and members."""
    project_row = await session.get_one(Project, scheme.project_id)
    purposes = list(await session.scalars(select(PurposeDescription).where(
        PurposeDescription.scheme_id == scheme.id).order_by(PurposeDescription.version)))
    current = authority_rules.current_purpose(purposes, clock.now().date())
    needs = list(await session.scalars(select(NeedChange).where(NeedChange.scheme_id == scheme.id)
                                       .order_by(NeedChange.id)))
    deliveries = list(await session.scalars(select(TailoredDelivery).where(TailoredDelivery.scheme_id == scheme.id)
                                            .order_by(TailoredDelivery.id)))
    return presenters.authority_scheme(scheme, project_row, purposes, current,
                                       await members(session, scheme.project_id), needs, deliveries)


async def law_model(session: AsyncSession, model: LawModel) -> LawModelView:
    project_row = await session.get(Project, model.project_id)
    return presenters.law_model(model, project_row, await members(session, model.project_id))
