"""The kernel's tables and the one metadata every table shares (advanced-alchemy's registry, so
Alembic sees one schema): the base class, the JSON column type, the hash-chained audit log, the
outbox of mails and the record of reminders sent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import IdentityAuditBase, orm_registry
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

Base = IdentityAuditBase
metadata = orm_registry.metadata
JsonType = JSON().with_variant(JSONB(), "postgresql")


class AuditEntry(Base):
    """An append-only, hash-chained audit row."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(DateTimeUTC, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200), index=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head: its row lock serialises appends, its hash catches a deleted tail."""

    __tablename__ = "audit_head"

    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0)


class MailState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(Base):
    """A mail, written in the transaction of the change that causes it and delivered by the worker
    (boa/kernel/outbox.py). ``pending`` waits for ``next_attempt_at``; ``sending`` is claimed by a
    worker until ``lease_until`` (a worker that died leaves it to be claimed again then); ``sent``
    and ``failed`` (after the last try) are final. ``attempts`` counts the claims, so a worker marks
    only its own claim. The Message-ID is fixed when the row is written: a repeated delivery carries
    the same one."""

    __tablename__ = "outbox_mails"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in MailState) + ")", name="outbox_mail_state"),
        Index("ix_outbox_mails_due", "state", "next_attempt_at"),
    )

    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))  # the longest line a mail may have
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    template: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    state: Mapped[str] = mapped_column(String(10), default=MailState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    lease_until: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class SentReminder(Base):
    """A reminder that went out, by its key (``certification_expiry:30:<user id>:<expiry date>``):
    inserted in the transaction that writes its mail, so a reminder is sent once however many
    workers or machines run the reminders at the same time (boa/kernel/reminders.py)."""

    __tablename__ = "sent_reminders"

    key: Mapped[str] = mapped_column(String(200), unique=True)
    sent_at: Mapped[datetime] = mapped_column(DateTimeUTC)
