"""Projects (all scheme kinds), their members and the project-number counter."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType

FIRST_NUMBER = 700001
LAST_NUMBER = 709999


class ProjectNumberCounter(Base):
    """One row; locked FOR UPDATE while a number is taken, so numbers have no gaps or duplicates."""

    __tablename__ = "project_number_counter"

    next_number: Mapped[int] = mapped_column(Integer)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"number BETWEEN {FIRST_NUMBER} AND {LAST_NUMBER}", name="number_range"),
        CheckConstraint("deletion_date IS NULL OR end_date IS NULL OR deletion_date >= end_date",
                        name="deletion_after_end"),
    )

    number: Mapped[int] = mapped_column(Integer, unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(30))
    # "main" for a project database's main project, "sub" for its sub-projects, else None.
    kind: Mapped[str | None] = mapped_column(String(10), default=None)
    billed_as: Mapped[str] = mapped_column(String(30), default="researcher")
    title: Mapped[str] = mapped_column(String(300))
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None, index=True)
    state: Mapped[str] = mapped_column(String(30))
    datasets: Mapped[list[str]] = mapped_column(JsonType, default=list)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    deletion_date: Mapped[date | None] = mapped_column(Date, default=None)
    approved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deletion_approved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    deletion_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


MEMBER_STATES = ("requested", "pending", "active", "ended")


class ProjectMember(Base):
    """A user on a project. ``pending`` waits for a physical token; ``requested`` (authority
    scheme) waits for Research Services' approval; one row per project and user."""

    __tablename__ = "project_members"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        CheckConstraint("state IN ('requested', 'pending', 'active', 'ended')", name="member_state"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    activated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, default=None)
    ended_reason: Mapped[str | None] = mapped_column(Text, default=None)
