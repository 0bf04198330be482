"""The login: IDENT + PIN → a challenge on the user's token; the code → a server-side session
(SPEC 4). The PIN is hashed with no transaction open; failures count towards the lockout
(:mod:`tokens.lockout`); the session opens only when the access decision allows."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.decisions import enforce
from boa.kernel.errors import AccessDenied, InvalidCredentials, NotAuthenticated
from boa.kernel.settings import get_settings
from boa.people.lookups import user_of
from boa.people.models import User
from tokens.keys import pin_hasher
from tokens.kinds import kind_of
from tokens.lockout import check_ident, fail, login_state, refuse_if_locked
from tokens.models import LoginChallenge, LoginState, Session, Token
from tokens.service import activated_by_first_code
from tokens.sessions import NewSession, open_session
from tokens.states import FIRST_CODE_STATES, LOGIN_STATES, TOKEN, TokenState, first_code_activates

TOKEN_DISABLE_AFTER = 100
WRONG_CREDENTIALS = "The IDENT or PIN is wrong."


class InvalidCode(NotAuthenticated):
    code = "invalid_code"
    title = "Invalid code"


class LoginExpired(InvalidCode):
    """The challenge is unknown, used or out of time (same code for the API: ``invalid_code``)."""


async def login(session: AsyncSession, ident: str, pin: str, *, radius_client_id: int | None = None
                ) -> LoginChallenge:
    """IDENT + PIN → a challenge on the user's token; with ``radius_client_id`` one that only that
    RADIUS gateway can answer (:mod:`tokens.radius`)."""
    norm = check_ident(ident)
    hasher = pin_hasher()
    # One round trip for what the PIN check needs (also for an unknown IDENT's lockout) ...
    found = (await session.execute(select(
        select(User.id).where(User.ident == norm).scalar_subquery(),
        select(User.pin_hash).where(User.ident == norm, User.active.is_(True)).scalar_subquery(),
        select(LoginState.locked_until).where(LoginState.ident == norm).scalar_subquery(),
    ))).one()
    user_id, pin_hash, locked_until = found
    # ... and no transaction (on SQLite no write lock) is held while the PIN is hashed.
    await session.rollback()
    refuse_if_locked(locked_until)
    if user_id is None or pin_hash is None:
        await asyncio.to_thread(hasher.dummy_verify)
        ok, rehash = False, None
    else:
        ok, rehash = await asyncio.to_thread(_verify_and_rehash, hasher, pin, pin_hash)
    if not ok:
        state = await login_state(session, norm)
        refuse_if_locked(state.locked_until)
        await fail(session, state, AuditAction.LOGIN_FAILED_PIN, InvalidCredentials(WRONG_CREDENTIALS))
    # A lock may have landed while the PIN was hashed.
    refuse_if_locked(await session.scalar(select(LoginState.locked_until).where(LoginState.ident == norm)))
    if rehash is not None:
        await session.execute(update(User).where(User.id == user_id, User.pin_hash == pin_hash).values(pin_hash=rehash))
    token = await login_token(session, user_id)
    if token is None:
        raise AccessDenied("You have no active token. Enrol one first.",
                           [{"code": "no_active_token", "scope": "token", "message": "The user has no active token."}])
    return await challenge_on(session, token, radius_client_id=radius_client_id)


async def challenge_on(session: AsyncSession, token: Token, *, for_session: int | None = None,
                       radius_client_id: int | None = None) -> LoginChallenge:
    """A challenge for a code of ``token`` (an SMS is sent for an SMS token): a login's, or with
    ``for_session`` a step-up of that session, or with ``radius_client_id`` a RADIUS login's."""
    challenge = LoginChallenge(challenge=secrets.token_urlsafe(32), user_id=token.user_id, token_id=token.id,
                               method=token.kind, session_id=for_session, radius_client_id=radius_client_id,
                               expires_at=clock.now() + timedelta(minutes=get_settings().challenge_minutes))
    session.add(challenge)
    await kind_of(token).start(session, token, challenge)
    return challenge


def _verify_and_rehash(hasher, pin: str, pin_hash: str) -> tuple[bool, str | None]:
    """Verifies the PIN; a hash made with other parameters is replaced by one with the current ones."""
    if not hasher.verify(pin, pin_hash):
        return False, None
    return True, hasher.hash(pin) if hasher.needs_rehash(pin_hash) else None


async def login_token(session: AsyncSession, user_id: int) -> Token | None:
    """The active token; else a TOTP app token enrolled at activation or a shipped physical token,
    which its first valid code activates."""
    tokens = list(await session.scalars(select(Token).where(
        Token.user_id == user_id, Token.state.in_(LOGIN_STATES)).order_by(Token.id)))
    active = [t for t in tokens if t.state == TokenState.ACTIVE]
    if active:
        return active[0]
    waiting = [t for t in tokens if first_code_activates(t.kind, t.state)]
    return waiting[-1] if waiting else None


