"""The transfer gate's verbs: upload, note, submit, portal, download, delete.

Each verb takes the acting :class:`~boa.kernel.actor.Actor`, runs in the request's transaction and
writes its audit row there. Who may do what:

* upload: a user with ``project_access`` to the project (a member; staff do not upload on
  anyone's behalf);
* note and submit: the transfer's owner only (anyone else gets 404);
* portal, download, delete: the project's active members and Research Services staff, and only
  for transferred files; anyone else gets 404 whether or not the project exists.

Upload and submit end the request's transaction part-way (:func:`boa.kernel.db.commit_early`): no transaction,
and on SQLite no write lock, is held while files stream in, are scanned or are re-hashed. Call
them on a session without a ``begin()`` block and commit afterwards (the API's autocommit does).
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.db import commit_early
from boa.kernel.decisions import enforce
from boa.kernel.errors import Conflict, Gone, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.settings import get_settings
from boa.people.models import User
from boa.scanner.core import scan_file
from boa.scanner.report import FileReport, ScanConfig
from boa.scanner.rules import load_rules
from boa.transfers import rules
from boa.transfers.content import current_store, release_content, store_content
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.storage import StorageIntegrityError
from boa.transfers.upload import Limits, Preamble, Received, read_upload, too_large
from schemes.projects.models import Project, ProjectMember
from schemes.projects.numbers import parse_number
from schemes.projects.service import visible

log = logging.getLogger("boa.transfers")


def limits() -> Limits:
    s = get_settings()
    return Limits(s.transfer_max_file_bytes, s.transfer_max_bytes, s.transfer_max_files)


def scan_config(lim: Limits) -> ScanConfig:
    base = load_rules()
    return ScanConfig(rules=replace(base, limits={**base.limits, "max_file_bytes": lim.max_file_bytes}))


def _scan(path: Path, name: str, config: ScanConfig) -> FileReport:
    try:
        return scan_file(path, name, config)
    except Exception:  # the scanner should not raise; if it does, a person looks at the file
        log.exception("scanner failed on %s", name)
        return FileReport(name, "unverifiable", "unreadable_content", "The file could not be read for checking")


async def authorise_upload(session: AsyncSession, actor: Actor, number: str) -> Project:
    if actor.user is None:
        raise PermissionDenied("Only a signed-in user uploads results.", code="user_required")
    project, _ = await visible(session, actor, parse_number(number, field="project"))
    await enforce(session, actor.user.ident, "project_access", str(project.number), actor=actor.label)
    return project


async def upload(session: AsyncSession, *, actor: Actor, chunks: AsyncIterator[bytes], boundary: str,
                 content_length: int | None, preamble: Preamble | None = None) -> tuple[Transfer, list[TransferFile]]:
    """Receive, scan and record the files (``preamble``: text fields the caller checks before the
    project field, e.g. the pages' CSRF token)."""
    lim = limits()
    if content_length is not None and content_length > lim.max_request_bytes:
        raise too_large("transfer_too_large", f"The transfer is larger than the allowed {lim.max_transfer_bytes} "
                        "bytes.", lim.max_transfer_bytes)
    store = current_store()
    found: dict[str, Project] = {}

    async def on_project(number: str) -> None:
        found["project"] = await authorise_upload(session, actor, number)
        # No transaction (on SQLite: no write lock) stays open while the files stream in and are scanned.
        await commit_early(session)

    received = await read_upload(chunks, boundary, store=store, limits=lim, on_project=on_project,
                                 preamble=preamble)
    try:
        return await _record(session, actor, found["project"], received.files, lim)
    except BaseException:
        for r in received.files:
            r.incoming.abort()
        raise


async def _record(session: AsyncSession, actor: Actor, project: Project, received: list[Received],
                  lim: Limits) -> tuple[Transfer, list[TransferFile]]:
    config = scan_config(lim)
    reports = [await anyio.to_thread.run_sync(_scan, r.incoming.path, r.name, config) for r in received]
    transfer = Transfer(project_id=project.id, project_number=project.number, user_id=actor.user_id,
                        state="verifying", file_count=len(received), total_bytes=sum(r.size for r in received))
    session.add(transfer)
    await session.flush()
    files = []
    for r, report in zip(received, reports, strict=True):
        state = rules.initial_file_state(report.verdict)
        files.append(TransferFile(
            transfer_id=transfer.id, name=r.name, size=r.size, sha256=r.incoming.sha256, kind=report.kind,
            verdict=report.verdict, reason=report.reason, message=report.message,
            findings=[f.to_dict() for f in report.findings], finding_counts=dict(report.finding_counts),
            row_count=report.rows, state=state, staged_key=r.incoming.key if state == "staged" else None))
        if state == "rejected":
            r.incoming.abort()
    session.add_all(files)
    rules.check_transition("transfer", transfer.state, "ready")
    transfer.state = "ready"
    await session.flush()
    await audit.record(session, actor=actor.label, action="transfer.upload", subject=f"transfer:{transfer.id}",
                       project=str(project.number), total_bytes=transfer.total_bytes,
                       files=[{"id": f.id, "name": f.name, "size": f.size, "sha256": f.sha256, "verdict": f.verdict,
                               "reason": f.reason, "findings": f.finding_counts} for f in files])
    return transfer, files


async def files_of(session: AsyncSession, transfer: Transfer, *, lock: bool = False) -> list[TransferFile]:
    query = select(TransferFile).where(TransferFile.transfer_id == transfer.id).order_by(TransferFile.name)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(await session.scalars(query))


def parse_id(value: str, what: str) -> int:
    try:
        key = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"No {what} {value!r}.") from None
    if not 0 < key < 2**62:
        raise NotFound(f"No {what} {value!r}.")
    return key


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


