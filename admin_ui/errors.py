"""Errors on the pages: the service's refusal becomes a page with the message in the reader's
language (never a 500 for bad input); a missing or expired session sends the reader to the
login page; a denial by the access decision shows each reason and until when.

A refused form (issue 18 item 1) comes back *in place*: the page it was posted from (the
``Referer``, one of our pages) is rendered again by its own GET handler, in the same request, and
:func:`admin_ui.inplace.mark` fills the form with what was typed, marks each failing field and puts
an error summary at the top. Every problem the form layer found (:class:`admin_ui.forms.FormInvalid`)
is shown, and the service's refusal in the words of its code. Only when there is no such page
(no referrer, another site, a page that refuses the reader itself) does the separate error page
remain.

The page's status code is the error's, so the request's transaction is rolled back (the
autocommit handler commits only 2xx and 3xx); the page is rendered again after the refused
transaction has ended, so it shows what is saved."""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect
from litestar.routes import HTTPRoute
from litestar.types import Receive, Scope, Send
from litestar.utils.scope.state import CONNECTION_STATE_KEY

from admin_ui import labels
from admin_ui.cookies import SESSION_COOKIE, expired, flash_cookie
from admin_ui.forms import Form, FormInvalid
from admin_ui.i18n import N_, gettext, known
from admin_ui.inplace import Problem, mark
from admin_ui.templating import SECURITY_HEADERS, render
from admin_ui.viewer import viewer_of
from boa.kernel.errors import AccessDenied, BoaError, NotAuthenticated
from boa.web.auth import ONBOARDING
from boa.web.transactions import end_refused, request_db_session

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
    if request.method == "POST" and _in_place_possible(request, exc):
        return InPlace(request, exc)
    return _error_page(request, exc)


def _error_page(request: Request, exc: Exception) -> Response:
    viewer = viewer_of(request)
    if isinstance(exc, FormInvalid):
        text = " ".join(p.message for p in coded(exc.problems, viewer.lang))
        return render(request, "error.html", status=exc.status, error=ErrorText(text), back=_back(request))
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


# ---- errors in place ---------------------------------------------------------------------------------

# A handler's ``opt`` may name the form field a service's field is typed in, where they differ:
# ``opt={FORM_FIELDS: {"responsible_ident": "responsible"}}``, or a function of the service's name.
FORM_FIELDS = "form_fields"
SUMMARY_TITLE = N_("There is a problem")
ERROR_WORD = N_("Error")
# The services' sentences for a generic code, told apart for the reader (the field is marked).
_SENTENCES = ((re.compile(r"\b(is required|must not be empty|is empty|needs? an? )"), "required"),
              (re.compile(r"\b(is longer than|too long)\b"), "too_long"),
              (re.compile(r"^An IDENT is "), "invalid_ident"))


def _in_place_possible(request: Request, exc: Exception) -> bool:
    if isinstance(exc, BoaError):
        return exc.status < 500 or exc.code == "not_saved"
    return isinstance(exc, ValidationException | HTTPException) and exc.status_code < 500 \
        and not isinstance(exc, NotFoundException)


def problem_text(exc: BoaError, lang: str) -> str:
    """The refusal in the reader's words, for its place on the page: the service's sentence when
    the catalogue has it, else the words of its code (never the service's English sentence)."""
    exact = known(lang, exc.detail)
    if exact:
        return exact
    code = exc.code
    if code in ("validation_failed", "bad_request"):
        code = next((c for pattern, c in _SENTENCES if pattern.search(exc.detail or "")), code)
    msgid = labels.ERRORS.get(code) or labels.ERRORS.get(type(exc).code) or labels.ERRORS["bad_request"]
    text = gettext(lang, msgid)
    try:  # a message may name what the refusal carries ("line %(line)s")
        return text % exc.extra if "%(" in text else text
    except (KeyError, TypeError, ValueError):
        return text


def coded(found: list[tuple[str, str]], lang: str) -> list[Problem]:
    """The form's problems, (field, code), in the reader's words."""
    return [Problem(field, gettext(lang, labels.ERRORS.get(code) or labels.ERRORS["validation_failed"]))
            for field, code in found]


def problems_of(request: Request, exc: Exception, lang: str) -> list[Problem]:
    """Every problem to show: the form's own (all of them), then the service's refusal."""
    form = request.state.get("form")
    found: list[tuple[str, str]] = list(form.problems) if isinstance(form, Form) else []
    if isinstance(exc, FormInvalid):
        found += [p for p in exc.problems if p not in found]
    out = coded(found, lang)
    if isinstance(exc, FormInvalid):
        return out
    if isinstance(exc, BoaError):
        field = str(exc.extra.get("field") or "") or None
        handler = request.scope.get("route_handler")
        aliases = handler.opt.get(FORM_FIELDS, {}) if handler is not None else {}
        if field:
            field = aliases(field) if callable(aliases) else aliases.get(field, field)
        if field is None or all(f != field for f, _ in found):
            out.append(Problem(field, problem_text(exc, lang)))
    else:
        out.append(Problem(None, gettext(lang, labels.ERRORS["bad_request"])))
    return out


