"""The proposal state machine of the researcher scheme (SPEC 3.1), as data.

Pure: no database, no framework. :data:`TRANSITIONS` lists every allowed (from, to) pair with
the roles that may take it; :data:`NOTIFY` lists who gets an e-mail for it. The service does
the side effects per (from, to) in one dispatcher."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.errors import InvalidTransition, PermissionDenied


class State(StrEnum):
    CREATED = "created"
    SENT_TO_ADMINISTRATOR = "sent_to_administrator"
    SENT_TO_OFFICE = "sent_to_office"
    UNDER_REVIEW = "under_review"
    SENT_FOR_SIGNATURE = "sent_for_signature"
    APPROVED = "approved"
    DATA_DELIVERED = "data_delivered"


class Role(StrEnum):
    CONTACT_PERSON = "contact_person"
    ADMINISTRATOR = "administrator"
    OFFICE = "office"  # any Research Services staff member
    PROJECT_OWNER = "project_owner"  # the office's owner of this project
    SIGNATORY = "signatory"  # a signatory of the project's institution
    # The Head of Division for the Data Portal: office staff with the right proposal_approval.
    HEAD_OF_DIVISION = "head_of_division"


class TransitionNotPermitted(PermissionDenied):
    code = "transition_not_permitted"
    title = "Transition not permitted"


S, R = State, Role

TRANSITIONS: dict[tuple[State, State], frozenset[Role]] = {
    (S.CREATED, S.SENT_TO_ADMINISTRATOR): frozenset({R.CONTACT_PERSON}),
    # Only an administrator submits the institution's proposals to the office.
    (S.CREATED, S.SENT_TO_OFFICE): frozenset({R.ADMINISTRATOR}),
    (S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE): frozenset({R.ADMINISTRATOR}),
    (S.SENT_TO_ADMINISTRATOR, S.UNDER_REVIEW): frozenset({R.ADMINISTRATOR}),
    (S.SENT_TO_OFFICE, S.UNDER_REVIEW): frozenset({R.PROJECT_OWNER}),
    # The office signs first (the project owner sends it to the signatory) ...
    (S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE): frozenset({R.PROJECT_OWNER}),
    (S.UNDER_REVIEW, S.SENT_TO_ADMINISTRATOR): frozenset({R.CONTACT_PERSON}),
    (S.UNDER_REVIEW, S.SENT_TO_OFFICE): frozenset({R.ADMINISTRATOR}),
    # ... then a signatory of the institution signs (a signature, not a move: see SIGNING) or
    # refuses (back to the contact person); after the signature the Head of Division for the Data
    # Portal approves or returns it.
    (S.SENT_FOR_SIGNATURE, S.APPROVED): frozenset({R.HEAD_OF_DIVISION}),
    (S.SENT_FOR_SIGNATURE, S.UNDER_REVIEW): frozenset({R.SIGNATORY, R.HEAD_OF_DIVISION}),
    (S.APPROVED, S.DATA_DELIVERED): frozenset({R.PROJECT_OWNER, R.OFFICE}),
}

# What must have happened before a move (a fact the service knows of the proposal): the Head of
# Division approves only what the institution's signatory has signed.
SIGNED = "signed"
GUARDS: dict[tuple[State, State], str] = {
    (S.SENT_FOR_SIGNATURE, S.APPROVED): SIGNED,
}

# The institution's signatory signs while the proposal is sent for signature (once).
SIGNING: frozenset[State] = frozenset({S.SENT_FOR_SIGNATURE})
SIGNERS: frozenset[Role] = frozenset({R.SIGNATORY})

# The project owner sends a price quote once the administrator has sent the proposal to the office
# (seed 001), until the data are delivered.
QUOTABLE: frozenset[State] = frozenset({S.SENT_TO_OFFICE, S.UNDER_REVIEW, S.SENT_FOR_SIGNATURE, S.APPROVED})
QUOTERS: frozenset[Role] = frozenset({R.PROJECT_OWNER})

# The project has an owner in the office from sent_to_office until the data are delivered: one who
# has left (deactivated, or no longer office staff) is replaced in these states.
OWNED: frozenset[State] = frozenset({S.SENT_TO_OFFICE, S.UNDER_REVIEW, S.SENT_FOR_SIGNATURE, S.APPROVED})

# Returning a proposal needs the questions or the reason for refusing.
COMMENT_REQUIRED: frozenset[State] = frozenset({S.UNDER_REVIEW})

# While the proposal is with the administrator or the office it cannot be edited and no
# users can be associated, until it is returned (approved or for revision).
FROZEN: frozenset[State] = frozenset({S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE})
EDITABLE: frozenset[State] = frozenset({S.CREATED, S.UNDER_REVIEW})
CLOSED: frozenset[State] = frozenset({S.APPROVED, S.DATA_DELIVERED})

# Who gets an e-mail per transition (recipients are roles of the project).
NOTIFY: dict[tuple[State, State], tuple[Role, ...]] = {
    (S.CREATED, S.SENT_TO_ADMINISTRATOR): (R.ADMINISTRATOR,),
    (S.UNDER_REVIEW, S.SENT_TO_ADMINISTRATOR): (R.ADMINISTRATOR,),
    (S.CREATED, S.SENT_TO_OFFICE): (R.CONTACT_PERSON, R.PROJECT_OWNER),
    (S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE): (R.CONTACT_PERSON, R.PROJECT_OWNER),
    (S.UNDER_REVIEW, S.SENT_TO_OFFICE): (R.CONTACT_PERSON, R.PROJECT_OWNER),
    (S.SENT_TO_ADMINISTRATOR, S.UNDER_REVIEW): (R.CONTACT_PERSON,),
    (S.SENT_TO_OFFICE, S.UNDER_REVIEW): (R.CONTACT_PERSON, R.ADMINISTRATOR),
    (S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE): (R.SIGNATORY,),
    (S.SENT_FOR_SIGNATURE, S.UNDER_REVIEW): (R.CONTACT_PERSON, R.ADMINISTRATOR),
    (S.SENT_FOR_SIGNATURE, S.APPROVED): (R.CONTACT_PERSON, R.ADMINISTRATOR, R.PROJECT_OWNER),
    (S.APPROVED, S.DATA_DELIVERED): (R.CONTACT_PERSON,),
}


def parse_state(value: str) -> State:
    try:
        return State(value)
    except ValueError:
        raise InvalidTransition(f"{value!r} is not a proposal state; states are "
                                f"{', '.join(s.value for s in State)}.") from None


def allowed_roles(state: str, to: str) -> frozenset[Role] | None:
    return TRANSITIONS.get((State(state), State(to)))


class GuardNotMet(InvalidTransition):
    code = "signature_missing"


def check_transition(state: str, to: str, roles: set[str] | frozenset[str],
                     done: frozenset[str] = frozenset()) -> tuple[State, State]:
    """Raises :class:`InvalidTransition` (409) when (state, to) is not in the table,
    :class:`TransitionNotPermitted` (403) when it is but none of ``roles`` may take it, and
    :class:`GuardNotMet` (409 ``signature_missing``) when its guard is not in ``done``."""
    old, new = parse_state(state), parse_state(to)
    allowed = TRANSITIONS.get((old, new))
    if allowed is None:
        raise InvalidTransition(f"A proposal cannot go from {old.value} to {new.value}.")
    if not allowed & set(roles):
        raise TransitionNotPermitted(
            f"Only {' or '.join(sorted(r.value for r in allowed))} may move a proposal from "
            f"{old.value} to {new.value}.")
    guard = GUARDS.get((old, new))
    if guard is not None and guard not in done:
        raise GuardNotMet("The institution's signatory has not signed the proposal yet.")
    return old, new


def next_states(state: str, roles: set[str] | frozenset[str], done: frozenset[str] = frozenset()) -> list[str]:
    """The transitions the holder of ``roles`` may take now (for the UI)."""
    old = State(state)
    return [to.value for (frm, to), allowed in TRANSITIONS.items()
            if frm == old and allowed & set(roles) and GUARDS.get((frm, to), "") in done | {""}]


def is_frozen(state: str) -> bool:
    return state in FROZEN


def is_editable(state: str) -> bool:
    return state in EDITABLE
