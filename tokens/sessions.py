"""Server-side sessions: opened after the second factor, resolved and decided again on every request
(idle 30 minutes, absolute 12 hours; a lock takes effect on the next request), ended by logout or
by Research Services (SPEC 4). Only the SHA-256 of the bearer token is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.access import Decision, decide
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.decisions import enforce_facts, load_facts
from boa.kernel.errors import NotAuthenticated, PermissionDenied
from boa.kernel.settings import get_settings
from boa.people.lookups import user_by_ident, user_of
from boa.people.models import User
from tokens.models import Session

# A session's last use is written at most this often, so a burst of requests is not a burst of writes;
# the idle timeout is therefore exact to within these seconds.
LAST_SEEN_RESOLUTION = timedelta(seconds=30)


@dataclass
class NewSession:
    token: str
    csrf_token: str
    session: Session
    user: User


def hash_session_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, user: User) -> NewSession:
    settings = get_settings()
    raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = clock.now()
    row = Session(token_hash=hash_session_token(raw), user_id=user.id, csrf_token=csrf, last_seen_at=now,
                  expires_at=now + timedelta(hours=settings.session_absolute_hours), verified_at=now)
    session.add(row)
    await session.flush()
    await audit.record(session, actor=f"user:{user.ident}", action=AuditAction.LOGIN_SUCCESS,
                       subject=f"user:{user.ident}",
                       session_id=row.id)
    return NewSession(raw, csrf, row, user)


async def logout(session: AsyncSession, actor: Actor, row: Session) -> None:
    row.revoked_at, row.revoked_reason = clock.now(), "logout"
    await audit.record(session, actor=actor.label, action=AuditAction.LOGOUT,
                       subject=f"user:{user_of(actor).ident}")


async def revoke_sessions(session: AsyncSession, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """Ends the user's open sessions (all but ``keep``); answers how many."""
    rows = await session.scalars(select(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None),
                                                       Session.id != (keep or 0)))
    count = 0
    for row in rows:
        row.revoked_at, row.revoked_reason = clock.now(), reason
        count += 1
    return count


async def force_logout(session: AsyncSession, *, actor: Actor, ident: str) -> tuple[User, int]:
    """Research Services end all of a user's sessions (audited); returns the user and how many."""
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services end a user's sessions.")
    user = await user_by_ident(session, ident)
    count = await revoke_sessions(session, user.id, "forced by Research Services")
    await audit.record(session, actor=actor.label, action=AuditAction.SESSION_FORCED_LOGOUT,
                       subject=f"user:{user.ident}",
                       sessions=count)
    return user, count


@dataclass(frozen=True)
class Resolved:
    row: Session
    user: User
    research: Decision  # the `login` decision: whether the onboarding is done (project work needs it)


async def resolve_session(session: AsyncSession, raw_token: str) -> Resolved:
    """The session behind a bearer token or cookie, decided again on every request: the portal
    decision must allow (a lock on the user ends the session's use at once); the research
    decision, from the same facts, tells the guard whether project work is open yet."""
    found = (await session.execute(select(Session, User).join(User, User.id == Session.user_id)
                                   .where(Session.token_hash == hash_session_token(raw_token)))).first()
    now = clock.now()
    if found is None or found[0].revoked_at is not None:
        raise NotAuthenticated("Not logged in.", code="session_invalid")
    row, user = found
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if clock.aware(row.expires_at) <= now or clock.aware(row.last_seen_at) + idle <= now:
        raise NotAuthenticated("The session has expired. Log in again.", code="session_expired")
    facts = await load_facts(session, user.ident, "login", user=user)
    await enforce_facts(session, facts, "portal", actor=f"user:{user.ident}")
    if now - clock.aware(row.last_seen_at) >= LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
    return Resolved(row, user, decide("login", facts))
