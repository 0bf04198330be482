"""Commissioned statistics (SPEC 9): the customer's requests, quotations and acceptance, error
reports; Research Services' clarification, quotation, contract, production, time, delivery and
advice. Every answer is the commission in full (or a page of summaries)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.commissions import (
    AcceptBody,
    AdviceBody,
    ClarificationBody,
    CommissionBody,
    ContractBody,
    CustomerDataBody,
    DeliveryBody,
    ErrorReportBody,
    GuestRequestAnswer,
    GuestRequestBody,
    QuotationBody,
    TimeBody,
)
from api.schemas.common import Page
from boa.commissions import service, views
from boa.commissions.presenters import CommissionSummary, CommissionView, TimeEntryView
from boa.commissions.service import RegisterWish, RequestSpec, TableSpec
from boa.kernel.actor import Actor
from boa.kernel.queries import parse_id
from boa.web.auth import require_staff
from boa.web.downloads import attachment


def download(found: service.Download) -> Response[bytes]:
    return attachment(found.content, found.file_name, found.media_type)


class CommissionController(Controller):
    path = "/v1/commissions"
    tags = ["Commissioned statistics"]

    @get("/")
    async def index(self, db_session: AsyncSession, actor: Actor,
                    in_state: Annotated[str | None, Parameter(query="state")] = None, overdue: bool = False,
                    limit: int | None = None, cursor: str | None = None) -> Page[CommissionSummary]:
        """A customer's own commissions; for Research Services the queue (``overdue=true``: past
        the target date)."""
        items, nxt = await views.listing(db_session, actor=actor, state=in_state, overdue=overdue, limit=limit,
                                         cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @post("/")
    async def create(self, db_session: AsyncSession, actor: Actor, data: CommissionBody) -> CommissionView:
        """A signed-in customer's request; ``kind=update`` with ``previous_id`` asks for an update of
        an earlier delivery (``GET /v1/commissions/{previous_id}`` gives its spec and tables to
        start from)."""
        spec = RequestSpec(
            title=data.title, description=data.description, population=data.population, kind=data.kind,
            previous_id=parse_id(data.previous_id, "commission") if data.previous_id else None,
            population_note=data.population_note, own_list_agreed=data.own_list_agreed,
            encrypted_submission=data.encrypted_submission, dpa_reference=data.dpa_reference,
            dpa_retention_years=data.dpa_retention_years,
            registers=tuple(RegisterWish(r.code, list(r.variables), r.groupings) for r in data.registers),
            periods=tuple(data.periods), formats=tuple(data.formats), deadline=data.deadline,
            budget_ore=data.budget_ore,
            institution_id=parse_id(data.institution_id, "institution") if data.institution_id else None,
            contact_email=data.contact_email)
        row = await service.request(db_session, actor=actor, spec=spec)
        return await views.commission(db_session, actor=actor, commission_id=row.id)

    @get("/{commission_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, commission_id: str) -> CommissionView:
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/withdraw", status_code=200)
    async def withdraw(self, db_session: AsyncSession, actor: Actor, commission_id: str) -> CommissionView:
        await service.withdraw(db_session, actor=actor, commission_id=commission_id)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/clarification", guards=[require_staff], status_code=200)
    async def clarify(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                      data: ClarificationBody) -> CommissionView:
        await service.clarify(db_session, actor=actor, commission_id=commission_id, consultant=data.consultant,
                              answers=dict(data.answers), last_update=data.last_update, needed_by=data.needed_by,
                              clarification_hours=data.clarification_hours, special_terms=data.special_terms,
                              note=data.note)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/quotations", guards=[require_staff])
    async def quote(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                    data: QuotationBody) -> CommissionView:
        await service.quote(db_session, actor=actor, commission_id=commission_id, kind=data.kind, hours=data.hours,
                            hour_ceiling=data.hour_ceiling, tables=list(data.tables), estimate_ore=data.estimate_ore,
                            note=data.note, valid_days=data.valid_days)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/quotations/{version:int}/accept", status_code=200)
    async def accept(self, db_session: AsyncSession, actor: Actor, commission_id: str, version: int,
                     data: AcceptBody) -> CommissionView:
        """The customer's written acceptance: the service is commissioned."""
        await service.accept(db_session, actor=actor, commission_id=commission_id, version=version,
                             statement=data.statement)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/contract", guards=[require_staff], status_code=200)
    async def contract(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                       data: ContractBody) -> CommissionView:
        await service.record_contract(db_session, actor=actor, commission_id=commission_id, reference=data.reference,
                                      third_party_use=data.third_party_use, publish_raw=data.publish_raw)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/production", guards=[require_staff], status_code=200)
    async def production(self, db_session: AsyncSession, actor: Actor, commission_id: str) -> CommissionView:
        """Production starts: 409 ``not_commissioned`` before acceptance, ``contract_required``
        without the contract a service above DKK 25,000 or on special terms needs."""
        await service.start_production(db_session, actor=actor, commission_id=commission_id)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/time", guards=[require_staff])
    async def time(self, db_session: AsyncSession, actor: Actor, commission_id: str, data: TimeBody) -> TimeEntryView:
        entry = await service.register_time(db_session, actor=actor, commission_id=commission_id, task=data.task,
                                            minutes=data.minutes, note=data.note)
        c = await service.commission_for(db_session, commission_id, actor=actor)
        return TimeEntryView(task=entry.task, minutes=entry.minutes,
                             total_minutes=await service.minutes_registered(db_session, c))

    @post("/{commission_id:str}/deliveries", guards=[require_staff])
    async def deliver(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                      data: DeliveryBody) -> CommissionView:
        """Every table through the disclosure control (422 with the failing categories when one
        cannot be protected); the first delivery is invoiced."""
        tables = [TableSpec(name=t.name, content=t.content, format=t.format, count=t.count, min_count=t.min,
                            method=t.method) for t in data.tables]
        await service.deliver(db_session, actor=actor, commission_id=commission_id, documentation=data.documentation,
                              tables=tables)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @get("/{commission_id:str}/deliveries/{delivery:int}/files/{name:str}", media_type="application/octet-stream")
    async def file(self, db_session: AsyncSession, actor: Actor, commission_id: str, delivery: int,
                   name: str) -> Response[bytes]:
        """A delivered table in its format (``name`` or ``name.ext``): xlsx, pivot (a wide xlsx),
        PC-Axis (.px), SAS (XPORT .xpt), SPSS (.sav) or semicolon-separated (.csv), made from the
        protected table: a suppressed cell is ``..`` or a missing value, never its count."""
        return download(await service.get_delivery_file(db_session, actor=actor, commission_id=commission_id,
                                                        number=delivery, name=name))

    @get("/{commission_id:str}/deliveries/{delivery:int}/documentation", media_type="text/plain")
    async def documentation(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                            delivery: int) -> Response[bytes]:
        """The delivery's documentation: data, population, periods, each table's disclosure control
        and the terms of use (third parties, raw publication) the contract sets."""
        return download(await service.get_delivery_documentation(db_session, actor=actor,
                                                                 commission_id=commission_id, number=delivery))

    @post("/{commission_id:str}/sub-invoices", guards=[require_staff])
    async def sub_invoice(self, db_session: AsyncSession, actor: Actor, commission_id: str) -> CommissionView:
        """A sub-invoice of a long service in production (409 ``sub_invoice_too_soon`` within a month
        of the commission or the last one, ``nothing_to_invoice``)."""
        await service.sub_invoice(db_session, actor=actor, commission_id=commission_id)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/advice", guards=[require_staff])
    async def advice(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                     data: AdviceBody) -> CommissionView:
        await service.advise(db_session, actor=actor, commission_id=commission_id, minutes=data.minutes,
                             note=data.note)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/errors", status_code=200)
    async def report_error(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                           data: ErrorReportBody) -> CommissionView:
        """An error within 30 days of the delivery reopens it (409 ``correction_period_over`` after)."""
        await service.report_error(db_session, actor=actor, commission_id=commission_id,
                                   description=data.description)
        return await views.commission(db_session, actor=actor, commission_id=commission_id)

    @post("/{commission_id:str}/customer-data")
    async def customer_data(self, db_session: AsyncSession, actor: Actor, commission_id: str,
                            data: CustomerDataBody) -> CommissionView:
        """The customer's own population (only on the agreed terms); deleted 3 years after delivery
        or as the data processor agreement says."""
        await service.submit_customer_data(db_session, actor=actor, commission_id=commission_id, name=data.name,
                                           content=data.content.encode("utf-8"))
        return await views.commission(db_session, actor=actor, commission_id=commission_id)


