"""Commissions → the shapes both faces show (pure). Money in øre and as DKK text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec

from boa.commissions import formats, rules
from boa.commissions.models import Commission, Delivery, DeliveryFile, Invoice, Quotation
from boa.kernel import clock


class QuotationView(msgspec.Struct, kw_only=True):
    version: int
    kind: str
    state: str
    hours: str
    hour_ceiling: str | None
    rate_ore: int
    price_ore: int
    price_dkk: str
    price_incl_vat_dkk: str
    estimate_ore: int | None
    tables: list[str]
    note: str | None
    valid_until: datetime
    expired: bool
    contract_required: bool
    accepted_at: datetime | None
    acceptance_text: str | None


class FileView(msgspec.Struct, kw_only=True):
    name: str
    format: str
    file_name: str
    method: str | None
    primary: int
    secondary: int
    aggregated: list[dict[str, Any]]


class DeliveryView(msgspec.Struct, kw_only=True):
    number: int
    delivered_at: datetime
    documentation: str
    files: list[FileView]
    third_party_use: bool
    publish_raw: bool
    error_reported_at: datetime | None
    error_description: str | None


class InvoiceView(msgspec.Struct, kw_only=True):
    kind: str
    delivery: int | None
    minutes: int | None
    amount_ore: int
    vat_ore: int
    amount_dkk: str
    total_dkk: str
    issued_at: datetime
    due_on: date


class CommissionSummary(msgspec.Struct, kw_only=True):
    id: str
    title: str
    kind: str
    state: str
    contact_email: str
    consultant: str | None
    deadline: date | None
    target_date: date | None
    overdue: bool
    created_at: datetime


class CommissionView(CommissionSummary, kw_only=True):
    guest_name: str | None
    guest_confirmed_at: datetime | None
    description: str
    population: str
    population_note: str | None
    own_list_agreed: bool
    encrypted_submission: bool
    dpa_reference: str | None
    dpa_retention_years: int
    previous_id: str | None
    previous_delivery: int | None
    previous_tables: list[FileView]
    registers: list[dict[str, Any]]
    periods: list[str]
    formats: list[str]
    budget_ore: int | None
    clarification: dict[str, Any] | None
    special_terms: str | None
    contract_required: bool
    contract_reference: str | None
    contract_signed_at: datetime | None
    third_party_use: bool
    publish_raw: bool
    commissioned_at: datetime | None
    delivered_at: datetime | None
    minutes_registered: int
    advice_minutes_used: int
    advice_minutes_left: int
    quotations: list[QuotationView]
    deliveries: list[DeliveryView]
    invoices: list[InvoiceView]
    customer_data: list[dict[str, Any]]


class TimeEntryView(msgspec.Struct, kw_only=True):
    task: str
    minutes: int
    total_minutes: int


def is_overdue(c: Commission, today: date) -> bool:
    return c.state in ("in_production", "reopened") and c.target_date is not None and c.target_date < today


def summary(c: Commission, consultant: str | None, today: date) -> CommissionSummary:
    return CommissionSummary(id=str(c.id), title=c.title, kind=c.kind, state=c.state, contact_email=c.contact_email,
                             consultant=consultant, deadline=c.deadline, target_date=c.target_date,
                             overdue=is_overdue(c, today), created_at=c.created_at)


def quotation(q: Quotation, special_terms: str | None) -> QuotationView:
    return QuotationView(version=q.version, kind=q.kind, state=q.state, hours=str(q.hours),
                         hour_ceiling=str(q.hour_ceiling) if q.hour_ceiling is not None else None,
                         rate_ore=q.rate_ore, price_ore=q.price_ore, price_dkk=rules.dkk(q.price_ore),
                         price_incl_vat_dkk=rules.dkk(rules.with_vat(q.price_ore)), estimate_ore=q.estimate_ore,
                         tables=list(q.tables), note=q.note, valid_until=q.valid_until,
                         expired=q.state == "open" and clock.aware(q.valid_until) < clock.now(),
                         contract_required=q.kind != "initial_survey"
                         and rules.contract_required(q.price_ore, special_terms),
                         accepted_at=q.accepted_at, acceptance_text=q.acceptance_text)


def file(f: DeliveryFile) -> FileView:
    return FileView(name=f.name, format=f.format, file_name=formats.file_name(f.name, f.format),
                    method=f.report.get("method"), primary=int(f.report.get("primary", 0)),
                    secondary=int(f.report.get("secondary", 0)), aggregated=list(f.report.get("aggregated", [])))


def delivery(d: Delivery, files: Sequence[DeliveryFile], c: Commission) -> DeliveryView:
    return DeliveryView(number=d.number, delivered_at=d.delivered_at, documentation=d.documentation,
                        third_party_use=c.third_party_use, publish_raw=c.publish_raw,
                        files=[file(f) for f in files],
                        error_reported_at=d.error_reported_at, error_description=d.error_description)


def invoice(i: Invoice, number: int | None) -> InvoiceView:
    return InvoiceView(kind=i.kind, delivery=number, minutes=i.minutes, amount_ore=i.amount_ore, vat_ore=i.vat_ore, amount_dkk=rules.dkk(i.amount_ore),
                       total_dkk=rules.dkk(i.amount_ore + i.vat_ore), issued_at=i.issued_at, due_on=i.due_on)
