"""The authority scheme: one per public authority, a written agreement (draft → signed → active →
terminated), versioned purpose descriptions, the authority's changed needs and tailored deliveries."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType


class AuthorityScheme(Base):
    """Access lasts while the agreement is in force (seed 002 sets no period): ``agreement`` moves
    through :data:`schemes.authority.states.AGREEMENT`; data work starts once it is signed."""

    __tablename__ = "authority_schemes"
    __table_args__ = (
        CheckConstraint("agreement IN ('draft', 'signed', 'active', 'terminated')", name="agreement_state"),
    )

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    agreement: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    activated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    terminated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class PurposeDescription(Base):
    """One version of the purpose description: topic areas and registers from ``valid_from`` until
    a newer version starts. ``valid_until`` is no longer set (the one-year period is gone; the
    migration 0019 cleared the ends the old rule set)."""

    __tablename__ = "authority_purposes"
    __table_args__ = (
        UniqueConstraint("scheme_id", "version"),
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="purpose_period"),
    )

    scheme_id: Mapped[int] = mapped_column(ForeignKey("authority_schemes.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    topics: Mapped[list[str]] = mapped_column(JsonType)
    registers: Mapped[list[str]] = mapped_column(JsonType)
    link_own_data: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)


class NeedChange(Base):
    """The authority tells the office its needs changed; the next purpose version answers it."""

    __tablename__ = "authority_need_changes"

    scheme_id: Mapped[int] = mapped_column(ForeignKey("authority_schemes.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    told_by: Mapped[str] = mapped_column(String(100))
    answered_by_version: Mapped[int | None] = mapped_column(Integer, default=None)


class TailoredDelivery(Base):
    """Data tailored for a specific purpose, delivered through the scheme against a purpose version."""

    __tablename__ = "authority_deliveries"

    scheme_id: Mapped[int] = mapped_column(ForeignKey("authority_schemes.id"), index=True)
    purpose_id: Mapped[int] = mapped_column(ForeignKey("authority_purposes.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    registers: Mapped[list[str]] = mapped_column(JsonType, default=list)
    delivered_by: Mapped[str] = mapped_column(String(100))
