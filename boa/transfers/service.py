"""The transfer gate's writes: upload, note, submit, and changing an open transfer (add files,
remove a file, discard one with nothing left to transfer); the portal's read side, download and
delete are in :mod:`boa.transfers.portal`.

Each verb takes the acting :class:`~boa.kernel.actor.Actor`, runs in the request's transaction and
writes its audit row there. Who may do what:

* upload: a user with ``project_access`` to the project (a member; staff do not upload on
  anyone's behalf);
* note, submit, add, remove and discard: the transfer's owner only (anyone else gets 404); adding
  files asks ``project_access`` again, as the first upload did;
* portal, download, delete: the project's active members and Research Services staff, and only
  for transferred files; anyone else gets 404 whether or not the project exists.

Upload, add and submit end the request's transaction part-way (:func:`boa.kernel.db.commit_early`): no transaction,
and on SQLite no write lock, is held while files stream in, are scanned or are re-hashed. Call
them on a session without a ``begin()`` block and commit afterwards (the API's autocommit does).
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import AsyncIterator

import anyio
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import commit_early
from boa.kernel.decisions import enforce
from boa.kernel.errors import Conflict, PermissionDenied, ValidationFailed
from boa.kernel.settings import get_settings
from boa.people.lookups import user_of
from boa.transfers import rules, scanning
from boa.transfers.content import current_store, discard_after_commit, store_content
from boa.transfers.lookups import file_in, files_of, own_transfer
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.states import FILE, TRANSFER, FileState, ReviewState, TransferState
from boa.transfers.storage import StorageIntegrityError
from boa.transfers.upload import Existing, Limits, Preamble, Received, read_upload, too_large
from schemes.projects.models import Project
from schemes.projects.numbers import parse_number
from schemes.projects.service import visible

log = logging.getLogger("boa.transfers")


def limits() -> Limits:
    s = get_settings()
    return Limits(s.transfer_max_file_bytes, s.transfer_max_bytes, s.transfer_max_files)


async def authorise_upload(session: AsyncSession, actor: Actor, number: str) -> Project:
    if actor.user is None:
        raise PermissionDenied("Only a signed-in user uploads results.", code="user_required")
    project, _ = await visible(session, actor, parse_number(number, field="project"))
    await enforce(session, actor.user.ident, "project_access", str(project.number), actor=actor.label)
    return project


async def upload(session: AsyncSession, *, actor: Actor, chunks: AsyncIterator[bytes], boundary: str,
                 content_length: int | None, preamble: Preamble | None = None) -> tuple[Transfer, list[TransferFile]]:
    """Receive and record the files ``verifying``, start their scans off the request and wait up to
    ``BOA_SCAN_WAIT_SECONDS`` for the verdicts (:mod:`boa.transfers.scanning`). ``preamble``: text
    fields the caller checks before the project field, e.g. the pages' CSRF token."""
    lim = limits()
    if content_length is not None and content_length > lim.max_request_bytes:
        raise too_large("transfer_too_large", f"The transfer is larger than the allowed {lim.max_transfer_bytes} "
                        "bytes.", lim.max_transfer_bytes)
    store = current_store()
    found: dict[str, Project] = {}

    async def on_project(number: str) -> None:
        found["project"] = await authorise_upload(session, actor, number)
        # No transaction (on SQLite: no write lock) stays open while the files stream in.
        await commit_early(session)

    received = await read_upload(chunks, boundary, store=store, limits=lim, on_project=on_project,
                                 preamble=preamble)
    try:
        transfer = await _record(session, actor, found["project"], received.files)
        await commit_early(session)  # the scanners read the rows from their own transactions
    except BaseException:
        _abort(received.files)
        raise
    return transfer, await _scan(session, transfer)


def _abort(received: list[Received]) -> None:
    for r in received:
        r.incoming.abort()


async def _scan(session: AsyncSession, transfer: Transfer) -> list[TransferFile]:
    """Scan the transfer's files that are verifying, waiting up to ``BOA_SCAN_WAIT_SECONDS``."""
    bind = session.bind
    if isinstance(bind, AsyncEngine):
        await scanning.wait_for_verdicts(scanning.dispatch(bind, transfer.id), get_settings().scan_wait_seconds)
    elif isinstance(bind, AsyncConnection):  # a caller's transaction holds the connection: scanned in line
        await scanning.scan_transfer(bind, transfer.id)
    await session.refresh(transfer)
    return await files_of(session, transfer, fresh=True)


def _new_files(transfer: Transfer, received: list[Received]) -> list[TransferFile]:
    return [TransferFile(transfer_id=transfer.id, name=r.name, size=r.size, sha256=r.incoming.sha256,
                         verdict=scanning.PENDING, state=FileState.VERIFYING, staged_key=r.incoming.key)
            for r in received]


def _listed(files: list[TransferFile]) -> list[dict[str, object]]:
    return [{"id": f.id, "name": f.name, "size": f.size, "sha256": f.sha256} for f in files]


