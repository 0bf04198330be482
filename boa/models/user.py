from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from boa.models.base import Base, JsonType


class User(Base):
    __tablename__ = "users"

    ident: Mapped[str] = mapped_column(String(4), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    mobile: Mapped[str | None] = mapped_column(String(20), default=None)
    address: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    pin_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    staff_roles: Mapped[list[str]] = mapped_column(JsonType, default=list)
    language: Mapped[str] = mapped_column(String(2), default="da")
    user_agreement_version: Mapped[int | None] = mapped_column(Integer, default=None)
    certified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    certification_expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)

    @property
    def is_staff(self) -> bool:
        return "staff" in (self.staff_roles or [])


# Prefix search (GET /v1/users?q=) on the lower-cased name and e-mail: LIKE 'term%' uses these on
# PostgreSQL (text_pattern_ops works whatever the database's collation).
Index("ix_users_name_prefix", func.lower(User.name).label("name_lower"),
      postgresql_ops={"name_lower": "text_pattern_ops"})
Index("ix_users_email_prefix", func.lower(User.email).label("email_lower"),
      postgresql_ops={"email_lower": "text_pattern_ops"})


class UserAgreementVersion(Base):
    __tablename__ = "user_agreement_versions"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTimeUTC)


class UserAgreementAcceptance(Base):
    __tablename__ = "user_agreement_acceptances"
    __table_args__ = (UniqueConstraint("user_id", "version"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(DateTimeUTC)


class Certification(Base):
    """One attempt at the security certification test."""

    __tablename__ = "certification_attempts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    correct: Mapped[int] = mapped_column(Integer)
    questions: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
