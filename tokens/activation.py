"""Setting the PIN: activation with the one-time code sent by mail (a new or reset user), a PIN
change by the signed-in user, a PIN reset by Research Services; an authenticator-app token is
enrolled at activation when the user has none (SPEC 2, 4)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import (
    BoaError,
    InvalidCredentials,
    NotAuthenticated,
    PermissionDenied,
    ValidationFailed,
)
from boa.people import activation_codes
from boa.people.lookups import user_by_ident, user_of
from boa.people.models import User
from tokens.challenge import login_token
from tokens.keys import pin_hasher
from tokens.kinds import seal_secret
from tokens.lockout import check_ident
from tokens.models import Token
from tokens.otp import generate_secret, provisioning_uri
from tokens.pin import WeakPin, validate_pin
from tokens.states import TokenKind, TokenState

# The PIN set with an activation code, per the code's purpose (boa.people.activation_codes).
PIN_SET = {"activate": AuditAction.USER_PIN_SET_ACTIVATE, "reset": AuditAction.USER_PIN_SET_RESET}


@dataclass
class Activation:
    user: User
    provisioning_uri: str | None


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
    uri = None
    if await login_token(session, user.id) is None:
        uri = await enrol_totp(session, user, actor=f"user:{user.ident}")
    return Activation(user, uri)


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


async def change_pin(session: AsyncSession, actor: Actor, old_pin: str, new_pin: str) -> None:
    user = user_of(actor)
    if user.pin_hash is None:
        raise NotAuthenticated("Log in first.")
    if not await asyncio.to_thread(pin_hasher().verify, old_pin, user.pin_hash):
        raise InvalidCredentials("The current PIN is wrong.")
    _validate(new_pin)
    user.pin_hash = await asyncio.to_thread(pin_hasher().hash, new_pin)
    await audit.record(session, actor=actor.label, action=AuditAction.USER_PIN_CHANGE,
                       subject=f"user:{user.ident}")


async def reset_pin(session: AsyncSession, *, actor: Actor, ident: str) -> User:
    """Research Services reset a PIN: the old one stops working and a new activation code is mailed."""
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services resets a PIN.")
    user = await user_by_ident(session, ident)
    user.pin_hash = None
    await activation_codes.issue(session, user, "reset")
    await audit.record(session, actor=actor.label, action=AuditAction.USER_PIN_RESET,
                       subject=f"user:{user.ident}")
    return user
