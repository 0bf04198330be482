from datetime import UTC, date, datetime

import pytest

from schemes.project_database.rules import (
    MinimisationFinding,
    ProjectDatabaseRuleError,
    check_managers,
    default_end_date,
    eligibility_problems,
    extended_end_date,
    manager_problems,
    may_access_main_project,
    minimisation_report,
)


def codes(reasons):
    return [r.code for r in reasons]


def test_eligible_with_agreement_and_five_projects():
    assert eligibility_problems(has_active_agreement=True, active_overlapping_projects=5) == []


def test_not_eligible_reasons():
    reasons = eligibility_problems(
        has_active_agreement=False, active_overlapping_projects=4, has_project_database=True
    )
    assert codes(reasons) == [
        "no_active_agreement",
        "too_few_active_projects",
        "already_has_project_database",
    ]
    assert "at least 5" in reasons[1].message
    assert codes(eligibility_problems(has_active_agreement=True, active_overlapping_projects=0)) == [
        "too_few_active_projects"
    ]


@pytest.mark.parametrize(
    ("managers", "expected"),
    [
        (["ABC"], []),
        (["abc", "DEFG", "HIJ"], []),
        ([], ["manager_count"]),
        (["ABC", "DEF", "GHI", "JKL"], ["manager_count"]),
        (["DEF"], ["no_administrator_manager"]),
        (["ABC", "abc"], ["duplicate_managers"]),
        (
            ["DEF", "def", "GHI", "JKL", "MNO"],
            ["duplicate_managers", "manager_count", "no_administrator_manager"],
        ),
    ],
)
def test_manager_set(managers, expected):
    assert codes(manager_problems(managers, ["ABC", "XYZ"])) == expected


def test_check_managers_normalises_or_raises_with_every_reason():
    assert check_managers([" abc ", "def"], ["ABC"]) == ("ABC", "DEF")
    with pytest.raises(ProjectDatabaseRuleError) as err:
        check_managers(["DEF", "DEF"], ["ABC"])
    assert codes(err.value.reasons) == ["duplicate_managers", "no_administrator_manager"]
    assert isinstance(err.value, ValueError)


def test_only_managers_access_the_main_project():
    assert may_access_main_project("abc", ["ABC", "DEF"])
    assert not may_access_main_project("XYZ", ["ABC", "DEF"])


def test_minimisation_report_names_datasets_and_their_single_user():
    report = minimisation_report(
        ["BEF", "IND", "UDDA", "AKM"],
        {"704001": ["BEF", "IND", "OWN"], "704002": ["BEF", "UDDA", "UDDA"], "704003": ["BEF", "IND"]},
    )
    assert report == [
        MinimisationFinding("AKM", ()),
        MinimisationFinding("UDDA", ("704002",)),
    ]
    assert report[0].action == "remove_from_project_database"
    assert report[1].action == "order_for_sub_project"


def test_minimisation_report_clean_and_threshold():
    assert minimisation_report(["BEF"], {"a": ["BEF"], "b": ["BEF"]}) == []
    assert [
        f.dataset for f in minimisation_report(["BEF"], {"a": ["BEF"], "b": ["BEF"]}, minimum_uses=3)
    ] == ["BEF"]


def test_default_end_date_two_calendar_years():
    assert default_end_date(date(2025, 3, 14)) == date(2027, 3, 14)
    assert default_end_date(date(2024, 2, 29)) == date(2026, 2, 28)
    assert default_end_date(datetime(2025, 1, 2, 9, tzinfo=UTC)) == datetime(2027, 1, 2, 9, tzinfo=UTC)


def test_extension():
    assert extended_end_date(date(2027, 3, 14)) == date(2029, 3, 14)
    assert extended_end_date(date(2027, 3, 14), 1) == date(2028, 3, 14)
    with pytest.raises(ValueError):
        extended_end_date(date(2027, 3, 14), 0)