def typed_of(request: Request) -> dict[str, list[str]]:
    form = request.state.get("form")
    return form.typed() if isinstance(form, Form) else {}


def marked(request: Request, html: str, problems: list[Problem], *, action: str, method: str = "post",
           typed: Mapping[str, list[str]] | None = None, here: str | None = None) -> str:
    """``html`` (the page at ``here``) with the form (``action``) filled with what was typed and
    ``problems`` in place."""
    lang = viewer_of(request).lang
    return mark(html, action=action, method=method, typed=typed if typed is not None else typed_of(request),
                here=here or request.url.path,
                problems=problems, title=gettext(lang, SUMMARY_TITLE), error_word=gettext(lang, ERROR_WORD),
                required=gettext(lang, labels.ERRORS["required"]))


def render_refused(request: Request, template: str, problems: list[Problem], *, action: str, method: str = "post",
                   typed: Mapping[str, list[str]] | None = None, status: int = 422, **context: Any) -> Response:
    """A page that handles its own refusal (a GET form, a page before login): rendered, then marked."""
    page = render(request, template, status=status, **context)
    html = marked(request, str(page.content), problems, action=action, method=method, typed=typed)
    return Response(html, status_code=status, media_type="text/html", cookies=page.cookies,
                    headers=SECURITY_HEADERS)


class InPlace(Response[str]):
    """The answer to a refused form: made when it is sent (an exception handler cannot wait for the
    page it re-renders), and the separate error page when the form's page cannot be had."""

    def __init__(self, request: Request, exc: Exception) -> None:
        super().__init__("", status_code=exc.status if isinstance(exc, BoaError) else 422, media_type="text/html")
        self.request, self.exc = request, exc

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> Any:  # noqa: ARG002
        async def send_it(scope: Scope, receive: Receive, send: Send) -> None:
            try:
                response = await _again(self.request, self.exc)
            except Exception:  # noqa: BLE001 - the page itself refused or failed: the error page
                log.info("the refused form's page could not be shown again", exc_info=True)
                response = None
            if response is None:
                response = _error_page(self.request, self.exc)
            await response.to_asgi_response(app=None, request=self.request)(scope, receive, send)

        return send_it


def _referrer(request: Request) -> tuple[str, str] | None:
    """The path and query of the page the form was on, when it is one of ours."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if (parts.scheme, parts.netloc) != (request.url.scheme, request.url.netloc) or not parts.path.startswith("/"):
        return None
    return parts.path, parts.query


async def _again(request: Request, exc: Exception) -> Response | None:
    """The page the form was posted from, as its own GET handler renders it, marked; None when
    it is not one of our pages or the reader would not be let in to it by its guards."""
    found = _referrer(request)
    if found is None:
        return None
    path, query = found
    post_handler = request.scope.get("route_handler")
    try:
        _, handler, _, path_params, template = request.app.asgi_router.handle_routing(path=path, method="GET")
    except Exception:  # noqa: BLE001 - no such page
        return None
    route = next((r for r in request.app.routes if isinstance(r, HTTPRoute) and r.path_format == template), None)
    if route is None or "GET" not in route.route_handler_map or post_handler is None:
        return None
    handler, model = route.route_handler_map["GET"]
    if handler.resolve_exception_handlers().get(BoaError) is not page_error:
        return None  # not a page (the API)
    if post_handler.opt.get("public") and not handler.opt.get("public"):
        return None  # a page behind the login, asked for from one before it
    if post_handler.opt.get(ONBOARDING) and not handler.opt.get(ONBOARDING):
        return None  # a page the reader may not see until the onboarding is done
    session = request_db_session(request.scope)
    if session is not None:
        await end_refused(session, keep_loaded=True)
    state = {k: v for k, v in request.scope["state"].items() if k != CONNECTION_STATE_KEY}
    scope: Any = {**request.scope, "method": "GET", "path": path, "raw_path": path.encode(),
                  "query_string": query.encode(), "path_params": path_params, "route_handler": handler,
                  "path_template": template, "state": state}
    page_request: Request = Request(scope)
    for guard in handler.resolve_guards():
        if guard not in post_handler.resolve_guards():
            result = guard(page_request, handler)
            if inspect.isawaitable(result):
                await result
    async with AsyncExitStack() as stack:
        kwargs = await model.to_kwargs(connection=page_request)
        if model.dependency_batches:
            await stack.enter_async_context(await model.resolve_dependencies(page_request, kwargs))
        parsed = handler.signature_model.parse_values_from_connection_kwargs(connection=page_request, kwargs=kwargs)
        page = await handler.fn(**parsed)
    if not isinstance(page, Response) or page.status_code != 200 or not isinstance(page.content, str):
        return None
    lang = viewer_of(request).lang
    html = marked(request, page.content, problems_of(request, exc, lang), action=request.url.path, here=path)
    status = exc.status if isinstance(exc, BoaError) else 422
    return Response(html, status_code=status, media_type="text/html", cookies=page.cookies, headers=SECURITY_HEADERS)


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
