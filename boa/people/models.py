"""Institutions and users: institutions, authorisation agreements, roles, association
agreements, user requests, users, activation codes, user agreements and certifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType


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
    """A published version of the user agreement: its title and text in Danish and English
    (``{"da": ..., "en": ...}``), published from ``seed_data/user_agreements.json`` and never
    changed (:func:`boa.people.user_agreements.publish_user_agreements`). The newest version is
    the current one."""

    __tablename__ = "user_agreement_versions"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    titles: Mapped[dict[str, str]] = mapped_column(JsonType)
    texts: Mapped[dict[str, str]] = mapped_column(JsonType)
    issued_on: Mapped[date | None] = mapped_column(Date, default=None)  # the date the text bears
    published_at: Mapped[datetime] = mapped_column(DateTimeUTC)  # when this database published it


class UserAgreementAcceptance(Base):
    __tablename__ = "user_agreement_acceptances"
    __table_args__ = (UniqueConstraint("user_id", "version"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(DateTimeUTC)


class CertificationAttempt(Base):
    """One attempt at the security certification (:mod:`boa.people.certification`): the questions
    drawn and their options in the order shown, each with its right option (kept here, never
    shown), in both languages, so the answers are checked against what was shown. It counts
    towards the day's attempts from its start (``attempted_at``) and is scored once, when
    submitted; only the score is kept, not the answers."""

    __tablename__ = "certification_attempts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTimeUTC)  # started
    questions: Mapped[int] = mapped_column(Integer)  # how many
    shown: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    correct: Mapped[int | None] = mapped_column(Integer, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)


class ActivationCode(Base):
    """A one-time code by e-mail that lets a new or reset user set the PIN."""

    __tablename__ = "activation_codes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(20), default="activate")
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class EmailChange(Base):
    """A new e-mail address waiting for its owner to open the link sent to it (24 hours, single use;
    only the SHA-256 of the link's token is stored). Until then the old address stays in use."""

    __tablename__ = "email_changes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    new_email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
