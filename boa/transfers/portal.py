"""The results portal (SPEC 6 step 4): a project's transferred files grouped by date, with their
notes; download and delete (the content goes, the record and the audit stay). For the project's
active members and Research Services; a suspension (a lock on the project, its institution or
scheme, or the user) refuses the members with 403 ``access_denied`` (issue 15)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, Gone, NotFound
from boa.kernel.queries import parse_cursor, parse_limit
from boa.people.models import User
from boa.transfers.content import current_store, release_content
from boa.transfers.lookups import file_in, is_results_viewer, require_unsuspended, viewable_transfer
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.states import FILE, HOLDS_CONTENT, FileState, TransferState
from schemes.projects.models import Project
from schemes.projects.numbers import parse_number

log = logging.getLogger("boa.transfers")


async def portal(session: AsyncSession, *, actor: Actor, number: str, limit: int | None,
                 cursor: str | None) -> tuple[Project, list[tuple[Transfer, list[TransferFile], str]], str | None]:
    """The project's transferred transfers, newest first (keyset on the id, descending), each with
    its transferred and deleted files: three queries for a page, whatever its size."""
    size, before = parse_limit(limit), parse_cursor(cursor)
    value = parse_number(number, field="project")
    project = await session.scalar(select(Project).where(Project.number == value))
    if project is None or not await is_results_viewer(session, actor, project.id):
        raise NotFound(f"No project {value}.")
    await require_unsuspended(session, actor, project.number)
    query = (select(Transfer, User.ident).join(User, User.id == Transfer.user_id)
             .where(Transfer.project_id == project.id, Transfer.state == TransferState.TRANSFERRED))
    if before is not None:
        query = query.where(Transfer.id < before)
    rows = (await session.execute(query.order_by(Transfer.id.desc()).limit(size + 1))).all()
    page = rows[:size]
    next_cursor = str(page[-1][0].id) if len(rows) > size else None
    files: dict[int, list[TransferFile]] = {transfer.id: [] for transfer, _ in page}
    if files:
        for f in await session.scalars(select(TransferFile).where(
                TransferFile.transfer_id.in_(files), TransferFile.state.in_((FileState.TRANSFERRED, FileState.DELETED)))
                .order_by(TransferFile.name)):
            files[f.transfer_id].append(f)
    return project, [(transfer, files[transfer.id], ident) for transfer, ident in page], next_cursor


def group_by_date(items: list[tuple[Transfer, list[TransferFile], str]]) -> list[tuple[date, list]]:
    groups: dict[date, list] = {}
    for transfer, files, ident in items:
        day = clock.aware(transfer.submitted_at or transfer.created_at).date()
        groups.setdefault(day, []).append((transfer, files, ident))
    return list(groups.items())


async def content(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str) -> tuple[TransferFile, Path]:
    transfer = await viewable_transfer(session, actor, transfer_id)
    await require_unsuspended(session, actor, transfer.project_number)
    target = await file_in(session, transfer, file_id)
    if target.state not in (FileState.TRANSFERRED, FileState.DELETED):
        raise NotFound(f"File {file_id} has not been transferred.", code="not_transferred")
    reviewer_sees_held = target.content_key is not None and actor.has_staff_role("review")
    if target.state == FileState.DELETED and not reviewer_sees_held:
        raise Gone(f"The content of {target.name} has been deleted.", code="content_deleted")
    path = current_store().blob_path(target.content_key or target.sha256)
    if target.content_key is None or not path.is_file():
        log.error("blob %s of file %s is missing", target.sha256, target.id)
        raise Gone(f"The content of {target.name} is not available.", code="content_missing")
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_FILE_DOWNLOAD,
                       subject=f"transfer_file:{target.id}",
                       transfer=str(transfer.id), sha256=target.sha256)
    return target, path


async def delete_file(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str) -> TransferFile:
    """Remove a transferred file's content from the portal; the record and the audit stay. While the
    file waits for review, or is a suspected breach, the store keeps the content for the reviewer."""
    transfer = await viewable_transfer(session, actor, transfer_id)
    await require_unsuspended(session, actor, transfer.project_number)
    target = await file_in(session, transfer, file_id, lock=True)
    if target.state == FileState.DELETED:
        raise Conflict(f"{target.name} has already been deleted.", code="already_deleted")
    target.state = FILE.move(target.state, FileState.DELETED,
                             refuse=Conflict(f"{target.name} has not been transferred.", code="not_transferred"))
    target.deleted_at, target.deleted_by_id = clock.now(), actor.user_id
    held = target.review_state in HOLDS_CONTENT
    removed = False if held else await release_content(session, target)
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_FILE_DELETE,
                       subject=f"transfer_file:{target.id}",
                       transfer=str(transfer.id), name=target.name, sha256=target.sha256, content_held=held,
                       blob_removed=removed)
    return target
