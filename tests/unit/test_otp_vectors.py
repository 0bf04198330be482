"""RFC 4226 and RFC 6238 test vectors, drift, the ±1 step window and replay."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pyotp
import pytest

from tokens.otp import verify_totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
HOTP_VECTORS = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
TOTP_VECTORS = [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
                (2000000000, "69279037"), (20000000000, "65353130")]


@pytest.mark.parametrize(("counter", "code"), enumerate(HOTP_VECTORS))
def test_rfc4226_hotp_vectors(counter, code):
    assert pyotp.HOTP(RFC_SECRET).at(counter) == code


@pytest.mark.parametrize(("t", "code"), TOTP_VECTORS)
def test_rfc6238_totp_vectors_are_accepted(t, code):
    at = datetime.fromtimestamp(t, UTC)
    result = verify_totp(RFC_SECRET, code, at=at, last_counter=None, drift=0, digits=8)
    assert result.ok and result.counter == t // 30


def test_window_is_one_step_and_drift_is_stored():
    at = datetime.fromtimestamp(1_700_000_000, UTC)
    totp = pyotp.TOTP(RFC_SECRET)
    step = 1_700_000_000 // 30
    ahead = totp.generate_otp(step + 1)
    result = verify_totp(RFC_SECRET, ahead, at=at, last_counter=None, drift=0)
    assert result.ok and result.new_drift == 1
    assert not verify_totp(RFC_SECRET, totp.generate_otp(step + 2), at=at, last_counter=None, drift=0).ok
    # With the drift stored, the token's clock running one step ahead is the new centre.
    assert verify_totp(RFC_SECRET, totp.generate_otp(step + 2), at=at, last_counter=None, drift=1).ok


def test_replay_and_malformed_codes_are_refused():
    at = datetime.fromtimestamp(1_700_000_000, UTC)
    code = pyotp.TOTP(RFC_SECRET).at(at)
    first = verify_totp(RFC_SECRET, code, at=at, last_counter=None, drift=0)
    assert first.ok
    assert not verify_totp(RFC_SECRET, code, at=at, last_counter=first.counter, drift=0).ok
    for bad in ("", "12345", "1234567", "abcdef", "12 34 5x", None):
        assert not verify_totp(RFC_SECRET, bad, at=at, last_counter=None, drift=0).ok  # type: ignore[arg-type]
    assert verify_totp(RFC_SECRET, f"{code[:3]} {code[3:]}", at=at, last_counter=None, drift=0).ok
