"""A researcher's transfer pages (SPEC 6): choose a project, upload files or a folder, see each
file's verdict and findings, write the notes, approve and transfer; while the transfer is open,
add forgotten files (checked as the first ones were) or remove one, and discard a transfer whose
files were all rejected (after a confirmation page).

Every step calls the service the API calls (:mod:`boa.transfers.service`): the access decision,
the notes rule and the approval are decided there. The upload streams through the same reader as
the API; its form sends ``csrf_token`` first, then ``project``, then the files, and the token is
checked from the stream before the project is looked at (``opt={CSRF_IN_STREAM: True}``); the form
adding files sends ``csrf_token`` and the files, checked before the first file.
Upload and submit commit part-way (see the service), so these handlers run on the request's
session without a ``begin()`` block, as the API's do."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.errors import error_text, reason_texts
from admin_ui.forms import check_csrf, done, read_form
from admin_ui.i18n import N_
from admin_ui.templating import render
from admin_ui.viewer import Viewer, viewer_of
from boa.kernel.db import commit_early
from boa.kernel.errors import AccessDenied, BoaError, ValidationFailed
from boa.scanner.filetypes import allowed_extensions
from boa.transfers import lookups, overview, presenters, protect, rules, service
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.upload import Preamble
from boa.web.auth import CSRF_FIELD, CSRF_IN_STREAM
from schemes.projects.models import Project

NOTE_FIELD = "note-"
LONG_TEXT = 4 * rules.MAX_NOTE_CHARS  # read whole; the service refuses a note over its limit


def accepted_types() -> dict[str, Any]:
    """The gate's allowed extensions (one place: the scanner's rules), as the upload forms list them
    before the upload and as their file pickers' ``accept`` filter; and the size limits."""
    extensions = sorted(allowed_extensions())
    return {"extensions": extensions, "accept": ",".join(f".{e}" for e in extensions), "limits": service.limits()}


async def project_label(db: AsyncSession, transfer: Transfer) -> str:
    """The transfer's project as the messages name it: number and title."""
    title = await db.scalar(select(Project.title).where(Project.id == transfer.project_id))
    return f"{transfer.project_number} {title}" if title else str(transfer.project_number)


def _received(request: Request, to: str, files: list[TransferFile], *, added: bool, project: str) -> Response:
    """The message after an upload or an addition: what was received, and whether anything of it can
    be transferred; never 'checked' while a file is still being checked."""
    n, rejected = len(files), sum(1 for f in files if f.state == "rejected")
    names = ", ".join(f.name for f in files)
    if any(f.state == "verifying" for f in files):
        if added:
            return done(request, to, N_("Added to your transfer to project %(project)s: %(names)s. They are being "
                                        "checked."), project=project, names=names)
        return done(request, to, N_("Files received: %(n)s. They are being checked."), n=n)
    if added and rejected == n:
        return done(request, to, N_("Added to your transfer to project %(project)s and rejected: %(names)s. The "
                                    "reasons are below."), project=project, names=names)
    if added:
        return done(request, to, N_("Added to your transfer to project %(project)s and checked: %(names)s."),
                    project=project, names=names)
    if rejected == n:
        return done(request, to, N_("Files received: %(n)s. None of them can be transferred: every file was "
                                    "rejected. The reasons are below."), n=n)
    if rejected:
        return done(request, to, N_("Files received and checked: %(n)s. Rejected and not transferable: %(left)s."),
                    n=n, left=rejected)
    return done(request, to, N_("Files received and checked: %(n)s."), n=n)


def _csrf_preamble(request: Request) -> Preamble:
    """The form's ``csrf_token`` comes first; checked when the app's guard left it to us (a cookie
    session without the header; a bearer token needs none, as for every other form)."""
    expected = request.state.get("csrf_in_stream")

    def check(fields: dict[str, str]) -> None:
        if expected is not None:
            check_csrf(fields.get(CSRF_FIELD, ""), expected)

    return Preamble((CSRF_FIELD,), check)


def file_views(files: list[TransferFile]) -> list[dict[str, Any]]:
    """The files as the API shows them, plus how many findings of each kind are not listed."""
    out = []
    for f in files:
        view = {"reason": None, "message": None, "rows": None, **msgspec.to_builtins(presenters.file(f))}
        shown: dict[str, int] = {}
        for finding in view["findings"]:
            shown[finding["kind"]] = shown.get(finding["kind"], 0) + 1
        view["more"] = {k: n - shown.get(k, 0) for k, n in view["finding_counts"].items() if n > shown.get(k, 0)}
        view["protectable"] = protect.protectable(f)
        out.append(view)
    return out


