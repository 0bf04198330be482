"""The login lockout: consecutive failures per IDENT (also for IDENTs that do not exist, so both
behave the same); 5 lock login for 30 minutes (SPEC 4). A failure is kept though the request that
made it is refused (:func:`boa.kernel.db.keep_on_error`). Research Services see and clear a
lockout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import keep_on_error
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import BoaError, LockedOut, PermissionDenied, ValidationFailed
from boa.people.lookups import user_by_ident
from tokens.models import LoginState

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=30)
LOCKED_MESSAGE = "Too many failed attempts. Wait 30 minutes before you try again."


def check_ident(ident: str) -> str:
    norm = normalise_ident(ident)
    if norm is None:
        raise ValidationFailed("An IDENT is 3 or 4 letters A-Z.", field="ident")
    return norm


async def login_state(session: AsyncSession, ident: str) -> LoginState:
    """The IDENT's row, locked; made at the first failure."""
    state = await session.scalar(select(LoginState).where(LoginState.ident == ident).with_for_update())
    if state is None:
        state = LoginState(ident=ident, failures=0)
        session.add(state)
        await session.flush()
    return state


def retry_after(locked_until: datetime | None) -> int | None:
    """Seconds until a lockout ends; None when there is none."""
    until = clock.aware(locked_until)
    if until is not None and until > clock.now():
        return max(1, int((until - clock.now()).total_seconds()))
    return None


def refuse_if_locked(locked_until: datetime | None) -> None:
    if (retry := retry_after(locked_until)) is not None:
        raise LockedOut(LOCKED_MESSAGE, retry_after=retry)


async def fail(session: AsyncSession, state: LoginState, action: AuditAction, error: BoaError) -> None:
    """Counts a failure (``action``: a wrong PIN or a wrong code), locks at the fifth, audits and
    keeps it, and raises."""
    state.failures += 1
    locked = state.failures >= MAX_FAILURES
    if locked:
        state.locked_until = clock.now() + LOCKOUT
        state.failures = 0
    await audit.record(session, actor="anonymous", action=action, subject=f"ident:{state.ident}",
                       locked=locked)
    keep_on_error(session)
    if locked:
        raise LockedOut(LOCKED_MESSAGE, retry_after=int(LOCKOUT.total_seconds()))
    raise error


@dataclass(frozen=True)
class Lockout:
    ident: str
    failures: int
    locked_until: datetime | None

    @property
    def locked(self) -> bool:
        return retry_after(self.locked_until) is not None


async def lockout_of(session: AsyncSession, *, actor: Actor, ident: str) -> Lockout:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services see a lockout.")
    user = await user_by_ident(session, ident)
    state = await session.scalar(select(LoginState).where(LoginState.ident == user.ident))
    return Lockout(user.ident, state.failures if state else 0, clock.aware(state.locked_until) if state else None)


async def clear_lockout(session: AsyncSession, *, actor: Actor, ident: str) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services clear a lockout.")
    user = await user_by_ident(session, ident)
    state = await session.scalar(select(LoginState).where(LoginState.ident == user.ident).with_for_update())
    if state is not None:
        state.failures, state.locked_until = 0, None
    await audit.record(session, actor=actor.label, action=AuditAction.LOGIN_LOCKOUT_CLEARED,
                       subject=f"user:{user.ident}")
