"""The register catalogue ("Data content"): a public, searchable page and one page a register (no
login, Danish and English), and Research Services' pages to add registers and variables, change
them, release and close (after a confirmation). Every change calls the verb the API calls
(:mod:`boa.registers.service`); a refused change comes back in place, on the page it was posted
from, with what was typed (:mod:`admin_ui.errors`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.errors import error_text
from admin_ui.forms import Form, done, read_form
from admin_ui.i18n import N_
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.kernel import clock
from boa.kernel.errors import BoaError, ValidationFailed
from boa.registers import rules, service, views
from boa.registers.rules import FREQUENCIES, VariableSpec
from boa.web.auth import SESSION_OPTIONAL, require_staff

PAGE_SIZE = 50
# Public, and the signed-in reader's own page (menu, language) when a session is there.
PUBLIC = {"public": True, SESSION_OPTIONAL: True}


def _year(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(f"{field} must be a year.", code="invalid_year", field=field) from None


def _pager_params(q: str | None) -> str:
    return urlencode({"q": q}) + "&" if q else ""


async def _catalogue(request: Request, db: AsyncSession, template: str, q: str | None, cursor: str | None, *,
                     status: int = 200, **context: Any) -> Response:
    """The catalogue page (public or staff): a refused search is shown on the page, as a 422."""
    viewer = viewer_of(request)
    error = None
    try:
        items, nxt = await views.catalogue(db, q=q, lang=viewer.lang, limit=PAGE_SIZE, cursor=cursor)
    except ValidationFailed as exc:
        items, nxt, error, status = [], None, error_text(exc, viewer.lang), exc.status
    return render(request, template, status=status, items=msgspec.to_builtins(items), next_cursor=nxt, q=q or "", error=error,
                  pager_params=_pager_params(q), suggestions=await views.suggestions(db, viewer.lang), **context)


class RegisterPages(Controller):
    """Public: anyone reads the catalogue, signed in or not."""

    path = "/registers"

    @get("/", opt=PUBLIC)
    async def catalogue(self, request: Request, db_session: AsyncSession, q: str | None = None,
                        cursor: str | None = None) -> Response:
        return await _catalogue(request, db_session, "registers.html", q, cursor)

    @get("/{code:str}", opt=PUBLIC)
    async def register(self, request: Request, db_session: AsyncSession, code: str) -> Response:
        view = await views.register(db_session, code=code, lang=viewer_of(request).lang)
        return render(request, "register.html", register=msgspec.to_builtins(view))


def _variable_spec(form: Form) -> VariableSpec:
    return VariableSpec(name=form.text("name"), label_da=form.text("label_da"), label_en=form.text("label_en"),
                        key=form.text("key") == "yes", documentation_url=form.optional("documentation_url"))


class RegisterStaffPages(Controller):
    """Research Services maintain the catalogue."""

    path = "/staff/registers"
    guards = [require_staff]

    @get("/")
    async def index(self, request: Request, db_session: AsyncSession, q: str | None = None,
                    cursor: str | None = None) -> Response:
        return await _catalogue(request, db_session, "staff_registers.html", q, cursor, frequencies=FREQUENCIES,
                                typed={}, add_error=None)

    @post("/")
    async def add(self, request: Request, db_session: AsyncSession) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        first_year = form.checked(form.year("first_year"))
        row = await service.add_register(
            db_session, actor=viewer.actor, code=form.text("code"), name_da=form.text("name_da"),
            name_en=form.text("name_en"), first_year=first_year, frequency=form.text("frequency"),
            released=form.text("released") == "yes")
        return done(request, f"/staff/registers/{row.code}", N_("Register %(code)s is added."), code=row.code)

    async def _page(self, request: Request, db: AsyncSession, code: str, *, status: int = 200,
                    error: BoaError | None = None, where: str = "", typed: dict[str, str] | None = None) -> Response:
        """The register's page; a refused change is shown beside the form it came from (``where``),
        with what was typed."""
        viewer = viewer_of(request)
        view = await views.register(db, code=code, lang=viewer.lang)
        return render(request, "staff_register.html", status=status, register=msgspec.to_builtins(view), frequencies=FREQUENCIES,
                      error=error_text(error, viewer.lang) if error is not None else None, where=where,
                      typed=typed or {}, this_year=clock.now().year)

    @get("/{code:str}")
    async def show(self, request: Request, db_session: AsyncSession, code: str) -> Response:
        return await self._page(request, db_session, code)

    @post("/{code:str}")
    async def change(self, request: Request, db_session: AsyncSession, code: str) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        first_year = form.checked(form.year("first_year"))
        row = await service.change_register(
            db_session, actor=viewer.actor, code=code, name_da=form.text("name_da"), name_en=form.text("name_en"),
            first_year=first_year, frequency=form.text("frequency"))
        return done(request, f"/staff/registers/{row.code}", N_("The register is saved."))

    @post("/{code:str}/release")
    async def release(self, request: Request, db_session: AsyncSession, code: str) -> Response:
        row = await service.release_register(db_session, actor=viewer_of(request).actor, code=code)
        return done(request, f"/staff/registers/{row.code}", N_("Register %(code)s is released."), code=row.code)

    @get("/{code:str}/close")
    async def confirm_close(self, request: Request, db_session: AsyncSession, code: str,
                            last_year: str = "") -> Response:
        """Asks before closing: the year is checked by the rule the service applies, and a refusal
        goes back to the register's page with the year typed."""
        view = await views.register(db_session, code=code, lang=viewer_of(request).lang)
        try:
            year = rules.last_year(view.first_year, _year(last_year.strip(), "last_year"), clock.now().year)
        except BoaError as exc:
            return await self._page(request, db_session, code, status=exc.status, error=exc, where="close",
                                    typed={"last_year": last_year})
        return render(request, "staff_register_close.html", register=msgspec.to_builtins(view), last_year=year)

    @post("/{code:str}/close")
    async def close(self, request: Request, db_session: AsyncSession, code: str) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        last_year = form.checked(form.year("last_year"))
        row = await service.close_register(db_session, actor=viewer.actor, code=code, last_year=last_year)
        return done(request, f"/staff/registers/{row.code}", N_("Register %(code)s is closed with the last year "
                                                                "%(year)s."), code=row.code, year=row.last_year)

    @post("/{code:str}/variables")
    async def add_variable(self, request: Request, db_session: AsyncSession, code: str) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        row = await service.add_variable(db_session, actor=viewer.actor, code=code, spec=_variable_spec(form))
        return done(request, f"/staff/registers/{code}#variables", N_("Variable %(name)s is added."), name=row.name)

    @post("/{code:str}/variables/{name:str}")
    async def change_variable(self, request: Request, db_session: AsyncSession, code: str, name: str) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        spec = _variable_spec(form)
        row = await service.change_variable(db_session, actor=viewer.actor, code=code, name=name,
                                            label_da=spec.label_da, label_en=spec.label_en, key=spec.key,
                                            documentation_url=spec.documentation_url or "")
        return done(request, f"/staff/registers/{code}#variables", N_("Variable %(name)s is saved."), name=row.name)
