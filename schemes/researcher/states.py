"""Researcher-scheme project proposals: states, the transition table, who is told, what is frozen.

An enum plus one explicit table (SPEC 3.1; seed 001 FAQ "Where in the process is my project
proposal?"). The office signature is a state of its own (``signed_by_office``), not a flag: the two
signatures are ordered (office first, then the institution's signatory) and each is taken by a
different role, so each is an edge with its own roles and notifications.

Roles are the caller's roles *for this proposal*, computed by the service: ``contact_person`` (of the
project), ``administrator`` (of the project's institution), ``signatory`` (of that institution),
``project_owner`` (the office staff member allocated to the project) and ``office_staff`` (any
Research Services staff member with the right to sign for the office).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ProposalState(StrEnum):
    CREATED = "created"
    SENT_TO_ADMINISTRATOR = "sent_to_administrator"
    SENT_TO_OFFICE = "sent_to_office"  # a project owner is allocated on entry
    UNDER_REVIEW = "under_review"  # returned to the users with questions, or refused by the signatory
    SENT_FOR_SIGNATURE = "sent_for_signature"  # awaiting the office's signature
    SIGNED_BY_OFFICE = "signed_by_office"  # awaiting the institution signatory's signature
    APPROVED = "approved"
    DATA_DELIVERED = "data_delivered"


class Role(StrEnum):
    CONTACT_PERSON = "contact_person"
    ADMINISTRATOR = "administrator"
    SIGNATORY = "signatory"
    PROJECT_OWNER = "project_owner"
    OFFICE_STAFF = "office_staff"


class Party(StrEnum):
    """Who is told by e-mail."""

    CONTACT_PERSON = "contact_person"
    ADMINISTRATOR = "administrator"
    SIGNATORY = "signatory"
    PROJECT_OWNER = "project_owner"


class TransitionError(Exception):
    """Base of the proposal transition errors."""


class InvalidTransition(TransitionError):  # noqa: N818 - the API code is invalid_transition
    """The (from, to) pair is not in the table: no role may ever take it (409)."""


class TransitionNotPermitted(TransitionError):  # noqa: N818
    """The edge exists, but none of the caller's roles may take it (403)."""


class CommentRequired(TransitionError):  # noqa: N818
    """The edge needs a reason (returning or refusing) and none was given (422)."""


@dataclass(frozen=True, slots=True)
class Transition:
    source: ProposalState
    target: ProposalState
    roles: frozenset[Role]
    comment_required: bool
    action: str  # what the step is called in the UI / audit log


S, R = ProposalState, Role
_OFFICE = frozenset({R.PROJECT_OWNER, R.OFFICE_STAFF})


def _t(source: S, target: S, roles: Iterable[Role], action: str, comment: bool = False) -> Transition:
    return Transition(source, target, frozenset(roles), comment, action)


TRANSITIONS: dict[tuple[ProposalState, ProposalState], Transition] = {
    (t.source, t.target): t
    for t in (
        _t(S.CREATED, S.SENT_TO_ADMINISTRATOR, {R.CONTACT_PERSON}, "send_to_administrator"),
        # "Only an administrator submits the institution's proposals to the office."
        _t(S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE, {R.ADMINISTRATOR}, "submit_to_office"),
        _t(S.SENT_TO_ADMINISTRATOR, S.UNDER_REVIEW, {R.ADMINISTRATOR}, "return_for_revision", True),
        _t(S.UNDER_REVIEW, S.SENT_TO_ADMINISTRATOR, {R.CONTACT_PERSON}, "resubmit"),
        _t(S.SENT_TO_OFFICE, S.UNDER_REVIEW, {R.PROJECT_OWNER}, "return_for_revision", True),
        _t(S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE, {R.PROJECT_OWNER}, "send_for_signature"),
        # Research Services signs first ...
        _t(S.SENT_FOR_SIGNATURE, S.SIGNED_BY_OFFICE, {R.OFFICE_STAFF}, "office_signs"),
        _t(S.SENT_FOR_SIGNATURE, S.UNDER_REVIEW, _OFFICE, "return_for_revision", True),
        # ... then a signatory of the institution, who may refuse with a reason.
        _t(S.SIGNED_BY_OFFICE, S.APPROVED, {R.SIGNATORY}, "signatory_signs"),
        _t(S.SIGNED_BY_OFFICE, S.UNDER_REVIEW, {R.SIGNATORY}, "signatory_refuses", True),
        _t(S.APPROVED, S.DATA_DELIVERED, _OFFICE, "deliver_data"),
    )
}

