"""The consulting service's tables: a commission (the customer's request and where it stands), its
quotations (each revision a row), time registered, deliveries and their files, invoices, advice and
the personal data the customer submitted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from boa.commissions.rules import KINDS, POPULATIONS, QUOTATION_KINDS, TASKS
from boa.commissions.states import CommissionState, QuotationState
from boa.kernel.models import Base, JsonType


def _in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Commission(Base):
    __tablename__ = "commissions"
    __table_args__ = (
        CheckConstraint(_in("state", CommissionState), name="commission_state"),
        CheckConstraint(_in("kind", KINDS), name="commission_kind"),
        CheckConstraint(_in("population", POPULATIONS), name="commission_population"),
    )

    # A customer with a BOA user; None for a person without one (guest_*: they follow the
    # commission through a link whose secret only its hash is kept of).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, default=None)
    guest_name: Mapped[str | None] = mapped_column(String(200), default=None)
    guest_language: Mapped[str | None] = mapped_column(String(2), default=None)
    guest_token_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    guest_confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), default=None)
    contact_email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(10))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("commissions.id"), default=None)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    population: Mapped[str] = mapped_column(String(20))
    population_note: Mapped[str | None] = mapped_column(Text, default=None)
    own_list_agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    encrypted_submission: Mapped[bool] = mapped_column(Boolean, default=False)
    dpa_reference: Mapped[str | None] = mapped_column(String(200), default=None)
    dpa_retention_years: Mapped[int] = mapped_column(Integer, default=3)
    registers: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    periods: Mapped[list[str]] = mapped_column(JsonType, default=list)
    formats: Mapped[list[str]] = mapped_column(JsonType, default=list)
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    budget_ore: Mapped[int | None] = mapped_column(BigInteger, default=None)
    state: Mapped[str] = mapped_column(String(20), index=True)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    clarification: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    special_terms: Mapped[str | None] = mapped_column(Text, default=None)
    contract_reference: Mapped[str | None] = mapped_column(String(200), default=None)
    contract_signed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    third_party_use: Mapped[bool] = mapped_column(Boolean, default=False)
    publish_raw: Mapped[bool] = mapped_column(Boolean, default=False)
    commissioned_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    target_date: Mapped[date | None] = mapped_column(Date, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    ceiling_told_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    advice_told_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class Quotation(Base):
    __tablename__ = "commission_quotations"
    __table_args__ = (
        UniqueConstraint("commission_id", "version"),
        CheckConstraint(_in("state", QuotationState), name="quotation_state"),
        CheckConstraint(_in("kind", QUOTATION_KINDS), name="quotation_kind"),
        CheckConstraint("hours >= 0", name="quotation_hours"),
    )

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    rate_ore: Mapped[int] = mapped_column(BigInteger)
    price_ore: Mapped[int] = mapped_column(BigInteger)
    hour_ceiling: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), default=None)
    tables: Mapped[list[str]] = mapped_column(JsonType, default=list)
    estimate_ore: Mapped[int | None] = mapped_column(BigInteger, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    valid_until: Mapped[datetime] = mapped_column(DateTimeUTC)
    state: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    acceptance_text: Mapped[str | None] = mapped_column(Text, default=None)


class TimeEntry(Base):
    __tablename__ = "commission_time"
    __table_args__ = (CheckConstraint(_in("task", TASKS), name="time_task"),
                      CheckConstraint("minutes > 0", name="time_minutes"))

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    task: Mapped[str] = mapped_column(String(30))
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class Delivery(Base):
    __tablename__ = "commission_deliveries"
    __table_args__ = (UniqueConstraint("commission_id", "number"),)

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    documentation: Mapped[str] = mapped_column(Text)
    delivered_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    error_reported_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    error_description: Mapped[str | None] = mapped_column(Text, default=None)


class DeliveryFile(Base):
    __tablename__ = "commission_delivery_files"

    delivery_id: Mapped[int] = mapped_column(ForeignKey("commission_deliveries.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    report: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class Invoice(Base):
    """The invoice on delivery (``final``: what is due less what was sub-invoiced), or a
    sub-invoice of a long service (``sub``: the hours registered since the last one)."""

    __tablename__ = "commission_invoices"
    __table_args__ = (CheckConstraint("kind IN ('sub', 'final')", name="invoice_kind"),)

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("commission_deliveries.id"), default=None)
    kind: Mapped[str] = mapped_column(String(10), default="final")
    minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    vat_ore: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    due_on: Mapped[date] = mapped_column(Date)


class Advice(Base):
    __tablename__ = "commission_advice"
    __table_args__ = (CheckConstraint("minutes > 0", name="advice_minutes"),)

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class CustomerData(Base):
    """Personal data the customer submitted (their own population): kept until ``delete_after``
    (set at delivery: three years, or as the data processor agreement says), then emptied."""

    __tablename__ = "commission_customer_data"

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    size: Mapped[int] = mapped_column(Integer)
    delete_after: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
