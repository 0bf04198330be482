"""The project database scheme: one per institution, 1-3 managers, a main project and sub-projects."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
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
