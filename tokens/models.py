"""Identity's tables: second factors (one table for every kind), login states and challenges,
sessions, imported hardware seeds, and the service clients of other systems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType

ACTIVE_TOKEN = "state = 'active'"  # noqa: S105 (a SQL condition, not a password)


class Token(Base):
    """One second factor; the kind decides the behaviour (see ``tokens/``)."""

    __tablename__ = "tokens"
    __table_args__ = (
        Index(
            "uq_tokens_one_active",
            "user_id",
            unique=True,
            sqlite_where=text(ACTIVE_TOKEN),
            postgresql_where=text(ACTIVE_TOKEN),
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    serial: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    secret_sealed: Mapped[str | None] = mapped_column(Text, default=None)
    last_counter: Mapped[int | None] = mapped_column(Integer, default=None)
    drift: Mapped[int] = mapped_column(Integer, default=0)
    fail_count: Mapped[int] = mapped_column(Integer, default=0)
    mobile: Mapped[str | None] = mapped_column(String(20), default=None)
    address: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    attention: Mapped[str | None] = mapped_column(String(200), default=None)
    justification: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)  # a physical token's
    activated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    # An SMS token's enrolment code (HMAC, as a login's), typed back to activate it.
    enrol_code_hash: Mapped[str | None] = mapped_column(String(128), default=None)
    enrol_code_expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class LoginState(Base):
    """Consecutive failures and the lockout of one IDENT (also for IDENTs that do not exist)."""

    __tablename__ = "login_states"

    ident: Mapped[str] = mapped_column(String(4), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class LoginChallenge(Base):
    """Issued after a correct PIN; answered once with the code."""

    __tablename__ = "login_challenges"

    challenge: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("tokens.id"))
    method: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    code_hash: Mapped[str | None] = mapped_column(String(128), default=None)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    # A step-up: the session whose second-factor verification the code refreshes (None: a login).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), default=None)
    # A RADIUS login (tokens.radius): the gateway that alone may answer it (None: an HTTP login).
    radius_client_id: Mapped[int | None] = mapped_column(ForeignKey("radius_clients.id", ondelete="CASCADE"),
                                                         default=None)


class Session(Base):
    """A server-side session. Only the SHA-256 of the bearer token is stored."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    last_seen_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(100), default=None)
    # The last second-factor verification (the login, or a step-up): factor changes need one from
    # the last 10 minutes.
    verified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class EnrolmentTicket(Base):
    """After activation: lets the activation page enrol and confirm the first second factor
    without a session (single use, 30 minutes; only its SHA-256 is stored)."""

    __tablename__ = "enrolment_tickets"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class HardwareSeed(Base):
    """A physical token's seed imported from the vendor's seed file, until it is shipped."""

    __tablename__ = "hardware_seeds"

    serial: Mapped[str] = mapped_column(String(64), unique=True)
    secret_sealed: Mapped[str] = mapped_column(Text)
    digits: Mapped[int] = mapped_column(Integer, default=6)
    period: Mapped[int] = mapped_column(Integer, default=30)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"), default=None)


class ServiceClient(Base):
    """Another system (the remote-desktop gateway, the researcher machines) using client credentials."""

    __tablename__ = "service_clients"

    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JsonType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