P = Party
# Side effects per edge, in one place: who gets an e-mail. The project owner is not told of a
# proposal before the administrator has sent it to the office (001 FAQ).
NOTIFY: dict[tuple[ProposalState, ProposalState], frozenset[Party]] = {
    (S.CREATED, S.SENT_TO_ADMINISTRATOR): frozenset({P.ADMINISTRATOR}),
    (S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE): frozenset({P.PROJECT_OWNER, P.CONTACT_PERSON}),
    (S.SENT_TO_ADMINISTRATOR, S.UNDER_REVIEW): frozenset({P.CONTACT_PERSON}),
    (S.UNDER_REVIEW, S.SENT_TO_ADMINISTRATOR): frozenset({P.ADMINISTRATOR}),
    (S.SENT_TO_OFFICE, S.UNDER_REVIEW): frozenset({P.CONTACT_PERSON, P.ADMINISTRATOR}),
    (S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE): frozenset({P.CONTACT_PERSON}),
    (S.SENT_FOR_SIGNATURE, S.SIGNED_BY_OFFICE): frozenset({P.SIGNATORY}),
    (S.SENT_FOR_SIGNATURE, S.UNDER_REVIEW): frozenset({P.CONTACT_PERSON, P.ADMINISTRATOR}),
    (S.SIGNED_BY_OFFICE, S.APPROVED): frozenset({P.CONTACT_PERSON, P.ADMINISTRATOR, P.PROJECT_OWNER}),
    (S.SIGNED_BY_OFFICE, S.UNDER_REVIEW): frozenset({P.CONTACT_PERSON, P.ADMINISTRATOR, P.PROJECT_OWNER}),
    (S.APPROVED, S.DATA_DELIVERED): frozenset({P.CONTACT_PERSON}),
}

# With the administrator or the office: no edits, no new members, until returned (approved or for
# revision). Seed 001 FAQ: "once you have sent the project proposal to your administrator or to
# Statistics Denmark, you can no longer edit it ... you can no longer associate users".
FROZEN_STATES = frozenset(
    {S.SENT_TO_ADMINISTRATOR, S.SENT_TO_OFFICE, S.SENT_FOR_SIGNATURE, S.SIGNED_BY_OFFICE}
)
# The proposal text may be edited only while with the users; after approval a change of content is a
# re-proposal (a new proposal with all data restated).
EDITABLE_STATES = frozenset({S.CREATED, S.UNDER_REVIEW})
# The valid proposal of a project: the latest one in one of these states.
IN_FORCE_STATES = frozenset({S.APPROVED, S.DATA_DELIVERED})

# Project-level rules that sit next to the proposal (SPEC 3.1, seed 001 FAQ).
SUBMITS_TO_OFFICE = frozenset({R.ADMINISTRATOR})
CHANGES_DELETION_DATE = frozenset({R.ADMINISTRATOR})
# "The project owners in Denmark's Data Portal do not have rights to approve a deletion."
APPROVES_DELETION = frozenset({R.ADMINISTRATOR})


def _state(value: str | ProposalState) -> ProposalState:
    try:
        return ProposalState(value)
    except ValueError:
        raise InvalidTransition(f"unknown proposal state: {value!r}") from None


def _roles(roles: Iterable[str | Role]) -> frozenset[Role]:
    return frozenset(Role(r) for r in roles if r in Role._value2member_map_)


def allowed_transitions(state: str | ProposalState, roles: Iterable[str | Role]) -> list[Transition]:
    """The edges out of ``state`` that a caller with ``roles`` may take, in table order."""
    source, mine = _state(state), _roles(roles)
    return [t for (s, _), t in TRANSITIONS.items() if s is source and t.roles & mine]


def check_transition(
    state: str | ProposalState,
    to: str | ProposalState,
    roles: Iterable[str | Role],
    comment: str | None = None,
) -> Transition:
    """The edge (state -> to) if the caller may take it; raises InvalidTransition (not in the
    table), TransitionNotPermitted (not the caller's) or CommentRequired (reason missing)."""
    source, target = _state(state), _state(to)
    transition = TRANSITIONS.get((source, target))
    if transition is None:
        raise InvalidTransition(f"a proposal cannot go from {source} to {target}")
    if not transition.roles & _roles(roles):
        needed = ", ".join(sorted(transition.roles))
        raise TransitionNotPermitted(f"{source} -> {target} may be taken by: {needed}")
    if transition.comment_required and not (comment and comment.strip()):
        raise CommentRequired(f"{source} -> {target} needs a reason")
    return transition


def notify(state: str | ProposalState, to: str | ProposalState) -> frozenset[Party]:
    return NOTIFY.get((_state(state), _state(to)), frozenset())


def is_frozen(state: str | ProposalState) -> bool:
    """No edits and no new members while the proposal is with the administrator or the office."""
    return _state(state) in FROZEN_STATES


def may_edit(state: str | ProposalState) -> bool:
    return _state(state) in EDITABLE_STATES


def may_add_members(state: str | ProposalState) -> bool:
    return not is_frozen(state)


def may_create_reproposal(states_of_project_proposals: Iterable[str | ProposalState]) -> bool:
    """A re-proposal needs an earlier proposal in force and none still in progress: only one
    proposal is valid at a time."""
    states = [_state(s) for s in states_of_project_proposals]
    return any(s in IN_FORCE_STATES for s in states) and all(s in IN_FORCE_STATES for s in states)


def may_submit_to_office(roles: Iterable[str | Role]) -> bool:
    return bool(_roles(roles) & SUBMITS_TO_OFFICE)


def may_change_deletion_date(roles: Iterable[str | Role]) -> bool:
    return bool(_roles(roles) & CHANGES_DELETION_DATE)


def may_approve_deletion(roles: Iterable[str | Role]) -> bool:
    """Only an administrator of the institution; never the office's project owner as such."""
    return bool(_roles(roles) & APPROVES_DELETION)
