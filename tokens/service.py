"""Token lifecycle verbs: enrol, approve, ship, activate, revoke, lost, disable, re-bind.

A user has at most one active token for login (a partial unique index); activating a new
one disables the old one, and every change is audited. Activating a physical token
activates the user's project memberships that were waiting for it (ON_PHYSICAL_ACTIVATED)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, extensions, mail
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    TooManyRequests,
    ValidationFailed,
)
from boa.kernel.queries import get_or_404
from boa.kernel.reauthentication import require_recent_verification
from boa.people.contact import ContactError, check_justification, check_postal_address, normalise_mobile
from boa.people.lookups import user_by_ident
from boa.people.models import User
from tokens import sms_gateway
from tokens.keys import secret_box
from tokens.kinds import SMS_MAX_SENDS, SMS_WINDOW, seal_secret, token_secret
from tokens.lockout import fail, login_state, refuse_if_locked
from tokens.models import HardwareSeed, Token
from tokens.otp import generate_secret, provisioning_uri, verify_totp
from tokens.seedfile import SeedRecord
from tokens.states import ENDS, PENDING_PHYSICAL, TOKEN, TokenKind, TokenState, first_code_activates

ENROL_CODE_VALID = timedelta(minutes=10)


def _contact(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ContactError as exc:
        raise ValidationFailed(str(exc), code=exc.code) from None


async def _owned(session: AsyncSession, actor: Actor, token_id: str) -> Token:
    token = await get_or_404(session, Token, token_id, "token")
    if not actor.is_staff and actor.user_id != token.user_id:
        raise NotFound(f"No token with id {token_id!r}.")
    return token


async def _replace_active(session: AsyncSession, token: Token, actor: Actor) -> None:
    new = TOKEN.move(token.state, TokenState.ACTIVE, who={token.kind})
    old = await session.scalar(select(Token).where(Token.user_id == token.user_id, Token.state == TokenState.ACTIVE,
                                                   Token.id != token.id).with_for_update())
    if old is not None:
        old.state, old.ended_at = TOKEN.move(old.state, TokenState.DISABLED, who={old.kind}), clock.now()
        await session.flush()
        await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_REPLACED,
                           subject=f"token:{old.id}",
                           replaced_by=token.id)
    token.state, token.activated_at, token.fail_count = new, clock.now(), 0
    await session.flush()


def _own_change(actor: Actor, user: User) -> None:
    """A person changing their own second factor must have verified one in the last 10 minutes."""
    if actor.user_id == user.id:
        require_recent_verification(actor)


async def _supersede_enrolled(session: AsyncSession, user: User, actor: Actor) -> None:
    """A new enrolment replaces an earlier one not yet confirmed (say, a mistyped number)."""
    for old in await session.scalars(select(Token).where(Token.user_id == user.id, Token.state == TokenState.ENROLLED,
                                                         Token.kind.in_((TokenKind.SMS, TokenKind.TOTP)))):
        old.state = TOKEN.move(old.state, TokenState.REVOKED, who={old.kind})
        old.ended_at, old.enrol_code_hash = clock.now(), None
        await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_REVOKE, subject=f"token:{old.id}",
                           before={"state": TokenState.ENROLLED}, reason="superseded by a new enrolment")


async def _send_enrolment_code(session: AsyncSession, token: Token, user: User) -> None:
    """An SMS token proves its number: a 6-digit code is sent at enrolment and typed back."""
    since = clock.now() - SMS_WINDOW
    recent = await session.scalar(select(func.count(Token.id)).where(
        Token.user_id == user.id, Token.kind == TokenKind.SMS, Token.created_at > since))
    if (recent or 0) > SMS_MAX_SENDS:
        raise TooManyRequests("At most 5 SMS codes in 15 minutes. Wait a little and try again.", code="too_many_sms")
    code = f"{secrets.randbelow(10**6):06d}"
    nonce = secrets.token_urlsafe(16)
    token.enrol_code_hash = f"{nonce}${_enrol_hash(nonce, code)}"
    token.enrol_code_expires_at = clock.now() + ENROL_CODE_VALID
    try:
        await sms_gateway.sender().send(token.mobile or "", sms_gateway.sms_text(code, user.language))
    except sms_gateway.SmsGatewayUnavailable as exc:
        raise ServiceUnavailable("We could not send the SMS code right now. Try again in a few minutes.",
                                 code="sms_unavailable") from exc


def _enrol_hash(nonce: str, code: str) -> str:
    return hmac.new(nonce.encode(), code.encode(), hashlib.sha256).hexdigest()


def _enrolment_code_ok(token: Token, code: str) -> bool:
    clean = (code or "").replace(" ", "")
    expires = clock.aware(token.enrol_code_expires_at)
    if not token.enrol_code_hash or expires is None or expires <= clock.now() or len(clean) != 6:
        return False
    nonce, _, digest = token.enrol_code_hash.partition("$")
    return hmac.compare_digest(digest, _enrol_hash(nonce, clean))


async def enrol(session: AsyncSession, *, actor: Actor, ident: str, kind: str, mobile: str | None = None,
                address: dict | None = None, attention: str | None = None,
                justification: dict | None = None) -> tuple[Token, str | None]:
    """A new second factor. It starts ``enrolled`` (a physical one ``requested``) and replaces the
    active one only when its code is typed back (:func:`activate`): an SMS token is sent a code
    now, an app shows its provisioning URI once."""
    user = await user_by_ident(session, ident)
    if not actor.is_staff and actor.user_id != user.id:
        raise NotFound(f"No user with IDENT {user.ident}.")
    _own_change(actor, user)
    uri = None
    if kind in (TokenKind.SMS, TokenKind.TOTP):
        number = _contact(lambda: normalise_mobile(mobile or user.mobile or "")) if kind == TokenKind.SMS else None
        await _supersede_enrolled(session, user, actor)
        token = Token(user_id=user.id, kind=TokenKind(kind), state=TokenState.ENROLLED, mobile=number)
        session.add(token)
        await session.flush()
        if kind == TokenKind.SMS:
            await _send_enrolment_code(session, token, user)
        else:
            secret = generate_secret()
            seal_secret(token, secret)
            uri = provisioning_uri(secret, user.ident)
    elif kind == "physical":
        clean = _contact(lambda: check_postal_address(address, attention))
        reason = _contact(lambda: check_justification(justification))
        open_one = await session.scalar(select(Token.id).where(Token.user_id == user.id, Token.kind == "physical",
                                                               Token.state.in_(PENDING_PHYSICAL)))
        if open_one is not None:
            raise Conflict("A physical token is already on its way.", code="token_pending")
        token = Token(user_id=user.id, kind=TokenKind.PHYSICAL, state=TokenState.REQUESTED, address=clean,
                      attention=(attention or "").strip(), justification=reason)
        session.add(token)
        await session.flush()
    else:
        raise ValidationFailed("kind is sms, totp or physical.", field="kind")
    await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_ENROL,
                       subject=f"token:{token.id}",
                       kind=kind, ident=user.ident, state=token.state)
    return token, uri


async def approve(session: AsyncSession, *, actor: Actor, token_id: str) -> Token:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services approve physical tokens.")
    token = await _owned(session, actor, token_id)
    token.state = TOKEN.move(token.state, TokenState.APPROVED, who={token.kind}, refuse=Conflict(
        f"Only a requested physical token can be approved (this one is {token.state})."))
    await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_APPROVE,
                       subject=f"token:{token.id}")
    return token


async def ship(session: AsyncSession, *, actor: Actor, token_id: str, serial: str | None) -> Token:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services ship tokens.")
    token = await _owned(session, actor, token_id)
    shipped = TOKEN.move(token.state, TokenState.SHIPPED, who={token.kind}, refuse=Conflict(
        f"Only an approved physical token can be shipped (this one is {token.state})."))
    query = select(HardwareSeed).where(HardwareSeed.token_id.is_(None))
    if serial:
        query = query.where(HardwareSeed.serial == serial)
    seed = await session.scalar(query.order_by(HardwareSeed.id).limit(1).with_for_update())
    if seed is None:
        raise Conflict("No imported seed is free for that serial; import the vendor's seed file first.",
                       code="no_seed")
    seed.token_id = token.id
    token.serial, token.state, token.shipped_at = seed.serial, shipped, clock.now()
    secret = secret_box().open(seed.secret_sealed, associated_data=f"seed:{seed.serial}".encode()).decode()
    seal_secret(token, secret)
    await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_SHIP, subject=f"token:{token.id}",
                       serial=seed.serial, address=token.address, attention=token.attention)
    return token


def activatable(token: Token) -> bool:
    """An enrolled authenticator app or a shipped physical token is activated by its first code."""
    return first_code_activates(token.kind, token.state)


async def tokens_of(session: AsyncSession, *, actor: Actor, ident: str) -> list[Token]:
    """A user's tokens (newest last), for the user themself or Research Services."""
    user = await user_by_ident(session, ident)
    if not actor.is_staff and actor.user_id != user.id:
        raise NotFound(f"No user with IDENT {user.ident}.")
    return list(await session.scalars(select(Token).where(Token.user_id == user.id).order_by(Token.id)))


