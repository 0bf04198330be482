"""Changing what proves who you are (the PIN, a second factor, the e-mail address) needs a
second-factor verification from the last 10 minutes (SPEC 2; API.md "Second factors and the PIN").

A login counts as a verification; otherwise ``POST /v1/auth/step-up`` sends a challenge to the
active token (:func:`tokens.challenge.start_step_up`) and ``POST /v1/auth/verify`` with its code
refreshes the session's verification (:func:`tokens.challenge.verify`). The code is checked like a login's: the lockout, the replay
refusal and the token's failure count apply."""

from __future__ import annotations

from datetime import timedelta

from boa.kernel import clock
from boa.kernel.actor import Actor
from boa.kernel.errors import PermissionDenied

STEP_UP_WINDOW = timedelta(minutes=10)


class ReauthenticationRequired(PermissionDenied):
    code = "reauthentication_required"
    title = "Verify again"


def require_recent_verification(actor: Actor) -> None:
    """Refuses a change of the actor's own factors unless their session verified a second factor
    in the last 10 minutes (staff acting on someone else's factors are not asked)."""
    verified = clock.aware(actor.verified_at)
    if verified is None or clock.now() - verified > STEP_UP_WINDOW:
        raise ReauthenticationRequired("Confirm it is you: type a code from your second factor first "
                                       "(POST /v1/auth/step-up).")
