"""Token kinds over one token table (the privacyIDEA shape): a registry by kind.

A kind knows how to start a login challenge (e.g. send an SMS) and how to check a code.
The shared parts (fail counter, replay, drift) live on the token row."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.errors import ServiceUnavailable, TooManyRequests
from boa.people.models import User
from tokens import sms_gateway
from tokens.keys import secret_box
from tokens.models import LoginChallenge, Token
from tokens.otp import verify_totp


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    counter: int | None = None
    drift: int | None = None


def token_secret(token: Token) -> str:
    """The base32 seed, opened from its sealed form (bound to the token's id)."""
    if token.secret_sealed is None:
        raise ValueError(f"token {token.id} has no seed")  # an SMS token has none; its kind never asks
    return secret_box().open(token.secret_sealed, associated_data=f"token:{token.id}".encode()).decode()


def seal_secret(token: Token, secret_b32: str) -> None:
    token.secret_sealed = secret_box().seal(secret_b32.encode(), associated_data=f"token:{token.id}".encode())


class TotpKind:
    """TOTP: an authenticator app or a physical OATH token (same maths, different lifecycle)."""

    name = "totp"

    async def start(self, session: AsyncSession, token: Token, challenge: LoginChallenge) -> None:
        return None

    def check(self, token: Token, challenge: LoginChallenge, code: str, at: datetime) -> CodeCheck:
        result = verify_totp(token_secret(token), code, at=at, last_counter=token.last_counter,
                             drift=token.drift or 0)
        return CodeCheck(result.ok, result.counter, result.new_drift)


class PhysicalKind(TotpKind):
    """A hardware OATH TOTP token; its seed comes from the vendor's seed file."""

    name = "physical"


SMS_WINDOW = timedelta(minutes=15)
SMS_MAX_SENDS = 5


class SmsKind:
    """SMS: a fresh 6-digit code per login challenge, valid for the challenge's 5 minutes."""

    name = "sms"

    async def start(self, session: AsyncSession, token: Token, challenge: LoginChallenge) -> None:
        since = clock.now() - SMS_WINDOW
        sent = await session.scalar(select(func.count(LoginChallenge.id)).where(
            LoginChallenge.user_id == token.user_id, LoginChallenge.method == "sms",
            LoginChallenge.created_at > since, LoginChallenge.code_hash.is_not(None)))
        if (sent or 0) >= SMS_MAX_SENDS:
            raise TooManyRequests("At most 5 SMS codes in 15 minutes. Wait a little and try again.",
                                  code="too_many_sms")
        code = f"{secrets.randbelow(10**6):06d}"
        challenge.code_hash = _code_hash(challenge.challenge, code)
        user = await session.get(User, token.user_id)
        try:
            await sms_gateway.sender().send(token.mobile or "", sms_gateway.sms_text(code, user.language if user else "da"))
        except sms_gateway.SmsGatewayUnavailable as exc:
            raise ServiceUnavailable("We could not send the SMS code right now. Try again in a few minutes.",
                                     code="sms_unavailable") from exc

    def check(self, token: Token, challenge: LoginChallenge, code: str, at: datetime) -> CodeCheck:
        clean = (code or "").replace(" ", "")
        if not challenge.code_hash or len(clean) != 6 or not clean.isdigit():
            return CodeCheck(False)
        return CodeCheck(hmac.compare_digest(challenge.code_hash, _code_hash(challenge.challenge, clean)),
                         token.last_counter)


def _code_hash(challenge_id: str, code: str) -> str:
    return hmac.new(challenge_id.encode(), code.encode(), hashlib.sha256).hexdigest()


KINDS: dict[str, TotpKind | SmsKind] = {"totp": TotpKind(), "physical": PhysicalKind(), "sms": SmsKind()}


def kind_of(token: Token) -> TotpKind | SmsKind:
    return KINDS[token.kind]
