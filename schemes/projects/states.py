"""The lifecycle of a project membership (SPEC 3), as data. Pure: the services in
:mod:`schemes.projects.members` move a membership only through :data:`MEMBERSHIP`.

A user is put on a project ``requested`` (awaiting the office's approval, e.g. an authority's
employee), ``pending`` (awaiting their physical token) or ``active``. The office approves a
requested one; the token's activation activates a pending one; any open one ends (removed, the
association ended, the project deleted); an ended one is reopened by adding the user again."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class MemberState(StrEnum):
    REQUESTED = "requested"
    PENDING = "pending"
    ACTIVE = "active"
    ENDED = "ended"


M = MemberState

MEMBERSHIP = Lifecycle.open_to_all("membership", MemberState, [
    (M.REQUESTED, M.PENDING), (M.REQUESTED, M.ACTIVE),  # approved by the office
    (M.PENDING, M.ACTIVE),  # the physical token was activated
    (M.REQUESTED, M.ENDED), (M.PENDING, M.ENDED), (M.ACTIVE, M.ENDED),
    (M.ENDED, M.REQUESTED), (M.ENDED, M.PENDING), (M.ENDED, M.ACTIVE),  # added again
])

# A membership that has not ended (one per user and project).
OPEN_STATES = MEMBERSHIP.sources(M.ENDED)
