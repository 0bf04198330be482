"""The two rounds of a RADIUS login, with the HTTP login's own verbs (:mod:`tokens.challenge`):

1. User-Name (IDENT) and User-Password (PIN), no State → :func:`tokens.challenge.login` (the PIN
   hashed with no transaction open, the lockout, an unknown IDENT answering like a wrong PIN, the
   SMS sent for an SMS token) → Access-Challenge with State = the challenge's random id, bound to
   this gateway, and a Reply-Message asking for the code.
2. User-Name, User-Password (the code) and that State → :func:`tokens.challenge.check_code`
   (replay refused, failures counted, the first code activating an enrolled token; the State used
   up by any answer) → the ``login`` decision → Access-Accept with Session-Timeout and
   Idle-Timeout from the session rules, or Access-Reject with a Reply-Message per reason.

Every attempt is audited with the gateway's name (``radius.challenge``, ``radius.accept``,
``radius.reject``), beside what the verbs audit themselves (failures, denials)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from boa.kernel import audit, clock
from boa.kernel.access import Facts, Reason
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import kept_on_error
from boa.kernel.decisions import enforce_facts, load_facts
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import AccessDenied, BoaError, InvalidCredentials, LockedOut
from boa.kernel.settings import get_settings
from boa.people.models import User
from tokens.challenge import WRONG_CREDENTIALS, LoginExpired, check_code, login
from tokens.radius import messages
from tokens.radius.clients import NasClient
from tokens.radius.packets import ACCESS_ACCEPT, ACCESS_CHALLENGE, ACCESS_REJECT

MAX_STATE = 64


@dataclass(frozen=True)
class Answer:
    code: int  # Access-Challenge, -Accept or -Reject
    messages: tuple[str, ...]
    state: bytes | None = None
    session_timeout: int | None = None
    idle_timeout: int | None = None


@dataclass
class Attempt:
    """What one request has shown so far: the gateway, the IDENT, the round, and once the PIN or
    the State has shown whose login it is, the user's language and the decision's facts."""

    client: NasClient
    ident: str | None
    round: str  # "pin" or "code"
    lang: str | None = None
    facts: Facts | None = None

    @property
    def actor(self) -> str:
        return f"radius:{self.client.name}"

    @property
    def subject(self) -> str:
        if self.ident is None:
            return f"radius_client:{self.client.name}"
        return f"user:{self.ident}" if self.lang is not None else f"ident:{self.ident}"

    def known(self, user: User) -> None:
        self.ident, self.lang = user.ident, user.language if user.language in ("da", "en") else "da"


async def answer(sessions: async_sessionmaker[AsyncSession], client: NasClient, *, user_name: str | None,
                 password: str | None, state: bytes | None) -> Answer:
    """The answer to one Access-Request; an error that is not BOA's (the database is gone) is
    raised, so the server sends nothing and the gateway tries its next server."""
    attempt = Attempt(client, normalise_ident(user_name or ""), "code" if state is not None else "pin")
    async with sessions() as session:
        try:
            if attempt.ident is None or password is None:
                raise InvalidCredentials(WRONG_CREDENTIALS, code="invalid_request")
            if state is None:
                result = await _pin_round(session, attempt, password)
            else:
                result = await _code_round(session, attempt, state, password)
        except BoaError as exc:
            if kept_on_error(session):
                await session.commit()  # the failure counted towards the lockout, the denial's audit row
            else:
                await session.rollback()
            result = await _refusal(session, attempt, exc, state)
        await session.commit()
    return result


async def _pin_round(session: AsyncSession, attempt: Attempt, pin: str) -> Answer:
    assert attempt.ident is not None
    challenge = await login(session, attempt.ident, pin, radius_client_id=attempt.client.id)
    user = await session.get(User, challenge.user_id)
    assert user is not None
    attempt.known(user)
    await audit.record(session, actor=attempt.actor, action=AuditAction.RADIUS_CHALLENGE, subject=attempt.subject,
                       gateway=attempt.client.name, method=challenge.method)
    wait = int((clock.aware(challenge.expires_at) - clock.now()).total_seconds())
    return Answer(ACCESS_CHALLENGE, (messages.text(f"code_{challenge.method}", attempt.lang),),
                  state=challenge.challenge.encode("ascii"), session_timeout=wait)


async def _code_round(session: AsyncSession, attempt: Attempt, state: bytes, code: str) -> Answer:
    challenge_id = _challenge_id(state)
    _, user = await check_code(session, challenge_id, code, radius_client_id=attempt.client.id,
                               ident=attempt.ident)
    attempt.known(user)
    attempt.facts = await load_facts(session, user.ident, "login", user=user)
    await enforce_facts(session, attempt.facts, "login", actor=attempt.actor)
    await audit.record(session, actor=attempt.actor, action=AuditAction.RADIUS_ACCEPT, subject=attempt.subject,
                       gateway=attempt.client.name)
    settings = get_settings()
    return Answer(ACCESS_ACCEPT, (messages.text("accepted", attempt.lang),),
                  session_timeout=session_timeout(attempt.facts), idle_timeout=settings.session_idle_minutes * 60)


def _challenge_id(state: bytes) -> str:
    if not 0 < len(state) <= MAX_STATE:
        raise LoginExpired("The login has expired or was used. Log in again.")
    try:
        return state.decode("ascii")
    except UnicodeDecodeError:
        raise LoginExpired("The login has expired or was used. Log in again.") from None


def session_timeout(facts: Facts) -> int:
    """Seconds the research servers' session may last: the absolute session limit, cut short by
    the end of the certification or the start of a lock already decided."""
    ends: list[datetime] = [facts.now + timedelta(hours=get_settings().session_absolute_hours)]
    if not facts.is_staff and facts.certification_expires_at is not None:
        ends.append(facts.certification_expires_at)
    ends += [lock.starts for lock in facts.locks if lock.starts is not None and lock.starts > facts.now]
    return max(1, int((min(ends) - facts.now).total_seconds()))


async def _refusal(session: AsyncSession, attempt: Attempt, exc: BoaError, state: bytes | None) -> Answer:
    """The Access-Reject for ``exc``, audited. Before the PIN or the State has shown whose login
    it is, the answer is the same for everybody (both languages)."""
    before_pin = isinstance(exc, (InvalidCredentials, LockedOut)) and state is None
    if attempt.lang is None and attempt.ident is not None and not before_pin and not isinstance(exc, LoginExpired):
        # Only a right PIN (no active token, too many SMS) or a valid State (a wrong code) gets here.
        attempt.lang = await _language(session, attempt.ident)
    lang = attempt.lang
    reasons: list[Any] = [exc.code]
    if isinstance(exc, AccessDenied):
        found = [Reason(**r) for r in exc.reasons]
        reasons = [r.code for r in found]
        open_ends = {lock.id: lock.open_end for lock in (attempt.facts.locks if attempt.facts else ())}
        texts = tuple(messages.reason(r, lang or "da", open_ends) for r in found) or (messages.text("refused", lang),)
    elif isinstance(exc, LockedOut):
        texts = (messages.locked_out(clock.now() + timedelta(seconds=exc.retry_after), lang),)
    elif isinstance(exc, LoginExpired):
        texts = (messages.text("login_expired", lang),)
    elif isinstance(exc, InvalidCredentials):
        texts = (messages.text("invalid_credentials", None),)
    elif exc.code in messages.TEXTS:
        texts = (messages.text(exc.code, lang),)
    else:
        texts = (messages.text("refused", lang),)
    await audit.record(session, actor=attempt.actor, action=AuditAction.RADIUS_REJECT, subject=attempt.subject,
                       gateway=attempt.client.name, round=attempt.round, reasons=reasons)
    return Answer(ACCESS_REJECT, texts)


async def _language(session: AsyncSession, ident: str) -> str | None:
    found = await session.scalar(select(User.language).where(User.ident == ident))
    return found if found in ("da", "en") else ("da" if found else None)

