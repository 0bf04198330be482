"""The law model (Lovmodellen): its own scheme kind, one responsible ministry, own members and rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base, JsonType


class LawModel(Base):
    """There is one law model: ``singleton`` is always 1 and unique."""

    __tablename__ = "law_models"
    __table_args__ = (CheckConstraint("singleton = 1", name="one_law_model"),)

    singleton: Mapped[int] = mapped_column(Integer, default=1, unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    rule_set: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
