"""The rules of :mod:`boa.kernel.inputs` on what every request carries besides its body: each query
value (a search term, an IDENT, a cursor, a date) and each path segment is one line without control
or text-direction characters and of bounded length; a query value that is a date-time says its
offset, and every date lies in 1900-2200. A refusal is 400 ``validation_failed`` before any
handler or query runs, on every API route, whatever its parameters' types."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import parse_qsl

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from boa.kernel import inputs
from boa.kernel.errors import ValidationFailed

QUERY_VALUE_MAX = 1_000  # characters: a cursor is the longest value BOA hands out
# The API's paths. The admin pages check their own fields, so that a refused search is shown on
# the page with what was typed still in the box (the services check names and search terms).
GUARDED = ("/v1/",)
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What is left of the JSON text without its strings (whose brackets are text) but brackets is
# dropped, and braces read as brackets.
_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_too_deep(body: bytes, limit: int = inputs.JSON_DEPTH_MAX) -> bool:
    """Whether the JSON text ``body`` nests arrays and objects deeper than ``limit`` (or its brackets
    do not pair up), without decoding it: the brackets alone, innermost pairs removed ``limit``
    times, all in C (a body with fewer brackets than ``limit`` is not even looked at)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    # Without escaped backslashes and quotes, the strings are every other piece between quotes.
    unquoted = b"".join(body.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')[::2])
    nesting = unquoted.translate(_AS_BRACKETS, _NOT_BRACKETS)
    for _ in range(limit):
        nesting = nesting.replace(b"[]", b"")
        if not nesting:
            return False
    return True


class BoundedJsonRequest(Request):
    """The app's request: its JSON body is refused (400 ``validation_failed``) when it nests
    deeper than ``JSON_DEPTH_MAX``, before the decoder recurses into it."""

    async def json(self) -> object:
        if json_too_deep(await self.body()):
            raise ValidationException(detail=f"The JSON body nests deeper than {inputs.JSON_DEPTH_MAX} levels "
                                             "(or its brackets do not pair up).",
                                      extra=[{"key": "body", "source": "body",
                                              "message": "The JSON body nests too deep."}])
        return await super().json()


def refusal(name: str, value: str) -> str | None:
    """Why the query value ``value`` of ``name`` is refused (``None``: it is not)."""
    if (why := inputs.line_refusal(value)) is not None:
        return f"{name} holds {why}."
    if len(value) > QUERY_VALUE_MAX:
        return f"{name} is longer than {QUERY_VALUE_MAX} characters."
    try:
        if _MOMENT.match(value):
            inputs.check_moment(datetime.fromisoformat(value), name)
        elif _DAY.match(value):
            inputs.check_day(date.fromisoformat(value), name)
    except ValueError:
        return None  # not a date after all: the handler's own parsing answers
    except ValidationFailed as err:
        return err.detail
    return None


class RequestLineGuard(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if not scope.get("path", "").startswith(GUARDED):
            await next_app(scope, receive, send)
            return
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True,
                          encoding="utf-8", errors="replace")
        errors = []
        if (why := inputs.line_refusal(scope.get("path", ""))) is not None:
            errors.append({"key": "path", "source": "path", "message": f"The path holds {why}."})
        for name, value in pairs:
            message = inputs.line_refusal(name) and "A query parameter's name holds a control character."
            message = message or refusal(name, value)
            if message:
                errors.append({"key": name, "source": "query", "message": message})
        if errors:
            raise ValidationException(detail=" ".join(e["message"] for e in errors), extra=errors)
        await next_app(scope, receive, send)
