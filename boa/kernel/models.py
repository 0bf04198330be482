"""The kernel's tables and the one metadata every table shares (advanced-alchemy's registry, so
Alembic sees one schema): the base class, the JSON column type and the hash-chained audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.base import IdentityAuditBase, orm_registry
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, BigInteger, Integer, String
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