async def _record(session: AsyncSession, actor: Actor, project: Project, received: list[Received]) -> Transfer:
    transfer = Transfer(project_id=project.id, project_number=project.number, user_id=actor.user_id,
                        state=TransferState.VERIFYING, file_count=len(received), total_bytes=sum(r.size for r in received))
    session.add(transfer)
    await session.flush()
    files = _new_files(transfer, received)
    session.add_all(files)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_UPLOAD,
                       subject=f"transfer:{transfer.id}",
                       project=str(project.number), total_bytes=transfer.total_bytes, files=_listed(files))
    return transfer


def require_open(transfer: Transfer) -> None:
    """An open transfer's files may change: not while they are being checked, not once transferred."""
    if transfer.state == TransferState.VERIFYING:
        raise Conflict("The files are still being checked; change the transfer when every file has its verdict.",
                       code="still_verifying")
    if transfer.state != TransferState.READY:
        raise Conflict("The transfer has been submitted; its files can no longer change.", code="already_transferred")


async def add_files(session: AsyncSession, *, actor: Actor, transfer_id: str, chunks: AsyncIterator[bytes],
                    boundary: str, content_length: int | None,
                    preamble: Preamble | None = None) -> tuple[Transfer, list[TransferFile], list[TransferFile]]:
    """Add forgotten files to the actor's open transfer: read, limited and scanned exactly as an
    upload's files (the transfer's files count towards its limits and its names are taken). The
    transfer is ``verifying`` again until the new files have their verdicts. Returns the transfer,
    the files added and all its files."""
    transfer = await own_transfer(session, actor, transfer_id)
    require_open(transfer)
    await authorise_upload(session, actor, str(transfer.project_number))
    lim = limits()
    if content_length is not None and content_length > lim.max_request_bytes:
        raise too_large("transfer_too_large", f"The transfer is larger than the allowed {lim.max_transfer_bytes} "
                        "bytes.", lim.max_transfer_bytes)
    held = await files_of(session, transfer)
    existing = Existing(project=str(transfer.project_number), names=frozenset(f.name.casefold() for f in held),
                        count=len(held), total=sum(f.size for f in held))
    await commit_early(session)  # no transaction (on SQLite: no write lock) while the files stream in

    received = await read_upload(chunks, boundary, store=current_store(), limits=lim, on_project=_no_project,
                                 preamble=preamble, existing=existing)
    try:
        transfer, added = await _add(session, actor, transfer_id, received.files, lim)
        await commit_early(session)
    except BaseException:
        _abort(received.files)
        raise
    files = await _scan(session, transfer)
    ids = {f.id for f in added}
    return transfer, [f for f in files if f.id in ids], files


async def _no_project(_: str) -> None:
    """Files added to a transfer come without a project field (the reader refuses one)."""


async def _add(session: AsyncSession, actor: Actor, transfer_id: str, received: list[Received],
               lim: Limits) -> tuple[Transfer, list[TransferFile]]:
    transfer = await own_transfer(session, actor, transfer_id, lock=True)
    require_open(transfer)  # again, under the lock: a submit, a discard or another add may have come first
    held = await files_of(session, transfer, lock=True)
    taken = {f.name.casefold() for f in held}
    twice = next((r.name for r in received if r.name.casefold() in taken), None)
    if twice is not None:
        raise ValidationFailed(f"The file name {twice!r} occurs twice in this transfer.", code="duplicate_file_name",
                               field="files", file=twice)
    if len(held) + len(received) > lim.max_files:
        raise too_large("too_many_files", f"At most {lim.max_files} files per transfer.", lim.max_files)
    if sum(f.size for f in held) + sum(r.size for r in received) > lim.max_transfer_bytes:
        raise too_large("transfer_too_large", f"The transfer is larger than the allowed {lim.max_transfer_bytes} "
                        "bytes.", lim.max_transfer_bytes)
    files = _new_files(transfer, received)
    session.add_all(files)
    transfer.state = TRANSFER.move(transfer.state, TransferState.VERIFYING)
    transfer.file_count += len(files)
    transfer.total_bytes += sum(f.size for f in files)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_FILES_ADD,
                       subject=f"transfer:{transfer.id}", project=str(transfer.project_number),
                       total_bytes=transfer.total_bytes, files=_listed(files))
    return transfer, files


async def remove_file(session: AsyncSession, *, actor: Actor, transfer_id: str,
                      file_id: str) -> tuple[Transfer, TransferFile]:
    """Take a file out of the actor's open transfer before it is submitted. Nothing of it has left
    the gate, so its record goes (its name is free again for a corrected file) and its received copy
    is removed once this commits; the audit row keeps its name, size and SHA-256."""
    transfer = await own_transfer(session, actor, transfer_id, lock=True)
    require_open(transfer)
    target = await file_in(session, transfer, file_id, lock=True)
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_FILE_REMOVE,
                       subject=f"transfer_file:{target.id}", transfer=str(transfer.id),
                       project=str(transfer.project_number), name=target.name, size=target.size,
                       sha256=target.sha256, verdict=target.verdict)
    discard_after_commit(session, target.staged_key)
    transfer.file_count -= 1
    transfer.total_bytes -= target.size
    await session.delete(target)
    await session.flush()
    return transfer, target


