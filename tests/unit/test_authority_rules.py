from datetime import UTC, date, datetime

import pytest

from boa.sanctions import plan_sanction
from schemes.authority.rules import (
    AuthorityRuleError,
    PurposeDescription,
    current_purpose,
    may_have_authority_scheme,
    may_link_own_data,
    may_use_register,
    member_problems,
    next_version,
    purpose_period_end,
    renew,
)
from schemes.law_model.rules import LAW_MODEL, law_model_member_problems, sanction_table_kind


@pytest.mark.parametrize("kind", ["ministry", "agency", "directorate", "region", "municipality"])
def test_public_authorities_may_have_a_scheme(kind):
    assert may_have_authority_scheme(kind)


@pytest.mark.parametrize("kind", ["university", "research_institute", "consultancy", "other", "Ministry"])
def test_others_may_not(kind):
    assert not may_have_authority_scheme(kind)


def v1():
    return PurposeDescription(1, date(2025, 1, 1), frozenset({"labour"}), frozenset({"BEF", "IND"}))


def test_purpose_period_is_one_calendar_year():
    assert v1().ends_on == date(2026, 1, 1)
    assert purpose_period_end(date(2024, 2, 29)) == date(2025, 2, 28)
    assert v1().in_force_on(date(2025, 12, 31))
    assert not v1().in_force_on(date(2026, 1, 1))
    assert not v1().in_force_on(date(2024, 12, 31))


def test_current_purpose_follows_the_newest_version():
    first = v1()
    second = next_version([first], date(2025, 6, 1), ["labour", "health"], ["BEF", "LMDB"])
    versions = [first, second]
    assert second.version == 2
    assert current_purpose(versions, date(2025, 5, 31)) is first
    assert current_purpose(versions, datetime(2025, 6, 1, 8, tzinfo=UTC)) is second
    assert current_purpose(versions, date(2026, 5, 31)) is second
    assert current_purpose(versions, date(2026, 6, 1)) is None
    assert current_purpose([], date(2025, 6, 1)) is None
    assert may_use_register(versions, "LMDB", date(2025, 7, 1))
    assert not may_use_register(versions, "IND", date(2025, 7, 1))  # dropped in version 2
    assert may_use_register(versions, "IND", date(2025, 5, 1))


def test_renewal_extends_by_a_year():
    renewed = renew(v1())
    assert renewed.ends_on == date(2027, 1, 1)
    assert current_purpose([renewed], date(2026, 6, 1)) == renewed
    with pytest.raises(AuthorityRuleError):
        renew(v1(), 0)


def test_invalid_purpose():
    with pytest.raises(AuthorityRuleError):
        PurposeDescription(0, date(2025, 1, 1), frozenset(), frozenset())
    with pytest.raises(AuthorityRuleError):
        PurposeDescription(1, date(2025, 1, 1), frozenset(), frozenset(), ends_on=date(2025, 1, 1))


def test_own_data_linking_only_when_the_purpose_allows():
    allowed = PurposeDescription(1, date(2025, 1, 1), frozenset(), frozenset(), allows_own_data_linking=True)
    assert may_link_own_data([allowed], date(2025, 3, 1))
    assert not may_link_own_data([v1()], date(2025, 3, 1))
    assert not may_link_own_data([allowed], date(2026, 3, 1))


def test_member_requirements():
    assert member_problems(user_exists=True, security_certified=True, approved_by_office=True) == []
    assert member_problems(user_exists=False, security_certified=False, approved_by_office=False) == [
        "user_not_created",
        "not_security_certified",
        "not_approved_by_office",
    ]


def test_law_model_rule_set():
    assert LAW_MODEL.responsible_ministry_da == "Økonomiministeriet"
    assert LAW_MODEL.own_member_list and not LAW_MODEL.has_projects
    assert sanction_table_kind() == "authority"
    assert plan_sanction(LAW_MODEL.scheme_kind, "severe", 4, 1).columns == ("scheme_4",)
    assert law_model_member_problems(user_exists=True, security_certified=False, approved_by_office=True) == [
        "not_security_certified"
    ]
