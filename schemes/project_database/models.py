"""The project database scheme: one per institution, 1-3 managers, a main project and sub-projects."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType


class ProjectDatabase(Base):
    __tablename__ = "project_databases"

    # At most one project database per institution: the database enforces it.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    main_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), default=None)
    datasets: Mapped[list[str]] = mapped_column(JsonType, default=list)
    state: Mapped[str] = mapped_column(String(20), default="active")
    end_date: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    # The responsible person at Research Services (an office staff member), assigned by the office.
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The office's assessment of the data overlap and the growth of the portfolio (seed 003).
    overlap_assessment: Mapped[str | None] = mapped_column(Text, default=None)
    growth_assessment: Mapped[str | None] = mapped_column(Text, default=None)
    assessed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    assessed_by: Mapped[str | None] = mapped_column(String(100), default=None)


class DatasetVersion(Base):
    """One version of a project database's datasets (register codes from the catalogue): the
    whole set after the change, what it added or removed, and why. ``moved`` removes a dataset
    used by one sub-project only; that sub-project (``sub_project_id``) orders it itself."""

    __tablename__ = "project_database_dataset_versions"
    __table_args__ = (
        UniqueConstraint("project_database_id", "version", name="uq_project_database_dataset_versions_version"),
        CheckConstraint("change IN ('created', 'added', 'narrowed', 'moved')", name="dataset_version_change"),
    )

    project_database_id: Mapped[int] = mapped_column(ForeignKey("project_databases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(20))
    datasets: Mapped[list[str]] = mapped_column(JsonType, default=list)
    added: Mapped[list[str]] = mapped_column(JsonType, default=list)
    removed: Mapped[list[str]] = mapped_column(JsonType, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    sub_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), default=None)
    changed_by: Mapped[str] = mapped_column(String(100))


class ProjectDatabaseManager(Base):
    """A manager holds one of three slots: the slot check and the unique pair keep it at 1-3."""

    __tablename__ = "project_database_managers"
    __table_args__ = (
        UniqueConstraint("project_database_id", "slot", name="uq_project_database_managers_slot"),
        UniqueConstraint("project_database_id", "user_id", name="uq_project_database_managers_user"),
        CheckConstraint("slot BETWEEN 1 AND 3", name="manager_slot"),
    )

    project_database_id: Mapped[int] = mapped_column(ForeignKey("project_databases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