@dataclass(frozen=True)
class SteppedUp:
    """A step-up's code was right: the session's second-factor verification is refreshed."""

    session: Session
    user: User


async def verify(session: AsyncSession, challenge_id: str, code: str) -> NewSession | SteppedUp:
    """The code for a challenge: a login's opens a session; a step-up's (:mod:`tokens.stepup`)
    refreshes the session that asked for it."""
    challenge, user = await check_code(session, challenge_id, code)
    if challenge.session_id is not None:
        return await _step_up_verified(session, challenge, user)
    # A portal session opens whenever the portal decision allows (SPEC 2 "Two gates"): the
    # onboarding that the research servers need is done in the portal.
    await enforce(session, user.ident, "portal", actor=f"user:{user.ident}", user=user)
    return await open_session(session, user)


async def check_code(session: AsyncSession, challenge_id: str, code: str, *, radius_client_id: int | None = None,
                     ident: str | None = None) -> tuple[LoginChallenge, User]:
    """The code for a challenge, checked (replay refused, failures counted towards the lockout and
    the token's limit, the first code activating an enrolled token) and the challenge used. An HTTP
    challenge is answered over HTTP only; a RADIUS challenge (``radius_client_id``) only through
    the gateway it was sent to, naming its user (``ident``), and any answer uses it up."""
    expired = LoginExpired("The login has expired or was used. Log in again.")
    via = (LoginChallenge.radius_client_id.is_(None) if radius_client_id is None
           else LoginChallenge.radius_client_id == radius_client_id)
    # The challenge, its user and its token in one round trip; challenge and token rows locked.
    found = (await session.execute(
        select(LoginChallenge, User, Token)
        .join(User, User.id == LoginChallenge.user_id)
        .join(Token, Token.id == LoginChallenge.token_id)
        .where(LoginChallenge.challenge == challenge_id, via)
        .with_for_update(of=[LoginChallenge, Token])
    )).first()
    if found is None:
        raise expired
    challenge, user, token = found
    if (challenge.used or clock.aware(challenge.expires_at) <= clock.now()
            or (ident is not None and user.ident != ident)):
        raise expired
    if radius_client_id is not None:
        challenge.used = True  # a RADIUS State is single use: a wrong code ends that login too
    state = await session.scalar(select(LoginState).where(LoginState.ident == user.ident).with_for_update())
    if state is not None:
        refuse_if_locked(state.locked_until)
    if token.state not in LOGIN_STATES:
        raise InvalidCode("The token is not active. Log in again.")
    check = kind_of(token).check(token, challenge, code, clock.now())
    if not check.ok:
        token.fail_count = (token.fail_count or 0) + 1
        if token.fail_count >= TOKEN_DISABLE_AFTER:
            token.state = TOKEN.move(token.state, TokenState.DISABLED, who={token.kind})
            await audit.record(session, actor="system:boa", action=AuditAction.TOKEN_DISABLED_AFTER_FAILURES,
                               subject=f"token:{token.id}", failures=token.fail_count)
        await fail(session, state or await login_state(session, user.ident), AuditAction.LOGIN_FAILED_CODE,
                    InvalidCode("The code is wrong or has been used."))
    token.last_counter = check.counter
    if token.fail_count:
        token.fail_count = 0
    if check.drift is not None and check.drift != token.drift:
        token.drift = check.drift
    if token.state in FIRST_CODE_STATES:
        await activated_by_first_code(session, token, Actor(user=user))
    challenge.used = True
    if state is not None and state.failures:
        state.failures = 0
    return challenge, user


async def _step_up_verified(session: AsyncSession, challenge: LoginChallenge, user: User) -> SteppedUp:
    row = await session.get(Session, challenge.session_id, with_for_update=True)
    if row is None or row.revoked_at is not None or row.user_id != user.id:
        raise InvalidCode("The session that asked for this code has ended. Log in again.")
    await enforce(session, user.ident, "portal", actor=f"user:{user.ident}", user=user)
    row.verified_at = clock.now()
    await audit.record(session, actor=f"user:{user.ident}", action=AuditAction.SESSION_STEP_UP,
                       subject=f"user:{user.ident}", session_id=row.id, method=challenge.method)
    return SteppedUp(row, user)


async def start_step_up(session: AsyncSession, *, actor: Actor, session_row: Session) -> LoginChallenge:
    user = user_of(actor)
    token = await session.scalar(select(Token).where(Token.user_id == user.id, Token.state == TokenState.ACTIVE))
    if token is None:
        raise AccessDenied("You have no active second factor to verify with.",
                           [{"code": "no_active_token", "scope": "token",
                             "message": "The user has no active token."}])
    return await challenge_on(session, token, for_session=session_row.id)
