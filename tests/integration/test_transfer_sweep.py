"""``boa transfers sweep`` removes what crashes leave in the store and nothing a transfer needs."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta

from sqlalchemy import select

from boa.kernel.db import transaction
from boa.kernel.models import AuditEntry
from boa.transfers.sweep import sweep
from tests.transfer_helpers import CLEAN_TABLE, project_no, upload

DAY = 24 * 3600


def _age(path, seconds: float) -> None:  # type: ignore[no-untyped-def]
    then = time.time() - seconds
    os.utime(path, (then, then))


async def test_sweep_removes_leftovers_and_keeps_what_transfers_need(client, as_user, demo, gate):
    store, resa = gate.store, await as_user("RESA")
    number = await project_no(demo)
    # One transferred file (its blob is held) and one waiting for submit (its received copy is named).
    r = await upload(client, resa, number, [("sent.tab", CLEAN_TABLE)])
    tid = r.json()["id"]
    assert (await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})).status_code == 200
    r = await upload(client, resa, number, [("waiting.tab", CLEAN_TABLE + "104;9\n")])
    assert r.status_code == 201
    [held] = list(store.blobs())
    waiting = [p for p in store.incoming_dir.iterdir()]
    assert len(waiting) == 1

    # Leftovers: a killed upload (old and fresh), an orphan blob, a trashed blob still held, an old trash file.
    stale = store.incoming_dir / "killed-upload.txt"
    stale.write_bytes(b"half a file")
    _age(stale, 2 * DAY)
    fresh = store.incoming_dir / "running-upload.txt"
    fresh.write_bytes(b"still arriving")
    orphan = store.put_file(_write(store.root / "orphan.txt", b"nobody holds me"))
    _age(store.blob_path(orphan), 2 * DAY)
    trashed = store.trash(held)
    old_trash = store.trash_dir / f"{'0' * 64}.dead"
    old_trash.write_bytes(b"x")
    _age(old_trash, 2 * DAY)
    for path in waiting:
        _age(path, 2 * DAY)  # old, but a transfer still waits for it

    dry = await sweep(demo, store, dry_run=True)
    assert dry.incoming_removed == ["killed-upload.txt"] and stale.exists()

    report = await sweep(demo, store)
    assert report.incoming_removed == ["killed-upload.txt"]
    assert report.trash_restored == [held] and report.trash_removed == [old_trash.name]
    assert report.blobs_removed == [orphan]
    assert not stale.exists() and fresh.exists() and all(p.exists() for p in waiting)
    assert not trashed.exists() and not old_trash.exists()
    assert sorted(store.blobs()) == [held] and store.verify(held)
    async with transaction(demo) as s:
        actions = list(await s.scalars(select(AuditEntry.action)))
    assert "transfers.swept" in actions
    # Nothing left to do: a second sweep changes nothing and writes no audit row.
    again = await sweep(demo, store)
    assert not any(again.as_dict().values())
    # The held content still downloads.
    r = await client.get(f"/v1/transfers/{tid}", headers=resa)
    fid = r.json()["files"][0]["id"]
    content = await client.get(f"/v1/transfers/{tid}/files/{fid}/content", headers=resa)
    assert hashlib.sha256(content.content).hexdigest() == held


def _write(path, data: bytes):  # type: ignore[no-untyped-def]
    path.write_bytes(data)
    return path


async def test_sweep_of_an_empty_store_does_nothing(gate, db):
    report = await sweep(db, gate.store, older_than=timedelta(0))
    assert not any(report.as_dict().values())
