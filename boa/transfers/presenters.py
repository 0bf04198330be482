"""Transfers → JSON. Ids are strings, times ISO 8601 UTC. The review is shown to reviewers only."""

from __future__ import annotations

from typing import Any

from boa.kernel.clock import iso as ts
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.rules import needs_note

FINDING_KEYS = ("kind", "location", "masked_value", "confidence", "message")




def finding(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: raw.get(k) for k in FINDING_KEYS}


def file(f: TransferFile, *, review: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(f.id), "name": f.name, "size": f.size, "sha256": f.sha256, "kind": f.kind,
        "verdict": f.verdict, "findings": [finding(x) for x in f.findings or []],
        "finding_counts": f.finding_counts or {}, "note": f.note, "note_required": needs_note(f.verdict, f.note),
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


def review_part(f: TransferFile) -> dict[str, Any]:
    return {"reason": f.review_reason, "state": f.review_state, "comment": f.review_comment,
            "reviewed_at": ts(f.reviewed_at), "breach_case_id": f.breach_case_id,
            "content_available": f.content_key is not None}


def transfer(t: Transfer, files: list[TransferFile], owner: str | None, *, review: bool = False) -> dict[str, Any]:
    return {
        "id": str(t.id), "project": str(t.project_number), "owner": owner, "state": t.state,
        "created_at": ts(t.created_at), "submitted_at": ts(t.submitted_at), "approved": t.approved,
        "file_count": t.file_count, "total_bytes": t.total_bytes,
        "files": [file(f, review=review) for f in files],
    }


def queue_item(f: TransferFile, t: Transfer, owner: str | None) -> dict[str, Any]:
    return {**file(f, review=True), "transfer_id": str(t.id), "project": str(t.project_number), "owner": owner,
            "content_url": f"/v1/transfers/{t.id}/files/{f.id}/content"}
