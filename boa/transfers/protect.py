"""'Protect this table' (issue 20, item 6): a staged table the scan flagged for small cells is
replaced, in the same transfer, by its protected version, which the researcher can look at and
transfer instead.

The protected version is made by :mod:`boa.disclosure` (cell suppression or aggregation, the
threshold the scanner used unless the researcher asks for more), written beside the received
files, scanned like any upload, and added to the transfer as a new staged file named
``<name>.protected.<ext>``. The original becomes ``rejected`` (reason ``replaced_by_protected``):
it never leaves the gate, and ``boa transfers sweep`` removes its received copy. The table is
computed before any row is locked (no transaction is held meanwhile); the transfer and the file
are then locked and checked again. Only the transfer's owner may do this (anyone else: 404).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from boa.disclosure import files as table_files
from boa.disclosure.protect import Protected, check_parameters, protect_file
from boa.kernel import audit
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import commit_early
from boa.kernel.errors import Conflict, ValidationFailed
from boa.scanner.rules import load_rules
from boa.transfers import rules
from boa.transfers.content import current_store
from boa.transfers.lookups import file_in, own_transfer
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.scanning import scan_in_sandbox
from boa.transfers.service import limits
from boa.transfers.states import FILE, FileState, TransferState
from boa.transfers.storage import Store, hash_file

REPLACED = "replaced_by_protected"
PREVIEW_ROWS = 200


@dataclass
class ProtectedResult:
    original: TransferFile
    protected: TransferFile
    outcome: Protected


def protectable(f: TransferFile) -> bool:
    """A staged table whose scan found small cells, in a format the disclosure control reads."""
    return (f.state == FileState.STAGED and f.verdict == "flagged" and bool((f.finding_counts or {}).get("small_count"))
            and table_files.extension_of(f.name) in table_files.FORMATS and REPLACED != f.reason)


def protected_name(name: str) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.protected{path.suffix}"))


def default_min_count() -> int:
    return int(load_rules().thresholds["min_cell_count"])


def _check(transfer: Transfer, target: TransferFile) -> None:
    if transfer.state == TransferState.VERIFYING:
        raise Conflict("The files are still being checked; protect the table when its verdict is in.",
                       code="still_verifying")
    if transfer.state != TransferState.READY:
        raise Conflict("The transfer has been submitted; its files can no longer change.", code="already_transferred")
    if not protectable(target):
        raise Conflict(f"{target.name} is not a staged table flagged for small cells (.csv, .txt, .tab or .xlsx); "
                       "there is nothing to protect.", code="nothing_to_protect")


def _make(store: Store, source: Path, name: str, out_name: str, *, count: str | None, method: str, min_count: int,
          lang: str) -> tuple[str, Protected]:
    key = secrets.token_urlsafe(24) + "." + table_files.extension_of(out_name)
    target = store.incoming_path(key)
    outcome = protect_file(source, target, name=name, count=count, method=method, min_count=min_count, lang=lang)
    return key, outcome


async def protect(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str, method: str = "suppress",
                  min_count: int | None = None, count: str | None = None, lang: str = "en") -> ProtectedResult:
    minimum = default_min_count() if min_count is None else min_count
    check_parameters(method, minimum)
    if minimum < default_min_count():
        raise ValidationFailed(f"The minimum count per cell is at least the gate's {default_min_count()}.",
                               field="min", code="invalid_min")
    transfer = await own_transfer(session, actor, transfer_id)
    target = await file_in(session, transfer, file_id)
    _check(transfer, target)
    if target.staged_key is None:
        raise Conflict(f"{target.name} has no received content.", code="not_staged")
    store, out_name = current_store(), protected_name(target.name)
    source, name = store.incoming_path(target.staged_key), target.name
    await commit_early(session)  # no transaction (on SQLite: no write lock) while the table is computed
    key, outcome = await anyio.to_thread.run_sync(lambda: _make(store, source, name, out_name, count=count,
                                                                method=method, min_count=minimum, lang=lang))
    try:
        return await _record(session, actor, transfer_id, file_id, store, key, out_name, outcome)
    except BaseException:
        store.discard_incoming(key)
        raise


async def _record(session: AsyncSession, actor: Actor, transfer_id: str, file_id: str, store: Store, key: str,
                  out_name: str, outcome: Protected) -> ProtectedResult:
    transfer = await own_transfer(session, actor, transfer_id, lock=True)
    original = await file_in(session, transfer, file_id, lock=True)
    _check(transfer, original)  # again, under the lock: a concurrent protect or submit may have come first
    path = store.incoming_path(key)
    sha, size = await anyio.to_thread.run_sync(hash_file, path)
    report = await anyio.to_thread.run_sync(scan_in_sandbox, str(path), out_name, limits().max_file_bytes)
    state = rules.initial_file_state(report.verdict)
    made = TransferFile(
        transfer_id=transfer.id, name=out_name, size=size, sha256=sha, kind=report.kind, verdict=report.verdict,
        reason=report.reason, message=report.message, findings=[f.to_dict() for f in report.findings],
        finding_counts=dict(report.finding_counts), row_count=report.rows, state=state,
        staged_key=key if state == FileState.STAGED else None)
    session.add(made)
    original.state = FILE.move(original.state, FileState.REJECTED)
    original.reason, original.message = REPLACED, f"Replaced by its protected version {out_name}"
    original.staged_key = None  # the received copy is left for `boa transfers sweep`
    transfer.file_count += 1
    transfer.total_bytes += size
    try:
        await session.flush()
    except Exception:  # the name is taken (a second protect raced this one)
        raise Conflict(f"{out_name} is already in this transfer.", code="already_protected") from None
    if state != FileState.STAGED:
        store.discard_incoming(key)
    summary = outcome.report.summary()
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_FILE_PROTECT,
                       subject=f"transfer_file:{made.id}", transfer=str(transfer.id), replaces=str(original.id),
                       name=out_name, sha256=sha, verdict=made.verdict, method=outcome.report.method,
                       min=outcome.report.min_count, **summary)
    return ProtectedResult(original, made, outcome)


def preview_rows(protected: Protected, limit: int = PREVIEW_ROWS) -> tuple[list[str], list[list[str]], bool]:
    rows: list[list[str]] = []
    for row in protected.rows():
        if len(rows) == limit:
            return protected.header(), rows, True
        rows.append([str(v) for v in row])
    return protected.header(), rows, False


async def preview(session: AsyncSession, *, actor: Actor, transfer_id: str, file_id: str,
                  limit: int = PREVIEW_ROWS) -> tuple[TransferFile, list[str], list[list[Any]], bool]:
    """The first rows of a staged protected table of the actor's own transfer, to look at before
    transferring it."""
    transfer = await own_transfer(session, actor, transfer_id)
    target = await file_in(session, transfer, file_id)
    if target.state != FileState.STAGED or target.staged_key is None or ".protected." not in target.name:
        raise Conflict(f"{target.name} is not a protected table waiting for the transfer.", code="no_preview")
    path = current_store().incoming_path(target.staged_key)
    return (target, *await anyio.to_thread.run_sync(_read_preview, path, target.name, limit))


def _read_preview(path: Path, name: str, limit: int) -> tuple[list[str], list[list[Any]], bool]:
    fmt = table_files.sniff(path, name)
    header: list[str] = []
    rows: list[list[Any]] = []
    for _, row in table_files.read_rows(path, fmt):
        cells = ["" if c is None else str(c) for c in row]
        if not header:
            header = cells
        elif len(rows) == limit:
            return header, rows, True
        else:
            rows.append(cells)
    return header, rows, False