async def activate(session: AsyncSession, *, actor: Actor, token_id: str, code: str) -> Token:
    """The code of an enrolled (or shipped) token typed back: it becomes the active token and the
    previous one is disabled. A wrong code counts towards the login lockout (a 6-digit code must
    not be guessed)."""
    token = await _owned(session, actor, token_id)
    user = await user_of(session, token)
    _own_change(actor, user)
    if not activatable(token):
        raise Conflict(f"This token cannot be activated (it is {token.state}).", code="not_activatable")
    state = await login_state(session, user.ident)
    refuse_if_locked(state.locked_until)
    if token.kind == TokenKind.SMS:
        ok = _enrolment_code_ok(token, code)
    else:
        result = verify_totp(token_secret(token), code, at=clock.now(), last_counter=token.last_counter,
                             drift=token.drift or 0, window=1)
        ok = result.ok
        if ok:
            token.last_counter, token.drift = result.counter, result.new_drift or 0
    if not ok:
        await fail(session, state, AuditAction.LOGIN_FAILED_CODE, ValidationFailed(
            "The code is wrong or has expired. Type the code the token shows now (or the one in the SMS).",
            code="invalid_code"))
    token.enrol_code_hash = token.enrol_code_expires_at = None
    await activated_by_first_code(session, token, actor)
    return token


