"""The sanction tables, loaded from ``seed_data/sanctions.json`` (the one place they live).

Reading of the seeds (000/004 "Hjemtagelse af analyseresultater", da+en; 001 "Sanction rules", en),
cell by cell. The seed wins over SPEC section 5 where they differ.

Researcher scheme ("Forskningsordning"; also the project database scheme). The flattened HTML has
three group headers -- "Sanktion mod bruger" / "Sanktion mod projekt" / "Sanktion mod institution"
("Adgang til alle brugerens projekter lukkes" / "Adgang til projektet lukkes" / "Adgang for alle
brugere og projekter lukkes") -- over six occurrence headers "1. gang | 2. gang inden for 2 år |
1. gang | 2. gang inden for 2 år | 3. gang inden for 2 år | 4. gang inden for 2 år". Three groups
over six columns, and each group's ordinals restarting at "1. gang", read as two columns each:
user {1st, 2nd}, project {1st, 2nd}, institution {3rd, 4th}. Seed 001 (en) confirms this: its
four-column version groups "Sanction against user and project" over First/Second and "Sanction
against institution" over Third/Fourth, and its Second-time severe cell carries the *user*
agreement termination ("and/or specific user agreement"), i.e. it is the user/project column.

    column          minor                                   severe
    user 1st        until report approved                   3 months
    user 2nd        1 month                                 3 months; termination of authorisation
                                                            and/or user agreement possible
    project 1st     until report approved                   3 months
    project 2nd     1 month                                 3 months; termination of authorisation
                                                            agreement possible
    institution 3rd 3 months                                6 months
    institution 4th case-by-case; termination of            case-by-case evaluation of the
                    authorisation agreement possible        authorisation agreement; termination
                                                            possible

  SPEC differs: it reads the fourth column as "institution 2nd" (so a 2nd breach would close the
  whole institution for 1 month / 3 months). The seed puts that column under "Sanktion mod
  projekt" ("2. gang inden for 2 år"): a 2nd breach closes the user and the project, not the
  institution; the institution is closed from the 3rd breach on. Values of all cells agree.

Authority scheme ("Myndighedsordning"/"Regulatory schemes"; also the law model): groups "Sanktion mod
bruger" ("Adgang for brugeren lukkes") and "Sanktion mod ordning" ("Adgang for alle ordningens
brugere lukkes") over "1. gang | 2. gang | 3. gang | 4. gang (inden for 2 år)":

    column          minor                                   severe
    user 1st        until report approved                   3 months
    user 2nd        1 month                                 3 months; termination of authorisation
                                                            and/or user agreement possible
    scheme 3rd      1 month                                 3 months
    scheme 4th      case-by-case; termination of            6 months; termination of authorisation
                    authorisation agreement possible        agreement possible

  Agrees with SPEC; the seed names the agreement in the minor 4th cell ("Mulighed for opsigelse af
  autorisationsaftale"), SPEC only says "termination possible".

Footnote "*" (001): on detection the user and the project are temporarily suspended until the case
is decided, "regardless if it is an isolated breach or repeated breaches" -> ``temporary_suspension``.
The English 000 labels the severe row "(Accident or inadvertent action**)"; the Danish "Bevidst
handling**" (deliberate) is right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "seed_data" / "sanctions.json"
ALLOWED_MONTHS = frozenset({1, 3, 6})


class Scope(StrEnum):
    USER = "user"
    PROJECT = "project"
    INSTITUTION = "institution"
    SCHEME = "scheme"


class OpenEnd(StrEnum):
    UNTIL_REPORT_APPROVED = "until_report_approved"
    CASE_BY_CASE = "case_by_case"
    UNTIL_DECISION = "until_decision"  # the temporary suspension only


class Severity(StrEnum):
    MINOR = "minor"
    SEVERE = "severe"


class Agreement(StrEnum):
    AUTHORISATION = "authorisation_agreement"
    USER = "user_agreement"


class SanctionTableError(ValueError):
    """The sanction data file is malformed."""


class InvalidSanctionInput(ValueError):
    """Bad input to a sanction rule (unknown scheme/severity, count < 1, mixed naive/aware times)."""


@dataclass(frozen=True, slots=True)
class LockSpec:
    """A lock a decision (or a registration) creates: a fixed number of months or an open end."""

    scope: Scope
    months: int | None = None
    open_end: OpenEnd | None = None

    def __post_init__(self) -> None:
        if (self.months is None) == (self.open_end is None):
            raise SanctionTableError(f"lock needs exactly one of months/open_end: {self!r}")


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    scope: Scope
    nth: int


@dataclass(frozen=True, slots=True)
class Cell:
    lock: LockSpec
    termination_of: frozenset[Agreement]
    seed_da: str
    seed_en: str

    @property
    def termination_possible(self) -> bool:
        return bool(self.termination_of)


@dataclass(frozen=True, slots=True)
class SanctionTable:
    kind: str
    unit: Scope
    columns: tuple[Column, ...]
    cells: dict[tuple[Severity, str], Cell]
    titles: dict[str, str] = field(default_factory=dict)  # by language, as the letters name the table

    def cell(self, severity: Severity, column_id: str) -> Cell:
        return self.cells[(severity, column_id)]

    @property
    def last_nth(self) -> int:
        return max(c.nth for c in self.columns)


@dataclass(frozen=True, slots=True)
class SanctionData:
    window_years: int
    scheme_tables: dict[str, str]
    tables: dict[str, SanctionTable]
    temporary_suspension: tuple[LockSpec, ...]


def _lock(raw: dict, scope: Scope) -> LockSpec:
    months, open_end = raw.get("months"), raw.get("open_end")
    if months is not None and months not in ALLOWED_MONTHS:
        raise SanctionTableError(f"months must be one of {sorted(ALLOWED_MONTHS)}, got {months}")
    try:
        return LockSpec(scope, months, OpenEnd(open_end) if open_end is not None else None)
    except ValueError as exc:
        raise SanctionTableError(str(exc)) from exc


def _table(kind: str, raw: dict) -> SanctionTable:
    columns = tuple(Column(c["id"], Scope(c["scope"]), int(c["nth"])) for c in raw["columns"])
    cells: dict[tuple[Severity, str], Cell] = {}
    for severity in Severity:
        row = raw["cells"].get(severity.value, {})
        for column in columns:
            if column.id not in row:
                raise SanctionTableError(f"{kind}: no {severity} cell for column {column.id}")
            c = row[column.id]
            lock = _lock(c, column.scope)
            if lock.open_end is OpenEnd.UNTIL_DECISION:
                raise SanctionTableError(f"{kind}: 'until_decision' is for the temporary suspension only")
            cells[(severity, column.id)] = Cell(
                lock, frozenset(Agreement(a) for a in c["termination_of"]), c["seed_da"], c["seed_en"]
            )
        if set(row) - {c.id for c in columns}:
            raise SanctionTableError(f"{kind}: {severity} cells for unknown columns")
    for scope in {c.scope for c in columns}:
        nths = sorted(c.nth for c in columns if c.scope is scope)
        if nths != list(range(nths[0], nths[-1] + 1)):
            raise SanctionTableError(f"{kind}: {scope} columns must be consecutive occurrences")
    titles = {lang: raw.get(f"title_{lang}", kind) for lang in ("da", "en")}
    return SanctionTable(kind, Scope(raw["unit"]), columns, cells, titles)


def parse_sanction_data(raw: dict) -> SanctionData:
    try:
        tables = {kind: _table(kind, t) for kind, t in raw["tables"].items()}
        suspension = tuple(_lock(s, Scope(s["scope"])) for s in raw["temporary_suspension"])
        scheme_tables = dict(raw["scheme_tables"])
        window_years = int(raw["window_years"])
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, SanctionTableError):
            raise
        raise SanctionTableError(f"malformed sanction data: {exc!r}") from exc
    missing = {t for t in scheme_tables.values() if t not in tables}
    if missing:
        raise SanctionTableError(f"scheme_tables names unknown tables: {sorted(missing)}")
    return SanctionData(window_years, scheme_tables, tables, suspension)


def load_sanction_data(path: Path | str | None = None) -> SanctionData:
    if path is None:
        return _default_data()
    return parse_sanction_data(json.loads(Path(path).read_text(encoding="utf-8")))


@cache
def _default_data() -> SanctionData:
    return parse_sanction_data(json.loads(DEFAULT_PATH.read_text(encoding="utf-8")))
