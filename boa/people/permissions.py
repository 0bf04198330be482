"""Who may do what at an institution: pure predicates over the actor's roles there.

The services raise when a predicate says no; the admin pages ask the same predicates to decide
which actions to offer. ``roles`` is the set :func:`boa.services.common.roles_at` returns (the
institution roles plus ``user`` for an approved association)."""

from __future__ import annotations

from collections.abc import Set

from boa.kernel.domain import ASSOCIATION_ENDERS, ROLE_ASSIGNERS
from boa.people.states import ASSOCIATION, SELF, AssociationState

# Who sees and manages the institution's users (search, details).
USER_MANAGERS = frozenset({"responsible", "substitute", "administrator"})


def may_request_association(roles: Set[str]) -> bool:
    """An administrator associates an existing user (the association then waits for approval)."""
    return "administrator" in roles


def may_request_user(roles: Set[str]) -> bool:
    """An administrator asks Research Services for a new user."""
    return "administrator" in roles


def may_decide_association(roles: Set[str]) -> bool:
    """The person responsible for authorisation or a substitute approves or refuses."""
    return bool(roles & ASSOCIATION.who(AssociationState.PENDING, AssociationState.APPROVED))


def may_end_association(roles: Set[str], *, own: bool) -> bool:
    """The user themself, an administrator, the responsible person or a substitute."""
    who = ASSOCIATION.who(AssociationState.APPROVED, AssociationState.ENDED)
    return bool((set(roles) | ({SELF} if own else set())) & who)


def may_list_associations(roles: Set[str], *, staff: bool) -> bool:
    return staff or bool(roles & (ASSOCIATION_ENDERS | {"signatory"}))


def may_list_user_requests(roles: Set[str], *, staff: bool) -> bool:
    return staff or "administrator" in roles


def may_assign_role(roles: Set[str], role: str, *, staff: bool = False) -> bool:
    """The institution's responsible person or substitute (per ``ROLE_ASSIGNERS``), or the office,
    which grants the roles of those who may not grant to themselves (four eyes)."""
    return role in ROLE_ASSIGNERS and (staff or bool(roles & ROLE_ASSIGNERS[role]))


def assignable_roles(roles: Set[str], *, staff: bool = False) -> list[str]:
    """The institution roles the holder of ``roles`` may assign (and remove), in table order."""
    return [role for role in ROLE_ASSIGNERS if may_assign_role(roles, role, staff=staff)]
