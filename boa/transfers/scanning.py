"""Scanning off the request.

An upload stores its files and records them ``verifying`` (the transfer ``verifying``) in the
request's transaction; then :func:`dispatch` starts the scans in a task of this process, which
claims each file (``scan_started_at``), scans it in the budgeted child processes of
:mod:`boa.scanner.sandbox` (through a thread: the event loop never scans) and records its verdict
in a short transaction of its own. When the last file has its verdict the transfer is ``ready`` and
the upload is audited with every verdict and finding. The upload waits up to
``BOA_SCAN_WAIT_SECONDS`` for that and answers either way: small files come back with their
verdicts, a large or hostile one ``verifying`` while its scan goes on; the pages poll and submit
waits for every verdict (409 ``still_verifying``).

A claim is a lease: a file whose scanner died (the process was killed, the machine lost) is taken
over by :func:`rescan_stale`, which the worker runs every minute (procrastinate on PostgreSQL, on
any machine that works; the in-process loop on SQLite). Claims are single UPDATEs that match only
an unclaimed or expired claim, so two scanners never record one file twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import anyio
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from boa.kernel import audit, clock
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import transaction
from boa.kernel.queries import changed
from boa.kernel.settings import get_settings
from boa.scanner import sandbox
from boa.scanner.report import FileReport
from boa.transfers import rules
from boa.transfers.content import current_store
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.states import FILE, TRANSFER, FileState, TransferState

log = logging.getLogger("boa.transfers.scanning")

PENDING = "pending"  # a file's verdict while it is verifying
POLL_SECONDS = 0.05
_TASKS: set[asyncio.Task[None]] = set()


def budget() -> sandbox.Budget:
    s = get_settings()
    return sandbox.Budget(cpu_seconds=s.scan_cpu_seconds, memory_mb=s.scan_memory_mb)


def lease() -> timedelta:
    """How long a claim holds: the longest a scan can take, and a margin."""
    return timedelta(seconds=budget().wall_seconds + 30)


Bind = AsyncEngine | AsyncConnection


@asynccontextmanager
async def _transaction(bind: Bind) -> AsyncIterator[AsyncSession]:
    """A transaction of its own on an engine; on a connection that a caller's transaction holds
    (a test that rolls everything back), a savepoint in it."""
    if isinstance(bind, AsyncEngine):
        async with transaction(bind) as session:
            yield session
        return
    async with AsyncSession(bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint") as session:
        yield session
        await session.commit()


def scan_in_sandbox(path: str, name: str, max_file_bytes: int) -> FileReport:
    """One file through the budgeted scanner processes (blocking: call it from a thread)."""
    s = get_settings()
    return sandbox.pool(budget(), s.scan_workers).scan(path, name, max_file_bytes)


async def _claim(engine: Bind, file_id: int) -> TransferFile | None:
    now = clock.now()
    async with _transaction(engine) as session:
        claimed = await changed(session, update(TransferFile)
                                .where(TransferFile.id == file_id, TransferFile.state == FileState.VERIFYING,
                                       or_(TransferFile.scan_started_at.is_(None),
                                           TransferFile.scan_started_at < now - lease()))
                                .values(scan_started_at=now))
        if claimed != 1:
            return None
        return await session.get(TransferFile, file_id)


async def _record(engine: Bind, file_id: int, report: FileReport) -> int | None:
    """Writes the verdict; the transfer's id when this was its last file."""
    async with _transaction(engine) as session:
        transfer_id = await session.scalar(select(TransferFile.transfer_id).where(TransferFile.id == file_id))
        if transfer_id is None:
            return None
        # The transfer's row first (as submit locks it): the files of one transfer record one at a
        # time, so the last one sees every other verdict and finishes the transfer. Without it two
        # files recorded at once on PostgreSQL each saw the other still verifying.
        await session.get(Transfer, transfer_id, with_for_update=True)
        f = await session.get(TransferFile, file_id, with_for_update=True)
        if f is None or f.state != FileState.VERIFYING:
            return None
        state = rules.initial_file_state(report.verdict)
        f.kind, f.verdict, f.reason, f.message = report.kind, report.verdict, report.reason, report.message
        f.findings = [x.to_dict() for x in report.findings]
        f.finding_counts, f.row_count = dict(report.finding_counts), report.rows
        f.state = FILE.move(f.state, state)
        if state == FileState.REJECTED:
            current_store().discard_incoming(f.staged_key)
            f.staged_key = None
        left = await session.scalar(select(TransferFile.id).where(
            TransferFile.transfer_id == f.transfer_id, TransferFile.state == FileState.VERIFYING).limit(1))
        return f.transfer_id if left is None else None


