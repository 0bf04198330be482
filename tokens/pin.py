"""PIN policy and PIN hashing (SPEC section 2).

Policy (:func:`validate_pin`): 4-8 ASCII digits, and not trivial. Trivial is

* one digit repeated (``0000``, ``77777``);
* a straight run up or down, wrapping round 9/0 as on a phone keypad's
  digit row (``1234``, ``4321``, ``0123``, ``9876``, ``12345678``, ``7890``,
  ``8901``, ``0987``);
* a shorter block repeated to fill the PIN (``1212``, ``6969``, ``123123``,
  ``45674567``): a repeated pair keeps only two digits' worth of guessing;
* one of a few PINs that surveys of leaked PINs put at the top although the
  rules above miss them (``1004``, ``2000``, ``2001``, ``1122``, ``2580``, ...).

Hashing (:class:`PinHasher`): Argon2id through passlib with OWASP's minimum
(m=19 MiB, t=2, p=1). The PIN is first keyed with a server-side pepper,
``HMAC-SHA256(pepper, pin)``, so a stolen database alone does not allow an
offline search of the 10^4..10^8 PINs. Neither the PIN nor the pepper is ever
logged, put in an exception message or shown by ``repr``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from passlib.hash import argon2

__all__ = ["COMMON_PINS", "PinHasher", "WeakPin", "validate_pin"]

MIN_LENGTH = 4
MAX_LENGTH = 8
COMMON_PINS = frozenset({"1004", "2000", "2001", "1122", "2580", "0852", "1998", "1999"})
_DIGITS = "0123456789"


class WeakPin(ValueError):
    """A PIN refused by the policy. ``code`` is ``invalid_pin_format`` or ``weak_pin``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def validate_pin(pin: object) -> None:
    """Raise :class:`WeakPin` unless ``pin`` is acceptable as a new PIN."""
    if not isinstance(pin, str) or not (pin.isascii() and pin.isdigit()):
        raise WeakPin("invalid_pin_format", "The PIN must consist of digits only.")
    if not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        raise WeakPin("invalid_pin_format", f"The PIN must have {MIN_LENGTH} to {MAX_LENGTH} digits.")
    if _is_repeated_block(pin):
        raise WeakPin("weak_pin", "The PIN must not be one digit or group of digits repeated.")
    if _is_straight_run(pin):
        raise WeakPin("weak_pin", "The PIN must not be a run of consecutive digits, up or down.")
    if pin in COMMON_PINS:
        raise WeakPin("weak_pin", "This PIN is among the most commonly used; please choose another.")


def _is_straight_run(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {9})


def _is_repeated_block(pin: str) -> bool:
    n = len(pin)
    return any(n % size == 0 and pin == pin[:size] * (n // size) for size in range(1, n // 2 + 1))


class PinHasher:
    """Argon2id PIN hashes with a pepper.

    ``pepper``: the server-side secret (at least 16 bytes) from settings.
    Costs default to OWASP's recommended minimum for Argon2id; ``memory_cost``
    is in KiB. Hashes are standard PHC strings (``$argon2id$v=19$m=...``), so
    raising the costs later only makes :meth:`needs_rehash` true for old
    hashes; rehash on the next successful login.
    """

    def __init__(
        self, pepper: bytes, *, time_cost: int = 2, memory_cost: int = 19 * 1024, parallelism: int = 1
    ) -> None:
        if not isinstance(pepper, bytes | bytearray) or len(pepper) < 16:
            raise ValueError("the PIN pepper must be at least 16 bytes")
        self._pepper = bytes(pepper)
        self._handler = argon2.using(
            type="ID", time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism,
            salt_size=16, digest_size=32,
        )
        self._params = (time_cost, memory_cost, parallelism)
        # A hash of a random secret nobody knows, for dummy_verify().
        self._dummy_hash = self._handler.hash(secrets.token_hex(32))

    def __repr__(self) -> str:
        t, m, p = self._params
        return f"PinHasher(argon2id, t={t}, m={m}KiB, p={p})"

    def _peppered(self, pin: str) -> str:
        return hmac.new(self._pepper, pin.encode("utf-8"), hashlib.sha256).hexdigest()

    def hash(self, pin: str) -> str:
        """The PHC-format Argon2id hash of ``pin`` to store. Does not apply the policy."""
        if not isinstance(pin, str):
            raise TypeError("pin must be a string")
        return self._handler.hash(self._peppered(pin))

    def verify(self, pin: object, pin_hash: str) -> bool:
        """True if ``pin`` matches ``pin_hash``. Costs one Argon2 verification either way.

        Raises ``ValueError`` if ``pin_hash`` is not an Argon2 hash (a corrupt
        row is a server fault, not a wrong PIN).
        """
        if not self._handler.identify(pin_hash):
            raise ValueError("stored PIN hash is not an Argon2 hash")
        if not isinstance(pin, str):
            self.dummy_verify()
            return False
        return bool(self._handler.verify(self._peppered(pin), pin_hash))

    def needs_rehash(self, pin_hash: str) -> bool:
        """True if ``pin_hash`` was made with other parameters (or another scheme)."""
        if not self._handler.identify(pin_hash):
            return True
        return bool(self._handler.needs_update(pin_hash))

    def dummy_verify(self) -> bool:
        """Spend the time of one real :meth:`verify` and return False.

        Call it when the IDENT is unknown, so such logins answer in about the
        same time as a wrong PIN for a real user.
        """
        self._handler.verify(self._peppered("0000"), self._dummy_hash)
        return False