async def _transfer_page(request: Request, db: AsyncSession, transfer: Transfer, *, status: int = 200,
                         error: BoaError | None = None) -> Response:
    viewer = viewer_of(request)
    files = await lookups.files_of(db, transfer)
    missing = {str(f["id"]) for f in (error.extra.get("files") or [])} if error is not None else set()
    replaced = {protect.protected_name(f.name) for f in files if f.reason == protect.REPLACED}
    previews = {}
    for f in files:
        if f.state == "staged" and f.name in replaced:
            _, header, rows, truncated = await protect.preview(db, actor=viewer.actor, transfer_id=str(transfer.id),
                                                               file_id=str(f.id))
            previews[str(f.id)] = {"header": header, "rows": rows, "truncated": truncated}
    return render(request, "transfer.html", status=status, transfer=transfer, files=file_views(files),
                  previews=previews, min_count=protect.default_min_count(), **accepted_types(),
                  transferable=any(f.state == "staged" for f in files), missing=missing,
                  error=error_text(error, viewer.lang) if error is not None and not isinstance(error, AccessDenied)
                  else None,
                  reasons=reason_texts(error.reasons, viewer.lang) if isinstance(error, AccessDenied) else None)


async def _save_notes(db: AsyncSession, viewer: Viewer, transfer_id: str, form) -> int:
    """Each non-empty note field that differs from the file's note, through the service (as the API's PUT)."""
    transfer = await lookups.own_transfer(db, viewer.actor, transfer_id)
    saved = 0
    for f in await lookups.files_of(db, transfer):
        text = form.text(f"{NOTE_FIELD}{f.id}", limit=LONG_TEXT)
        if text and text != (f.note or ""):
            await service.set_note(db, actor=viewer.actor, transfer_id=transfer_id, file_id=str(f.id), text=text)
            saved += 1
    return saved


