"""Sanction rules: from a decision (severity + counts) to the locks it creates. Pure, no I/O
beyond reading the table data once (``seed_data/sanctions.json``, see ``boa.sanctions.tables`` for
the cell-by-cell reading of the seeds).

How the columns combine (``plan_sanction``), the same rule for every table:

1. ``occurrence`` = this breach's number within two years on the table's *unit* -- the institution
   number for the researcher table (researcher and project database schemes), the scheme for the
   authority table (authority scheme and law model) -- capped at the last column ("4th or later").
   Seeds: breaches are counted "on the institution number" (001), "2. gang inden for 2 år".
2. Every scope group (user / project / institution, or user / scheme) whose occurrence range covers
   ``occurrence`` contributes exactly one lock:
   - project, institution, scheme: the column for ``occurrence``;
   - user: the column for ``max(user_count, occurrence)`` capped at the group's last column, so a
     user whose own history is worse than the institution's (e.g. an earlier breach while at
     another institution) gets the user's "2nd time" cell even on the institution's first breach.
   So the researcher table gives user + project locks for the 1st and 2nd breach ("For isolated
   minor breaches, the sanction affects the individual researcher and the specific project") and
   one institution lock from the 3rd on, which closes all of the institution's users and projects;
   the authority table gives a user lock for the 1st and 2nd breach and a scheme lock from the 3rd.
   No user lock is added next to an institution/scheme lock: the tables have no such cell.
3. Flags: ``termination_possible`` if any chosen cell says so, with the union of the agreements
   named (authorisation agreement and/or user agreement). A flag for the office, never automatic.
4. ``with_project=False`` (a breach registered without a project) drops the project lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from boa.sanctions.tables import (
    Agreement,
    InvalidSanctionInput,
    LockSpec,
    SanctionData,
    SanctionTable,
    Scope,
    Severity,
    load_sanction_data,
)


@dataclass(frozen=True, slots=True)
class SanctionPlan:
    table: str
    severity: Severity
    occurrence: int  # the unit's count used (capped at the table's last column)
    user_occurrence: int | None  # the user column used, None when no user lock
    columns: tuple[str, ...]  # ids of the cells applied, e.g. ("user_1", "project_1")
    locks: tuple[LockSpec, ...]
    termination_of: frozenset[Agreement]
    seed_texts: tuple[tuple[str, str, str], ...]  # (column id, Danish cell text, English cell text)

    @property
    def termination_possible(self) -> bool:
        return bool(self.termination_of)


def table_kind_for(kind: str, data: SanctionData | None = None) -> str:
    """Table for a scheme kind ("project_database" -> "researcher") or a table kind itself."""
    data = data or load_sanction_data()
    if kind in data.scheme_tables:
        return data.scheme_tables[kind]
    if kind in data.tables:
        return kind
    raise InvalidSanctionInput(f"unknown scheme or table kind: {kind!r}")


def sanction_table(kind: str, data: SanctionData | None = None) -> SanctionTable:
    data = data or load_sanction_data()
    return data.tables[table_kind_for(kind, data)]


def temporary_suspension(data: SanctionData | None = None) -> tuple[LockSpec, ...]:
    """Locks created at once when a breach is registered, whatever the history: user + project,
    open until the case is decided (001, footnote *)."""
    return (data or load_sanction_data()).temporary_suspension


def plan_sanction(
    kind: str,
    severity: str | Severity,
    institution_count: int,
    user_count: int,
    *,
    with_project: bool = True,
    data: SanctionData | None = None,
) -> SanctionPlan:
    """The locks and flags a decision creates. ``institution_count`` is this breach's number on the
    table's unit (institution, or scheme for authority/law model), ``user_count`` the user's own."""
    table = sanction_table(kind, data)
    sev = _severity(severity)
    unit_n = _count("institution_count", institution_count)
    user_n = _count("user_count", user_count)
    occurrence = min(unit_n, table.last_nth)

    chosen = []
    user_occurrence = None
    for scope in dict.fromkeys(c.scope for c in table.columns):
        group = sorted((c for c in table.columns if c.scope is scope), key=lambda c: c.nth)
        first, last = group[0].nth, group[-1].nth
        if not first <= occurrence <= last:
            continue
        if scope is Scope.PROJECT and not with_project:
            continue
        nth = occurrence
        if scope is Scope.USER:
            nth = user_occurrence = min(max(user_n, occurrence), last)
        chosen.append(next(c for c in group if c.nth == nth))

    cells = [(c.id, table.cell(sev, c.id)) for c in chosen]
    return SanctionPlan(
        table=table.kind,
        severity=sev,
        occurrence=occurrence,
        user_occurrence=user_occurrence,
        columns=tuple(cid for cid, _ in cells),
        locks=tuple(cell.lock for _, cell in cells),
        termination_of=frozenset().union(*(cell.termination_of for _, cell in cells)),
        seed_texts=tuple((cid, cell.seed_da, cell.seed_en) for cid, cell in cells),
    )


def _severity(value: str | Severity) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise InvalidSanctionInput(f"severity must be 'minor' or 'severe', got {value!r}") from None


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidSanctionInput(f"{name} must be an integer >= 1, got {value!r}")
    return value
