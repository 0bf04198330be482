"""Setting the PIN: activation with the one-time code sent by mail (a new or reset user), a PIN
change by the signed-in user, a PIN reset by Research Services; an authenticator-app token is
enrolled at activation when the user has none (SPEC 2, 4)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, mail
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import (
    BoaError,
    InvalidCredentials,
    NotAuthenticated,
    PermissionDenied,
    ValidationFailed,
)
from boa.kernel.reauthentication import require_recent_verification
from boa.people import activation_codes
from boa.people.lookups import user_by_ident, user_of
from boa.people.models import User
from tokens import service as token_service
from tokens.challenge import login_token
from tokens.keys import pin_hasher
from tokens.kinds import seal_secret, token_secret
from tokens.lockout import check_ident, fail, login_state, refuse_if_locked
from tokens.models import EnrolmentTicket, Token
from tokens.otp import generate_secret, provisioning_uri
from tokens.pin import WeakPin, validate_pin
from tokens.sessions import revoke_sessions
from tokens.states import TokenKind, TokenState

# The PIN set with an activation code, per the code's purpose (boa.people.activation_codes).
PIN_SET = {"activate": AuditAction.USER_PIN_SET_ACTIVATE, "reset": AuditAction.USER_PIN_SET_RESET}


ENROLMENT_TICKET_VALID = timedelta(minutes=30)


@dataclass
class Activation:
    user: User
    provisioning_uri: str | None
    ticket: str | None = None  # lets the activation page enrol the first second factor
    ticket_expires_at: datetime | None = None


async def activate(session: AsyncSession, ident: str, activation_code: str, pin: str) -> Activation:
    norm = check_ident(ident)
    bad = BoaError("The activation code is wrong, used or expired.", code="invalid_activation")
    user = await session.scalar(select(User).where(User.ident == norm))
    if user is None:
        raise bad
    match = await activation_codes.valid_code(session, user, activation_code)
    if match is None:
        raise bad
    _validate(pin)
    match.used_at = clock.now()
    user.pin_hash = await asyncio.to_thread(pin_hasher().hash, pin)
    await audit.record(session, actor=f"user:{user.ident}", action=PIN_SET[match.purpose],
                       subject=f"user:{user.ident}")
    uri = ticket = expires = None
    if await login_token(session, user.id) is None:
        uri = await enrol_totp(session, user, actor=f"user:{user.ident}")
        ticket, expires = await _issue_ticket(session, user)
    return Activation(user, uri, ticket, expires)


async def _issue_ticket(session: AsyncSession, user: User) -> tuple[str, datetime]:
    raw, expires = secrets.token_urlsafe(32), clock.now() + ENROLMENT_TICKET_VALID
    session.add(EnrolmentTicket(user_id=user.id, ticket_hash=_digest(raw), expires_at=expires))
    await audit.record(session, actor=f"user:{user.ident}", action=AuditAction.ENROLMENT_TICKET_ISSUED,
                       subject=f"user:{user.ident}")
    return raw, expires


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def ticket_holder(session: AsyncSession, ticket: str) -> tuple[EnrolmentTicket, Actor]:
    """The user a valid, unused enrolment ticket belongs to, as an actor who has just proved who
    they are (the activation code by mail and the PIN, minutes ago)."""
    row = await session.scalar(select(EnrolmentTicket).where(EnrolmentTicket.ticket_hash == _digest(ticket or ""))
                               .with_for_update())
    if row is None or row.used_at is not None or clock.aware(row.expires_at) <= clock.now():
        raise BoaError("The enrolment has expired or is finished. Log in, or ask Research Services for a new "
                       "activation code.", code="invalid_enrolment")
    user = await session.get_one(User, row.user_id)
    return row, Actor(user=user, verified_at=clock.now())


async def enrol_with_ticket(session: AsyncSession, *, ticket: str, kind: str,
                            mobile: str | None = None) -> tuple[Token, str | None]:
    """The activation page's choice of second factor: an SMS token (a code is sent) or the app."""
    if kind not in (TokenKind.SMS, TokenKind.TOTP):
        raise ValidationFailed("kind is sms or totp.", field="kind")
    _, actor = await ticket_holder(session, ticket)
    user = user_of(actor)
    return await token_service.enrol(session, actor=actor, ident=user.ident, kind=kind, mobile=mobile)


