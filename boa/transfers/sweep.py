"""Tidying the transfer store after crashes: ``boa transfers sweep``.

A crash can leave three kinds of leftovers, none of them counted as transferred:
- a received file under ``incoming/`` that no file record names (an upload killed mid-way);
- a blob under ``trash/`` (a delete killed between moving the blob aside and its commit);
- a blob that no file holds or waits for (a submit killed after the rename, never retried).

The sweep removes the first kind once older than ``older_than`` (so a running upload is never
touched), puts a trashed blob back when a file still holds that content and removes it
otherwise, and removes unreferenced blobs older than ``older_than``. Every removal is audited."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from boa.kernel import audit
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import transaction
from boa.transfers.models import TransferFile
from boa.transfers.storage import SHA256_RE, Store


@dataclass
class SweepReport:
    incoming_removed: list[str] = field(default_factory=list)
    trash_restored: list[str] = field(default_factory=list)
    trash_removed: list[str] = field(default_factory=list)
    blobs_removed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in self.__dict__.items()}


def _old(path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


async def sweep(engine: AsyncEngine, store: Store, *, older_than: timedelta = timedelta(hours=24),
                dry_run: bool = False) -> SweepReport:
    report = SweepReport()
    cutoff = time.time() - older_than.total_seconds()
    async with transaction(engine) as s:
        staged_keys = set(await s.scalars(select(TransferFile.staged_key).where(TransferFile.staged_key.is_not(None))))
        held = set(await s.scalars(select(TransferFile.content_key).where(TransferFile.content_key.is_not(None))))
        waiting = set(await s.scalars(select(TransferFile.sha256).where(TransferFile.staged_key.is_not(None))))
        for path in sorted(store.incoming_dir.iterdir()):
            if path.name not in staged_keys and _old(path, cutoff):
                report.incoming_removed.append(path.name)
                if not dry_run:
                    path.unlink(missing_ok=True)
        for path in sorted(store.trash_dir.iterdir()):
            sha = path.name.split(".", 1)[0]
            if SHA256_RE.fullmatch(sha) and sha in held and not store.has(sha):
                report.trash_restored.append(sha)
                if not dry_run:
                    store.restore(path, sha)
            elif _old(path, cutoff):
                report.trash_removed.append(path.name)
                if not dry_run:
                    store.purge(path)
        for sha in list(store.blobs()):
            if sha not in held and sha not in waiting and _old(store.blob_path(sha), cutoff):
                report.blobs_removed.append(sha)
                if not dry_run:
                    store.blob_path(sha).chmod(0o600)
                    store.blob_path(sha).unlink(missing_ok=True)
        if not dry_run and any(report.as_dict().values()):
            await audit.record(s, actor="system:sweep", action=AuditAction.TRANSFERS_SWEPT, subject="store",
                               **report.as_dict())
    return report
