"""Tables of the transfer gate: transfers, their files, and one row per stored content blob.

Every constraint and index is named explicitly (PostgreSQL index names are global)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType
from boa.transfers.rules import VERDICTS
from boa.transfers.states import FileState, ReviewState, TransferState


def _one_of(column: str, values: Iterable[str], *, nullable: bool = False) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    check = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {check}" if nullable else check


class Transfer(Base):
    """One upload of one or more files by one user for one project."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint(_one_of("state", TransferState), name="state"),
        Index("ix_transfers_project_state", "project_id", "state"),
        Index("ix_transfers_user", "user_id"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    project_number: Mapped[int] = mapped_column(Integer)  # projects.number never changes
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20))
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)


class TransferFile(Base):
    """A file of a transfer: the scan's verdict and findings, the user's note, where its content
    is, and the review. ``staged_key`` names the received copy under ``incoming/`` until the
    submit; ``content_key`` is the SHA-256 of the stored blob while this file holds it (the blob
    is removed when no file holds it any more)."""

    __tablename__ = "transfer_files"
    __table_args__ = (
        UniqueConstraint("transfer_id", "name", name="uq_transfer_files_transfer_name"),
        CheckConstraint(_one_of("state", FileState), name="state"),
        CheckConstraint(_one_of("verdict", VERDICTS), name="verdict"),
        CheckConstraint(_one_of("review_state", ReviewState, nullable=True), name="review_state"),
        Index("ix_transfer_files_transfer", "transfer_id"),
        Index("ix_transfer_files_content_key", "content_key"),
        Index("ix_transfer_files_review_state", "review_state"),
    )

    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"))
    name: Mapped[str] = mapped_column(String(1024))  # the relative name, folders kept
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(20), default=None)
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40), default=None)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    finding_counts: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)
    row_count: Mapped[int | None] = mapped_column(BigInteger, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    noted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    state: Mapped[str] = mapped_column(String(20))
    staged_key: Mapped[str | None] = mapped_column(String(100), default=None)
    scan_started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)  # a scanner's claim
    content_key: Mapped[str | None] = mapped_column(String(64), default=None)
    transferred_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # Review: why the file is in the queue (flagged, unverifiable, sample), then the outcome.
    review_reason: Mapped[str | None] = mapped_column(String(20), default=None)
    review_state: Mapped[str | None] = mapped_column(String(20), default=None)
    review_comment: Mapped[str | None] = mapped_column(Text, default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    breach_case_id: Mapped[str | None] = mapped_column(String(64), default=None)


class TransferBlob(Base):
    """One row per content blob in the store. Adding or dropping a reference to a blob locks its
    row, so a delete and a submit of the same content never race on the file."""

    __tablename__ = "transfer_blobs"
    __table_args__ = (UniqueConstraint("sha256", name="uq_transfer_blobs_sha256"),)

    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
