"""The transfer store: atomic, content-addressed, read-only blobs; leftovers never count."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from boa.transfers.rules import review_reason
from boa.transfers.storage import StorageIntegrityError, Store

DATA = b"kommune;antal\n101;12\n" * 1000
SHA = hashlib.sha256(DATA).hexdigest()


def _receive(store: Store, data: bytes, chunk: int = 4096):
    incoming = store.receive()
    for i in range(0, len(data), chunk):
        incoming.write(data[i:i + chunk])
    return incoming


def test_a_received_file_becomes_a_read_only_blob_named_by_its_sha256(tmp_path):
    store = Store(tmp_path)
    incoming = _receive(store, DATA)
    assert incoming.finish() == SHA and incoming.size == len(DATA)
    path = store.commit(incoming.key, SHA)
    assert path == tmp_path / "sha256" / SHA[:2] / SHA[2:4] / SHA
    assert path.read_bytes() == DATA and hashlib.sha256(path.read_bytes()).hexdigest() == SHA
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert not any(store.incoming_dir.iterdir())  # the received copy became the blob
    assert list(store.blobs()) == [SHA] and store.verify(SHA)


def test_a_leftover_partial_file_is_not_a_blob(tmp_path):
    store = Store(tmp_path)
    crashed = _receive(store, DATA[: len(DATA) // 2])  # the process died here: never finished
    crashed._fh.flush()  # type: ignore[attr-defined]
    assert crashed.path.stat().st_size > 0
    # a stray temp file inside the blob tree (an older writer, a copy by hand) is not a blob either
    stray = store.blob_path(SHA).parent
    stray.mkdir(parents=True)
    (stray / f"{SHA}.tmp").write_bytes(DATA[:10])
    assert not store.has(SHA) and list(store.blobs()) == [] and not store.verify(SHA)
    sha = store.put_file(_write(tmp_path / "src", DATA))
    assert sha == SHA and list(store.blobs()) == [SHA] and store.verify(SHA)
    crashed.abort()
    assert not crashed.path.exists()


def _write(path, data):
    path.write_bytes(data)
    return path


def test_commit_refuses_a_received_file_whose_content_changed(tmp_path):
    store = Store(tmp_path)
    incoming = _receive(store, DATA)
    incoming.finish()
    with open(incoming.path, "r+b") as fh:
        fh.write(b"X")
    with pytest.raises(StorageIntegrityError):
        store.commit(incoming.key, SHA)
    assert not store.has(SHA)


def test_the_same_content_twice_is_stored_once(tmp_path):
    store = Store(tmp_path)
    for _ in range(2):
        incoming = _receive(store, DATA)
        store.commit(incoming.key, incoming.finish())
    assert list(store.blobs()) == [SHA]
    assert not any(store.incoming_dir.iterdir())


def test_trash_then_restore_or_purge(tmp_path):
    store = Store(tmp_path)
    sha = store.put_file(_write(tmp_path / "src", DATA))
    trashed = store.trash(sha)
    assert trashed is not None and not store.has(sha) and list(store.blobs()) == []
    store.restore(trashed, sha)
    assert store.verify(sha)
    trashed = store.trash(sha)
    store.purge(trashed)
    assert not store.has(sha) and not any(store.trash_dir.iterdir())
    assert store.trash(sha) is None


def test_malformed_keys_never_reach_the_file_system(tmp_path):
    store = Store(tmp_path)
    for bad in ("../x", "a" * 63, "A" * 64, "", "0" * 63 + "/"):
        with pytest.raises(ValueError):
            store.blob_path(bad)
    with pytest.raises(ValueError):
        store.incoming_path("../../etc/passwd")


def test_blob_directories_are_private(tmp_path):
    store = Store(tmp_path / "store")
    sha = store.put_file(_write(tmp_path / "src", DATA))
    assert stat.S_IMODE(os.stat(store.incoming_dir).st_mode) == 0o700
    assert stat.S_IMODE(store.blob_path(sha).parent.stat().st_mode) & 0o077 == 0


@pytest.mark.parametrize(("verdict", "draw", "rate", "reason"), [
    ("flagged", 0.99, 0.0, "flagged"),
    ("unverifiable", 0.99, 0.0, "unverifiable"),
    ("clean", 0.04, 0.05, "sample"),
    ("clean", 0.05, 0.05, None),
    ("clean", 0.0, 0.0, None),
    ("clean", 0.999, 1.0, "sample"),
    ("rejected", 0.0, 1.0, None),
])
def test_review_selection(verdict, draw, rate, reason):
    assert review_reason(verdict, draw, rate) == reason


def test_received_files_keep_a_safe_extension(tmp_path):
    store = Store(tmp_path)
    assert store.receive("xlsx").path.suffix == ".xlsx"
    assert store.receive("../x").path.suffix == ""
    assert store.receive("").path.parent == store.incoming_dir
