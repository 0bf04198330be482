"""HOTP/TOTP (RFC 4226/6238) via pyotp, with drift, a ±1 step window and replay refusal."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

import pyotp


@dataclass(frozen=True)
class OtpResult:
    ok: bool
    counter: int | None = None
    new_drift: int | None = None


def _clean(code: str, digits: int) -> str | None:
    code = (code or "").replace(" ", "").strip()
    return code if len(code) == digits and code.isdigit() else None


def verify_totp(secret_b32: str, code: str, *, at: datetime, last_counter: int | None, drift: int,
                window: int = 1, digits: int = 6, period: int = 30) -> OtpResult:
    clean = _clean(code, digits)
    if clean is None:
        return OtpResult(False)
    totp = pyotp.TOTP(secret_b32, digits=digits, interval=period)
    centre = totp.timecode(at) + drift
    for step in range(-window, window + 1):
        counter = centre + step
        if counter < 0 or (last_counter is not None and counter <= last_counter):
            continue
        if hmac.compare_digest(totp.generate_otp(counter), clean):
            return OtpResult(True, counter, drift + step)
    return OtpResult(False)


def generate_secret() -> str:
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, ident: str, issuer: str = "BOA") -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=ident, issuer_name=issuer)


def now_code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)
