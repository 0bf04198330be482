"""Sanctions: the office's tables as data and the pure rules over them."""

from boa.sanctions.periods import add_months, count_in_window, lock_end, window_start
from boa.sanctions.rules import (
    SanctionPlan,
    plan_sanction,
    sanction_table,
    table_kind_for,
    temporary_suspension,
)
from boa.sanctions.tables import (
    Agreement,
    InvalidSanctionInput,
    LockSpec,
    OpenEnd,
    SanctionTableError,
    Scope,
    Severity,
    load_sanction_data,
)

__all__ = [
    "Agreement",
    "InvalidSanctionInput",
    "LockSpec",
    "OpenEnd",
    "SanctionPlan",
    "SanctionTableError",
    "Scope",
    "Severity",
    "add_months",
    "count_in_window",
    "load_sanction_data",
    "lock_end",
    "plan_sanction",
    "sanction_table",
    "table_kind_for",
    "temporary_suspension",
    "window_start",
]
