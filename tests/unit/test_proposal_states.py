"""The researcher-scheme proposal state machine: every edge, wrong roles, unknown edges, frozen states."""

import itertools

import pytest

from schemes.researcher.states import (
    NOTIFY,
    TRANSITIONS,
    CommentRequired,
    InvalidTransition,
    Party,
    ProposalState,
    Role,
    TransitionNotPermitted,
    allowed_transitions,
    check_transition,
    is_frozen,
    may_add_members,
    may_approve_deletion,
    may_change_deletion_date,
    may_create_reproposal,
    may_edit,
    may_submit_to_office,
    notify,
)

S, R = ProposalState, Role
C, A, SG, PO, OS = R.CONTACT_PERSON, R.ADMINISTRATOR, R.SIGNATORY, R.PROJECT_OWNER, R.OFFICE_STAFF

# The whole diagram: (from, to) -> (roles, comment required)
EDGES = {
    (S.CREATED, S.SENT_TO_ADMINISTRATOR): ({C}, False),
    (S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE): ({A}, False),
    (S.SENT_TO_ADMINISTRATOR, S.UNDER_REVIEW): ({A}, True),
    (S.UNDER_REVIEW, S.SENT_TO_ADMINISTRATOR): ({C}, False),
    (S.SENT_TO_OFFICE, S.UNDER_REVIEW): ({PO}, True),
    (S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE): ({PO}, False),
    (S.SENT_FOR_SIGNATURE, S.SIGNED_BY_OFFICE): ({OS}, False),
    (S.SENT_FOR_SIGNATURE, S.UNDER_REVIEW): ({PO, OS}, True),
    (S.SIGNED_BY_OFFICE, S.APPROVED): ({SG}, False),
    (S.SIGNED_BY_OFFICE, S.UNDER_REVIEW): ({SG}, True),
    (S.APPROVED, S.DATA_DELIVERED): ({PO, OS}, False),
}


def test_table_is_exactly_the_diagram():
    assert {k: (set(t.roles), t.comment_required) for k, t in TRANSITIONS.items()} == EDGES


@pytest.mark.parametrize(("edge", "spec"), EDGES.items(), ids=lambda v: str(v))
def test_every_edge_taken_by_each_of_its_roles(edge, spec):
    roles, comment_required = spec
    for role in roles:
        t = check_transition(edge[0], edge[1], {role}, "why" if comment_required else None)
        assert (t.source, t.target) == edge


@pytest.mark.parametrize(("edge", "spec"), EDGES.items(), ids=lambda v: str(v))
def test_every_edge_refused_to_every_other_role(edge, spec):
    roles, _ = spec
    for role in set(Role) - roles:
        with pytest.raises(TransitionNotPermitted):
            check_transition(edge[0], edge[1], {role}, "why")
    with pytest.raises(TransitionNotPermitted):
        check_transition(edge[0], edge[1], set(), "why")


def test_every_pair_not_in_table_is_invalid_even_for_all_roles():
    for source, target in itertools.product(ProposalState, ProposalState):
        if (source, target) not in EDGES:
            with pytest.raises(InvalidTransition):
                check_transition(source, target, set(Role), "why")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.CREATED, S.SENT_TO_OFFICE),  # the contact person cannot skip the administrator
        (S.CREATED, S.APPROVED),
        (S.SENT_TO_OFFICE, S.APPROVED),  # two signatures are needed
        (S.SENT_FOR_SIGNATURE, S.APPROVED),  # the office signs first
        (S.UNDER_REVIEW, S.SENT_TO_OFFICE),
        (S.DATA_DELIVERED, S.CREATED),
        (S.APPROVED, S.UNDER_REVIEW),
    ],
)
def test_sample_of_disallowed_edges(source, target):
    with pytest.raises(InvalidTransition):
        check_transition(source, target, set(Role), "why")


def test_two_errors_are_distinct():
    assert not issubclass(InvalidTransition, TransitionNotPermitted)
    assert not issubclass(TransitionNotPermitted, InvalidTransition)


def test_only_an_administrator_submits_to_the_office():
    with pytest.raises(TransitionNotPermitted):
        check_transition("sent_to_administrator", "sent_to_office", {"contact_person", "signatory"})
    assert check_transition("sent_to_administrator", "sent_to_office", {"administrator"})
    assert may_submit_to_office({"administrator"})
    assert not may_submit_to_office({"contact_person", "project_owner", "office_staff"})


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_returning_and_refusing_need_a_reason(comment):
    with pytest.raises(CommentRequired):
        check_transition("signed_by_office", "under_review", {"signatory"}, comment)
    with pytest.raises(CommentRequired):
        check_transition("sent_to_office", "under_review", {"project_owner"}, comment)


def test_signatory_refusal_returns_to_contact_person():
    t = check_transition("signed_by_office", "under_review", {"signatory"}, "budget unclear")
    assert t.action == "signatory_refuses"
    assert Party.CONTACT_PERSON in notify(t.source, t.target)
    # and the contact person can then resubmit through the administrator
    assert [x.target for x in allowed_transitions(S.UNDER_REVIEW, {C})] == [S.SENT_TO_ADMINISTRATOR]


def test_allowed_transitions_per_role():
    assert {t.target for t in allowed_transitions("sent_to_administrator", {"administrator"})} == {
        S.SENT_TO_OFFICE,
        S.UNDER_REVIEW,
    }
    assert allowed_transitions("sent_to_administrator", {"contact_person"}) == []
    assert allowed_transitions("data_delivered", set(Role)) == []
    assert allowed_transitions("created", {"stranger"}) == []


def test_unknown_state_is_invalid():
    with pytest.raises(InvalidTransition):
        check_transition("archived", "created", set(Role))


def test_frozen_states():
    frozen = {S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE, S.SIGNED_BY_OFFICE}
    for state in ProposalState:
        assert is_frozen(state) is (state in frozen)
        assert may_add_members(state) is (state not in frozen)
    assert {s for s in ProposalState if may_edit(s)} == {S.CREATED, S.UNDER_REVIEW}


def test_notifications_defined_for_every_edge_and_only_edges():
    assert set(NOTIFY) == set(TRANSITIONS)
    assert all(NOTIFY.values())
    assert notify("created", "sent_to_administrator") == {Party.ADMINISTRATOR}
    assert Party.SIGNATORY in notify("sent_for_signature", "signed_by_office")
    # the project owner hears of a proposal only once the administrator has sent it to the office
    assert Party.PROJECT_OWNER not in notify("created", "sent_to_administrator")
    assert Party.PROJECT_OWNER in notify("sent_to_administrator", "sent_to_office")
    assert notify("created", "approved") == frozenset()


def test_deletion_rules():
    assert may_approve_deletion({"administrator"})
    assert not may_approve_deletion({"project_owner"})
    assert not may_approve_deletion({"project_owner", "office_staff", "contact_person"})
    assert may_change_deletion_date({"administrator"})
    assert not may_change_deletion_date({"contact_person", "project_owner"})


def test_reproposal_only_when_a_proposal_is_in_force_and_none_in_progress():
    assert may_create_reproposal(["approved"])
    assert may_create_reproposal(["data_delivered", "approved"])
    assert not may_create_reproposal([])
    assert not may_create_reproposal(["data_delivered", "under_review"])
