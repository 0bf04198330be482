"""Research Services' audit log as a person reads it: filters as people type them (an IDENT, a
project number, an institution's authorisation number, an action from a list, a range of days),
people and institutions by name, each row's details as a list of fields (before → after), an
empty-state message, the chain's verification, and the filtered rows as CSV (at most
:data:`EXPORT_ROWS`). A refused filter is shown in place with what was typed."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.errors import error_text
from admin_ui.templating import SECURITY_HEADERS, render
from admin_ui.viewer import viewer_of
from boa.kernel import audit, clock
from boa.kernel.errors import BoaError
from boa.people.audit_search import ACTIONS, AuditSearch, audit_search, names_in
from boa.web.auth import require_staff

PAGE_SIZE = 50
EXPORT_ROWS = 10_000
FILTERS = ("who", "project", "institution", "subject", "action", "from", "to")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as a formula


def _shown(value: Any) -> str:
    """A value as a person reads it: letters as letters, lists joined, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) or "–"
    return str(value)


def details(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """A row's summary as (field, text) pairs: a change as ``before → after`` per field, then the rest."""
    before: dict[str, Any] = summary["before"] if isinstance(summary.get("before"), dict) else {}
    after: dict[str, Any] = summary["after"] if isinstance(summary.get("after"), dict) else {}
    pairs: list[tuple[str, str]] = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in before and key in after:
            pairs.append((key, f"{_shown(before[key])} → {_shown(after[key])}"))
        else:
            pairs.append((key, _shown(after.get(key, before.get(key)))))
    for key, value in summary.items():
        if key not in ("before", "after") or not isinstance(value, dict):
            pairs.append((key, _shown(value)))
    return pairs


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


async def _search(db: AsyncSession, typed: dict[str, str]) -> AuditSearch:
    return await audit_search(db, who=typed["who"], project=typed["project"], institution=typed["institution"],
                              subject=typed["subject"], action=typed["action"], date_from=typed["from"],
                              date_to=typed["to"])


def _typed(request: Request) -> dict[str, str]:
    return {name: request.query_params.get(name, "") for name in FILTERS}


class AuditPages(Controller):
    path = "/staff/audit"
    guards = [require_staff]

    @get("/")
    async def audit_log(self, request: Request, db_session: AsyncSession, cursor: str | None = None,
                        verify: bool = False) -> Response:
        viewer, typed = viewer_of(request), _typed(request)
        rows: list[Any] = []
        nxt, error, error_field, status = None, None, None, 200
        try:
            search = await _search(db_session, typed)
            rows, nxt = await audit.entries(db_session, actor=search.actor, subject=search.subject,
                                            action=search.action, since=search.since, until=search.until,
                                            limit=PAGE_SIZE, cursor=cursor, newest_first=True)
        except BoaError as exc:
            error, status = error_text(exc, viewer.lang), exc.status
            error_field = exc.extra.get("field") or "institution"
        result = await audit.verify(db_session) if verify else None
        names = await names_in(db_session, rows)
        entries = [{"seq": e.seq, "at": e.at, "actor": names.get(e.actor, e.actor), "action": e.action,
                    "subject": names.get(e.subject, e.subject), "details": details(e.summary)} for e in rows]
        query = urlencode({k: v for k, v in typed.items() if v})
        return render(request, "staff_audit.html", status=status, rows=entries, next_cursor=nxt,
                      verification=result, filters=typed, actions=ACTIONS, error=error,
                      error_field=error_field, query=query, export_rows=EXPORT_ROWS,
                      filtered=any(typed.values()))

    @get("/export.csv")
    async def export(self, request: Request, db_session: AsyncSession) -> Response:
        """The filtered rows, oldest first, as CSV (UTF-8 with a BOM so a spreadsheet reads æ, ø, å)."""
        search = await _search(db_session, _typed(request))
        rows, more = await audit.entries(db_session, actor=search.actor, subject=search.subject, action=search.action,
                                         since=search.since, until=search.until, limit=EXPORT_ROWS,
                                         max_limit=EXPORT_ROWS)
        names = await names_in(db_session, rows)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["seq", "time_utc", "who", "who_name", "action", "subject", "subject_name", "details"])
        for e in rows:
            writer.writerow([e.seq, clock.iso(e.at), _cell(e.actor), _cell(names.get(e.actor, "")), e.action,
                             _cell(e.subject), _cell(names.get(e.subject, "")),
                             _cell(json.dumps(e.summary, ensure_ascii=False, sort_keys=True))])
        headers = {**SECURITY_HEADERS, "Content-Disposition": 'attachment; filename="boa-audit.csv"',
                   "Cache-Control": "no-store"}
        if more:
            headers["X-BOA-Truncated"] = f"first {EXPORT_ROWS} rows; narrow the filter for the rest"
        return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