async def activated_by_first_code(session: AsyncSession, token: Token, actor: Actor) -> None:
    """An enrolled app token or a shipped physical token whose first valid code was just accepted
    (here or at login) becomes the user's active token; a physical one also activates the project
    memberships that waited for it (the ``on_physical_token_activated`` extensions)."""
    await _replace_active(session, token, actor)
    await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_ACTIVATE,
                       subject=f"token:{token.id}",
                       kind=token.kind)
    user = await user_of(session, token)
    mail.send(session, to=user.email, template="token_changed", lang=user.language, name=user.name,
              ident=user.ident, kind=token.kind, at=mail.local_time(clock.now(), user.language))
    if token.kind == "physical":
        for hook in extensions.current().on_physical_token_activated:
            await hook(session, token.user_id, actor)


# The audit action of each way to end a token (tokens.states.ENDS).
ENDED_BY = {"revoke": AuditAction.TOKEN_REVOKE, "disable": AuditAction.TOKEN_DISABLE,
            "lost": AuditAction.TOKEN_LOST}


async def end(session: AsyncSession, *, actor: Actor, token_id: str, how: str) -> Token:
    """``revoke`` (user or staff), ``disable`` (staff), ``lost`` (revoke and request a replacement)."""
    token = await _owned(session, actor, token_id)
    if token.state == TokenState.ACTIVE:
        _own_change(actor, await user_of(session, token))
    if how == "disable" and not actor.is_staff:
        raise PermissionDenied("Only Research Services disable a token.")
    before = token.state
    token.state = TOKEN.move(before, ENDS[how], who={token.kind}, refuse=Conflict(f"The token is already {before}."))
    token.ended_at = clock.now()
    await audit.record(session, actor=actor.label, action=ENDED_BY[how], subject=f"token:{token.id}",
                       before={"state": before})
    if how == "lost" and token.kind == "physical":
        replacement = Token(user_id=token.user_id, kind=TokenKind.PHYSICAL, state=TokenState.REQUESTED,
                            address=token.address, attention=token.attention, justification=token.justification)
        session.add(replacement)
        await session.flush()
        await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_REPLACEMENT_REQUESTED,
                           subject=f"token:{replacement.id}", lost=token.id)
    return token


async def rebind(session: AsyncSession, *, actor: Actor, token_id: str) -> Token:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services re-bind a token.")
    token = await _owned(session, actor, token_id)
    if token.state != TokenState.DISABLED:
        raise Conflict("Only a disabled token can be re-bound.")
    token.fail_count = 0
    await _replace_active(session, token, actor)
    await audit.record(session, actor=actor.label, action=AuditAction.TOKEN_REBIND,
                       subject=f"token:{token.id}")
    return token


async def import_seeds(session: AsyncSession, records: list[SeedRecord], *, actor: str) -> int:
    serials = [r.serial for r in records]
    taken = set(await session.scalars(select(HardwareSeed.serial).where(HardwareSeed.serial.in_(serials))))
    if taken:
        raise Conflict(f"Serials already imported: {', '.join(sorted(taken)[:5])}.", code="duplicate_serial")
    for r in records:
        if r.digits != 6 or r.period != 30 or r.algorithm != "totp":
            raise ValidationFailed(f"{r.serial}: BOA accepts 6-digit, 30-second TOTP tokens.",
                                   code="unsupported_token")
        secret_b32 = base64.b32encode(r.secret).decode()
        session.add(HardwareSeed(serial=r.serial, digits=r.digits, period=r.period,
                                 secret_sealed=secret_box().seal(secret_b32.encode(),
                                                                 associated_data=f"seed:{r.serial}".encode())))
    await session.flush()
    await audit.record(session, actor=actor, action=AuditAction.TOKEN_SEEDS_IMPORT, subject="hardware_seeds",
                       count=len(records), serials=serials[:50])
    return len(records)


async def user_of(session: AsyncSession, token: Token) -> User:
    return await session.get_one(User, token.user_id)