class TransferPages(Controller):
    path = "/me/transfers"

    @get("/")
    async def start(self, request: Request, db_session: AsyncSession, project: str | None = None) -> Response:
        viewer = viewer_of(request)
        projects = await overview.transfer_projects(db_session, viewer.actor)
        rows = [{"item": p, "reasons": reason_texts([r.as_dict() for r in p.decision.reasons], viewer.lang)}
                for p in projects]
        allowed = [p.project for p in projects if p.decision.allowed]
        return render(request, "transfers.html", rows=rows, allowed=allowed, chosen=project or "",
                      waiting=await overview.open_transfers(db_session, viewer.actor), **accepted_types())

    @post("/", opt={CSRF_IN_STREAM: True}, request_max_body_size=None)
    async def upload(self, request: Request, db_session: AsyncSession) -> Response:
        viewer = viewer_of(request)
        media_type, options = request.content_type
        if media_type != "multipart/form-data":
            raise ValidationFailed("Upload files as multipart/form-data.", code="multipart_required")
        transfer, files = await service.upload(db_session, actor=viewer.actor, chunks=request.stream(),
                                               boundary=options.get("boundary", ""),
                                               content_length=request.content_length,
                                               preamble=_csrf_preamble(request))
        return _received(request, f"/me/transfers/{transfer.id}", files, added=False, project="")

    @get("/{transfer_id:str}")
    async def show(self, request: Request, db_session: AsyncSession, transfer_id: str) -> Response:
        transfer = await lookups.own_transfer(db_session, viewer_of(request).actor, transfer_id)
        return await _transfer_page(request, db_session, transfer)

    @post("/{transfer_id:str}/files", opt={CSRF_IN_STREAM: True}, request_max_body_size=None)
    async def add(self, request: Request, db_session: AsyncSession, transfer_id: str) -> Response:
        """Forgotten files added to the open transfer (the seeds: go back and add it); each is
        checked as the first ones were."""
        viewer = viewer_of(request)
        media_type, options = request.content_type
        if media_type != "multipart/form-data":
            raise ValidationFailed("Upload files as multipart/form-data.", code="multipart_required")
        try:
            transfer, added, _ = await service.add_files(db_session, actor=viewer.actor, transfer_id=transfer_id,
                                                         chunks=request.stream(),
                                                         boundary=options.get("boundary", ""),
                                                         content_length=request.content_length,
                                                         preamble=_csrf_preamble(request))
        except BoaError as exc:
            if exc.status in (403, 404):
                raise
            # Shown on the transfer's page (a name already in it, a limit); nothing was added.
            transfer = await lookups.own_transfer(db_session, viewer.actor, transfer_id)
            return await _transfer_page(request, db_session, transfer, status=exc.status, error=exc)
        return _received(request, f"/me/transfers/{transfer.id}", added, added=True,
                         project=await project_label(db_session, transfer))

    @post("/{transfer_id:str}/files/{file_id:str}/remove")
    async def remove(self, request: Request, db_session: AsyncSession, transfer_id: str, file_id: str) -> Response:
        """Take a file out of the open transfer (the button is in the transfer's form, so the notes
        typed so far are saved first)."""
        viewer, form = viewer_of(request), await read_form(request)
        await _save_notes(db_session, viewer, transfer_id, form)
        transfer, target = await service.remove_file(db_session, actor=viewer.actor, transfer_id=transfer_id,
                                                     file_id=file_id)
        return done(request, f"/me/transfers/{transfer_id}",
                    N_("%(name)s is removed from your transfer to project %(project)s."), name=target.name,
                    project=await project_label(db_session, transfer))

    @get("/{transfer_id:str}/discard")
    async def confirm_discard(self, request: Request, db_session: AsyncSession, transfer_id: str) -> Response:
        transfer, files = await service.discardable(db_session, viewer_of(request).actor, transfer_id)
        return render(request, "transfer_discard.html", transfer=transfer, files=file_views(files),
                      project=await project_label(db_session, transfer))

    @post("/{transfer_id:str}/discard")
    async def discard(self, request: Request, db_session: AsyncSession, transfer_id: str) -> Response:
        transfer = await lookups.own_transfer(db_session, viewer_of(request).actor, transfer_id)
        project = await project_label(db_session, transfer)
        await service.discard(db_session, actor=viewer_of(request).actor, transfer_id=transfer_id)
        return done(request, "/me/transfers",
                    N_("Your transfer to project %(project)s is discarded; none of its files was transferred."),
                    project=project)

    @post("/{transfer_id:str}/notes")
    async def notes(self, request: Request, db_session: AsyncSession, transfer_id: str) -> Response:
        form = await read_form(request)
        await _save_notes(db_session, viewer_of(request), transfer_id, form)
        return done(request, f"/me/transfers/{transfer_id}", N_("The notes are saved."))

    @post("/{transfer_id:str}/files/{file_id:str}/protect")
    async def protect_table(self, request: Request, db_session: AsyncSession, transfer_id: str,
                            file_id: str) -> Response:
        """'Protect this table' (the button is in the transfer's form, so the notes typed so far
        are saved first); the protected version is shown on the transfer's page."""
        viewer, form = viewer_of(request), await read_form(request)
        await _save_notes(db_session, viewer, transfer_id, form)
        done_ = await protect.protect(db_session, actor=viewer.actor, transfer_id=transfer_id, file_id=file_id,
                                      method=form.text("method") or "suppress", lang=viewer.lang)
        return done(request, f"/me/transfers/{transfer_id}#file-{done_.protected.id}",
                    N_("%(name)s is replaced by its protected version %(protected)s: look at it below."),
                    name=done_.original.name, protected=done_.protected.name)

    @post("/{transfer_id:str}/submit")
    async def submit(self, request: Request, db_session: AsyncSession, transfer_id: str) -> Response:
        """Saves the notes (kept even when the transfer is refused), then approves and transfers."""
        viewer, form = viewer_of(request), await read_form(request)
        await _save_notes(db_session, viewer, transfer_id, form)
        await commit_early(db_session)  # the notes are kept even when the transfer is then refused
        try:
            transfer, files = await service.submit(db_session, actor=viewer.actor, transfer_id=transfer_id,
                                                   approve=form.text("approve") == "yes")
        except BoaError as exc:
            if exc.status == 404:
                raise
            # Shown on the transfer's page; the request's status rolls back whatever is left open.
            transfer = await lookups.own_transfer(db_session, viewer.actor, transfer_id)
            return await _transfer_page(request, db_session, transfer, status=exc.status, error=exc)
        moved = sum(1 for f in files if f.state == "transferred")
        left = sum(1 for f in files if f.state == "rejected")
        if left:
            return done(request, f"/projects/{transfer.project_number}/results",
                        N_("Files transferred: %(n)s. Rejected files left behind: %(left)s."), n=moved, left=left)
        return done(request, f"/projects/{transfer.project_number}/results", N_("Files transferred: %(n)s."),
                    n=moved)
