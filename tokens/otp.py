"""One-time codes: HOTP (RFC 4226) and TOTP (RFC 6238) verification.

Pure functions, no storage. The caller keeps, per token, the last accepted
counter and the drift (in time steps) and passes them in; the result says
whether the code is good and what to store next::

    result = verify_totp(token.secret_b32, code, at=now, last_counter=token.last_counter,
                         drift=token.drift)
    if result.ok:
        token.last_counter, token.drift = result.counter, result.new_drift

Rules (SPEC section 4):

* codes are compared in constant time (``hmac.compare_digest``), and every
  candidate in the window is computed and compared, so the time taken does
  not depend on which step (if any) matched;
* a counter at or below ``last_counter`` is refused (``reason="replay"``), so
  a code is accepted once only, and so is any older code;
* malformed input (not a string, non-ASCII digits, wrong length) is refused
  with ``reason="malformed"``, never with an exception. Spaces inside the
  code ("123 456") are ignored.

The OTP maths (dynamic truncation) comes from pyotp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import pyotp

__all__ = [
    "OtpResult",
    "generate_secret",
    "hotp_code",
    "now_code",
    "provisioning_uri",
    "secret_to_b32",
    "time_step",
    "verify_hotp",
    "verify_totp",
]

Digest = Literal["sha1", "sha256", "sha512"]
Reason = Literal["ok", "malformed", "mismatch", "replay"]

_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
_MAX_INPUT = 64  # longer input is refused before any work is done
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class OtpResult:
    """Outcome of a verification.

    ``ok``: the code is valid and fresh. ``counter``: the matched counter
    (store it as ``last_counter``); ``None`` unless ``ok``. ``new_drift``:
    the drift in time steps to store (TOTP; unchanged unless ``ok``; always
    0 for HOTP). ``reason``: ``ok`` | ``malformed`` | ``mismatch`` | ``replay``
    for audit logs; never shown to the user (they all read "invalid code").
    """

    ok: bool
    counter: int | None
    new_drift: int
    reason: Reason = "ok"


def generate_secret(nbytes: int = 20) -> str:
    """A fresh random base32 secret (default 160 bits, as RFC 4226 recommends)."""
    if nbytes < 16:
        raise ValueError("an OTP secret must be at least 128 bits")
    return pyotp.random_base32(length=-(-nbytes * 8 // 5))


def secret_to_b32(secret: bytes) -> str:
    """Base32 text (no padding) for raw seed bytes, e.g. from a vendor seed file."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def provisioning_uri(
    secret_b32: str, ident: str, issuer: str = "BOA", *, digits: int = 6, period: int = 30,
    digest: Digest = "sha1",
) -> str:
    """``otpauth://totp/...`` URI for authenticator apps (show once, as a QR code)."""
    totp = pyotp.TOTP(secret_b32, digits=digits, interval=period, digest=_DIGESTS[digest])
    return totp.provisioning_uri(name=ident.upper(), issuer_name=issuer)


def time_step(at: datetime, period: int = 30) -> int:
    """The RFC 6238 counter T for ``at`` (an aware datetime)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("'at' must be a timezone-aware datetime")
    return int(at.timestamp()) // period


def now_code(
    secret_b32: str, at: datetime, *, digits: int = 6, period: int = 30, drift: int = 0,
    digest: Digest = "sha1",
) -> str:
    """The TOTP code a token shows at ``at`` (tests and the demo only)."""
    return _hotp(secret_b32, digits, digest).at(time_step(at, period) + drift)


def hotp_code(secret_b32: str, counter: int, *, digits: int = 6, digest: Digest = "sha1") -> str:
    """The HOTP code for ``counter`` (tests and the demo only)."""
    return _hotp(secret_b32, digits, digest).at(counter)


def verify_totp(
    secret_b32: str,
    code: object,
    *,
    at: datetime,
    last_counter: int | None,
    drift: int,
    window: int = 1,
    digits: int = 6,
    period: int = 30,
    digest: Digest = "sha1",
) -> OtpResult:
    """Check a TOTP code at ``at``, allowing ``window`` steps either side of now + ``drift``.

    On success ``new_drift`` is the offset of the matched step from the
    server's own step, so a token whose clock runs slow or fast keeps
    being accepted as it drifts further (one step per login at most).
    """
    current = time_step(at, period)
    centre = current + drift
    candidates = [c for c in range(centre - window, centre + window + 1) if c >= 0]
    matched = _match(secret_b32, code, candidates, digits, digest)
    return _result(matched, last_counter, drift_for=lambda c: c - current, old_drift=drift)


def verify_hotp(
    secret_b32: str,
    code: object,
    *,
    last_counter: int | None,
    window: int = 10,
    digits: int = 6,
    digest: Digest = "sha1",
) -> OtpResult:
    """Check an HOTP code against the next ``window`` counters after ``last_counter``.

    ``last_counter=None`` means no code was accepted yet, so counter 0 is the
    first one looked at. Store the returned ``counter`` as ``last_counter``.
    """
    start = 0 if last_counter is None else last_counter + 1
    # The last accepted counter is looked at too, so re-use reads "replay".
    candidates = list(range(max(start - 1, 0), start + window))
    matched = _match(secret_b32, code, candidates, digits, digest)
    return _result(matched, last_counter, drift_for=lambda c: 0, old_drift=0)


# --- internals ---------------------------------------------------------------


def _hotp(secret_b32: str, digits: int, digest: Digest) -> pyotp.HOTP:
    return pyotp.HOTP(secret_b32, digits=digits, digest=_DIGESTS[digest])


def _normalise(code: object, digits: int) -> str | None:
    if not isinstance(code, str) or len(code) > _MAX_INPUT:
        return None
    code = _WHITESPACE.sub("", code)
    if len(code) != digits or not code.isascii() or not code.isdigit():
        return None
    return code


def _match(secret_b32: str, code: object, candidates: list[int], digits: int, digest: Digest):
    """Counters among ``candidates`` whose code equals ``code``; ``None`` if malformed."""
    given = _normalise(code, digits)
    if given is None:
        return None
    otp = _hotp(secret_b32, digits, digest)
    # Every candidate is computed and compared: constant work whatever matches.
    return [c for c in candidates if hmac.compare_digest(otp.at(c).encode(), given.encode())]


def _result(matched: list[int] | None, last_counter: int | None, *, drift_for, old_drift: int) -> OtpResult:
    if matched is None:
        return OtpResult(False, None, old_drift, "malformed")
    fresh = [c for c in matched if last_counter is None or c > last_counter]
    if fresh:
        return OtpResult(True, fresh[0], drift_for(fresh[0]), "ok")
    if matched:
        return OtpResult(False, None, old_drift, "replay")
    return OtpResult(False, None, old_drift, "mismatch")