async def enrolled_app(session: AsyncSession, *, ticket: str) -> tuple[Token, str]:
    """The app token waiting for its first code, and its provisioning URI (shown on the page); a new
    one when an SMS enrolment replaced it (the person went back to choose again)."""
    _, actor = await ticket_holder(session, ticket)
    user = user_of(actor)
    token = await session.scalar(select(Token).where(Token.user_id == user.id, Token.kind == TokenKind.TOTP,
                                                     Token.state == TokenState.ENROLLED).order_by(Token.id.desc()))
    if token is None:
        token, uri = await token_service.enrol(session, actor=actor, ident=user.ident, kind=TokenKind.TOTP)
        return token, uri or ""
    return token, provisioning_uri(token_secret(token), user.ident)


async def confirm_with_ticket(session: AsyncSession, *, ticket: str, token_id: str, code: str) -> Token:
    """The code typed back: the token becomes active and the ticket is spent."""
    row, actor = await ticket_holder(session, ticket)
    token = await token_service.activate(session, actor=actor, token_id=token_id, code=code)
    row.used_at = clock.now()
    return token


async def enrol_totp(session: AsyncSession, user: User, *, actor: str) -> str:
    """Enrols an authenticator-app token; the provisioning URI is shown once, then only the sealed seed exists."""
    secret = generate_secret()
    token = Token(user_id=user.id, kind=TokenKind.TOTP, state=TokenState.ENROLLED)
    session.add(token)
    await session.flush()
    seal_secret(token, secret)
    await audit.record(session, actor=actor, action=AuditAction.TOKEN_ENROL,
                       subject=f"token:{token.id}", kind="totp")
    return provisioning_uri(secret, user.ident)


def _validate(pin: str) -> None:
    try:
        validate_pin(pin)
    except WeakPin as exc:
        raise ValidationFailed(str(exc), code=exc.code, field="pin") from None


async def change_pin(session: AsyncSession, actor: Actor, old_pin: str, new_pin: str,
                     keep_session: int | None = None) -> None:
    """The signed-in user's new PIN. A wrong current PIN counts towards the login lockout (and is
    audited); a change needs a second-factor verification from the last 10 minutes, ends the
    user's other sessions (all but ``keep_session``) and is mailed to the user."""
    user = user_of(actor)
    if user.pin_hash is None:
        raise NotAuthenticated("Log in first.")
    require_recent_verification(actor)
    state = await login_state(session, user.ident)
    refuse_if_locked(state.locked_until)
    if not await asyncio.to_thread(pin_hasher().verify, old_pin, user.pin_hash):
        await fail(session, state, AuditAction.PIN_CHANGE_FAILED, InvalidCredentials("The current PIN is wrong."))
    _validate(new_pin)
    state.failures = 0
    user.pin_hash = await asyncio.to_thread(pin_hasher().hash, new_pin)
    await audit.record(session, actor=actor.label, action=AuditAction.USER_PIN_CHANGE,
                       subject=f"user:{user.ident}")
    await end_sessions(session, user, reason="PIN changed", actor=actor.label, keep=keep_session)
    mail.send(session, to=user.email, template="pin_changed", lang=user.language, name=user.name,
              ident=user.ident, at=mail.local_time(clock.now(), user.language))


async def end_sessions(session: AsyncSession, user: User, *, reason: str, actor: str, keep: int | None = None) -> int:
    count = await revoke_sessions(session, user.id, reason, keep=keep)
    if count:
        await audit.record(session, actor=actor, action=AuditAction.SESSIONS_ENDED, subject=f"user:{user.ident}",
                           sessions=count, reason=reason)
    return count


async def reset_pin(session: AsyncSession, *, actor: Actor, ident: str) -> User:
    """Research Services reset a PIN: the old one stops working and a new activation code is mailed."""
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services resets a PIN.")
    user = await user_by_ident(session, ident)
    user.pin_hash = None
    await activation_codes.issue(session, user, "reset")
    await audit.record(session, actor=actor.label, action=AuditAction.USER_PIN_RESET,
                       subject=f"user:{user.ident}")
    await end_sessions(session, user, reason="PIN reset by Research Services", actor=actor.label)
    return user
