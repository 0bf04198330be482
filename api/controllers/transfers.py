"""HTTP: the transfer gate (/v1/transfers) and the review of transferred files (/v1/review)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated

from litestar import Controller, Request, delete, get, post, put
from litestar.params import Parameter
from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from api.openapi import MultipartAddition, MultipartUpload
from api.schemas.bodies import NoteBody, ProtectBody, ReviewBody, SubmitBody
from api.schemas.common import Page, extended
from api.schemas.transfers import (
    FilePreview,
    NotTransferred,
    PortalDay,
    PortalPage,
    ProtectedTable,
    SubmittedTransfer,
    TablePreview,
)
from boa.kernel.actor import Actor
from boa.kernel.errors import ValidationFailed
from boa.people.lookups import user_of
from boa.transfers import lookups, portal, presenters, protect, review, service, views
from boa.transfers.presenters import FileView, QueueItemView, TransferView


class TransferController(Controller):
    path = "/v1/transfers"
    tags = ["Transfer gate"]

    @post("/", status_code=201, request_max_body_size=None, operation_class=MultipartUpload)
    async def upload(self, request: Request, db_session: AsyncSession, actor: Actor) -> TransferView:
        """multipart/form-data: ``project``, then one or more ``files`` (relative names kept)."""
        media_type, options = request.content_type
        if media_type != "multipart/form-data":
            raise ValidationFailed("Upload files as multipart/form-data.", code="multipart_required")
        transfer, files = await service.upload(db_session, actor=actor, chunks=request.stream(),
                                               boundary=options.get("boundary", ""),
                                               content_length=request.content_length)
        return presenters.transfer(transfer, files, user_of(actor).ident)

    @get("/")
    async def results(self, db_session: AsyncSession, actor: Actor, project: str | None = None,
                      limit: int | None = None, cursor: str | None = None) -> PortalPage:
        """The portal: a project's transferred files grouped by date, newest first, with notes."""
        if not project:
            raise ValidationFailed("Name the project: ?project=703794.", field="project")
        found, items, next_cursor = await portal.portal(db_session, actor=actor, number=project, limit=limit,
                                                         cursor=cursor)
        days = [PortalDay(date=day.isoformat(),
                          transfers=[presenters.transfer(t, files, ident) for t, files, ident in group])
                for day, group in portal.group_by_date(items)]
        return PortalPage(project=str(found.number), items=days, next_cursor=next_cursor)

    @get("/{transfer_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, transfer_id: str) -> TransferView:
        return await views.transfer(db_session, await lookups.viewable_transfer(db_session, actor, transfer_id))

    @delete("/{transfer_id:str}", status_code=204)
    async def discard(self, db_session: AsyncSession, actor: Actor, transfer_id: str) -> None:
        """Discard the owner's open transfer when nothing of it can be transferred (every file was
        rejected, or none is left): 409 ``transferable_files`` otherwise."""
        await service.discard(db_session, actor=actor, transfer_id=transfer_id)

    @post("/{transfer_id:str}/files", status_code=201, request_max_body_size=None,
          operation_class=MultipartAddition)
    async def add(self, request: Request, db_session: AsyncSession, actor: Actor, transfer_id: str) -> TransferView:
        """multipart/form-data: one or more ``files`` added to the owner's open transfer, checked as
        the first upload's were; the transfer is ``verifying`` again until they have their verdicts."""
        media_type, options = request.content_type
        if media_type != "multipart/form-data":
            raise ValidationFailed("Upload files as multipart/form-data.", code="multipart_required")
        transfer, _, files = await service.add_files(db_session, actor=actor, transfer_id=transfer_id,
                                                     chunks=request.stream(), boundary=options.get("boundary", ""),
                                                     content_length=request.content_length)
        return presenters.transfer(transfer, files, user_of(actor).ident)

    @put("/{transfer_id:str}/files/{file_id:str}/note")
    async def note(self, db_session: AsyncSession, actor: Actor, transfer_id: str, file_id: str,
                   data: NoteBody) -> FileView:
        target = await service.set_note(db_session, actor=actor, transfer_id=transfer_id, file_id=file_id,
                                        text=data.text)
        return presenters.file(target)

    @post("/{transfer_id:str}/files/{file_id:str}/protect", status_code=201)
    async def protect(self, db_session: AsyncSession, actor: Actor, transfer_id: str, file_id: str,
                      data: ProtectBody) -> ProtectedTable:
        """'Protect this table': a staged table flagged for small cells is replaced by its protected
        version (cell suppression or aggregation), which is transferred instead."""
        done = await protect.protect(db_session, actor=actor, transfer_id=transfer_id, file_id=file_id,
                                     method=data.method, min_count=data.min_count, count=data.count, lang=data.lang)
        report = done.outcome.report
        header, rows, truncated = protect.preview_rows(done.outcome)
        return ProtectedTable(file=presenters.file(done.protected), replaces=str(done.original.id),
                              method=report.method, min=report.min_count, primary=report.primary,
                              secondary=report.secondary, aggregated=report.aggregated,
                              preview=TablePreview(header=header, rows=rows, truncated=truncated))

    @get("/{transfer_id:str}/files/{file_id:str}/preview")
    async def preview(self, db_session: AsyncSession, actor: Actor, transfer_id: str, file_id: str) -> FilePreview:
        """The first rows of a protected table waiting in the owner's transfer."""
        target, header, rows, truncated = await protect.preview(db_session, actor=actor, transfer_id=transfer_id,
                                                                file_id=file_id)
        return FilePreview(file_id=str(target.id), name=target.name, header=header, rows=rows, truncated=truncated)

    @post("/{transfer_id:str}/submit", status_code=200)
    async def submit(self, db_session: AsyncSession, actor: Actor, transfer_id: str,
                     data: SubmitBody) -> SubmittedTransfer:
        transfer, files = await service.submit(db_session, actor=actor, transfer_id=transfer_id,
                                               approve=data.approve)
        shown = presenters.transfer(transfer, files, user_of(actor).ident)
        return extended(SubmittedTransfer, shown, not_transferred=[
            NotTransferred(id=str(f.id), name=f.name, reason=f.reason) for f in files if f.state == "rejected"])

    @get("/{transfer_id:str}/files/{file_id:str}/content", media_type="application/octet-stream")
    async def download(self, db_session: AsyncSession, actor: Actor, transfer_id: str, file_id: str) -> File:
        target, path = await portal.content(db_session, actor=actor, transfer_id=transfer_id, file_id=file_id)
        return File(path=path, filename=PurePosixPath(target.name).name, media_type="application/octet-stream",
                    headers={"X-Content-SHA256": target.sha256, "Cache-Control": "no-store"})

    @delete("/{transfer_id:str}/files/{file_id:str}", status_code=204)
    async def remove(self, db_session: AsyncSession, actor: Actor, transfer_id: str, file_id: str) -> None:
        """A transferred file: its content leaves the portal (the record stays). A file of the
        owner's open transfer: it is taken out of the transfer before it is submitted."""
        transfer = await lookups.viewable_transfer(db_session, actor, transfer_id)
        if transfer.state == "transferred":
            await portal.delete_file(db_session, actor=actor, transfer_id=transfer_id, file_id=file_id)
        else:
            await service.remove_file(db_session, actor=actor, transfer_id=transfer_id, file_id=file_id)


class ReviewController(Controller):
    path = "/v1/review"
    tags = ["Transfer gate"]

    @get("/queue")
    async def pending(self, db_session: AsyncSession, actor: Actor, limit: int | None = None,
                      cursor: str | None = None,
                      review_state: Annotated[str | None, Parameter(query="state")] = None) -> Page[QueueItemView]:
        rows, next_cursor = await review.queue(db_session, actor=actor, limit=limit, cursor=cursor,
                                               state=review_state)
        return Page(items=[presenters.queue_item(f, t, owner) for f, t, owner in rows], next_cursor=next_cursor)

    @get("/files/{file_id:str}")
    async def file(self, db_session: AsyncSession, actor: Actor, file_id: str) -> QueueItemView:
        """One transferred file with its review (reviewers)."""
        target, transfer, owner = await review.file_for_review(db_session, actor=actor, file_id=file_id)
        return presenters.queue_item(target, transfer, owner)

    @post("/files/{file_id:str}", status_code=200)
    async def decide(self, db_session: AsyncSession, actor: Actor, file_id: str, data: ReviewBody) -> QueueItemView:
        target, transfer, owner = await review.review_file(db_session, actor=actor, file_id=file_id,
                                                           outcome=data.outcome, comment=data.comment)
        return presenters.queue_item(target, transfer, owner)