async def discardable(session: AsyncSession, actor: Actor, transfer_id: str, *,
                      lock: bool = False) -> tuple[Transfer, list[TransferFile]]:
    """The actor's open transfer with nothing left to transfer (every file rejected, or none left),
    with its files; 409 ``transferable_files`` while a file could still be transferred."""
    transfer = await own_transfer(session, actor, transfer_id, lock=lock)
    require_open(transfer)
    files = await files_of(session, transfer, lock=lock)
    staged = [f for f in files if f.state == FileState.STAGED]
    if staged:
        raise Conflict("This transfer still has files that can be transferred: transfer them, or remove them "
                       "first.", code="transferable_files", files=[{"id": str(f.id), "name": f.name} for f in staged])
    return transfer, files


async def discard(session: AsyncSession, *, actor: Actor, transfer_id: str) -> Transfer:
    """Discard the actor's open transfer whose files were all rejected: it leaves the lists (its
    rows go; nothing of it was kept but the records), and the audit row keeps what it held."""
    transfer, files = await discardable(session, actor, transfer_id, lock=True)
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_DISCARD,
                       subject=f"transfer:{transfer.id}", project=str(transfer.project_number),
                       files=[{"id": f.id, "name": f.name, "sha256": f.sha256, "verdict": f.verdict,
                               "reason": f.reason} for f in files])
    for f in files:
        discard_after_commit(session, f.staged_key)
        await session.delete(f)
    await session.flush()
    await session.delete(transfer)
    await session.flush()
    return transfer


async def set_note(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str, text: str) -> TransferFile:
    transfer = await own_transfer(session, actor, transfer_id, lock=True)
    if transfer.state != TransferState.READY:
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
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_NOTE,
                       subject=f"transfer_file:{target.id}",
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
            if f.staged_key is not None:
                await anyio.to_thread.run_sync(store.check_incoming, f.staged_key, f.sha256)
    except StorageIntegrityError:
        checked = False  # a concurrent submit may have moved the files: decided again under the lock
    transfer, files, staged = await _submittable(session, actor, transfer_id, lock=True)
    await enforce(session, user_of(actor).ident, "transfer", str(transfer.project_number),
                  actor=actor.label)
    settings, rng, now = get_settings(), sampler(transfer.id), clock.now()
    for f in staged:
        await store_content(session, f, store, checked=checked)
        f.state, f.transferred_at = FILE.move(f.state, FileState.TRANSFERRED), now
        f.review_reason = rules.review_reason(f.verdict, rng.random(), settings.review_sample_rate)
        f.review_state = ReviewState.PENDING if f.review_reason else None
        await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_FILE_STORE,
                           subject=f"transfer_file:{f.id}",
                           transfer=str(transfer.id), name=f.name, sha256=f.sha256, size=f.size, verdict=f.verdict)
    transfer.state = TRANSFER.move(transfer.state, TransferState.TRANSFERRED)
    transfer.approved, transfer.submitted_at = True, now
    left = [{"id": str(f.id), "name": f.name, "reason": f.reason} for f in files if f.state == FileState.REJECTED]
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_SUBMIT,
                       subject=f"transfer:{transfer.id}",
                       project=str(transfer.project_number), approve=True,
                       transferred=[str(f.id) for f in staged], not_transferred=left,
                       review=[str(f.id) for f in staged if f.review_reason])
    return transfer, files


async def _submittable(session: AsyncSession, actor: Actor, transfer_id: str, *,
                       lock: bool = False) -> tuple[Transfer, list[TransferFile], list[TransferFile]]:
    transfer = await own_transfer(session, actor, transfer_id, lock=lock)
    if transfer.state == TransferState.TRANSFERRED:
        raise Conflict("The transfer has already been submitted.", code="already_transferred")
    if transfer.state == TransferState.VERIFYING:
        raise Conflict("The files are still being checked; submit when every file has its verdict.",
                       code="still_verifying")
    files = await files_of(session, transfer, lock=lock)
    missing = [f for f in files if rules.needs_note(f.verdict, f.note, f.state)]
    if missing:
        raise Conflict("Every flagged file needs a note explaining its content before the transfer.",
                       code="note_required", files=[{"id": str(f.id), "name": f.name} for f in missing])
    staged = [f for f in files if f.state == FileState.STAGED]
    if not staged:
        raise Conflict("No file of this transfer can be transferred: every file was rejected.",
                       code="nothing_to_transfer")
    return transfer, files, staged
