"""Transfers → the shapes both faces show. Ids are strings, times ISO 8601 UTC. The review is
shown to reviewers only.

Each shape is a msgspec Struct defined here, beside the pure function that builds it from rows
already loaded (:mod:`boa.transfers.views` loads, then presents). The JSON API answers these
Structs as they are; the admin pages show them. A key shown only sometimes is ``UNSET`` when
absent (left out of the JSON)."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from boa.kernel.clock import iso as ts
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.rules import needs_note

FINDING_KEYS = ("kind", "location", "masked_value", "confidence", "message")


class FindingView(msgspec.Struct):
    """A finding of the automatic check; ``location`` names where (sheet, page, line, column, ...)."""

    kind: str | None
    location: dict[str, Any] | None
    masked_value: str | None
    confidence: float | None
    message: str | None


class ReviewView(msgspec.Struct):
    reason: str | None
    state: str | None
    comment: str | None
    reviewed_at: str | None
    breach_case_id: str | None
    content_available: bool


class FileView(msgspec.Struct, kw_only=True):
    """A transferred file; ``reason``, ``message`` and ``rows`` only when known, ``review`` only
    for reviewers."""

    id: str
    name: str
    size: int
    sha256: str
    kind: str | None
    verdict: str
    findings: list[FindingView]
    finding_counts: dict[str, int]
    note: str | None
    note_required: bool
    state: str
    transferred_at: str | None
    deleted_at: str | None
    reason: str | UnsetType = UNSET
    message: str | UnsetType = UNSET
    rows: int | UnsetType = UNSET
    review: ReviewView | UnsetType = UNSET


class TransferView(msgspec.Struct, kw_only=True):
    id: str
    project: str
    owner: str | None
    state: str
    created_at: str | None
    submitted_at: str | None
    approved: bool
    file_count: int
    total_bytes: int
    files: list[FileView]


class QueueItemView(FileView, kw_only=True):
    """A file in the review queue, with its review, its transfer and where its content is."""

    transfer_id: str
    project: str
    owner: str | None
    content_url: str


def finding(raw: dict[str, Any]) -> FindingView:
    return FindingView(**{k: raw.get(k) for k in FINDING_KEYS})


def _file_fields(f: TransferFile, *, review: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(f.id), "name": f.name, "size": f.size, "sha256": f.sha256, "kind": f.kind,
        "verdict": f.verdict, "findings": [finding(x) for x in f.findings or []],
        "finding_counts": f.finding_counts or {}, "note": f.note, "note_required": needs_note(f.verdict, f.note, f.state),
        "state": f.state, "transferred_at": ts(f.transferred_at), "deleted_at": ts(f.deleted_at),
    }
    if f.reason:
        out["reason"] = f.reason
    if f.message:
        out["message"] = f.message
    if f.row_count is not None:
        out["rows"] = f.row_count
    if review:
        out["review"] = review_part(f)
    return out


def file(f: TransferFile, *, review: bool = False) -> FileView:
    return FileView(**_file_fields(f, review=review))


def review_part(f: TransferFile) -> ReviewView:
    return ReviewView(reason=f.review_reason, state=f.review_state, comment=f.review_comment,
                      reviewed_at=ts(f.reviewed_at), breach_case_id=f.breach_case_id,
                      content_available=f.content_key is not None)


def transfer(t: Transfer, files: list[TransferFile], owner: str | None, *, review: bool = False) -> TransferView:
    return TransferView(
        id=str(t.id), project=str(t.project_number), owner=owner, state=t.state, created_at=ts(t.created_at),
        submitted_at=ts(t.submitted_at), approved=t.approved, file_count=t.file_count, total_bytes=t.total_bytes,
        files=[file(f, review=review) for f in files])


def queue_item(f: TransferFile, t: Transfer, owner: str | None) -> QueueItemView:
    return QueueItemView(**_file_fields(f, review=True), transfer_id=str(t.id), project=str(t.project_number),
                         owner=owner, content_url=f"/v1/transfers/{t.id}/files/{f.id}/content")
