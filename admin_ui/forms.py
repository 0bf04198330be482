"""Reading the pages' forms, and answering a successful post with a redirect and a message.

A form reads its fields and *collects* what is wrong with them (a required field left empty, a
number, a year, a day or a moment that is not one) instead of stopping at the first: the handler
calls :meth:`Form.check` before the service, which raises :class:`FormInvalid` with every problem,
and the page comes back with all of them in place (:mod:`admin_ui.errors`, :mod:`admin_ui.inplace`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar, cast
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
T = TypeVar("T")


class FormInvalid(ValidationFailed):
    """Every problem the form found before the service was asked: ``problems`` is a list of
    (field, code), the codes' words in :data:`admin_ui.labels.ERRORS`."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("The form has problems: " + ", ".join(f"{f} ({c})" for f, c in problems) + ".",
                         field=problems[0][0], problems=problems)
        self.problems = problems


class Form:
    def __init__(self, data: Any) -> None:
        self._data = data
        self.problems: list[tuple[str, str]] = []

    def refuse(self, name: str, code: str) -> None:
        """Notes a problem with the field ``name`` (once a field); :meth:`check` raises them all."""
        if all(f != name for f, _ in self.problems):
            self.problems.append((name, code))

    def check(self) -> None:
        if self.problems:
            raise FormInvalid(self.problems)

    def checked(self, value: T | None) -> T:
        """A required field's value, once the whole form is checked (:meth:`check` raises first
        when any field was refused, so the value is there)."""
        self.check()
        return cast(T, value)

    def typed(self) -> dict[str, list[str]]:
        """What was sent, field by field (text values only: no files)."""
        out: dict[str, list[str]] = {}
        for key, value in self._data.multi_items():
            if isinstance(value, str):
                out.setdefault(key, []).append(value)
        return out

    def _given(self, name: str, required: bool) -> str | None:
        """The field's text, or None when it is empty (a problem when it is ``required``)."""
        text = self.text(name)
        if not text and required:
            self.refuse(name, "required")
        return text or None

    def _digits(self, name: str, required: bool, code: str, fits: Callable[[str], bool]) -> int | None:
        text = self._given(name, required)
        if text is None:
            return None
        if not text.isascii() or not text.isdigit() or not fits(text):
            self.refuse(name, code)
            return None
        return int(text)

    def number(self, name: str, *, required: bool = True) -> int | None:
        """A whole number (digits only); None when empty and not required, or when refused."""
        return self._digits(name, required, "invalid_number", lambda t: len(t) <= 18)

    def year(self, name: str, *, required: bool = True) -> int | None:
        """A year of four digits; None when empty and not required, or when refused."""
        return self._digits(name, required, "invalid_year", lambda t: len(t) == 4)

    def moment(self, name: str, zone: tzinfo, *, required: bool = True) -> datetime | None:
        """A ``datetime-local`` field, read in ``zone`` when it has none."""
        text = self._given(name, required)
        if text is None:
            return None
        try:
            value = datetime.fromisoformat(text)
            return inputs.check_moment(value if value.tzinfo else value.replace(tzinfo=zone), name)
        except (ValueError, ValidationFailed):
            self.refuse(name, "invalid_moment")
            return None

    def text(self, name: str, default: str = "", *, limit: int = MAX_FIELD) -> str:
        value = self._data.get(name, default)
        if not isinstance(value, str):
            return default
        if len(value) > limit:
            raise ValidationFailed(f"{name} is too long.", field=name)
        inputs.check_value(value, name)  # no control or text-direction characters (lines kept)
        return value.strip()

    def required(self, name: str) -> str:
        """A text the form cannot do without (a reason for the record); empty is a problem of the field."""
        return self._given(name, True) or ""

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

    def day(self, name: str, *, required: bool = True) -> date | None:
        """A day (YYYY-MM-DD); None when empty and not required, or when refused."""
        text = self._given(name, required)
        if text is None:
            return None
        try:
            return inputs.check_day(date.fromisoformat(text), name)
        except (ValueError, ValidationFailed):
            self.refuse(name, "invalid_date")
            return None


async def read_form(request: Request) -> Form:
    """The posted form; kept on the request, so a refusal can give the page back with it."""
    form = Form(await request.form())
    request.state.form = form
    return form


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
