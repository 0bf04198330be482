from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from boa.models.base import Base, JsonType


class Institution(Base):
    __tablename__ = "institutions"

    name: Mapped[str] = mapped_column(String(300))
    authorisation_number: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    mail_domains: Mapped[list[str]] = mapped_column(JsonType, default=list)
    address: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    data_processor_agreement_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class AuthorisationAgreement(Base):
    __tablename__ = "authorisation_agreements"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    schemes: Mapped[list[str]] = mapped_column(JsonType)
    state: Mapped[str] = mapped_column(String(20), default="active")
    responsible_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    terminated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    termination_reason: Mapped[str | None] = mapped_column(Text, default=None)


class InstitutionRole(Base):
    """A person's role at one institution (responsible, substitute, administrator, ...)."""

    __tablename__ = "institution_roles"
    __table_args__ = (UniqueConstraint("institution_id", "user_id", "role"),)

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class UserRequest(Base):
    """An administrator asks Research Services to create a new user."""

    __tablename__ = "user_requests"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    mobile: Mapped[str | None] = mapped_column(String(20), default=None)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)


OPEN_ASSOCIATION = "state IN ('pending', 'approved')"


class Association(Base):
    """An association agreement: binds a user to an institution."""

    __tablename__ = "associations"
    __table_args__ = (
        Index(
            "uq_associations_open",
            "user_id",
            "institution_id",
            unique=True,
            sqlite_where=text(OPEN_ASSOCIATION),
            postgresql_where=text(OPEN_ASSOCIATION),
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
