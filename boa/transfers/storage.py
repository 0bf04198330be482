"""The transfer store on disk: received files, then immutable content-addressed blobs.

Layout under the store directory (``BOA_TRANSFER_DIR``, default ``<var>/transfers``)::

    incoming/<key>            a file being received or waiting for the submit (mode 0600)
    sha256/ab/cd/<sha256>     a transferred file's content, read-only (mode 0444)
    trash/<sha256>.<token>    a blob being removed, until the removing transaction ends

A blob appears at its final path only through ``os.replace`` of a complete, fsynced file whose
SHA-256 was checked, so a crash never leaves a half file that looks complete: a leftover in
``incoming/`` is never a blob. Blocking calls; async callers run them in a thread.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from boa.kernel.errors import BoaError

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}(\.[a-z0-9]{1,10})?$")
SUFFIX_RE = re.compile(r"^[a-z0-9]{1,10}$")
BLOB_MODE = 0o444
READ_SIZE = 1 << 20


class StorageIntegrityError(BoaError):
    status = 500
    code = "storage_integrity_failed"
    title = "Storage integrity failed"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with Path(path).open("rb") as fh:
        while chunk := fh.read(READ_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@dataclass
class Incoming:
    """A file being received: written and hashed chunk by chunk, never held whole in memory."""

    key: str
    path: Path
    size: int = 0
    _digest: hashlib._Hash = field(default_factory=hashlib.sha256, repr=False)
    _fh: BinaryIO | None = field(default=None, repr=False)
    sha256: str | None = None

    def open(self) -> Incoming:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(fd, "wb")
        return self

    def _open_file(self) -> BinaryIO:
        if self._fh is None:
            raise StorageIntegrityError(f"The received file {self.key} is not open.")
        return self._fh

    def write(self, chunk: bytes) -> None:
        self._open_file().write(chunk)
        self._digest.update(chunk)
        self.size += len(chunk)

    def finish(self) -> str:
        """Flush and fsync; the file is complete and its SHA-256 known."""
        fh = self._open_file()
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        self._fh = None
        self.sha256 = self._digest.hexdigest()
        return self.sha256

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.path.unlink(missing_ok=True)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.incoming_dir = self.root / "incoming"
        self.blob_dir = self.root / "sha256"
        self.trash_dir = self.root / "trash"
        for d in (self.incoming_dir, self.blob_dir, self.trash_dir):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)

    # -- receiving ---------------------------------------------------------------------------
    def receive(self, suffix: str = "") -> Incoming:
        """A new file under ``incoming/``. The upload's extension is kept as a suffix, because
        some readers (openpyxl) judge a file by the extension of its path."""
        key = secrets.token_urlsafe(24)
        if suffix and SUFFIX_RE.fullmatch(suffix):
            key += f".{suffix}"
        return Incoming(key, self.incoming_dir / key).open()

    def incoming_path(self, key: str) -> Path:
        if not KEY_RE.fullmatch(key):
            raise ValueError("malformed incoming key")
        return self.incoming_dir / key

    def discard_incoming(self, key: str | None) -> None:
        if key:
            self.incoming_path(key).unlink(missing_ok=True)

    # -- blobs -------------------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        if not SHA256_RE.fullmatch(sha256):
            raise ValueError("malformed sha256")
        return self.blob_dir / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.blob_path(sha256).is_file()

    def check_incoming(self, key: str, sha256: str) -> None:
        """The received file ``key`` still has the SHA-256 it had when it arrived."""
        try:
            actual = hash_file(self.incoming_path(key))[0]
        except FileNotFoundError:
            raise StorageIntegrityError(f"The received file {key} is missing; nothing was stored.") from None
        if actual != sha256:
            raise StorageIntegrityError(f"The received file {key} no longer has its SHA-256; nothing was stored.")

    def commit(self, key: str, sha256: str, *, checked: bool = False) -> Path:
        """Make the received file ``key`` the blob ``sha256``: check its hash (unless the caller
        just did), make it read-only, and move it into place with one atomic rename (or drop it
        when the blob exists).

        A blob in place is complete and has its SHA-256 (it only gets there by this rename), so
        when it exists the received file is not needed and may be gone: a submit that moved it
        and then crashed or rolled back before its commit left the file staged, and the next
        submit finds the blob instead of the received file."""
        source = self.incoming_path(key)
        final = self.blob_path(sha256)
        if final.is_file():
            source.unlink(missing_ok=True)
            return final
        if not checked:
            self.check_incoming(key, sha256)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(source, BLOB_MODE)
        fd = os.open(source, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(source, final)
        _fsync_dir(final.parent)
        return final

    def put_file(self, path: Path) -> str:
        """Copy any file into the store (temp file, fsync, rename); returns its SHA-256."""
        incoming = self.receive()
        try:
            with Path(path).open("rb") as fh:
                while chunk := fh.read(READ_SIZE):
                    incoming.write(chunk)
            sha = incoming.finish()
            self.commit(incoming.key, sha)
            return sha
        except BaseException:
            incoming.abort()
            raise

    def blobs(self) -> Iterator[str]:
        """The SHA-256 of every complete blob; anything else under the store is not a blob."""
        for path in self.blob_dir.glob("*/*/*"):
            name = path.name
            if (SHA256_RE.fullmatch(name) and path.parent.name == name[2:4]
                    and path.parent.parent.name == name[:2] and path.is_file()):
                yield name

    def verify(self, sha256: str) -> bool:
        path = self.blob_path(sha256)
        return path.is_file() and hash_file(path)[0] == sha256

    # -- removal (two steps, so a rolled-back delete can put the blob back) -----------------
    def trash(self, sha256: str) -> Path | None:
        """Move the blob out of place; returns where it went (None if it was not there)."""
        source = self.blob_path(sha256)
        target = self.trash_dir / f"{sha256}.{secrets.token_hex(8)}"
        try:
            os.replace(source, target)
        except FileNotFoundError:
            return None
        return target

    def restore(self, trashed: Path, sha256: str) -> None:
        final = self.blob_path(sha256)
        if final.exists():
            trashed.unlink(missing_ok=True)
        else:
            os.replace(trashed, final)

    @staticmethod
    def purge(trashed: Path) -> None:
        trashed.unlink(missing_ok=True)


_stores: dict[Path, Store] = {}


def store_at(root: Path) -> Store:
    root = Path(root).resolve()
    if root not in _stores:
        _stores[root] = Store(root)
    return _stores[root]
