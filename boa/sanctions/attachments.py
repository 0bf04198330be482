"""The documentation of a report and plan (the seed's guide: "Attach any resolution minutes",
"Attach the agenda"): PDF or DOCX files the person responsible for authorisation or a substitute
attaches to a case, checked as transferred files are (the extension, the content matching it, the
microdata scan: a file that looks like microdata is refused), stored by their SHA-256 in a store
of their own (``<var>/breach_attachments``; the transfer store's sweep never touches it), and
read by Research Services and the institution's reporters."""

from __future__ import annotations

import tempfile
from pathlib import Path

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, Gone, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import parse_id
from boa.kernel.settings import get_settings
from boa.people.lookups import roles_at
from boa.sanctions.cases import visible_case
from boa.sanctions.models import BreachAttachment, BreachCase
from boa.sanctions.permissions import REPORTERS
from boa.sanctions.states import takes_report
from boa.scanner.filetypes import extension_of
from boa.transfers.scanning import scan_in_sandbox
from boa.transfers.storage import Store, store_at

ALLOWED = ("pdf", "docx")
MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CASE = 20


def attachment_store() -> Store:
    return store_at(get_settings().var_dir / "breach_attachments")


def _checked_name(name: str | None) -> str:
    name = Path((name or "").replace("\\", "/")).name.strip()
    if not name or len(name) > 255:
        raise ValidationFailed("The file needs a name (at most 255 characters).", field="file")
    if extension_of(name) not in ALLOWED:
        raise ValidationFailed("File type not allowed: attach PDF or DOCX documentation.", field="file",
                               code="file_type_not_allowed")
    return name


async def authorise(session: AsyncSession, actor: Actor, case_id: str) -> BreachCase:
    """The case, when ``actor`` may attach its documentation (before any body is read)."""
    case = await visible_case(session, actor, case_id)
    if not await roles_at(session, actor.user_id, case.institution_id) & REPORTERS:
        raise PermissionDenied("Only the person responsible for authorisation or a substitute attaches documentation.")
    return case


async def attach(session: AsyncSession, *, actor: Actor, case_id: str, name: str | None,
                 data: bytes) -> BreachAttachment:
    case = await authorise(session, actor, case_id)
    name = _checked_name(name)
    if not data:
        raise ValidationFailed("The file is empty.", field="file", code="empty_file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(f"A document has at most {MAX_BYTES // (1024 * 1024)} MB.", field="file",
                               code="file_too_large")
    if not takes_report(case.state, case.report_state):
        raise Conflict("The case takes no report now.", code="report_not_expected")
    count = len(list(await session.scalars(select(BreachAttachment.id).where(BreachAttachment.case_id == case.id))))
    if count >= MAX_PER_CASE:
        raise Conflict(f"A case takes at most {MAX_PER_CASE} documents.", code="too_many_attachments")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload.{extension_of(name)}"
        path.write_bytes(data)
        # In the budgeted scanner processes, off the event loop (a document bomb costs its budget).
        report = await anyio.to_thread.run_sync(scan_in_sandbox, str(path), name, MAX_BYTES)
        if report.verdict == "rejected":
            raise ValidationFailed(report.message or "File type not allowed.", field="file",
                                   code=report.reason or "file_type_not_allowed")
        if report.verdict == "flagged":
            raise ValidationFailed("The document looks like it holds microdata; remove it and attach it again.",
                                   field="file", code="microdata_in_attachment")
        sha = attachment_store().put_file(path)
    row = BreachAttachment(case_id=case.id, name=name, kind=extension_of(name), size=len(data), sha256=sha,
                           verdict=report.verdict, uploaded_by_id=actor.user_id, uploaded_at=clock.now())
    session.add(row)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.BREACH_ATTACHMENT_ADDED,
                       subject=f"case:{case.id}", attachment=row.id, name=name, sha256=sha, verdict=report.verdict)
    return row


async def content(session: AsyncSession, *, actor: Actor, case_id: str,
                  attachment_id: str) -> tuple[BreachAttachment, Path]:
    case: BreachCase = await visible_case(session, actor, case_id)
    if not actor.is_staff and not await roles_at(session, actor.user_id, case.institution_id) & REPORTERS:
        raise NotFound(f"No attachment {attachment_id}.")
    row = await session.scalar(select(BreachAttachment).where(
        BreachAttachment.id == parse_id(attachment_id, "attachment"), BreachAttachment.case_id == case.id))
    if row is None:
        raise NotFound(f"No attachment {attachment_id}.")
    path = attachment_store().blob_path(row.sha256)
    if not path.is_file():
        raise Gone(f"The content of {row.name} is not available.", code="content_missing")
    return row, path
