"""HOTP/TOTP verification: RFC vectors, window edges, drift, replay, malformed input."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from tokens.otp import (
    generate_secret,
    hotp_code,
    now_code,
    provisioning_uri,
    secret_to_b32,
    verify_hotp,
    verify_totp,
)

RFC_SECRET = secret_to_b32(b"12345678901234567890")
RFC_SECRET_256 = secret_to_b32(b"12345678901234567890123456789012")
RFC_SECRET_512 = secret_to_b32(b"1234567890" * 6 + b"1234")

# RFC 4226 appendix D
HOTP_VECTORS = ["755224", "287082", "359152", "969429", "338314",
                "254676", "287922", "162583", "399871", "520489"]

# RFC 6238 appendix B: (unix time, sha1, sha256, sha512), 8 digits
TOTP_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


def t(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


@pytest.mark.parametrize("counter,code", list(enumerate(HOTP_VECTORS)))
def test_rfc4226_vectors(counter, code):
    assert hotp_code(RFC_SECRET, counter) == code
    last = counter - 1 if counter else None
    result = verify_hotp(RFC_SECRET, code, last_counter=last, window=1)
    assert result.ok and result.counter == counter


@pytest.mark.parametrize("when,sha1,sha256,sha512", TOTP_VECTORS)
def test_rfc6238_vectors(when, sha1, sha256, sha512):
    for secret, code, digest in ((RFC_SECRET, sha1, "sha1"), (RFC_SECRET_256, sha256, "sha256"),
                                 (RFC_SECRET_512, sha512, "sha512")):
        assert now_code(secret, t(when), digits=8, digest=digest) == code
        result = verify_totp(secret, code, at=t(when), last_counter=None, drift=0, digits=8,
                             digest=digest)
        assert result.ok, (when, digest)
        assert result.counter == when // 30
        assert result.new_drift == 0


def test_window_accepts_one_step_either_side_and_not_two():
    now = t(1_700_000_000)
    for steps, ok in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        code = now_code(RFC_SECRET, now + timedelta(seconds=30 * steps))
        result = verify_totp(RFC_SECRET, code, at=now, last_counter=None, drift=0)
        assert result.ok is ok, steps
        if ok:
            assert result.new_drift == steps
        else:
            assert result.reason == "mismatch"


def test_stored_drift_moves_the_window():
    now = t(1_700_000_000)
    slow_token = now - timedelta(seconds=90)  # token clock three steps behind
    code = now_code(RFC_SECRET, slow_token)
    assert not verify_totp(RFC_SECRET, code, at=now, last_counter=None, drift=0).ok
    result = verify_totp(RFC_SECRET, code, at=now, last_counter=None, drift=-2)
    assert result.ok and result.new_drift == -3
    # next login, half a minute later, with the stored drift
    later = now + timedelta(seconds=30)
    code2 = now_code(RFC_SECRET, later - timedelta(seconds=90))
    again = verify_totp(RFC_SECRET, code2, at=later, last_counter=result.counter, drift=result.new_drift)
    assert again.ok and again.new_drift == -3


def test_code_accepted_once_only():
    now = t(1_700_000_000)
    code = now_code(RFC_SECRET, now)
    first = verify_totp(RFC_SECRET, code, at=now, last_counter=None, drift=0)
    assert first.ok
    replay = verify_totp(RFC_SECRET, code, at=now + timedelta(seconds=5),
                         last_counter=first.counter, drift=first.new_drift)
    assert not replay.ok and replay.reason == "replay" and replay.counter is None


def test_older_code_refused_after_newer_one_used():
    now = t(1_700_000_000)
    newer = verify_totp(RFC_SECRET, now_code(RFC_SECRET, now + timedelta(seconds=30)),
                        at=now, last_counter=None, drift=0)
    assert newer.ok
    older = verify_totp(RFC_SECRET, now_code(RFC_SECRET, now), at=now,
                        last_counter=newer.counter, drift=newer.new_drift)
    assert older.reason == "replay"


def test_failure_keeps_stored_drift():
    now = t(1_700_000_000)
    result = verify_totp(RFC_SECRET, "000000" if now_code(RFC_SECRET, now) != "000000" else "111111",
                         at=now, last_counter=5, drift=2)
    assert not result.ok and result.new_drift == 2


@pytest.mark.parametrize("code", [" 123 456 ", "123456\n", "12 34 56"])
def test_spaces_are_ignored(code):
    now = t(1_700_000_000)
    real = now_code(RFC_SECRET, now)
    typed = code.replace("123456", real).replace("12 34 56", f"{real[:2]} {real[2:4]} {real[4:]}")
    typed = typed.replace("123 456", f"{real[:3]} {real[3:]}")
    assert verify_totp(RFC_SECRET, typed, at=now, last_counter=None, drift=0).ok


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", None, 123456,
                                  b"123456", "1" * 10_000, "-12345"])
def test_malformed_codes_refused_without_exception(code):
    now = t(1_700_000_000)
    result = verify_totp(RFC_SECRET, code, at=now, last_counter=None, drift=0)
    assert not result.ok and result.reason == "malformed"
    assert verify_hotp(RFC_SECRET, code, last_counter=None).reason == "malformed"


def test_hotp_look_ahead_window_edges():
    assert verify_hotp(RFC_SECRET, HOTP_VECTORS[9], last_counter=None, window=10).counter == 9
    assert not verify_hotp(RFC_SECRET, HOTP_VECTORS[9], last_counter=None, window=9).ok
    assert verify_hotp(RFC_SECRET, HOTP_VECTORS[3], last_counter=3).reason == "replay"
    assert verify_hotp(RFC_SECRET, HOTP_VECTORS[2], last_counter=3).reason == "mismatch"
    assert verify_hotp(RFC_SECRET, HOTP_VECTORS[4], last_counter=3).counter == 4


def test_naive_datetime_is_a_programming_error():
    with pytest.raises(ValueError):
        verify_totp(RFC_SECRET, "123456", at=datetime(2024, 1, 1), last_counter=None, drift=0)


def test_generated_secret_and_provisioning_uri():
    secret = generate_secret()
    assert secret != generate_secret()
    assert len(secret) == 32  # 160 bits
    uri = provisioning_uri(secret, "abcd")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == "/BOA:ABCD"
    query = parse_qs(parsed.query)
    assert query["secret"] == [secret] and query["issuer"] == ["BOA"]
    now = t(1_700_000_000)
    assert verify_totp(secret, now_code(secret, now), at=now, last_counter=None, drift=0).ok


def test_short_secret_refused():
    with pytest.raises(ValueError):
        generate_secret(8)
