"""Finding a transfer and its files as the actor may see them: the owner sees their transfer at
once; the project's active members and Research Services once it is transferred; anyone else
gets 404 whether or not it exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit
from boa.kernel.access import Decision, no_active_lock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import keep_on_error
from boa.kernel.decisions import load_facts, require_allowed
from boa.kernel.errors import NotFound
from boa.kernel.queries import parse_id
from boa.transfers.models import Transfer, TransferFile
from schemes.projects.models import ProjectMember


async def files_of(session: AsyncSession, transfer: Transfer, *, lock: bool = False,
                   fresh: bool = False) -> list[TransferFile]:
    """``fresh``: as the database has them now (the scanners write them from other transactions)."""
    query = select(TransferFile).where(TransferFile.transfer_id == transfer.id).order_by(TransferFile.name)
    if lock:
        query = query.with_for_update()
    if lock or fresh:
        query = query.execution_options(populate_existing=True)
    return list(await session.scalars(query))


async def own_transfer(session: AsyncSession, actor: Actor, transfer_id: str, *, lock: bool = False) -> Transfer:
    query = select(Transfer).where(Transfer.id == parse_id(transfer_id, "transfer"))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    transfer = await session.scalar(query)
    if transfer is None or actor.user_id is None or transfer.user_id != actor.user_id:
        raise NotFound(f"No transfer {transfer_id}.")
    return transfer


async def is_results_viewer(session: AsyncSession, actor: Actor, project_id: int) -> bool:
    """Research Services staff and the project's active members see its transferred results."""
    if actor.is_staff:
        return True
    if actor.user_id is None:
        return False
    state = await session.scalar(select(ProjectMember.state).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == actor.user_id))
    return state == "active"


async def viewable_transfer(session: AsyncSession, actor: Actor, transfer_id: str) -> Transfer:
    """The owner sees a transfer at once; members and staff once it is transferred."""
    transfer = await session.get(Transfer, parse_id(transfer_id, "transfer"))
    if transfer is not None and actor.user_id is not None and transfer.user_id == actor.user_id:
        return transfer
    if transfer is None or transfer.state != "transferred" or not await is_results_viewer(
            session, actor, transfer.project_id):
        raise NotFound(f"No transfer {transfer_id}.")
    return transfer


async def file_in(session: AsyncSession, transfer: Transfer, file_id: str, *, lock: bool = False) -> TransferFile:
    query = select(TransferFile).where(TransferFile.id == parse_id(file_id, "file"),
                                       TransferFile.transfer_id == transfer.id)
    found = await session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(f"No file {file_id} in transfer {transfer.id}.")
    return found


async def require_unsuspended(session: AsyncSession, actor: Actor, project_number: int | str) -> None:
    """A suspension covers the results portal too (issue 15): a member's list, download and delete
    on a project under a lock, or by a user under one, answers 403 ``access_denied`` with the
    reasons (which lock, which case, until when). Research Services still see everything."""
    if actor.is_staff or actor.user is None:
        return
    facts = await load_facts(session, actor.user.ident, "project_access", str(project_number), user=actor.user)
    reasons = no_active_lock(facts)
    if reasons:
        await audit.record(session, actor=actor.label, action=AuditAction.ACCESS_DENIED_PROJECT_ACCESS,
                           subject=f"user:{facts.ident}", project=str(project_number), results=True,
                           reasons=[r.as_dict() for r in reasons])
        keep_on_error(session)
        require_allowed(Decision(allowed=False, reasons=tuple(reasons)))
