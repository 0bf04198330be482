"""Read models: the customer's commissions or the office's queue, and one commission in full, each in
a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from boa.commissions import presenters, rules
from boa.commissions.models import (
    Advice,
    Commission,
    CustomerData,
    Delivery,
    DeliveryFile,
    Invoice,
    Quotation,
    TimeEntry,
)
from boa.commissions.presenters import CommissionSummary, CommissionView
from boa.commissions.service import commission_for
from boa.commissions.states import CommissionState
from boa.kernel import clock, mail
from boa.kernel.actor import Actor
from boa.kernel.errors import ValidationFailed
from boa.kernel.queries import keyset_page
from boa.people.models import User


def _today() -> Any:
    return clock.now().astimezone(mail.COPENHAGEN).date()


async def listing(session: AsyncSession, *, actor: Actor, state: str | None = None, overdue: bool = False,
                  limit: int | None = None, cursor: str | None = None) -> tuple[list[CommissionSummary], str | None]:
    """Research Services see every commission (the queue); a customer their own."""
    query = select(Commission)
    if not actor.is_staff:
        query = query.where(Commission.customer_id == actor.user_id) if actor.user_id is not None \
            else query.where(false())
    else:  # a request without a BOA user is the office's once its e-mail address is confirmed
        query = query.where(or_(Commission.customer_id.is_not(None), Commission.guest_confirmed_at.is_not(None)))
    if state is not None:
        if state not in set(CommissionState):
            raise ValidationFailed("Unknown state.", field="state")
        query = query.where(Commission.state == state)
    if overdue:
        query = query.where(Commission.state.in_(("in_production", "reopened")),
                            Commission.target_date < _today())
    rows, nxt = await keyset_page(session, query, Commission.id, limit, cursor)
    ids = {r.consultant_id for r in rows if r.consultant_id}
    names = dict((await session.execute(select(User.id, User.ident).where(User.id.in_(ids)))).tuples().all()) \
        if ids else {}
    today = _today()
    return [presenters.summary(r, names.get(r.consultant_id) if r.consultant_id else None, today)
            for r in rows], nxt


async def commission(session: AsyncSession, *, actor: Actor, commission_id: Any) -> CommissionView:
    c = await commission_for(session, commission_id, actor=actor)
    consultant = await session.scalar(select(User.ident).where(User.id == c.consultant_id)) \
        if c.consultant_id else None
    quotes = (await session.scalars(select(Quotation).where(Quotation.commission_id == c.id)
                                    .order_by(Quotation.version))).all()
    deliveries = (await session.scalars(select(Delivery).where(Delivery.commission_id == c.id)
                                        .order_by(Delivery.number))).all()
    files = defaultdict(list)
    if deliveries:
        for f in (await session.scalars(select(DeliveryFile).options(defer(DeliveryFile.content)).where(
                DeliveryFile.delivery_id.in_([d.id for d in deliveries])).order_by(DeliveryFile.id))).all():
            files[f.delivery_id].append(f)
    numbers = {d.id: d.number for d in deliveries}
    invoices = (await session.scalars(select(Invoice).where(Invoice.commission_id == c.id)
                                      .order_by(Invoice.id))).all()
    minutes = int(await session.scalar(select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
        TimeEntry.commission_id == c.id)) or 0)
    advice = int(await session.scalar(select(func.coalesce(func.sum(Advice.minutes), 0)).where(
        Advice.commission_id == c.id)) or 0)
    data = (await session.scalars(select(CustomerData).where(CustomerData.commission_id == c.id)
                                  .order_by(CustomerData.id))).all()
    previous_delivery, previous_tables = await _previous_tables(session, c)
    accepted = [q for q in quotes if q.state == "accepted" and q.kind != "initial_survey"]
    base = presenters.summary(c, consultant, _today())
    return CommissionView(
        **{f: getattr(base, f) for f in base.__struct_fields__},
        guest_name=c.guest_name, guest_confirmed_at=c.guest_confirmed_at,
        description=c.description, population=c.population, population_note=c.population_note,
        own_list_agreed=c.own_list_agreed, encrypted_submission=c.encrypted_submission,
        dpa_reference=c.dpa_reference, dpa_retention_years=c.dpa_retention_years,
        previous_id=str(c.previous_id) if c.previous_id else None, previous_delivery=previous_delivery,
        previous_tables=[presenters.file(f) for f in previous_tables], registers=list(c.registers),
        periods=list(c.periods), formats=list(c.formats), budget_ore=c.budget_ore, clarification=c.clarification,
        special_terms=c.special_terms,
        contract_required=bool(accepted) and rules.contract_required(accepted[-1].price_ore, c.special_terms),
        contract_reference=c.contract_reference, contract_signed_at=c.contract_signed_at,
        third_party_use=c.third_party_use, publish_raw=c.publish_raw, commissioned_at=c.commissioned_at,
        delivered_at=c.delivered_at, minutes_registered=minutes, advice_minutes_used=advice,
        advice_minutes_left=max(rules.ADVICE_MINUTES - advice, 0),
        quotations=[presenters.quotation(q, c.special_terms) for q in quotes],
        deliveries=[presenters.delivery(d, files[d.id], c) for d in deliveries],
        invoices=[presenters.invoice(i, numbers.get(i.delivery_id) if i.delivery_id else None) for i in invoices],
        customer_data=[{"name": d.name, "size": d.size, "delete_after": d.delete_after,
                        "deleted_at": d.deleted_at} for d in data])


async def _previous_tables(session: AsyncSession, c: Commission) -> tuple[int | None, list[DeliveryFile]]:
    """An update's earlier delivery (the last one of the commission it updates) and its tables, to
    start from: their names, formats and disclosure control."""
    if c.previous_id is None:
        return None, []
    last = await session.scalar(select(Delivery).where(Delivery.commission_id == c.previous_id)
                                .order_by(Delivery.number.desc()).limit(1))
    if last is None:
        return None, []
    rows = (await session.scalars(select(DeliveryFile).options(defer(DeliveryFile.content)).where(
        DeliveryFile.delivery_id == last.id).order_by(DeliveryFile.id))).all()
    return last.number, list(rows)
