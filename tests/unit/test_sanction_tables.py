"""Every cell of both sanction tables, read through plan_sanction (the public rule)."""

import json

import pytest

from boa.sanctions import (
    Agreement,
    InvalidSanctionInput,
    OpenEnd,
    SanctionTableError,
    Scope,
    load_sanction_data,
    plan_sanction,
    table_kind_for,
)
from boa.sanctions.tables import DEFAULT_PATH, parse_sanction_data

U, P, INST, S = Scope.USER, Scope.PROJECT, Scope.INSTITUTION, Scope.SCHEME
REPORT, CASE = OpenEnd.UNTIL_REPORT_APPROVED, OpenEnd.CASE_BY_CASE
AUTH, USER_AGR = Agreement.AUTHORISATION, Agreement.USER

# (severity, unit count, user count) -> [(scope, months, open_end)], termination agreements
RESEARCHER = [
    ("minor", 1, 1, [(U, None, REPORT), (P, None, REPORT)], set()),
    ("minor", 2, 2, [(U, 1, None), (P, 1, None)], set()),
    ("minor", 3, 1, [(INST, 3, None)], set()),
    ("minor", 4, 1, [(INST, None, CASE)], {AUTH}),
    ("severe", 1, 1, [(U, 3, None), (P, 3, None)], set()),
    ("severe", 2, 2, [(U, 3, None), (P, 3, None)], {AUTH, USER_AGR}),
    ("severe", 3, 1, [(INST, 6, None)], set()),
    ("severe", 4, 1, [(INST, None, CASE)], {AUTH}),
]
AUTHORITY = [
    ("minor", 1, 1, [(U, None, REPORT)], set()),
    ("minor", 2, 2, [(U, 1, None)], set()),
    ("minor", 3, 1, [(S, 1, None)], set()),
    ("minor", 4, 1, [(S, None, CASE)], {AUTH}),
    ("severe", 1, 1, [(U, 3, None)], set()),
    ("severe", 2, 2, [(U, 3, None)], {AUTH, USER_AGR}),
    ("severe", 3, 1, [(S, 3, None)], set()),
    ("severe", 4, 1, [(S, 6, None)], {AUTH}),
]
CASES = [("researcher", *c) for c in RESEARCHER] + [("project_database", *c) for c in RESEARCHER]
CASES += [("authority", *c) for c in AUTHORITY] + [("law_model", *c) for c in AUTHORITY]


def _locks(plan):
    return [(lock.scope, lock.months, lock.open_end) for lock in plan.locks]


@pytest.mark.parametrize(("kind", "severity", "unit_n", "user_n", "locks", "termination"), CASES)
def test_every_cell(kind, severity, unit_n, user_n, locks, termination):
    plan = plan_sanction(kind, severity, unit_n, user_n)
    assert _locks(plan) == locks
    assert plan.termination_of == termination
    assert plan.termination_possible is bool(termination)


def test_cases_cover_every_cell_of_the_data():
    data = load_sanction_data()
    covered = {
        (table_kind_for(kind), severity, column)
        for kind, severity, unit_n, user_n, *_ in CASES
        for column in plan_sanction(kind, severity, unit_n, user_n).columns
    }
    every = {(k, sev.value, col) for k, t in data.tables.items() for (sev, col) in t.cells}
    assert covered == every


def test_second_breach_closes_user_and_project_not_institution():
    # The seed's fourth column is "Sanktion mod projekt / 2. gang", not institution (SPEC differs).
    plan = plan_sanction("researcher", "minor", 2, 1)
    assert {lock.scope for lock in plan.locks} == {U, P}
    assert plan.columns == ("user_2", "project_2")


@pytest.mark.parametrize("n", [5, 6, 17])
def test_counts_above_last_column_use_last_column(n):
    assert plan_sanction("researcher", "severe", n, n).columns == ("institution_4",)
    assert plan_sanction("authority", "severe", n, 1).columns == ("scheme_4",)
    assert plan_sanction("authority", "minor", n, 1).locks[0].open_end is CASE


def test_user_column_follows_the_users_own_count_when_worse():
    plan = plan_sanction("researcher", "minor", 1, 2)  # earlier breach at another institution
    assert plan.columns == ("user_2", "project_1")
    assert _locks(plan) == [(U, 1, None), (P, None, REPORT)]
    assert plan.user_occurrence == 2
    severe = plan_sanction("researcher", "severe", 1, 3)
    assert severe.columns == ("user_2", "project_1")
    assert severe.termination_of == {AUTH, USER_AGR}
    assert plan_sanction("authority", "minor", 1, 5).columns == ("user_2",)


def test_user_column_never_below_the_units_occurrence():
    # Institution's 2nd breach by a user with a clean record: 2nd-time cells for user and project.
    assert plan_sanction("researcher", "minor", 2, 1).columns == ("user_2", "project_2")
    assert plan_sanction("authority", "minor", 2, 1).columns == ("user_2",)


def test_no_user_lock_next_to_institution_or_scheme_lock():
    assert plan_sanction("researcher", "severe", 3, 2).columns == ("institution_3",)
    assert plan_sanction("authority", "severe", 3, 2).user_occurrence is None


def test_breach_without_project_has_no_project_lock():
    plan = plan_sanction("researcher", "minor", 1, 1, with_project=False)
    assert _locks(plan) == [(U, None, REPORT)]


def test_plan_carries_seed_texts_for_the_decision_letter():
    plan = plan_sanction("researcher", "severe", 2, 1)
    assert plan.seed_texts[0][0] == "user_2"
    assert "brugeraftale" in plan.seed_texts[0][1]


def test_scheme_to_table_mapping_is_data():
    assert table_kind_for("project_database") == "researcher"
    assert table_kind_for("law_model") == "authority"
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["scheme_tables"]["law_model"] = "researcher"
    data = parse_sanction_data(raw)
    assert plan_sanction("law_model", "minor", 3, 1, data=data).columns == ("institution_3",)


@pytest.mark.parametrize(
    ("kind", "severity", "unit_n", "user_n"),
    [
        ("researcher", "mild", 1, 1),
        ("researcher", "MINOR", 1, 1),
        ("researcher", "minor", 0, 1),
        ("researcher", "minor", 1, 0),
        ("researcher", "minor", -1, 1),
        ("researcher", "minor", True, 1),
        ("researcher", "minor", 1.0, 1),
        ("consultancy", "minor", 1, 1),
    ],
)
def test_invalid_input(kind, severity, unit_n, user_n):
    with pytest.raises(InvalidSanctionInput):
        plan_sanction(kind, severity, unit_n, user_n)
    assert issubclass(InvalidSanctionInput, ValueError)


def _raw():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_malformed_data_is_refused():
    raw = _raw()
    del raw["tables"]["authority"]["cells"]["severe"]["scheme_4"]
    with pytest.raises(SanctionTableError):
        parse_sanction_data(raw)
    raw = _raw()
    raw["tables"]["researcher"]["cells"]["minor"]["user_2"]["months"] = 2
    with pytest.raises(SanctionTableError):
        parse_sanction_data(raw)
    raw = _raw()
    raw["tables"]["researcher"]["cells"]["minor"]["user_2"]["open_end"] = "case_by_case"
    with pytest.raises(SanctionTableError):
        parse_sanction_data(raw)
    raw = _raw()
    raw["scheme_tables"]["law_model"] = "nowhere"
    with pytest.raises(SanctionTableError):
        parse_sanction_data(raw)
