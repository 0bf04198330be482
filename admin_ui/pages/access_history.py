"""The access history's page (issue 21 item 5): who could reach a project, or what a person could
reach, as a timeline chart (locks marked) and a table with why each interval began and ended, and
the CSV export for the data protection officer.

One page, two doors: Research Services' (``/staff/access-history``, in the office's menu) and an
institution's responsible person's (``/access-history``, in the institution's menu). What either
may see is decided by the question's service, :func:`boa.history.timeline.asked`, exactly as for
the API: the office everything; the responsible person the projects of their institutions, and
people who have been associated with or held a role there (then only those institutions'
projects). A question the service refuses (a time in the future or before the history, a range
over ten years, an unknown project or IDENT, an institution not theirs) is answered in place: the
form again, with what was typed, the refusal in the reader's words at the field it is about, and
the refusal's status."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.params import Parameter
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import charts
from admin_ui import labels_history as words
from admin_ui.errors import ErrorText, error_text, render_refused
from admin_ui.i18n import N_, gettext
from admin_ui.inplace import Problem
from admin_ui.labels import KINDS
from admin_ui.templating import moment_text, render
from admin_ui.viewer import Viewer, viewer_of
from boa.history import presenters, replay, timeline
from boa.history.permissions import is_history_reader
from boa.kernel.errors import BoaError, PermissionDenied
from boa.people.lookups import institution_label

TEMPLATE = "access_history.html"
From = Annotated[str | None, Parameter(query="from")]
To = Annotated[str | None, Parameter(query="to")]


def may_read_history(viewer: Viewer) -> bool:
    """Office staff, or the responsible person of an institution (the menu's item and the door)."""
    return viewer.is_staff or any(is_history_reader(p.roles) for p in viewer.places)


def _field(exc: BoaError, project: str | None) -> str:
    """The form field a refusal is about: the service names it, else the question's subject."""
    field = str(exc.extra.get("field") or "")
    if exc.code == "validation_failed" and field == "project":
        return "project"
    return field if field in ("from", "to") else ("project" if project else "ident")


async def _refusal(db: AsyncSession, exc: BoaError, field: str, lang: str) -> ErrorText:
    msgid = words.ERRORS.get(f"{exc.code}:{field}") or words.ERRORS.get(exc.code)
    if msgid is None:
        return error_text(exc, lang)
    if exc.code == "before_history":
        start = await replay.history_start(db)
        return ErrorText(gettext(lang, msgid) % {"start": moment_text(start, lang) if start else "—"})
    return ErrorText(gettext(lang, msgid))


async def history_page(request: Request, db: AsyncSession, *, project: str | None, ident: str | None,
                       start: str | None, end: str | None, export: str | None) -> Response:
    """The form, and for a question the chart and the intervals (or ``export=csv``: the file)."""
    viewer = viewer_of(request)
    filters = {"project": project or "", "ident": ident or "", "from": start or "", "to": end or ""}
    scope = None if viewer.is_staff else [institution_label(p.number, p.name) for p in viewer.places
                                          if is_history_reader(p.roles)]

    def show(history: timeline.History | None = None, chart: Markup | None = None) -> Response:
        return render(request, TEMPLATE, filters=filters, scope=scope, door=request.url.path,
                      fields=words.FIELDS, history=history, chart=chart)

    if not (project or ident):
        return show()
    try:
        found = await timeline.asked(db, actor=viewer.actor, project=project, ident=ident, start=start, end=end)
    except BoaError as exc:
        if exc.code == "forbidden":  # not a reader of the history at all: the refusal's page
            raise
        field = _field(exc, project)
        refusal = await _refusal(db, exc, field, viewer.lang)
        message = f"{refusal.message} {refusal.detail}" if refusal.detail else refusal.message
        return render_refused(request, TEMPLATE, [Problem(field, message)], action=request.url.path, method="get",
                              typed={name: [value] for name, value in filters.items()}, status=exc.status,
                              filters=filters, scope=scope, door=request.url.path, fields=words.FIELDS, history=None, chart=None)
    if export == "csv":
        name = f"access-history-{project or ident}.csv"
        return Response(presenters.as_csv(found.intervals), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    actions = {code: gettext(viewer.lang, msgid) for code, msgid in KINDS["access_action"].items()}
    chart = charts.timeline(presenters.lanes(found, "ident" if project else "project", actions),
                            title=gettext(viewer.lang, N_("Access over time")),
                            start_label=moment_text(found.window.start, viewer.lang),
                            end_label=moment_text(found.window.end, viewer.lang))
    return show(history=found, chart=chart)


class AccessHistoryPage(Controller):
    """The responsible person's door (office staff may use it too)."""

    path = "/access-history"

    @get("/")
    async def access_history(self, request: Request, db_session: AsyncSession, project: str | None = None,
                             ident: str | None = None, start: From = None, end: To = None,
                             export: str | None = None) -> Response:
        if not may_read_history(viewer_of(request)):
            raise PermissionDenied(words.FORBIDDEN)
        return await history_page(request, db_session, project=project, ident=ident, start=start, end=end,
                                  export=export)
