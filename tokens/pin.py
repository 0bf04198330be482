"""PIN policy and hashing: Argon2id with a server-side pepper (HMAC-SHA256 before hashing)."""

from __future__ import annotations

import hashlib
import hmac

from passlib.hash import argon2


class WeakPin(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _is_run(pin: str) -> bool:
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {-1})


def validate_pin(pin: str) -> None:
    if not isinstance(pin, str) or not pin.isdigit() or not 4 <= len(pin) <= 8 or not pin.isascii():
        raise WeakPin("invalid_pin_format", "A PIN is 4 to 8 digits.")
    if len(set(pin)) == 1 or _is_run(pin):
        raise WeakPin("weak_pin", "That PIN is too easy to guess (one digit repeated, or a straight run).")


class PinHasher:
    def __init__(self, pepper: bytes, *, time_cost: int = 2, memory_cost: int = 19456, parallelism: int = 1) -> None:
        self._pepper = pepper
        self._hasher = argon2.using(type="ID", time_cost=time_cost, memory_cost=memory_cost,
                                    parallelism=parallelism)
        self._dummy = self._hasher.hash(self._peppered("0000-dummy"))

    def __repr__(self) -> str:
        return "PinHasher(<pepper hidden>)"

    def _peppered(self, pin: str) -> str:
        return hmac.new(self._pepper, pin.encode(), hashlib.sha256).hexdigest()

    def hash(self, pin: str) -> str:
        return self._hasher.hash(self._peppered(pin))

    def verify(self, pin: str, hashed: str) -> bool:
        try:
            return bool(self._hasher.verify(self._peppered(pin or ""), hashed))
        except (ValueError, TypeError):
            return False

    def needs_rehash(self, hashed: str) -> bool:
        return bool(self._hasher.needs_update(hashed))

    def dummy_verify(self) -> None:
        self._hasher.verify(self._peppered("not-the-pin"), self._dummy)
