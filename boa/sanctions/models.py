"""Breach cases and access locks (SPEC 5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType
from boa.sanctions.states import CaseState, ReportState
from boa.sanctions.tables import Scope

BREACH_KINDS = ("microdata_transfer", "credential_sharing", "screen_capture", "other", "disclosure_control")
# A disclosure-control breach (a small cell, not microdata) is recorded for guidance: no suspension,
# no sanction, not counted on the sanction tables (SPEC 5 "Disclosure control").
DISCLOSURE_CONTROL = "disclosure_control"
OPEN_ENDS = ("until_decision", "until_report_approved", "case_by_case")


def _in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class BreachCase(Base):
    """A suspected or established breach by one user, counted on the table's unit: the institution
    (researcher table) or the scheme at its institution (authority table)."""

    __tablename__ = "breach_cases"
    __table_args__ = (
        CheckConstraint(_in("kind", BREACH_KINDS), name="breach_kind"),
        CheckConstraint(_in("state", CaseState), name="breach_state"),
        CheckConstraint(_in("report_state", ReportState), name="breach_report_state"),
        CheckConstraint("severity IS NULL OR severity IN ('minor', 'severe')", name="breach_severity"),
        Index("ix_breach_cases_unit", "table_kind", "unit_institution_id", "unit_scheme", "occurred_at"),
        Index("ix_breach_cases_user_occurred", "user_id", "occurred_at"),
        # One case per reviewed transfer file: a suspected breach is counted once.
        Index("uq_breach_cases_transfer_file", "transfer_file_id", unique=True,
              sqlite_where=text("transfer_file_id IS NOT NULL"),
              postgresql_where=text("transfer_file_id IS NOT NULL")),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), default=None, index=True)
    scheme: Mapped[str] = mapped_column(String(30))
    # The counting unit (SPEC 5 "Counting"), fixed at registration.
    table_kind: Mapped[str] = mapped_column(String(20))
    unit_institution_id: Mapped[int] = mapped_column(Integer)
    unit_scheme: Mapped[str | None] = mapped_column(String(30), default=None)

    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    self_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    transfer_tool_used: Mapped[bool | None] = mapped_column(Boolean, default=None)
    warning_ignored: Mapped[bool | None] = mapped_column(Boolean, default=None)
    data_volume: Mapped[str | None] = mapped_column(String(300), default=None)
    transfer_file_id: Mapped[int | None] = mapped_column(Integer, default=None)
    registered_by: Mapped[str] = mapped_column(String(80))
    registered_at: Mapped[datetime] = mapped_column(DateTimeUTC)  # when the report was requested

    state: Mapped[str] = mapped_column(String(20), default=CaseState.OPEN.value)
    report_state: Mapped[str] = mapped_column(String(20), default=ReportState.REQUESTED.value)
    report: Mapped[str | None] = mapped_column(Text, default=None)
    plan: Mapped[str | None] = mapped_column(Text, default=None)
    report_submitted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    report_submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    report_assessed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    report_assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    assessment_comment: Mapped[str | None] = mapped_column(Text, default=None)

    severity: Mapped[str | None] = mapped_column(String(10), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decision_comment: Mapped[str | None] = mapped_column(Text, default=None)
    decision: Mapped[dict | None] = mapped_column(JsonType, default=None)  # the applied plan, as data
    termination_possible: Mapped[bool] = mapped_column(Boolean, default=False)

    # The report and plan in the standard template (issue 15): the structured fields, as data.
    report_fields: Mapped[dict | None] = mapped_column(JsonType, default=None)
    # Research Services' preparation for the Director General (severity proposal, the seed's
    # deciding factors, the sanction preview), and who prepared it (never the decider).
    prepared_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    preparation: Mapped[dict | None] = mapped_column(JsonType, default=None)
    # A disclosure-control record: its number at the institution within two years, and whether it
    # was flagged to the office as repeated non-compliance.
    occurrence: Mapped[int | None] = mapped_column(Integer, default=None)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class BreachAttachment(Base):
    """A document (PDF, DOCX) of a case's report and plan: minutes, agendas. The content is in the
    attachments' store under its SHA-256 (:mod:`boa.sanctions.attachments`)."""

    __tablename__ = "breach_attachments"
    __table_args__ = (Index("ix_breach_attachments_case", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("breach_cases.id"))
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(20))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    uploaded_at: Mapped[datetime] = mapped_column(DateTimeUTC)


ACTIVE_LOCK = "lifted_at IS NULL"


class Lock(Base):
    """An access lock. Active while not lifted, started, and before its end (None: open-ended,
    see ``open_end``). Expiry needs no job: every decision compares with now."""

    __tablename__ = "locks"
    __table_args__ = (
        CheckConstraint(_in("scope", Scope), name="lock_scope"),
        CheckConstraint("open_end IS NULL OR " + _in("open_end", OPEN_ENDS), name="lock_open_end"),
        CheckConstraint("(ends_at IS NULL) <> (open_end IS NULL)", name="lock_end_or_open_end"),
        CheckConstraint(
            "(scope = 'user' AND user_id IS NOT NULL) OR (scope = 'project' AND project_id IS NOT NULL)"
            " OR (scope = 'institution' AND institution_id IS NOT NULL)"
            " OR (scope = 'scheme' AND institution_id IS NOT NULL AND scheme IS NOT NULL)",
            name="lock_target"),
        Index("ix_locks_user_live", "user_id", sqlite_where=text(ACTIVE_LOCK), postgresql_where=text(ACTIVE_LOCK)),
        Index("ix_locks_project_live", "project_id", sqlite_where=text(ACTIVE_LOCK),
              postgresql_where=text(ACTIVE_LOCK)),
        Index("ix_locks_institution_live", "institution_id", sqlite_where=text(ACTIVE_LOCK),
              postgresql_where=text(ACTIVE_LOCK)),
    )

    case_id: Mapped[int | None] = mapped_column(ForeignKey("breach_cases.id"), default=None, index=True)
    scope: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), default=None)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), default=None)
    scheme: Mapped[str | None] = mapped_column(String(30), default=None)
    source: Mapped[str] = mapped_column(String(20))  # "suspension" | "decision"
    starts_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    ends_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    open_end: Mapped[str | None] = mapped_column(String(30), default=None)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    lifted_by: Mapped[str | None] = mapped_column(String(80), default=None)
    lift_comment: Mapped[str | None] = mapped_column(Text, default=None)
