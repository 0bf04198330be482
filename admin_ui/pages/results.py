"""The results portal (SPEC 6.4): a project's transfers grouped by date with their notes; download
and delete (with a confirmation; the content goes, the record stays). Members of the project and
Research Services see it, as in the API; the services decide who (404 for anyone else)."""

from __future__ import annotations

from pathlib import PurePosixPath

from litestar import Controller, Request, Response, get, post
from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.forms import done
from admin_ui.i18n import N_
from admin_ui.pages.transfers import file_views
from admin_ui.templating import SECURITY_HEADERS, render
from admin_ui.viewer import viewer_of
from boa.transfers import lookups, portal

PAGE_SIZE = 20


class ResultPages(Controller):
    path = "/"

    @get("/projects/{number:str}/results")
    async def portal(self, request: Request, db_session: AsyncSession, number: str,
                     cursor: str | None = None) -> Response:
        project, items, next_cursor = await portal.portal(db_session, actor=viewer_of(request).actor, number=number,
                                                           limit=PAGE_SIZE, cursor=cursor)
        days = [{"day": day, "transfers": [{"transfer": t, "owner": owner, "files": file_views(files)}
                                           for t, files, owner in group]}
                for day, group in portal.group_by_date(items)]
        return render(request, "results.html", project=project, days=days, next_cursor=next_cursor)

    @get("/transfers/{transfer_id:str}/files/{file_id:str}/content")
    async def download(self, request: Request, db_session: AsyncSession, transfer_id: str, file_id: str) -> File:
        target, path = await portal.content(db_session, actor=viewer_of(request).actor, transfer_id=transfer_id,
                                             file_id=file_id)
        return File(path=path, filename=PurePosixPath(target.name).name, media_type="application/octet-stream",
                    headers={**SECURITY_HEADERS, "X-Content-SHA256": target.sha256})

    @get("/transfers/{transfer_id:str}/files/{file_id:str}/delete")
    async def confirm_delete(self, request: Request, db_session: AsyncSession, transfer_id: str,
                             file_id: str) -> Response:
        transfer = await lookups.viewable_transfer(db_session, viewer_of(request).actor, transfer_id)
        target = await lookups.file_in(db_session, transfer, file_id)
        return render(request, "result_delete.html", transfer=transfer, file=file_views([target])[0])

    @post("/transfers/{transfer_id:str}/files/{file_id:str}/delete")
    async def delete(self, request: Request, db_session: AsyncSession, transfer_id: str, file_id: str) -> Response:
        target = await portal.delete_file(db_session, actor=viewer_of(request).actor, transfer_id=transfer_id,
                                           file_id=file_id)
        transfer = await lookups.viewable_transfer(db_session, viewer_of(request).actor, transfer_id)
        return done(request, f"/projects/{transfer.project_number}/results",
                    N_("%(name)s is deleted; the record of it is kept."), name=target.name)
