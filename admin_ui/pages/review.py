"""Research Services' review of transferred files (SPEC 6.5): the queue (paged, by review state),
one file's details (verdict, findings, note, download), and the outcome: OK, or a suspected breach
with a comment (which opens a breach case through the review service's hook). Staff with the
review role only; :func:`boa.transfers.review.require_reviewer` decides, as for the API."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.forms import done, read_form
from admin_ui.i18n import N_
from admin_ui.pages.transfers import LONG_TEXT, file_views
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.transfers import presenters, review
from boa.web.auth import require_staff

PAGE_SIZE = 25



class ReviewPages(Controller):
    path = "/staff/review"
    guards = [require_staff]

    @get("/")
    async def queue(self, request: Request, db_session: AsyncSession, cursor: str | None = None,
                    review_state: Annotated[str, Parameter(query="state")] = "pending") -> Response:
        rows, next_cursor = await review.queue(db_session, actor=viewer_of(request).actor, limit=PAGE_SIZE,
                                               cursor=cursor, state=review_state or None)
        items = [presenters.queue_item(f, t, owner) for f, t, owner in rows]
        return render(request, "review_queue.html", items=items, next_cursor=next_cursor,
                      state=review_state or "pending", filters=review.QUEUE_FILTERS)

    @get("/{file_id:str}")
    async def show(self, request: Request, db_session: AsyncSession, file_id: str) -> Response:
        target, transfer, owner = await review.file_for_review(db_session, actor=viewer_of(request).actor,
                                                               file_id=file_id)
        # The page reads the file as a dict (as the API shows it), with the review and the counts of unlisted findings.
        item = {**msgspec.to_builtins(presenters.queue_item(target, transfer, owner)), **file_views([target])[0]}
        return render(request, "review_file.html", item=item, transfer=transfer, file_id=target.id)

    @post("/{file_id:str}")
    async def decide(self, request: Request, db_session: AsyncSession, file_id: str) -> Response:
        form = await read_form(request)
        target, _, _ = await review.review_file(db_session, actor=viewer_of(request).actor, file_id=file_id,
                                                outcome=form.text("outcome"),
                                                comment=form.optional("comment", limit=LONG_TEXT))
        if target.review_state == "suspected_breach":
            message = N_("%(name)s is marked as a suspected breach.")
            if target.breach_case_id:
                return done(request, "/staff/review", N_("%(name)s is marked as a suspected breach; breach case "
                                                         "%(case)s is opened."), name=target.name,
                            case=target.breach_case_id)
        elif target.review_state == "disclosure_control":
            message = N_("%(name)s is a disclosure-control breach: the user is sent guidance; no suspension.")
        else:
            message = N_("%(name)s is marked OK.")
        return done(request, "/staff/review", message, name=target.name)
