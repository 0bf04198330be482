"""The process's key material, built once from settings: the PIN hasher and the seed box."""

from __future__ import annotations

from functools import lru_cache

from boa.kernel.settings import get_settings
from tokens.pin import PinHasher
from tokens.secrets_box import SecretBox


@lru_cache(maxsize=1)
def pin_hasher() -> PinHasher:
    s = get_settings()
    return PinHasher(s.pin_pepper, time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib,
                     parallelism=s.argon2_parallelism)


@lru_cache(maxsize=1)
def secret_box() -> SecretBox:
    s = get_settings()
    return SecretBox({"k1": s.seed_key}, current="k1")
