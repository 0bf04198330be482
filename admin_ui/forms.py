"""Reading the pages' forms, and answering a successful post with a redirect and a message."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.response import Redirect

from admin_ui.cookies import FORM_COOKIE, flash_cookie
from admin_ui.i18n import gettext
from admin_ui.viewer import viewer_of
from boa.kernel import inputs
from boa.kernel.errors import PermissionDenied, ValidationFailed
from boa.web.auth import CSRF_FIELD

MAX_FIELD = 2000


class Form:
    def __init__(self, data: Any) -> None:
        self._data = data

    def text(self, name: str, default: str = "", *, limit: int = MAX_FIELD) -> str:
        value = self._data.get(name, default)
        if not isinstance(value, str):
            return default
        if len(value) > limit:
            raise ValidationFailed(f"{name} is too long.", field=name)
        inputs.check_value(value, name)  # no control or text-direction characters (lines kept)
        return value.strip()

    def optional(self, name: str, *, limit: int = MAX_FIELD) -> str | None:
        return self.text(name, limit=limit) or None

    def all(self, name: str) -> list[str]:
        return [v.strip() for v in self._data.getall(name, []) if isinstance(v, str) and v.strip()]

    def values(self, name: str, *, limit: int = MAX_FIELD) -> list[str]:
        """Every value of a repeated field in order, empty ones kept (rows of a table of inputs)."""
        out = []
        for value in self._data.getall(name, []):
            text = value if isinstance(value, str) else ""
            if len(text) > limit:
                raise ValidationFailed(f"{name} is too long.", field=name)
            inputs.check_value(text, name)
            out.append(text.strip())
        return out

    def words(self, name: str) -> list[str]:
        """A list typed as words separated by commas or spaces (IDENTs, dataset names)."""
        return [w for w in self.text(name).replace(",", " ").split() if w]

    def day(self, name: str) -> date:
        try:
            day = date.fromisoformat(self.text(name))
        except ValueError:
            raise ValidationFailed(f"{name} must be a date (YYYY-MM-DD).", field=name) from None
        return inputs.check_day(day, name)


async def read_form(request: Request) -> Form:
    return Form(await request.form())


def check_csrf(sent: str, expected: str | None) -> None:
    if not sent or not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise PermissionDenied("The form has expired. Reload the page and try again.", code="csrf_failed")


async def public_form(request: Request, session_csrf: str | None = None) -> Form:
    """A form posted without a session (login, language): its ``csrf_token`` must equal the
    ``boa_form`` cookie (double submit) or, when given, the session's token; constant time."""
    form = await read_form(request)
    sent = form.text(CSRF_FIELD)
    if session_csrf and sent and secrets.compare_digest(sent.encode(), session_csrf.encode()):
        return form
    check_csrf(sent, request.cookies.get(FORM_COOKIE))
    return form


def safe_path(value: str | None, default: str = "/") -> str:
    """A local path to go back to; anything else (another host, a scheme) becomes ``default``."""
    if not value or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        return default  # browsers drop tabs and newlines: "/\t/host" would become "//host"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def done(request: Request, to: str, message: str, **params: Any) -> Redirect:
    """303 to ``to`` with ``message`` (an English message id, %-formatted with ``params``) shown there."""
    lang = viewer_of(request).lang
    text = gettext(lang, message) % params if params else gettext(lang, message)
    return Redirect(safe_path(to), status_code=303, cookies=[flash_cookie("ok", text)])
