"""The lifecycles of boa.people as data (SPEC 1, 2): association agreements, user requests and
authorisation agreements. Pure: the services move a state only through these tables."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.domain import ASSOCIATION_APPROVERS, ASSOCIATION_ENDERS
from boa.kernel.lifecycle import Lifecycle

# The user the association binds: they may end it themself (SPEC 1).
SELF = "self"


class AssociationState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    ENDED = "ended"


A = AssociationState

# An administrator requests (pending); the person responsible for authorisation or a substitute
# approves or refuses; the user, an administrator, the responsible person or a substitute ends an
# open one.
ASSOCIATION = Lifecycle("association", AssociationState, {
    (A.PENDING, A.APPROVED): ASSOCIATION_APPROVERS,
    (A.PENDING, A.REFUSED): ASSOCIATION_APPROVERS,
    (A.PENDING, A.ENDED): ASSOCIATION_ENDERS | {SELF},
    (A.APPROVED, A.ENDED): ASSOCIATION_ENDERS | {SELF},
})

# At most one open association per user and institution (the partial unique index
# ``OPEN_ASSOCIATION`` in boa.people.models says the same in SQL).
OPEN_ASSOCIATION_STATES = ASSOCIATION.sources(A.ENDED)


class UserRequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


# Research Services approve (the user is created) or refuse an administrator's request (SPEC 2).
USER_REQUEST = Lifecycle.open_to_all("user request", UserRequestState, [
    (UserRequestState.PENDING, UserRequestState.APPROVED),
    (UserRequestState.PENDING, UserRequestState.REFUSED),
])


class AgreementState(StrEnum):
    ACTIVE = "active"
    TERMINATED = "terminated"


# Research Services terminate an authorisation agreement; a terminated one stays terminated.
AGREEMENT = Lifecycle.open_to_all("agreement", AgreementState, [
    (AgreementState.ACTIVE, AgreementState.TERMINATED),
])
