"""The role predicates the services enforce and the pages ask."""

from __future__ import annotations

from boa.people.permissions import (
    assignable_roles,
    may_decide_association,
    may_end_association,
    may_request_association,
)
from schemes.projects.permissions import may_approve_deletion, may_change_deletion_date


def test_institution_role_predicates():
    assert assignable_roles({"responsible"}) == ["substitute", "administrator", "signatory",
                                                 "contact_person_with_powers", "contact_person"]
    assert assignable_roles({"administrator", "user"}) == ["contact_person_with_powers", "contact_person"]
    assert assignable_roles({"user"}) == []
    assert may_request_association({"administrator"}) and not may_request_association({"responsible"})
    assert may_decide_association({"substitute"}) and not may_decide_association({"administrator"})
    assert may_end_association({"user"}, own=True) and not may_end_association({"user"}, own=False)


def test_project_predicates():
    assert may_change_deletion_date({"administrator"}) and not may_change_deletion_date({"office"})
    assert may_approve_deletion({"administrator"})
    assert not may_approve_deletion({"administrator", "project_owner"})
