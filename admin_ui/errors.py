"""Errors on the pages: the service's refusal becomes a page with the message in the reader's
language (never a 500 for bad input); a missing or expired session sends the reader to the
login page; a denial by the access decision shows each reason and until when.

The page's status code is the error's, so the request's transaction is rolled back (the
autocommit handler commits only 2xx and 3xx)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect

from admin_ui import labels
from admin_ui.cookies import SESSION_COOKIE, expired, flash_cookie
from admin_ui.i18n import gettext, known
from admin_ui.templating import SECURITY_HEADERS, render
from admin_ui.viewer import viewer_of
from boa.kernel.errors import AccessDenied, BoaError, NotAuthenticated

log = logging.getLogger("boa.admin_ui")


@dataclass(frozen=True)
class ErrorText:
    message: str
    detail: str | None = None


def error_text(exc: BoaError, lang: str, fields: Mapping[str, str] | None = None) -> ErrorText:
    """The service's own sentence when the catalogue knows it; else the message for the error's
    code, with the service's (English) sentence as the detail.

    With ``fields`` (a page's form fields by the services' names, :func:`labels.fields_for`) the
    reader sees only their own words: the code's message, and the field by its label on the form
    (the service's sentence names the field as the API does, ``occurred_at``)."""
    exact = known(lang, exc.detail)
    if exact:
        return ErrorText(exact)
    specific = labels.ERRORS.get(exc.code)
    msgid = specific or labels.ERRORS.get(type(exc).code) or labels.ERRORS["bad_request"]
    message = gettext(lang, msgid)
    if fields is not None:
        field = str(exc.extra.get("field") or "")
        label = fields.get(field) or fields.get(field.split("[", 1)[0].rstrip("_0123456789")) or (
            fields.get("measures") if field.startswith("measure") else None)
        if label:
            return ErrorText(message, gettext(lang, labels.CHECK_FIELD) % {"field": gettext(lang, label)})
        if specific or lang != "en":
            return ErrorText(message)
    if lang == "en":
        return ErrorText(exc.detail or message)
    return ErrorText(message, exc.detail if exc.detail and exc.detail != msgid else None)


def reason_texts(reasons: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Each reason of an access decision: its message, scope and until-date, translated."""
    out = []
    for reason in reasons:
        msgid = labels.REASONS.get(labels.reason_key(reason))
        scope = labels.SCOPES.get(reason.get("scope", ""))
        out.append({"code": reason.get("code"), "message": gettext(lang, msgid) if msgid else reason.get("message", ""),
                    "scope": gettext(lang, scope) if scope else reason.get("scope"), "until": reason.get("until"),
                    "case_id": reason.get("case_id"), "lock_id": reason.get("lock_id")})
    return out


def _to_login(request: Request, exc: NotAuthenticated) -> Response:
    viewer = viewer_of(request)
    target = "/login"
    if request.method == "GET" and request.url.path not in ("/", "/login"):
        target += "?next_page=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
    cookies = [expired(SESSION_COOKIE)]
    if exc.code == "session_expired":
        cookies.append(flash_cookie("error", gettext(viewer.lang, labels.ERRORS["session_expired"])))
    return Redirect(target, status_code=303, cookies=cookies)


def page_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotAuthenticated):
        return _to_login(request, exc)
    if isinstance(exc, BoaError) and exc.code == "reauthentication_required":
        # A change of one's own factors: a fresh code first, then back to the page to do it again.
        back = request.url.path if request.method == "GET" else _back(request)
        return Redirect("/me/verify?next_page=" + quote(back or "/me", safe=""), status_code=303)
    viewer = viewer_of(request)
    if isinstance(exc, AccessDenied):
        during_login = request.state.get("session_row") is None
        return render(request, "denied.html", status=exc.status, reasons=reason_texts(exc.reasons, viewer.lang),
                      at_login=during_login, cookies=[expired(SESSION_COOKIE)] if during_login else None)
    if isinstance(exc, BoaError):
        return render(request, "error.html", status=exc.status,
                      error=error_text(exc, viewer.lang, labels.fields_for(request.url.path)),
                      back=_back(request))
    if isinstance(exc, NotFoundException):
        return render(request, "error.html", status=404, error=ErrorText(gettext(viewer.lang, labels.ERRORS["not_found"])),
                      back=_back(request))
    if isinstance(exc, ValidationException | HTTPException) and exc.status_code < 500:
        return render(request, "error.html", status=exc.status_code, back=_back(request),
                      error=ErrorText(gettext(viewer.lang, labels.ERRORS["bad_request"])))
    log.exception("page %s %s failed", request.method, request.url.path, exc_info=exc)
    try:
        return render(request, "error.html", status=500, back="/",
                      error=ErrorText(gettext(viewer.lang, labels.ERRORS["internal_error"])))
    except Exception:  # the error page itself failed: plain text, still no stack trace
        log.exception("error page failed")
        return Response("Server error", status_code=500, media_type="text/plain", headers=SECURITY_HEADERS)


def _back(request: Request) -> str:
    """The page the reader came from, if it is one of ours; else the landing page."""
    referer = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if referer.startswith(origin + "/"):
        return referer[len(origin):]
    return "/"


PAGE_EXCEPTION_HANDLERS: dict[Any, Any] = {
    BoaError: page_error,
    HTTPException: page_error,
    Exception: page_error,
}


def is_page_request(request: Request) -> bool:
    path = request.url.path
    api = path.startswith(("/v1/", "/schema", "/health", "/swagger")) or path == "/v1"
    return not api and "text/html" in request.headers.get("accept", "")


def html_not_found_or(api_handler: Any) -> Any:
    """For the app: an unknown path asked for by a browser gets the page, the API the problem."""

    def handler(request: Request, exc: Exception) -> Response:
        if is_page_request(request):
            return page_error(request, exc)
        return api_handler(request, exc)

    return handler
