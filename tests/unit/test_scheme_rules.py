"""Pure rules of the project database, authority and law-model schemes, and the project part
of the access decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from boa.kernel.access import Facts, ProjectFact, decide
from boa.kernel.errors import Conflict, ValidationFailed
from schemes.authority import rules as authority
from schemes.law_model import rules as law_model
from schemes.project_database import rules as pdb
from schemes.projects.numbers import parse_number


def test_one_to_three_managers_none_need_be_an_administrator():
    pdb.validate_managers(["PDBM"])
    pdb.validate_managers(["AAA", "BBB", "CCC"])  # issue 16: no administrator-manager rule
    for bad, code in (([], "managers_required"), (["A", "B", "C", "D"], "too_many_managers")):
        with pytest.raises(ValidationFailed) as e:
            pdb.validate_managers(bad)
        assert e.value.code == code
    with pytest.raises(ValidationFailed):
        pdb.validate_managers(["AAA", "AAA"])


def test_narrowing_is_refused_for_a_dataset_in_use_with_the_sub_projects_named():
    used = pdb.usage(["BEF", "IDAP", "LPR"], {"700001": ["BEF", "IDAP"], "700002": ["BEF"]})
    assert used == {"BEF": ["700001", "700002"], "IDAP": ["700001"], "LPR": []}
    pdb.check_narrowing(["BEF", "IDAP", "LPR"], ["LPR"], used)
    with pytest.raises(Conflict) as e:
        pdb.check_narrowing(["BEF", "IDAP", "LPR"], ["LPR", "BEF"], used)
    assert e.value.code == "dataset_in_use" and e.value.extra["sub_projects"] == {"BEF": ["700001", "700002"]}
    with pytest.raises(Conflict) as e:
        pdb.check_narrowing(["LPR"], ["LPR"], {"LPR": []})
    assert e.value.code == "would_be_empty"
    assert pdb.check_move(["BEF", "IDAP"], "IDAP", used) == "700001"
    with pytest.raises(Conflict) as e:
        pdb.check_move(["BEF", "IDAP"], "BEF", used)
    assert e.value.code == "not_single_use"
    with pytest.raises(ValidationFailed) as e:
        pdb.clean_codes(["BEF", " bef "], {"BEF"})
    assert e.value.code == "duplicate_dataset"


def test_eligibility_needs_agreement_and_five_active_projects():
    pdb.check_eligibility(has_agreement=True, active_projects=5)
    with pytest.raises(Conflict) as e:
        pdb.check_eligibility(has_agreement=True, active_projects=4)
    assert e.value.code == "not_eligible"
    with pytest.raises(Conflict) as e:
        pdb.check_eligibility(has_agreement=False, active_projects=9)
    assert e.value.code == "no_agreement"


def test_end_date_two_years_and_extension_forward_only():
    assert pdb.default_end_date(date(2025, 3, 1)) == date(2027, 3, 1)
    assert pdb.default_end_date(date(2024, 2, 29)) == date(2026, 2, 28)
    pdb.check_extension(date(2027, 3, 1), date(2028, 3, 1))
    with pytest.raises(ValidationFailed):
        pdb.check_extension(date(2027, 3, 1), date(2027, 3, 1))


def test_minimisation_report_lists_datasets_used_by_fewer_than_two_sub_projects():
    report = pdb.minimisation_report(["BEF", "IDAP", "LPR"], {"700002": ["BEF", "IDAP"], "700003": ["BEF"]})
    assert report["ok"] is False
    assert [v["dataset"] for v in report["violations"]] == ["IDAP", "LPR"]
    assert report["violations"][0]["sub_projects"] == ["700002"]
    assert pdb.minimisation_report(["BEF"], {"1": ["BEF"], "2": ["BEF"]})["ok"] is True


def test_sub_project_datasets_come_from_the_project_database():
    pdb.check_sub_project_datasets(["BEF", "IDAP"], ["BEF"])
    with pytest.raises(ValidationFailed):
        pdb.check_sub_project_datasets(["BEF"], ["LPR"])
    with pytest.raises(ValidationFailed):
        pdb.check_sub_project_datasets(["BEF"], [])


@pytest.mark.parametrize("kind", ["ministry", "agency", "directorate", "region", "municipality"])
def test_authority_kinds(kind):
    authority.check_institution_kind(kind)


@pytest.mark.parametrize("kind", ["university", "research_institute", "consultancy", "other"])
def test_not_authorities(kind):
    with pytest.raises(ValidationFailed) as e:
        authority.check_institution_kind(kind)
    assert e.value.code == "not_an_authority"


@dataclass
class P:
    version: int
    valid_from: date


def test_no_fixed_period_the_newest_started_version_is_current():
    v1 = P(1, date(2025, 1, 1))
    v2 = P(2, date(2025, 6, 1))
    assert authority.current_purpose([v1, v2], date(2025, 3, 1)) is v1
    assert authority.current_purpose([v1, v2], date(2025, 7, 1)) is v2
    assert authority.current_purpose([v1, v2], date(2040, 6, 1)) is v2  # issue 16: no one-year expiry
    assert authority.current_purpose([v2], date(2025, 1, 1)) is None
    for state, code in (("draft", "agreement_not_signed"), ("terminated", "agreement_terminated")):
        with pytest.raises(Conflict) as e:
            authority.check_data_work(state)
        assert e.value.code == code
    authority.check_data_work("signed")


def test_purpose_versions_move_forward_and_name_topics_and_registers():
    prev = P(1, date(2025, 6, 1))
    with pytest.raises(ValidationFailed):
        authority.check_new_version_start(prev, date(2025, 5, 1), date(2025, 1, 1))
    with pytest.raises(ValidationFailed):
        authority.check_new_version_start(None, date(2024, 12, 31), date(2025, 1, 1))
    assert authority.check_purpose(["housing"], ["bef"]) == (["housing"], ["BEF"])
    for topics, registers in (([], ["BEF"]), (["x"], []), (["x"], ["BEF", "bef"])):
        with pytest.raises(ValidationFailed):
            authority.check_purpose(topics, registers)


def test_law_model_rule_set_and_responsible_ministry():
    assert law_model.rule_set(None)["sanction_table"] == "authority"
    assert law_model.rule_set({"purpose": "x"})["purpose"] == "x"
    with pytest.raises(ValidationFailed):
        law_model.rule_set({"nonsense": 1})
    law_model.check_responsible("ministry")
    with pytest.raises(ValidationFailed):
        law_model.check_responsible("agency")


@pytest.mark.parametrize("value", ["700001", "703794", "709999"])
def test_project_numbers(value):
    assert parse_number(value) == int(value)


@pytest.mark.parametrize("value", ["", "70379", "7037944", "803794", "70a794", "700000", "-70379", None])
def test_malformed_project_numbers(value):
    with pytest.raises(ValidationFailed):
        parse_number(value)


NOW = datetime(2026, 1, 10, tzinfo=UTC)


def facts(**project) -> Facts:
    base = dict(id=1, number="700001", institution_id=1, scheme="researcher", state="approved", approved=True,
                end_date=None, deleted=False, is_member=True)
    return Facts(now=NOW, ident="RESA", exists=True, active=True, activated=True, has_active_token=True,
                 certification_expires_at=NOW + timedelta(days=9),
                 accepted_user_agreement=True, approved_associations=1, project=ProjectFact(**{**base, **project}))


@pytest.mark.parametrize(("changes", "code"), [
    ({"approved": False}, "project_not_approved"),
    ({"deleted": True}, "project_deleted"),
    ({"closed": True}, "project_closed"),
    ({"end_date": NOW}, "project_expired"),
    ({"period_end": NOW - timedelta(days=1)}, "scheme_period_ended"),
    ({"is_member": False}, "not_member"),
    ({"is_member": False, "membership_pending": True}, "membership_pending"),
    ({"is_member": False, "membership_requested": True}, "membership_not_approved"),
])
def test_each_project_denial_has_its_reason(changes, code):
    assert decide("project_access", facts()).allowed
    decision = decide("project_access", facts(**changes))
    assert not decision.allowed and [r.code for r in decision.reasons] == [code]


def test_no_transfers_from_a_main_project():
    assert decide("project_access", facts(research_allowed=False)).allowed
    decision = decide("transfer", facts(research_allowed=False))
    assert [r.code for r in decision.reasons] == ["no_research_on_project"]
