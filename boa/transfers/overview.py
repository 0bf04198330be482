"""What a researcher's transfer pages start from: their projects with the transfer decision for
each (allowed, or the reasons why not), and their own transfers still waiting to be approved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.access import Decision
from boa.kernel.actor import Actor
from boa.kernel.decisions import decision_for
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.states import FileState, TransferState
from schemes.projects.models import Project, ProjectMember
from schemes.projects.service import memberships_of


@dataclass(frozen=True)
class TransferProject:
    project: Project
    membership: ProjectMember
    decision: Decision  # the "transfer" decision now (not recorded as a denial)

    @property
    def sees_results(self) -> bool:
        """Active members see the project's portal (:func:`boa.transfers.lookups.is_results_viewer`)."""
        return self.membership.state == "active"


async def transfer_projects(session: AsyncSession, actor: Actor) -> list[TransferProject]:
    """The actor's projects (open and pending memberships) with the transfer decision for each."""
    if actor.user is None:
        return []
    out = []
    for member, project in await memberships_of(session, actor.user.id):
        decision = await decision_for(session, actor.user.ident, "transfer", str(project.number),
                                      record_denial=False)
        out.append(TransferProject(project, member, decision))
    return out


@dataclass(frozen=True)
class OpenTransfer:
    transfer: Transfer
    transferable: bool  # a file of it can still be transferred (else: discard it, or add files)


async def open_transfers(session: AsyncSession, actor: Actor, limit: int = 20) -> list[OpenTransfer]:
    """The actor's uploads not yet transferred (being checked, or waiting for notes and approval),
    newest first, each with whether anything of it can be transferred."""
    if actor.user_id is None:
        return []
    query = (select(Transfer).where(Transfer.user_id == actor.user_id,
                                    Transfer.state.in_((TransferState.READY, TransferState.VERIFYING)))
             .order_by(Transfer.id.desc()).limit(limit))
    transfers = list(await session.scalars(query))
    staged = set(await session.scalars(select(TransferFile.transfer_id).distinct().where(
        TransferFile.transfer_id.in_([t.id for t in transfers]), TransferFile.state == FileState.STAGED)))
    return [OpenTransfer(t, t.id in staged or t.state == TransferState.VERIFYING) for t in transfers]


async def is_project_member(session: AsyncSession, actor: Actor) -> bool:
    """Whether the actor has an open or pending project membership (the transfer pages' menu item)."""
    if actor.user_id is None:
        return False
    found = await session.scalar(select(ProjectMember.id).where(ProjectMember.user_id == actor.user_id,
                                                                ProjectMember.state != "ended").limit(1))
    return found is not None
