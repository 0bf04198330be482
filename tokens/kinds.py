"""Token kinds over one token table (the privacyIDEA shape): a registry by kind.

A kind knows how to start a login challenge (e.g. send an SMS) and how to check a code.
The shared parts (fail counter, replay, drift) live on the token row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from boa.models import LoginChallenge, Token
from boa.security import secret_box
from tokens.otp import verify_totp


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    counter: int | None = None
    drift: int | None = None


def token_secret(token: Token) -> str:
    """The base32 seed, opened from its sealed form (bound to the token's id)."""
    return secret_box().open(token.secret_sealed, associated_data=f"token:{token.id}".encode()).decode()  # type: ignore[arg-type]


def seal_secret(token: Token, secret_b32: str) -> None:
    token.secret_sealed = secret_box().seal(secret_b32.encode(), associated_data=f"token:{token.id}".encode())


class TotpKind:
    """TOTP: an authenticator app or a physical OATH token (same maths, different lifecycle)."""

    name = "totp"

    async def start(self, token: Token, challenge: LoginChallenge) -> None:
        return None

    def check(self, token: Token, challenge: LoginChallenge, code: str, at: datetime) -> CodeCheck:
        result = verify_totp(token_secret(token), code, at=at, last_counter=token.last_counter,
                             drift=token.drift or 0)
        return CodeCheck(result.ok, result.counter, result.new_drift)


class PhysicalKind(TotpKind):
    name = "physical"


KINDS: dict[str, TotpKind] = {"totp": TotpKind(), "physical": PhysicalKind()}


def kind_of(token: Token) -> TotpKind:
    return KINDS[token.kind]
