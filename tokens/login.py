"""The login flow: IDENT + PIN → challenge; code → server-side session.

Failures count per IDENT (also for IDENTs that do not exist, so both behave the same);
5 consecutive failures lock login for 30 minutes. Failures are committed before the
error is raised, so the request's rollback does not undo them."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.decisions import decision_for
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import (
    AccessDenied,
    BoaError,
    InvalidCredentials,
    LockedOut,
    NotAuthenticated,
    ValidationFailed,
)
from boa.kernel.settings import get_settings
from boa.people.models import ActivationCode, User
from tokens.keys import pin_hasher
from tokens.kinds import kind_of, seal_secret
from tokens.models import LoginChallenge, LoginState, Session, Token
from tokens.otp import generate_secret, provisioning_uri
from tokens.pin import WeakPin, validate_pin

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=30)
TOKEN_DISABLE_AFTER = 100
# A session's last use is written at most this often, so a burst of requests is not a burst of writes;
# the idle timeout is therefore exact to within these seconds.
LAST_SEEN_RESOLUTION = timedelta(seconds=30)
LOCKED_MESSAGE = "Too many failed attempts. Wait 30 minutes before you try again."
WRONG_CREDENTIALS = "The IDENT or PIN is wrong."


class InvalidCode(NotAuthenticated):
    code = "invalid_code"
    title = "Invalid code"


@dataclass
class NewSession:
    token: str
    csrf_token: str
    session: Session
    user: User


def hash_session_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _state(session: AsyncSession, ident: str) -> LoginState:
    state = await session.scalar(select(LoginState).where(LoginState.ident == ident).with_for_update())
    if state is None:
        state = LoginState(ident=ident, failures=0)
        session.add(state)
        await session.flush()
    return state


def _retry_after(state: LoginState) -> int | None:
    until = clock.aware(state.locked_until)
    if until is not None and until > clock.now():
        return max(1, int((until - clock.now()).total_seconds()))
    return None


async def _fail(session: AsyncSession, state: LoginState, what: str, error: BoaError) -> None:
    state.failures += 1
    locked = state.failures >= MAX_FAILURES
    if locked:
        state.locked_until = clock.now() + LOCKOUT
        state.failures = 0
    await audit.record(session, actor="anonymous", action=f"login.failed.{what}", subject=f"ident:{state.ident}",
                       locked=locked)
    await session.commit()
    if locked:
        raise LockedOut(LOCKED_MESSAGE, retry_after=int(LOCKOUT.total_seconds()))
    raise error


def _check_ident(ident: str) -> str:
    norm = normalise_ident(ident)
    if norm is None:
        raise ValidationFailed("An IDENT is 3 or 4 letters A-Z.", field="ident")
    return norm


async def login(session: AsyncSession, ident: str, pin: str) -> LoginChallenge:
    norm = _check_ident(ident)
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
    if locked_until is not None and clock.aware(locked_until) > clock.now():
        raise LockedOut(LOCKED_MESSAGE, retry_after=max(1, int((clock.aware(locked_until) - clock.now()).total_seconds())))
    if user_id is None or pin_hash is None:
        await asyncio.to_thread(hasher.dummy_verify)
        ok, rehash = False, None
    else:
        ok, rehash = await asyncio.to_thread(_verify_and_rehash, hasher, pin, pin_hash)
    if not ok:
        state = await _state(session, norm)
        if (retry := _retry_after(state)) is not None:
            raise LockedOut(LOCKED_MESSAGE, retry_after=retry)
        await _fail(session, state, "pin", InvalidCredentials(WRONG_CREDENTIALS))
    # A lock may have landed while the PIN was hashed.
    locked_until = await session.scalar(select(LoginState.locked_until).where(LoginState.ident == norm))
    if locked_until is not None and clock.aware(locked_until) > clock.now():
        raise LockedOut(LOCKED_MESSAGE, retry_after=max(1, int((clock.aware(locked_until) - clock.now()).total_seconds())))
    if rehash is not None:
        await session.execute(update(User).where(User.id == user_id, User.pin_hash == pin_hash).values(pin_hash=rehash))
    token = await login_token(session, user_id)  # type: ignore[arg-type]
    if token is None:
        raise AccessDenied("You have no active token. Enrol one first.",
                           [{"code": "no_active_token", "scope": "token", "message": "The user has no active token."}])
    challenge = LoginChallenge(challenge=secrets.token_urlsafe(32), user_id=user_id, token_id=token.id,
                               method=token.kind, expires_at=clock.now() + timedelta(minutes=get_settings().challenge_minutes))
    session.add(challenge)
    await kind_of(token).start(session, token, challenge)
    return challenge


def _verify_and_rehash(hasher, pin: str, pin_hash: str) -> tuple[bool, str | None]:  # type: ignore[no-untyped-def]
    """Verifies the PIN; a hash made with other parameters is replaced by one with the current ones."""
    if not hasher.verify(pin, pin_hash):
        return False, None
    return True, hasher.hash(pin) if hasher.needs_rehash(pin_hash) else None


FIRST_CODE_ACTIVATES = ("enrolled", "shipped")


async def login_token(session: AsyncSession, user_id: int) -> Token | None:
    """The active token; else a TOTP app token enrolled at activation or a shipped physical token,
    which its first valid code activates."""
    tokens = list(await session.scalars(select(Token).where(
        Token.user_id == user_id, Token.state.in_(("active", *FIRST_CODE_ACTIVATES))).order_by(Token.id)))
    active = [t for t in tokens if t.state == "active"]
    if active:
        return active[0]
    waiting = [t for t in tokens if (t.kind, t.state) in (("totp", "enrolled"), ("physical", "shipped"))]
    return waiting[-1] if waiting else None


async def verify(session: AsyncSession, challenge_id: str, code: str) -> NewSession:
    # The challenge, its user and its token in one round trip; challenge and token rows locked.
    found = (await session.execute(
        select(LoginChallenge, User, Token)
        .join(User, User.id == LoginChallenge.user_id)
        .join(Token, Token.id == LoginChallenge.token_id)
        .where(LoginChallenge.challenge == challenge_id)
        .with_for_update(of=[LoginChallenge, Token])
    )).first()
    if found is None:
        raise InvalidCode("The login has expired or was used. Log in again.")
    challenge, user, token = found
    if challenge.used or clock.aware(challenge.expires_at) <= clock.now():  # type: ignore[operator]
        raise InvalidCode("The login has expired or was used. Log in again.")
    state = await session.scalar(select(LoginState).where(LoginState.ident == user.ident).with_for_update())
    if state is not None and (retry := _retry_after(state)) is not None:
        raise LockedOut(LOCKED_MESSAGE, retry_after=retry)
    if token.state not in ("active", *FIRST_CODE_ACTIVATES):
        raise InvalidCode("The token is not active. Log in again.")
    check = kind_of(token).check(token, challenge, code, clock.now())
    if not check.ok:
        token.fail_count = (token.fail_count or 0) + 1
        if token.fail_count >= TOKEN_DISABLE_AFTER:
            token.state = "disabled"
            await audit.record(session, actor="system:boa", action="token.disabled_after_failures",
                               subject=f"token:{token.id}", failures=token.fail_count)
        await _fail(session, state or await _state(session, user.ident), "code",
                    InvalidCode("The code is wrong or has been used."))
    token.last_counter = check.counter
    if token.fail_count:
        token.fail_count = 0
    if check.drift is not None and check.drift != token.drift:
        token.drift = check.drift
    if token.state in FIRST_CODE_ACTIVATES:
        from tokens.service import activated_by_first_code

        await activated_by_first_code(session, token, Actor(user=user))
    challenge.used = True
    if state is not None and state.failures:
        state.failures = 0
    decision = await decision_for(session, user.ident, "login", actor=f"user:{user.ident}", user=user)
    if not decision.allowed:
        await session.commit()
        raise AccessDenied("Access denied: " + " ".join(r.message for r in decision.reasons),
                           [r.as_dict() for r in decision.reasons])
    return await open_session(session, user)


async def open_session(session: AsyncSession, user: User) -> NewSession:
    settings = get_settings()
    raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = clock.now()
    row = Session(token_hash=hash_session_token(raw), user_id=user.id, csrf_token=csrf, last_seen_at=now,
                  expires_at=now + timedelta(hours=settings.session_absolute_hours))
    session.add(row)
    await session.flush()
    await audit.record(session, actor=f"user:{user.ident}", action="login.success", subject=f"user:{user.ident}",
                       session_id=row.id)
    return NewSession(raw, csrf, row, user)


async def logout(session: AsyncSession, actor: Actor, row: Session) -> None:
    row.revoked_at, row.revoked_reason = clock.now(), "logout"
    await audit.record(session, actor=actor.label, action="logout", subject=f"user:{actor.user.ident}")  # type: ignore[union-attr]


async def revoke_sessions(session: AsyncSession, user_id: int, reason: str) -> int:
    rows = await session.scalars(select(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None)))
    count = 0
    for row in rows:
        row.revoked_at, row.revoked_reason = clock.now(), reason
        count += 1
    return count


@dataclass
class Activation:
    user: User
    provisioning_uri: str | None


async def activate(session: AsyncSession, ident: str, activation_code: str, pin: str) -> Activation:
    from boa.people.users import _hash_code

    norm = _check_ident(ident)
    bad = BoaError("The activation code is wrong, used or expired.", code="invalid_activation")
    user = await session.scalar(select(User).where(User.ident == norm))
    if user is None:
        raise bad
    candidates = await session.scalars(select(ActivationCode).where(
        ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None)).with_for_update())
    digest = _hash_code(activation_code or "")
    match = next((c for c in candidates if secrets.compare_digest(c.code_hash, digest)), None)
    if match is None or clock.aware(match.expires_at) <= clock.now():  # type: ignore[operator]
        raise bad
    _validate(pin)
    match.used_at = clock.now()
    user.pin_hash = await asyncio.to_thread(pin_hasher().hash, pin)
    await audit.record(session, actor=f"user:{user.ident}", action=f"user.pin_set.{match.purpose}",
                       subject=f"user:{user.ident}")
    uri = None
    if await login_token(session, user.id) is None:
        uri = await enrol_totp(session, user, actor=f"user:{user.ident}")
    return Activation(user, uri)


async def enrol_totp(session: AsyncSession, user: User, *, actor: str) -> str:
    """Enrols an authenticator-app token; the provisioning URI is shown once, then only the sealed seed exists."""
    secret = generate_secret()
    token = Token(user_id=user.id, kind="totp", state="enrolled")
    session.add(token)
    await session.flush()
    seal_secret(token, secret)
    await audit.record(session, actor=actor, action="token.enrol", subject=f"token:{token.id}", kind="totp")
    return provisioning_uri(secret, user.ident)


def _validate(pin: str) -> None:
    try:
        validate_pin(pin)
    except WeakPin as exc:
        raise ValidationFailed(str(exc), code=exc.code, field="pin") from None


async def change_pin(session: AsyncSession, actor: Actor, old_pin: str, new_pin: str) -> None:
    user = actor.user
    if user is None or user.pin_hash is None:
        raise NotAuthenticated("Log in first.")
    if not await asyncio.to_thread(pin_hasher().verify, old_pin, user.pin_hash):
        raise InvalidCredentials("The current PIN is wrong.")
    _validate(new_pin)
    user.pin_hash = await asyncio.to_thread(pin_hasher().hash, new_pin)
    await audit.record(session, actor=actor.label, action="user.pin_change", subject=f"user:{user.ident}")


async def resolve_session(session: AsyncSession, raw_token: str) -> tuple[Session, User]:
    """The session behind a bearer token or cookie, re-checked on every request."""
    found = (await session.execute(select(Session, User).join(User, User.id == Session.user_id)
                                   .where(Session.token_hash == hash_session_token(raw_token)))).first()
    now = clock.now()
    if found is None or found[0].revoked_at is not None:
        raise NotAuthenticated("Not logged in.", code="session_invalid")
    row, user = found
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if clock.aware(row.expires_at) <= now or clock.aware(row.last_seen_at) + idle <= now:  # type: ignore[operator]
        raise NotAuthenticated("The session has expired. Log in again.", code="session_expired")
    decision = await decision_for(session, user.ident, "login", actor=f"user:{user.ident}", user=user)
    if not decision.allowed:
        await session.commit()
        raise AccessDenied("Access denied: " + " ".join(r.message for r in decision.reasons),
                           [r.as_dict() for r in decision.reasons])
    if now - clock.aware(row.last_seen_at) >= LAST_SEEN_RESOLUTION:  # type: ignore[operator]
        row.last_seen_at = now
    return row, user
