"""Project proposals of the researcher scheme (sub-projects of a project database use them too)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType

OPEN_PROPOSAL = "state NOT IN ('approved', 'data_delivered')"
VALID_PROPOSAL = "valid"


class Proposal(Base):
    """One proposal for a project. At most one is in progress and at most one is valid (the
    latest approved one) per project; both are partial unique indexes."""

    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("project_id", "version"),
        Index("uq_proposals_one_open", "project_id", unique=True,
              sqlite_where=text(OPEN_PROPOSAL), postgresql_where=text(OPEN_PROPOSAL)),
        Index("uq_proposals_one_valid", "project_id", unique=True,
              sqlite_where=text(VALID_PROPOSAL), postgresql_where=text(VALID_PROPOSAL)),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(30))
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    datasets: Mapped[list[str]] = mapped_column(JsonType, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    office_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    office_signed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    signatory_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    last_comment: Mapped[str | None] = mapped_column(Text, default=None)
    # The content (schemes.researcher.content.Content as JSON: purpose, population, registers,
    # external data); empty for a proposal made before it existed.
    content: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    # The Head of Division for the Data Portal's approval, after the signatory's signature.
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    # data_delivered: when and by whom, and the invoice (if given then).
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    invoice_number: Mapped[str | None] = mapped_column(String(40), default=None)
    invoice_amount_ore: Mapped[int | None] = mapped_column(BigInteger, default=None)


class ProposalQuote(Base):
    """A price quote the project owner e-mailed to the project's contact person (seed 001: "the
    project owner ... will be able to prepare a price quote. This quote is sent via email to the
    contact person"). Amounts in øre (DKK/100)."""

    __tablename__ = "proposal_quotes"
    __table_args__ = (CheckConstraint("amount_ore > 0", name="quote_amount_positive"),)

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    valid_until: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    sent_to: Mapped[str] = mapped_column(String(320))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    sent_at: Mapped[datetime] = mapped_column(DateTimeUTC)
