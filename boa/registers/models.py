"""The catalogue's tables: a register and its variables."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base
from boa.registers.rules import FREQUENCIES, MAX_LABEL, MAX_NAME, MAX_URL
from boa.registers.states import RegisterState


def _in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Register(Base):
    """A register of the basic data bank. ``last_year`` is set exactly when it is closed."""

    __tablename__ = "registers"
    __table_args__ = (
        CheckConstraint(_in("state", RegisterState), name="register_state"),
        CheckConstraint(_in("frequency", FREQUENCIES), name="register_frequency"),
        CheckConstraint("(state = 'closed') = (last_year IS NOT NULL)", name="register_closed_has_last_year"),
        CheckConstraint("last_year IS NULL OR last_year >= first_year", name="register_years"),
    )

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_da: Mapped[str] = mapped_column(String(MAX_NAME))
    name_en: Mapped[str] = mapped_column(String(MAX_NAME))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer, default=None)
    frequency: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    # The code, both names and the variable names, case- and spelling-folded (rules.search_text):
    # one column the search reads the same way on SQLite and PostgreSQL.
    search_text: Mapped[str] = mapped_column(Text, default="")


class RegisterVariable(Base):
    """A variable of a register; ``key`` marks an identifier that is pseudonymised (PNR, CVRNR...)."""

    __tablename__ = "register_variables"
    __table_args__ = (UniqueConstraint("register_id", "name"),)

    # Looked up through the unique (register_id, name), which leads with it: no index of its own.
    register_id: Mapped[int] = mapped_column(ForeignKey("registers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    label_da: Mapped[str] = mapped_column(String(MAX_LABEL))
    label_en: Mapped[str] = mapped_column(String(MAX_LABEL))
    documentation_url: Mapped[str | None] = mapped_column(String(MAX_URL), default=None)
    key: Mapped[bool] = mapped_column(Boolean, default=False)
