"""The token lifecycle as data (SPEC 4): one table of moves, each naming the token kinds that
take it. Pure: the services in :mod:`tokens.service` and :mod:`tokens.challenge` move a token
only through :data:`TOKEN`.

- A physical token is requested, approved by Research Services (or shipped at once), shipped
  with a seed from the vendor's file, and activated by its first valid code.
- An SMS token (sent a code at enrolment) and an authenticator app (TOTP) are enrolled and
  activated by its first valid code.
- A user has at most one active token: activating another disables it. Research Services
  disable a token, the user or Research Services revoke it or report it lost; 100 wrong codes
  disable it; a disabled token is re-bound (active again). Revoked and lost are final."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class TokenState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    SHIPPED = "shipped"
    ENROLLED = "enrolled"
    ACTIVE = "active"
    DISABLED = "disabled"
    REVOKED = "revoked"
    LOST = "lost"


class TokenKind(StrEnum):
    SMS = "sms"
    TOTP = "totp"
    PHYSICAL = "physical"


T, K = TokenState, TokenKind
PHYSICAL = frozenset({K.PHYSICAL.value})
APPS = frozenset({K.SMS.value, K.TOTP.value})
EVERY_KIND = PHYSICAL | APPS

# The states a token of these kinds may be in before it ends (revoked, disabled or lost).
_LIVE: dict[TokenState, frozenset[str]] = {
    T.REQUESTED: PHYSICAL, T.APPROVED: PHYSICAL, T.SHIPPED: PHYSICAL,
    T.ENROLLED: APPS, T.ACTIVE: EVERY_KIND,
    # Disabling a disabled token again is allowed (it only stamps the end anew).
    T.DISABLED: EVERY_KIND,
}

TOKEN = Lifecycle("token", TokenState, {
    (T.REQUESTED, T.APPROVED): PHYSICAL,
    (T.REQUESTED, T.SHIPPED): PHYSICAL,  # shipped without a separate approval
    (T.APPROVED, T.SHIPPED): PHYSICAL,
    (T.ENROLLED, T.ACTIVE): APPS,  # SMS at enrolment, an app by its first code
    (T.SHIPPED, T.ACTIVE): PHYSICAL,  # by its first code
    (T.DISABLED, T.ACTIVE): EVERY_KIND,  # re-bound by Research Services
    **{(state, end): kinds for state, kinds in _LIVE.items() for end in (T.DISABLED, T.REVOKED, T.LOST)},
})

# What ``end`` makes of a token, per verb.
ENDS: dict[str, TokenState] = {"revoke": T.REVOKED, "disable": T.DISABLED, "lost": T.LOST}

# A physical token on its way (one at a time per user; project memberships wait for it).
PENDING_PHYSICAL = (T.REQUESTED, T.APPROVED, T.SHIPPED)

# The first valid code activates an enrolled authenticator app or a shipped physical token.
FIRST_CODE_ACTIVATES: frozenset[tuple[TokenKind, TokenState]] = frozenset({(K.TOTP, T.ENROLLED), (K.SMS, T.ENROLLED),
                                                                         (K.PHYSICAL, T.SHIPPED)})
FIRST_CODE_STATES = (T.ENROLLED, T.SHIPPED)

# The tokens a login challenge may go to: the active one, else one its first code activates.
LOGIN_STATES = (T.ACTIVE, *FIRST_CODE_STATES)


def first_code_activates(kind: str, state: str) -> bool:
    return (kind, state) in FIRST_CODE_ACTIVATES
