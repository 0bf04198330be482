"""Who may do what to a project: pure predicates over the actor's roles towards it (the set
:func:`schemes.projects.service.project_roles` returns). The services raise when one says no;
the admin pages ask the same ones to decide which actions to offer."""

from __future__ import annotations

from collections.abc import Set

# Institution roles that see every project of their institution.
INSTITUTION_VIEWERS = frozenset({"administrator", "signatory", "responsible", "substitute"})
MEMBER_MANAGERS = frozenset({"contact_person", "administrator", "office"})


def may_see(roles: Set[str]) -> bool:
    return bool(roles & ({"office", "project_owner", "contact_person", "member"} | INSTITUTION_VIEWERS))


def may_change_deletion_date(roles: Set[str]) -> bool:
    """An administrator of the project's institution changes the deletion date (SPEC 3.1)."""
    return "administrator" in roles


def may_approve_deletion(roles: Set[str]) -> bool:
    """An administrator approves a deletion; the office's project owner never may, even if they
    also held an administrator role."""
    return "administrator" in roles and "project_owner" not in roles


def may_manage_members(roles: Set[str]) -> bool:
    return bool(roles & MEMBER_MANAGERS)
