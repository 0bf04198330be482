"""Commissioned statistics in the pages: the customer's requests, quotations (accepted in writing),
deliveries and invoices; Research Services' queue, clarification, quotation, contract, production,
time registration, delivery and advice. Every form calls the verb the API calls
(:mod:`boa.commissions.service`); a refused form is shown on the same page with its reason."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.errors import error_text
from admin_ui.forms import Form, done, public_form, read_form
from admin_ui.i18n import N_
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.commissions import rules, service, views
from boa.commissions.service import RegisterWish, RequestSpec, TableSpec
from boa.kernel.errors import BoaError, ValidationFailed
from boa.web.downloads import attachment


def download(found: service.Download) -> Response[bytes]:
    return attachment(found.content, found.file_name, found.media_type)


STEPS = ("clarification", "quotation", "contract", "production", "time", "sub-invoice", "delivery", "advice", "accept",
         "error")


def _number(value: str, field: str) -> float:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise ValidationFailed(f"{field} must be a number.", field=field, code="invalid_hours") from None


def _whole(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(f"{field} must be a whole number.", field=field) from None


def _request_spec(form: Form, kind: str = "new") -> RequestSpec:
    wishes = []
    for code, variables in zip(form.all("register"), form.all("variables"), strict=False):
        wishes.append(RegisterWish(code, [v for v in variables.replace(",", " ").split() if v]))
    deadline = form.day("deadline", required=False)
    form.check()
    return RequestSpec(title=form.text("title"), description=form.text("description"),
                       population=form.text("population", "total"), population_note=form.optional("population_note"),
                       registers=tuple(wishes), periods=tuple(form.words("periods")),
                       formats=tuple(form.all("formats")), deadline=deadline, kind=kind,
                       previous_id=_whole(form.text("previous_id"), "previous_id") if kind == "update" else None)


class CommissionPages(Controller):
    path = "/commissions"

    async def _list(self, request: Request, db: AsyncSession, *, status: int = 200, error: BoaError | None = None,
                    typed: dict[str, str] | None = None, update: str | None = None) -> Response:
        viewer = viewer_of(request)
        items, nxt = await views.listing(db, actor=viewer.actor, limit=100)
        previous = None
        if update:  # an update of an earlier delivery starts from its request and shows its tables
            previous = msgspec.to_builtins(await views.commission(db, actor=viewer.actor, commission_id=update))
            first = previous["registers"][0] if previous["registers"] else {"code": "", "variables": []}
            typed = {"title": previous["title"], "description": previous["description"],
                     "population": str(previous["population"]), "register": str(first["code"]),
                     "variables": " ".join(first["variables"]), "periods": " ".join(previous["periods"]),
                     "formats": " ".join(previous["formats"]), **(typed or {})}
        return render(request, "commissions.html", status=status, items=msgspec.to_builtins(items),
                      next_cursor=nxt, formats=rules.FORMATS, populations=("total", "delimited"),
                      error=error_text(error, viewer.lang) if error else None, typed=typed or {}, previous=previous)

    @get("/")
    async def index(self, request: Request, db_session: AsyncSession, update: str | None = None) -> Response:
        return await self._list(request, db_session, update=update)

    @post("/")
    async def create(self, request: Request, db_session: AsyncSession) -> Response:
        # A refusal comes back in place, with what was typed (admin_ui.errors).
        viewer, form = viewer_of(request), await read_form(request)
        update = form.text("previous_id") or None
        row = await service.request(db_session, actor=viewer.actor, spec=_request_spec(form, "update" if update else "new"))
        return done(request, f"/commissions/{row.id}", N_("Your request %(id)s is filed."), id=row.id)

    async def _page(self, request: Request, db: AsyncSession, commission_id: str, *, status: int = 200,
                    error: BoaError | None = None, where: str = "") -> Response:
        viewer = viewer_of(request)
        view = await views.commission(db, actor=viewer.actor, commission_id=commission_id)
        return render(request, "commission.html", status=status, c=msgspec.to_builtins(view),
                      base=f"/commissions/{view.id}", guest=False,
                      is_customer=not viewer.is_staff, tasks=rules.TASKS, formats=rules.FORMATS,
                      questions=rules.CLARIFICATION_QUESTIONS, kinds=rules.QUOTATION_KINDS,
                      error=error_text(error, viewer.lang) if error else None, where=where)

    @get("/{commission_id:str}")
    async def show(self, request: Request, db_session: AsyncSession, commission_id: str) -> Response:
        return await self._page(request, db_session, commission_id)

    @get("/{commission_id:str}/deliveries/{delivery:int}/files/{name:str}")
    async def file(self, request: Request, db_session: AsyncSession, commission_id: str, delivery: int,
                   name: str) -> Response[bytes]:
        return download(await service.get_delivery_file(db_session, actor=viewer_of(request).actor,
                                                        commission_id=commission_id, number=delivery, name=name))

    @get("/{commission_id:str}/deliveries/{delivery:int}/documentation")
    async def documentation(self, request: Request, db_session: AsyncSession, commission_id: str,
                            delivery: int) -> Response[bytes]:
        return download(await service.get_delivery_documentation(db_session, actor=viewer_of(request).actor,
                                                                 commission_id=commission_id, number=delivery))

    @post("/{commission_id:str}/{step:str}")
    async def act(self, request: Request, db_session: AsyncSession, commission_id: str, step: str) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        await self._step(db_session, viewer.actor, commission_id, step, form)  # a refusal: in place
        return done(request, f"/commissions/{commission_id}#{step}", N_("Saved."))

    async def _step(self, db: AsyncSession, actor: Any, cid: str, step: str, form: Form) -> None:
        if step == "clarification":
            await service.clarify(db, actor=actor, commission_id=cid, consultant=form.optional("consultant"),
                                  answers={q: form.text(q) == "yes" for q in rules.CLARIFICATION_QUESTIONS},
                                  last_update=form.optional("last_update"), needed_by=None,
                                  clarification_hours=_number(form.text("clarification_hours", "0"),
                                                              "clarification_hours"),
                                  special_terms=form.optional("special_terms"))
        elif step == "quotation":
            ceiling = form.text("hour_ceiling")
            estimate = form.text("estimate_dkk")
            await service.quote(db, actor=actor, commission_id=cid, kind=form.text("kind"),
                                hours=_number(form.text("hours"), "hours"),
                                hour_ceiling=_number(ceiling, "hour_ceiling") if ceiling else None,
                                tables=[t.strip() for t in form.text("tables").splitlines() if t.strip()],
                                estimate_ore=_whole(estimate, "estimate_dkk") * 100 if estimate else None)
        elif step == "accept":
            await service.accept(db, actor=actor, commission_id=cid, version=_whole(form.text("version"), "version"),
                                 statement=form.text("statement"))
        elif step == "contract":
            await service.record_contract(db, actor=actor, commission_id=cid, reference=form.text("reference"),
                                          third_party_use=form.text("third_party_use") == "yes",
                                          publish_raw=form.text("publish_raw") == "yes")
        elif step == "production":
            await service.start_production(db, actor=actor, commission_id=cid)
        elif step == "time":
            await service.register_time(db, actor=actor, commission_id=cid, task=form.text("task"),
                                        minutes=_whole(form.text("minutes"), "minutes"))
        elif step == "delivery":
            await service.deliver(db, actor=actor, commission_id=cid, documentation=form.text("documentation"),
                                  tables=[TableSpec(name=form.text("name"), content=form.text("content", limit=900_000)
                                                    .replace("\r\n", "\n"), format=form.text("format", "xlsx"),
                                                    count=form.optional("count"))])
        elif step == "sub-invoice":
            await service.sub_invoice(db, actor=actor, commission_id=cid)
        elif step == "advice":
            await service.advise(db, actor=actor, commission_id=cid, minutes=_whole(form.text("minutes"), "minutes"))
        elif step == "error":
            await service.report_error(db, actor=actor, commission_id=cid, description=form.text("description"))
        else:
            raise ValidationFailed("Unknown step.", field="step")


class GuestCommissionPages(Controller):
    """A customer without a BOA user: the public request form, and the commission followed through
    the link mailed to them (``/follow/<id>/<secret>``: the secret is the credential, as the
    activation code is on the activation page; a wrong one is 404)."""

    path = "/"
    opt = {"public": True}

    async def _form(self, request: Request, *, status: int = 200, sent: str | None = None) -> Response:
        return render(request, "commission_request.html", status=status, formats=rules.FORMATS,
                      populations=("total", "delimited"), error=None, typed={}, sent=sent)

    @get("/commission-request")
    async def request_form(self, request: Request) -> Response:
        return await self._form(request)

    @post("/commission-request")
    async def send_request(self, request: Request, db_session: AsyncSession) -> Response:
        # A refusal comes back in place, with what was typed (admin_ui.errors: a public page for a public form).
        form = await public_form(request)
        row = await service.guest_request(db_session, spec=_request_spec(form), name=form.text("name"),
                                          email=form.text("contact_email"), language=viewer_of(request).lang)
        return await self._form(request, status=202, sent=row.contact_email)

    async def _page(self, request: Request, db: AsyncSession, commission_id: str, secret: str, *, status: int = 200,
                    error: BoaError | None = None, where: str = "") -> Response:
        guest = await service.guest_actor(db, commission_id, secret)
        view = await views.commission(db, actor=guest, commission_id=commission_id)
        lang = viewer_of(request).lang
        return render(request, "commission.html", status=status, c=msgspec.to_builtins(view),
                      base=f"/follow/{view.id}/{secret}", is_customer=True, guest=True, tasks=rules.TASKS,
                      formats=rules.FORMATS, questions=rules.CLARIFICATION_QUESTIONS, kinds=rules.QUOTATION_KINDS,
                      error=error_text(error, lang) if error else None, where=where, previous=None)

    @get("/follow/{commission_id:str}/{secret:str}")
    async def follow(self, request: Request, db_session: AsyncSession, commission_id: str, secret: str) -> Response:
        return await self._page(request, db_session, commission_id, secret)

    @post("/follow/{commission_id:str}/{secret:str}/{step:str}")
    async def act(self, request: Request, db_session: AsyncSession, commission_id: str, secret: str,
                  step: str) -> Response:
        form = await public_form(request)
        guest = await service.guest_actor(db_session, commission_id, secret)
        try:
            if step == "confirm":
                await service.confirm_guest(db_session, actor=guest, commission_id=commission_id)
            elif step == "accept":
                await service.accept(db_session, actor=guest, commission_id=commission_id,
                                     version=_whole(form.text("version"), "version"), statement=form.text("statement"))
            elif step == "error":
                await service.report_error(db_session, actor=guest, commission_id=commission_id,
                                           description=form.text("description"))
            else:
                raise ValidationFailed("Unknown step.", field="step")
        except BoaError as exc:
            return await self._page(request, db_session, commission_id, secret, status=exc.status, error=exc,
                                    where=step)
        return done(request, f"/follow/{commission_id}/{secret}", N_("Saved."))

    @get("/follow/{commission_id:str}/{secret:str}/deliveries/{delivery:int}/files/{name:str}")
    async def file(self, db_session: AsyncSession, commission_id: str, secret: str, delivery: int,
                   name: str) -> Response[bytes]:
        guest = await service.guest_actor(db_session, commission_id, secret)
        return download(await service.get_delivery_file(db_session, actor=guest, commission_id=commission_id,
                                                        number=delivery, name=name))

    @get("/follow/{commission_id:str}/{secret:str}/deliveries/{delivery:int}/documentation")
    async def documentation(self, db_session: AsyncSession, commission_id: str, secret: str,
                            delivery: int) -> Response[bytes]:
        guest = await service.guest_actor(db_session, commission_id, secret)
        return download(await service.get_delivery_documentation(db_session, actor=guest,
                                                                 commission_id=commission_id, number=delivery))
