"""HTTP: /v1/breaches (breach cases) and /v1/locks (SPEC 5)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import Parameter
from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from api.openapi import DocumentUpload
from api.schemas.bodies import (
    AssessmentBody,
    BreachBody,
    CommentBody,
    PreparationBody,
    ReportBody,
    SanctionDecisionBody,
)
from api.schemas.common import Page, extended
from api.schemas.sanctions import SanctionDecided, SanctionPreview
from boa.kernel.actor import Actor
from boa.kernel.errors import ValidationFailed
from boa.sanctions import attachments, cases, locks, presenters, views
from boa.sanctions.presenters import AttachmentView, CaseView, LockView


class BreachController(Controller):
    path = "/v1/breaches"
    tags = ["Sanctions"]

    @post("/", status_code=201)
    async def register(self, db_session: AsyncSession, actor: Actor, data: BreachBody) -> CaseView:
        case, _ = await cases.register(
            db_session, actor=actor, ident=data.ident, kind=data.kind, description=data.description,
            occurred_at=data.occurred_at, self_reported=data.self_reported, project=data.project,
            institution_id=data.institution_id, scheme=data.scheme, transfer_tool_used=data.transfer_tool_used,
            warning_ignored=data.warning_ignored, data_volume=data.data_volume)
        return await views.case(db_session, case)

    @get("/")
    async def index(self, db_session: AsyncSession, actor: Actor,
                    case_state: Annotated[str | None, Parameter(query="state")] = None,
                    kind: str | None = None, flagged: bool | None = None, overdue: bool = False,
                    limit: int | None = None, cursor: str | None = None) -> Page[CaseView]:
        rows, nxt = await cases.list_cases(db_session, actor=actor, state=case_state, limit=limit, cursor=cursor,
                                           kind=kind, flagged=flagged, overdue_only=overdue)
        return Page(items=await views.cases(db_session, rows), next_cursor=nxt)

    @get("/{case_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, case_id: str) -> CaseView:
        return await views.case(db_session, await cases.visible_case(db_session, actor, case_id))

    @post("/{case_id:str}/report", status_code=200)
    async def report(self, db_session: AsyncSession, actor: Actor, case_id: str, data: ReportBody) -> CaseView:
        sections = {"scope": data.scope, "current_rules": data.current_rules, "actions_taken": data.actions_taken,
                    "user_consequences": data.user_consequences}
        measures = [msgspec.structs.asdict(m) for m in data.measures] if data.measures is not None else None
        case = await cases.submit_report(db_session, actor=actor, case_id=case_id, report=data.report, plan=data.plan,
                                         sections=sections, measures=measures)
        return await views.case(db_session, case)

    @post("/{case_id:str}/report-assessment", status_code=200)
    async def assess(self, db_session: AsyncSession, actor: Actor, case_id: str,
                     data: AssessmentBody) -> CaseView:
        case = await cases.assess_report(db_session, actor=actor, case_id=case_id, adequate=data.adequate,
                                         comment=data.comment)
        return await views.case(db_session, case)

    @get("/{case_id:str}/sanction-preview")
    async def preview(self, db_session: AsyncSession, actor: Actor, case_id: str,
                      severity: str) -> SanctionPreview:
        found = await cases.preview(db_session, actor=actor, case_id=case_id, severity=severity)
        plan = presenters.plan(found["plan"], found["counts"], found["locks"], found["report_ready"])
        return extended(SanctionPreview, plan, case_id=case_id)

    # The documentation may be larger than the API's usual body cap (BOA_MAX_BODY_BYTES): its own cap
    # is the attachment's limit plus the multipart envelope.
    @post("/{case_id:str}/attachments", status_code=201, request_max_body_size=attachments.MAX_BYTES + 64 * 1024,
          operation_class=DocumentUpload)
    async def attach(self, request: Request, db_session: AsyncSession, actor: Actor, case_id: str) -> AttachmentView:
        """The report's documentation (minutes, agendas): one PDF or DOCX as the multipart field ``data``."""
        await attachments.authorise(db_session, actor, case_id)
        if request.content_type[0] != "multipart/form-data":
            raise ValidationFailed("Send the document as multipart/form-data.", code="multipart_required")
        document = (await request.form()).get("data")
        if not isinstance(document, UploadFile):
            raise ValidationFailed("Send the document as the multipart field data.", field="data",
                                   code="file_required")
        row = await attachments.attach(db_session, actor=actor, case_id=case_id, name=document.filename,
                                       data=await document.read())
        return presenters.attachment(row)

    @get("/{case_id:str}/attachments/{attachment_id:str}/content", media_type="application/octet-stream")
    async def attachment_content(self, db_session: AsyncSession, actor: Actor, case_id: str,
                                 attachment_id: str) -> File:
        row, path = await attachments.content(db_session, actor=actor, case_id=case_id, attachment_id=attachment_id)
        return File(path=path, filename=row.name, media_type="application/octet-stream")

    @post("/{case_id:str}/preparation", status_code=200)
    async def prepare(self, db_session: AsyncSession, actor: Actor, case_id: str, data: PreparationBody) -> CaseView:
        factors = cases.Factors(conscious=data.conscious, self_detected=data.self_detected,
                                data_volume=data.data_volume, warning_ignored=data.warning_ignored)
        case = await cases.prepare(db_session, actor=actor, case_id=case_id, severity=data.severity, factors=factors,
                                   note=data.note)
        return await views.case(db_session, case)

    @post("/{case_id:str}/decision", status_code=200)
    async def decide(self, db_session: AsyncSession, actor: Actor, case_id: str, data: SanctionDecisionBody) -> SanctionDecided:
        case, created, plan = await cases.decide(db_session, actor=actor, case_id=case_id, severity=data.severity,
                                                 comment=data.comment, supervisory_board=data.supervisory_board)
        return SanctionDecided(case=await views.case(db_session, case), locks=[presenters.lock(x) for x in created],
                               termination_possible=plan.termination_possible,
                               termination_of=sorted(str(a) for a in plan.termination_of),
                               columns=list(plan.columns))

    @post("/{case_id:str}/dismiss", status_code=200)
    async def dismiss(self, db_session: AsyncSession, actor: Actor, case_id: str, data: CommentBody) -> CaseView:
        case = await cases.dismiss(db_session, actor=actor, case_id=case_id, comment=data.comment)
        return await views.case(db_session, case)


class LockController(Controller):
    path = "/v1/locks"
    tags = ["Sanctions"]

    @get("/")
    async def index(self, db_session: AsyncSession, actor: Actor, active: bool | None = None,
                    ident: str | None = None, case: str | None = None,
                    lock_scope: Annotated[str | None, Parameter(query="scope")] = None,
                    limit: int | None = None, cursor: str | None = None) -> Page[LockView]:
        rows, nxt = await locks.list_locks(db_session, actor=actor, active=active, ident=ident, case_id=case,
                                           scope=lock_scope, limit=limit, cursor=cursor)
        return Page(items=[presenters.lock(x) for x in rows], next_cursor=nxt)

    @post("/{lock_id:str}/lift", status_code=200)
    async def lift(self, db_session: AsyncSession, actor: Actor, lock_id: str, data: CommentBody) -> LockView:
        return presenters.lock(await locks.lift(db_session, actor=actor, lock_id=lock_id, comment=data.comment))
