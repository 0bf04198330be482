"""The authority scheme: one per public authority, with versioned purpose descriptions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType


class AuthorityScheme(Base):
    __tablename__ = "authority_schemes"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)


class PurposeDescription(Base):
    """One version of the purpose description: topic areas and registers for a period."""

    __tablename__ = "authority_purposes"
    __table_args__ = (
        UniqueConstraint("scheme_id", "version"),
        CheckConstraint("valid_until > valid_from", name="purpose_period"),
    )

    scheme_id: Mapped[int] = mapped_column(ForeignKey("authority_schemes.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    topics: Mapped[list[str]] = mapped_column(JsonType)
    registers: Mapped[list[str]] = mapped_column(JsonType)
    link_own_data: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