LINK_HEADER = "X-Commission-Link"
PUBLIC = {"public": True}


class CommissionLinkController(Controller):
    """A customer without a BOA user: the request (public, limited) and the commission followed
    with the secret of the link mailed to them, sent in the ``X-Commission-Link`` header (a wrong
    one is 404)."""

    path = "/v1"
    tags = ["Commissioned statistics"]

    @post("/commission-requests", opt=PUBLIC, status_code=202)
    async def request(self, db_session: AsyncSession, data: GuestRequestBody) -> GuestRequestAnswer:
        """The request is kept unseen by the office until the person confirms it through the link
        mailed to them (429 ``too_many_requests`` beyond 3 a day from one address)."""
        spec = RequestSpec(
            title=data.title, description=data.description, population=data.population,
            population_note=data.population_note,
            registers=tuple(RegisterWish(r.code, list(r.variables), r.groupings) for r in data.registers),
            periods=tuple(data.periods), formats=tuple(data.formats), deadline=data.deadline,
            budget_ore=data.budget_ore)
        row = await service.guest_request(db_session, spec=spec, name=data.name, email=data.contact_email,
                                          language=data.language)
        return GuestRequestAnswer(id=str(row.id), contact_email=row.contact_email, confirmed=False)

    @get("/commission-links/{commission_id:str}", opt=PUBLIC)
    async def show(self, db_session: AsyncSession, commission_id: str,
                   link: Annotated[str, Parameter(header=LINK_HEADER, max_length=200)]) -> CommissionView:
        guest = await service.guest_actor(db_session, commission_id, link)
        return await views.commission(db_session, actor=guest, commission_id=commission_id)

    @post("/commission-links/{commission_id:str}/confirm", opt=PUBLIC, status_code=200)
    async def confirm(self, db_session: AsyncSession, commission_id: str,
                      link: Annotated[str, Parameter(header=LINK_HEADER, max_length=200)]) -> CommissionView:
        guest = await service.guest_actor(db_session, commission_id, link)
        await service.confirm_guest(db_session, actor=guest, commission_id=commission_id)
        return await views.commission(db_session, actor=guest, commission_id=commission_id)

    @post("/commission-links/{commission_id:str}/quotations/{version:int}/accept", opt=PUBLIC, status_code=200)
    async def accept(self, db_session: AsyncSession, commission_id: str, version: int, data: AcceptBody,
                     link: Annotated[str, Parameter(header=LINK_HEADER, max_length=200)]) -> CommissionView:
        guest = await service.guest_actor(db_session, commission_id, link)
        await service.accept(db_session, actor=guest, commission_id=commission_id, version=version,
                             statement=data.statement)
        return await views.commission(db_session, actor=guest, commission_id=commission_id)

    @post("/commission-links/{commission_id:str}/errors", opt=PUBLIC, status_code=200)
    async def report_error(self, db_session: AsyncSession, commission_id: str, data: ErrorReportBody,
                           link: Annotated[str, Parameter(header=LINK_HEADER, max_length=200)]) -> CommissionView:
        guest = await service.guest_actor(db_session, commission_id, link)
        await service.report_error(db_session, actor=guest, commission_id=commission_id,
                                   description=data.description)
        return await views.commission(db_session, actor=guest, commission_id=commission_id)

    @get("/commission-links/{commission_id:str}/deliveries/{delivery:int}/files/{name:str}", opt=PUBLIC,
         media_type="application/octet-stream")
    async def file(self, db_session: AsyncSession, commission_id: str, delivery: int, name: str,
                   link: Annotated[str, Parameter(header=LINK_HEADER, max_length=200)]) -> Response[bytes]:
        guest = await service.guest_actor(db_session, commission_id, link)
        return download(await service.get_delivery_file(db_session, actor=guest, commission_id=commission_id,
                                                        number=delivery, name=name))

    @get("/commission-links/{commission_id:str}/deliveries/{delivery:int}/documentation", opt=PUBLIC,
         media_type="text/plain")
    async def documentation(self, db_session: AsyncSession, commission_id: str, delivery: int,
                            link: Annotated[str, Parameter(header=LINK_HEADER, max_length=200)]) -> Response[bytes]:
        guest = await service.guest_actor(db_session, commission_id, link)
        return download(await service.get_delivery_documentation(db_session, actor=guest,
                                                                 commission_id=commission_id, number=delivery))
