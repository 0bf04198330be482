"""PIN policy and peppered Argon2id hashing."""

import logging

import pytest

from tokens.pin import PinHasher, WeakPin, validate_pin

PEPPER = b"p" * 32


@pytest.fixture(scope="module")
def hasher() -> PinHasher:
    return PinHasher(PEPPER)


@pytest.fixture(scope="module")
def cheap() -> PinHasher:
    return PinHasher(PEPPER, time_cost=1, memory_cost=1024)


@pytest.mark.parametrize("pin", ["2749", "0385", "58203", "916402", "1357", "8642", "20481", "73916482",
                                 "1123", "1221", "9081"])
def test_reasonable_pins_accepted(pin):
    validate_pin(pin)


@pytest.mark.parametrize("pin", [
    "0000", "1111", "99999999",                       # one digit
    "1234", "4321", "0123", "9876", "12345678", "87654321", "3456789",  # straight runs
    "7890", "8901", "0987", "90123",                  # runs wrapping round 9/0
    "1212", "6969", "121212", "123123", "45674567",   # a block repeated
    "2580", "1004", "2000",                           # top of leaked-PIN lists
])
def test_trivial_pins_refused(pin):
    with pytest.raises(WeakPin) as err:
        validate_pin(pin)
    assert err.value.code == "weak_pin"
    assert pin not in str(err.value)


@pytest.mark.parametrize("pin", ["123", "123456789", "", "12a4", " 2749", "2749 ", "٢٧٤٩", "２７４９", None, 2749])
def test_badly_formed_pins_refused(pin):
    with pytest.raises(WeakPin) as err:
        validate_pin(pin)
    assert err.value.code == "invalid_pin_format"


def test_hash_and_verify_defaults_are_owasp_argon2id(hasher):
    stored = hasher.hash("2749")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("2749", stored)
    assert not hasher.verify("2748", stored)
    assert not hasher.verify(None, stored)
    assert hasher.hash("2749") != stored  # salted


def test_pepper_is_required_to_verify(cheap):
    stored = cheap.hash("2749")
    other = PinHasher(b"q" * 32, time_cost=1, memory_cost=1024)
    assert not other.verify("2749", stored)
    with pytest.raises(ValueError):
        PinHasher(b"short")


def test_needs_rehash_when_costs_change(cheap, hasher):
    stored = cheap.hash("2749")
    assert not cheap.needs_rehash(stored)
    assert hasher.needs_rehash(stored)
    assert hasher.needs_rehash("$2b$12$abcdefghijklmnopqrstuv")  # not argon2 at all


def test_corrupt_stored_hash_is_an_error_not_a_wrong_pin(cheap):
    with pytest.raises(ValueError):
        cheap.verify("2749", "not-a-hash")


def test_pin_and_pepper_never_shown(hasher, caplog):
    caplog.set_level(logging.DEBUG)
    stored = hasher.hash("2749")
    hasher.verify("2749", stored)
    assert "2749" not in stored and "2749" not in repr(hasher)
    assert repr(PEPPER) not in repr(hasher) and "ppp" not in repr(hasher)
    assert "2749" not in caplog.text


def test_dummy_verify_does_the_work_of_a_real_verify(hasher, monkeypatch):
    """An unknown IDENT costs one full Argon2id verify with the same parameters as a real hash
    (the time itself is measured by bench/login.py, not asserted here)."""
    stored = hasher.hash("2749")
    calls = []
    handler = hasher._handler

    class Counting:
        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(handler, name)

        def verify(self, secret, hash_):  # type: ignore[no-untyped-def]
            calls.append(hash_)
            return handler.verify(secret, hash_)

    monkeypatch.setattr(hasher, "_handler", Counting())
    assert hasher.dummy_verify() is False
    [dummy_hash] = calls
    assert dummy_hash.split("$")[:4] == stored.split("$")[:4]  # argon2id, version, m/t/p
    assert not hasher.needs_rehash(dummy_hash)
