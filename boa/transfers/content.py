"""Who holds a blob: adding and dropping references to stored content, in step with the database.

A file holds its blob while ``content_key`` is set. Storing (submit) and releasing (delete, or a
review that frees a deleted file) lock the blob's ``transfer_blobs`` row, so the two never race.
A released blob with no holder left is moved to ``trash/`` inside the transaction and purged
after the commit; a rollback puts it back. A crash between the move and the commit leaves it in
``trash/`` (named by its SHA-256), from where it can be restored by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path

import anyio
from sqlalchemy import delete, event, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from boa.kernel import clock
from boa.kernel.errors import Conflict
from boa.kernel.queries import insert_if_absent
from boa.kernel.settings import get_settings
from boa.transfers.models import TransferBlob, TransferFile
from boa.transfers.storage import Store, store_at

log = logging.getLogger("boa.transfers")
_TRASH_KEY = "boa_transfer_trash"
_DISCARD_KEY = "boa_transfer_discard"


def current_store() -> Store:
    return store_at(get_settings().transfer_store_dir)


async def lock_blob(session: AsyncSession, sha256: str, size: int | None = None) -> TransferBlob | None:
    """Lock the blob's row; with ``size``, create the row first when it is missing."""
    query = select(TransferBlob).where(TransferBlob.sha256 == sha256).with_for_update()
    if size is None:
        return await session.scalar(query)
    for _ in range(5):
        now = clock.now()
        await insert_if_absent(session, TransferBlob, sha256=sha256, size=size, created_at=now, updated_at=now)
        # A concurrent release may delete the row while we wait for its lock: then insert again.
        blob = await session.scalar(query.execution_options(populate_existing=True))
        if blob is not None:
            return blob
    raise Conflict("The stored content is changing; try again.", code="content_busy")


async def store_content(session: AsyncSession, file: TransferFile, store: Store | None = None, *,
                        checked: bool = False) -> None:
    """Move a received file into the store under its SHA-256 and let ``file`` hold it
    (``checked``: the caller has just re-hashed the received file)."""
    store = store or current_store()
    if file.staged_key is None:
        raise Conflict(f"{file.name} has no received content to store.", code="not_staged")
    staged_key = file.staged_key
    await lock_blob(session, file.sha256, file.size)
    await anyio.to_thread.run_sync(lambda: store.commit(staged_key, file.sha256, checked=checked))
    file.content_key, file.staged_key = file.sha256, None
    await session.flush()


async def release_content(session: AsyncSession, file: TransferFile, store: Store | None = None) -> bool:
    """Drop ``file``'s hold on its blob; remove the blob when nobody holds it. True if removed."""
    sha = file.content_key
    if sha is None:
        return False
    store = store or current_store()
    file.content_key = None
    await session.flush()
    await lock_blob(session, sha)
    holders = await session.scalar(select(func.count(TransferFile.id)).where(TransferFile.content_key == sha))
    if holders:
        return False
    await session.execute(delete(TransferBlob).where(TransferBlob.sha256 == sha))
    trashed = await anyio.to_thread.run_sync(store.trash, sha)
    if trashed is not None:
        session.sync_session.info.setdefault(_TRASH_KEY, []).append((store, trashed, sha))
    return True


def discard_after_commit(session: AsyncSession, key: str | None, store: Store | None = None) -> None:
    """Remove a received file (``incoming/<key>``) once the transaction that lets go of it commits;
    a rollback keeps it (its record still names it)."""
    if key:
        session.sync_session.info.setdefault(_DISCARD_KEY, []).append((store or current_store(), key))


@event.listens_for(Session, "after_commit")
def _purge_after_commit(session: Session) -> None:
    for store, key in session.info.pop(_DISCARD_KEY, []):
        try:
            store.discard_incoming(key)
        except OSError:
            log.exception("could not remove the received file %s", key)
    for store, trashed, _sha in session.info.pop(_TRASH_KEY, []):
        try:
            store.purge(trashed)
        except OSError:
            log.exception("could not purge %s", trashed)


@event.listens_for(Session, "after_rollback")
def _restore_after_rollback(session: Session) -> None:
    session.info.pop(_DISCARD_KEY, None)
    for store, trashed, sha in session.info.pop(_TRASH_KEY, []):
        try:
            store.restore(Path(trashed), sha)
        except OSError:
            log.exception("could not restore %s to %s", trashed, sha)