async def set_note(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str, text: str) -> TransferFile:
    transfer = await own_transfer(session, actor, transfer_id, lock=True)
    if transfer.state != "ready":
        raise Conflict("The transfer has been submitted; its notes can no longer change.", code="already_transferred")
    target = await file_in(session, transfer, file_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Write a note explaining the file's content.", field="text", code="note_empty")
    if len(text) > rules.MAX_NOTE_CHARS:
        raise ValidationFailed(f"A note has at most {rules.MAX_NOTE_CHARS} characters.", field="text",
                               code="note_too_long")
    before = target.note
    target.note, target.noted_at = text, clock.now()
    await audit.record(session, actor=actor.label, action="transfer.note", subject=f"transfer_file:{target.id}",
                       transfer=str(transfer.id), name=target.name, replaced=before is not None, note=text)
    return target


def sampler(transfer_id: int) -> random.Random:
    seed = get_settings().review_sample_seed
    return random.Random(f"{seed}:{transfer_id}") if seed is not None else secrets.SystemRandom()


async def submit(session: AsyncSession, *, actor: Actor, transfer_id: str,
                 approve: bool) -> tuple[Transfer, list[TransferFile]]:
    """Approve and transfer: every flagged file needs a note; rejected files stay behind."""
    if approve is not True:
        raise ValidationFailed("Tick 'approve transfer': the files comply with the confidentiality policy and "
                               "the transfer rules.", field="approve", code="approval_required")
    _, files, staged = await _submittable(session, actor, transfer_id)
    # Re-hash the received files with no transaction (on SQLite: no write lock) open, then lock the
    # transfer and check again: a concurrent submit or note may have come in between.
    await commit_early(session)
    store, checked = current_store(), True
    try:
        for f in staged:
            await anyio.to_thread.run_sync(store.check_incoming, f.staged_key, f.sha256)
    except StorageIntegrityError:
        checked = False  # a concurrent submit may have moved the files: decided again under the lock
    transfer, files, staged = await _submittable(session, actor, transfer_id, lock=True)
    await enforce(session, actor.user.ident, "transfer", str(transfer.project_number),  # type: ignore[union-attr]
                  actor=actor.label)
    settings, rng, now = get_settings(), sampler(transfer.id), clock.now()
    for f in staged:
        await store_content(session, f, store, checked=checked)
        rules.check_transition("file", f.state, "transferred")
        f.state, f.transferred_at = "transferred", now
        f.review_reason = rules.review_reason(f.verdict, rng.random(), settings.review_sample_rate)
        f.review_state = "pending" if f.review_reason else None
        await audit.record(session, actor=actor.label, action="transfer.file.store", subject=f"transfer_file:{f.id}",
                           transfer=str(transfer.id), name=f.name, sha256=f.sha256, size=f.size, verdict=f.verdict)
    rules.check_transition("transfer", transfer.state, "transferred")
    transfer.state, transfer.approved, transfer.submitted_at = "transferred", True, now
    left = [{"id": str(f.id), "name": f.name, "reason": f.reason} for f in files if f.state == "rejected"]
    await audit.record(session, actor=actor.label, action="transfer.submit", subject=f"transfer:{transfer.id}",
                       project=str(transfer.project_number), approve=True,
                       transferred=[str(f.id) for f in staged], not_transferred=left,
                       review=[str(f.id) for f in staged if f.review_reason])
    return transfer, files


async def _submittable(session: AsyncSession, actor: Actor, transfer_id: str, *,
                       lock: bool = False) -> tuple[Transfer, list[TransferFile], list[TransferFile]]:
    transfer = await own_transfer(session, actor, transfer_id, lock=lock)
    if transfer.state == "transferred":
        raise Conflict("The transfer has already been submitted.", code="already_transferred")
    files = await files_of(session, transfer, lock=lock)
    missing = [f for f in files if rules.needs_note(f.verdict, f.note)]
    if missing:
        raise Conflict("Every flagged file needs a note explaining its content before the transfer.",
                       code="note_required", files=[{"id": str(f.id), "name": f.name} for f in missing])
    staged = [f for f in files if f.state == "staged"]
    if not staged:
        raise Conflict("No file of this transfer can be transferred: every file was rejected.",
                       code="nothing_to_transfer")
    return transfer, files, staged


async def portal(session: AsyncSession, *, actor: Actor, number: str, limit: int | None,
                 cursor: str | None) -> tuple[Project, list[tuple[Transfer, list[TransferFile], str]], str | None]:
    """The project's transferred transfers, newest first (keyset on the id, descending)."""
    from boa.kernel.queries import parse_cursor, parse_limit

    size, before = parse_limit(limit), parse_cursor(cursor)
    value = parse_number(number, field="project")
    project = await session.scalar(select(Project).where(Project.number == value))
    if project is None or not await is_results_viewer(session, actor, project.id):
        raise NotFound(f"No project {value}.")
    query = (select(Transfer, User.ident).join(User, User.id == Transfer.user_id)
             .where(Transfer.project_id == project.id, Transfer.state == "transferred"))
    if before is not None:
        query = query.where(Transfer.id < before)
    rows = (await session.execute(query.order_by(Transfer.id.desc()).limit(size + 1))).all()
    page = rows[:size]
    next_cursor = str(page[-1][0].id) if len(rows) > size else None
    out = []
    for transfer, ident in page:
        shown = [f for f in await files_of(session, transfer) if f.state in ("transferred", "deleted")]
        out.append((transfer, shown, ident))
    return project, out, next_cursor


def group_by_date(items: list[tuple[Transfer, list[TransferFile], str]]) -> list[tuple[date, list]]:
    groups: dict[date, list] = {}
    for transfer, files, ident in items:
        day = clock.aware(transfer.submitted_at).date()  # type: ignore[union-attr]
        groups.setdefault(day, []).append((transfer, files, ident))
    return list(groups.items())


async def content(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str) -> tuple[TransferFile, Path]:
    transfer = await viewable_transfer(session, actor, transfer_id)
    target = await file_in(session, transfer, file_id)
    if target.state not in ("transferred", "deleted"):
        raise NotFound(f"File {file_id} has not been transferred.", code="not_transferred")
    reviewer_sees_held = target.content_key is not None and actor.has_staff_role("review")
    if target.state == "deleted" and not reviewer_sees_held:
        raise Gone(f"The content of {target.name} has been deleted.", code="content_deleted")
    path = current_store().blob_path(target.content_key or target.sha256)
    if target.content_key is None or not path.is_file():
        log.error("blob %s of file %s is missing", target.sha256, target.id)
        raise Gone(f"The content of {target.name} is not available.", code="content_missing")
    await audit.record(session, actor=actor.label, action="transfer.file.download", subject=f"transfer_file:{target.id}",
                       transfer=str(transfer.id), sha256=target.sha256)
    return target, path


async def delete_file(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str) -> TransferFile:
    """Remove a transferred file's content from the portal; the record and the audit stay. While the
    file waits for review, or is a suspected breach, the store keeps the content for the reviewer."""
    transfer = await viewable_transfer(session, actor, transfer_id)
    target = await file_in(session, transfer, file_id, lock=True)
    if target.state == "deleted":
        raise Conflict(f"{target.name} has already been deleted.", code="already_deleted")
    if target.state != "transferred":
        raise Conflict(f"{target.name} has not been transferred.", code="not_transferred")
    rules.check_transition("file", target.state, "deleted")
    target.state, target.deleted_at, target.deleted_by_id = "deleted", clock.now(), actor.user_id
    held = target.review_state in rules.HOLDS_CONTENT
    removed = False if held else await release_content(session, target)
    await audit.record(session, actor=actor.label, action="transfer.file.delete", subject=f"transfer_file:{target.id}",
                       transfer=str(transfer.id), name=target.name, sha256=target.sha256, content_held=held,
                       blob_removed=removed)
    return target