async def _finish(session: AsyncSession, transfer_id: int) -> None:
    transfer = await session.get(Transfer, transfer_id, with_for_update=True)
    if transfer is None or transfer.state != TransferState.VERIFYING:
        return
    transfer.state = TRANSFER.move(transfer.state, TransferState.READY)
    files = list(await session.scalars(select(TransferFile).where(TransferFile.transfer_id == transfer_id)
                                       .order_by(TransferFile.id)))
    await audit.record(session, actor="system:scanner", action=AuditAction.TRANSFER_SCANNED,
                       subject=f"transfer:{transfer.id}", project=str(transfer.project_number),
                       files=[{"id": f.id, "name": f.name, "verdict": f.verdict, "reason": f.reason,
                               "findings": f.finding_counts} for f in files])


async def scan_file(engine: Bind, file_id: int) -> bool:
    """Claims, scans and records one file; False when another scanner has it."""
    f = await _claim(engine, file_id)
    if f is None:
        return False
    max_file_bytes = get_settings().transfer_max_file_bytes
    path = str(current_store().incoming_path(f.staged_key)) if f.staged_key else ""
    report = (await anyio.to_thread.run_sync(scan_in_sandbox, path, f.name, max_file_bytes) if path
              else FileReport(f.name, "unverifiable", "unreadable_content", "The file could not be read for checking"))
    finished = await _record(engine, file_id, report)
    if finished is not None:
        async with _transaction(engine) as session:
            await _finish(session, finished)
    return True


async def scan_transfer(engine: Bind, transfer_id: int) -> None:
    async with _transaction(engine) as session:
        ids = list(await session.scalars(select(TransferFile.id).where(
            TransferFile.transfer_id == transfer_id, TransferFile.state == FileState.VERIFYING)
            .order_by(TransferFile.id)))
    if not isinstance(engine, AsyncEngine):  # one connection: one statement at a time
        for file_id in ids:
            await scan_file(engine, file_id)
        return
    # Several files at once, as many as the pool has children; the pool's semaphore bounds the rest.
    async with anyio.create_task_group() as tg:
        for file_id in ids:
            tg.start_soon(scan_file, engine, file_id)


def dispatch(engine: AsyncEngine, transfer_id: int) -> asyncio.Task[None]:
    """Starts the transfer's scans in this process (kept referenced until done)."""

    async def run() -> None:
        try:
            await scan_transfer(engine, transfer_id)
        except Exception:
            log.exception("scanning transfer %s failed; the worker takes it over after the lease", transfer_id)

    task = asyncio.get_running_loop().create_task(run(), name=f"boa-scan-{transfer_id}")
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return task


async def wait_for_verdicts(task: asyncio.Task[None], seconds: float) -> None:
    """Waits up to ``seconds`` for the scans (never cancels them)."""
    if seconds > 0:
        await asyncio.wait([task], timeout=seconds)


async def rescan_stale(engine: Bind) -> int:
    """Scans the files whose claim expired or that were never claimed within a lease."""
    cutoff = clock.now() - lease()
    async with _transaction(engine) as session:
        ids = list(await session.scalars(
            select(TransferFile.id).join(Transfer, Transfer.id == TransferFile.transfer_id)
            .where(TransferFile.state == FileState.VERIFYING,
                   or_(TransferFile.scan_started_at < cutoff,
                       and_(TransferFile.scan_started_at.is_(None), TransferFile.created_at < cutoff)))
            .order_by(TransferFile.id).limit(100)))
    done = 0
    for file_id in ids:
        done += await scan_file(engine, file_id)
    # A transfer whose scanner died between its last verdict and finishing it.
    async with _transaction(engine) as session:
        verifying = select(TransferFile.id).where(TransferFile.transfer_id == Transfer.id,
                                                  TransferFile.state == FileState.VERIFYING)
        unfinished = list(await session.scalars(select(Transfer.id).where(
            Transfer.state == TransferState.VERIFYING, Transfer.created_at < cutoff, ~verifying.exists()).limit(100)))
    for transfer_id in unfinished:
        async with _transaction(engine) as session:
            await _finish(session, transfer_id)
    return done
