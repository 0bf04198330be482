"""The proposal state machine as data: every pair in the table, who may take it, and what not."""

from __future__ import annotations

import itertools

import pytest

from boa.kernel.errors import InvalidTransition
from schemes.researcher.states import (
    FROZEN,
    GUARDS,
    NOTIFY,
    SIGNED,
    TRANSITIONS,
    GuardNotMet,
    Role,
    State,
    TransitionNotPermitted,
    check_transition,
    is_editable,
    is_frozen,
    next_states,
)

ALL_ROLES = {r.value for r in Role}


@pytest.mark.parametrize(("pair", "roles"), list(TRANSITIONS.items()))
def test_each_transition_is_taken_by_its_roles_only(pair, roles):
    old, new = pair
    done = frozenset({GUARDS[pair]}) if pair in GUARDS else frozenset()
    for role in roles:
        assert check_transition(old.value, new.value, {role.value}, done) == (old, new)
    for other in ALL_ROLES - {r.value for r in roles}:
        with pytest.raises(TransitionNotPermitted):
            check_transition(old.value, new.value, {other}, done)


def test_the_head_of_division_approves_only_what_the_signatory_signed():
    with pytest.raises(GuardNotMet):
        check_transition("sent_for_signature", "approved", {"head_of_division"})
    assert check_transition("sent_for_signature", "approved", {"head_of_division"}, frozenset({SIGNED}))


def test_pairs_not_in_the_table_are_invalid_whoever_asks():
    for old, new in itertools.product(State, State):
        if (old, new) not in TRANSITIONS:
            with pytest.raises(InvalidTransition):
                check_transition(old.value, new.value, ALL_ROLES)


def test_unknown_states_are_invalid_transitions():
    with pytest.raises(InvalidTransition):
        check_transition("created", "published", ALL_ROLES)
    with pytest.raises(InvalidTransition):
        check_transition("draft", "approved", ALL_ROLES)


def test_the_spec_path_and_its_roles():
    assert TRANSITIONS[(State.SENT_TO_ADMINISTRATOR, State.SENT_TO_OFFICE)] == {Role.ADMINISTRATOR}
    assert TRANSITIONS[(State.CREATED, State.SENT_TO_OFFICE)] == {Role.ADMINISTRATOR}
    # Office signs first (project owner), then the institution's signatory.
    assert TRANSITIONS[(State.SENT_TO_OFFICE, State.SENT_FOR_SIGNATURE)] == {Role.PROJECT_OWNER}
    # The signatory signs (not a move); the Head of Division for the Data Portal approves (seed 001).
    assert TRANSITIONS[(State.SENT_FOR_SIGNATURE, State.APPROVED)] == {Role.HEAD_OF_DIVISION}
    # The signatory's refusal, or the Head of Division's, returns it to the contact person.
    assert TRANSITIONS[(State.SENT_FOR_SIGNATURE, State.UNDER_REVIEW)] == {Role.SIGNATORY, Role.HEAD_OF_DIVISION}
    assert (State.CREATED, State.APPROVED) not in TRANSITIONS
    assert Role.CONTACT_PERSON not in TRANSITIONS[(State.CREATED, State.SENT_TO_OFFICE)]


def test_frozen_while_with_the_administrator_or_the_office():
    assert FROZEN == {State.SENT_TO_ADMINISTRATOR, State.SENT_TO_OFFICE, State.SENT_FOR_SIGNATURE}
    assert is_frozen("sent_to_office") and not is_frozen("under_review") and not is_frozen("approved")
    assert is_editable("created") and is_editable("under_review") and not is_editable("approved")


def test_notifications_are_for_transitions_in_the_table_and_reach_the_spec_roles():
    assert set(NOTIFY) <= set(TRANSITIONS)
    assert Role.SIGNATORY in NOTIFY[(State.SENT_TO_OFFICE, State.SENT_FOR_SIGNATURE)]
    assert Role.CONTACT_PERSON in NOTIFY[(State.SENT_FOR_SIGNATURE, State.UNDER_REVIEW)]
    assert Role.ADMINISTRATOR in NOTIFY[(State.CREATED, State.SENT_TO_ADMINISTRATOR)]


def test_next_states_lists_what_the_role_may_do():
    assert next_states("created", {"administrator"}) == ["sent_to_office"]
    assert next_states("sent_for_signature", {"signatory"}) == ["under_review"]  # signs, does not approve
    assert next_states("sent_for_signature", {"head_of_division"}) == ["under_review"]  # not signed yet
    assert next_states("sent_for_signature", {"head_of_division"}, frozenset({SIGNED})) == ["approved", "under_review"]
    assert next_states("approved", {"signatory"}) == []
