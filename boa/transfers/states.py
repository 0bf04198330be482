"""The transfer gate's lifecycles as data (SPEC 6): the transfer, its files and their review.
Pure: the services move a state only through these tables.

A transfer moves ``verifying → ready → transferred``: it is ``verifying`` while its files are
received and scanned, ``ready`` while it waits for notes and the user's approval (files added to it
then take it back to ``verifying`` until they are checked), and ``transferred`` once submitted.
An open transfer with nothing left to transfer (every file rejected) is discarded: its rows go,
the audit log keeps what it held.
A file is ``staged`` (received, waiting for the submit), ``rejected`` (never leaves the gate),
``transferred`` (in the store) or ``deleted`` (content removed from the portal; record kept); a
staged table replaced by its protected version ("protect this table") becomes ``rejected``.
A transferred file chosen for review is ``pending`` until a reviewer marks it ``ok`` or a
``suspected_breach`` (SPEC 6.5), or a ``disclosure_control`` breach (a small cell: guidance, no
lock; issue 15); a file outside the queue is reviewed as if it were pending."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class TransferState(StrEnum):
    VERIFYING = "verifying"
    READY = "ready"
    TRANSFERRED = "transferred"


class FileState(StrEnum):
    VERIFYING = "verifying"  # stored, its scan not yet done
    STAGED = "staged"
    REJECTED = "rejected"
    TRANSFERRED = "transferred"
    DELETED = "deleted"


class ReviewState(StrEnum):
    PENDING = "pending"
    OK = "ok"
    SUSPECTED_BREACH = "suspected_breach"
    DISCLOSURE_CONTROL = "disclosure_control"


TRANSFER = Lifecycle.open_to_all("transfer", TransferState, [
    (TransferState.VERIFYING, TransferState.READY),
    (TransferState.READY, TransferState.VERIFYING),  # files added to it (boa.transfers.service.add_files)
    (TransferState.READY, TransferState.TRANSFERRED),
])

FILE = Lifecycle.open_to_all("file", FileState, [
    (FileState.VERIFYING, FileState.STAGED),
    (FileState.VERIFYING, FileState.REJECTED),
    (FileState.STAGED, FileState.TRANSFERRED),
    (FileState.STAGED, FileState.REJECTED),  # replaced by its protected version (boa.transfers.protect)
    (FileState.TRANSFERRED, FileState.DELETED),
])

REVIEW = Lifecycle.open_to_all("review", ReviewState, [
    (ReviewState.PENDING, ReviewState.OK),
    (ReviewState.PENDING, ReviewState.DISCLOSURE_CONTROL),
    (ReviewState.PENDING, ReviewState.SUSPECTED_BREACH),
])

REVIEW_OUTCOMES = REVIEW.targets(ReviewState.PENDING)

# A file whose review is open, or that is a suspected breach, keeps its content in the store
# even when the user deletes it from the portal: the reviewer and a breach case need it.
HOLDS_CONTENT = frozenset({ReviewState.PENDING, ReviewState.SUSPECTED_BREACH})
