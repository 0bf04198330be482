"""Encryption at rest for token seeds: AES-GCM with key ids, so keys can rotate."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class SealError(ValueError):
    code = "sealed_secret_invalid"


class SecretBox:
    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        self._keys = {kid: AESGCM(key) for kid, key in keys.items()}
        self._current = current

    def __repr__(self) -> str:
        return f"SecretBox(keys={sorted(self._keys)}, current={self._current!r})"

    def seal(self, plaintext: bytes, associated_data: bytes | None = None) -> str:
        nonce = os.urandom(12)
        ct = self._keys[self._current].encrypt(nonce, plaintext, associated_data)
        return f"{self._current}:{base64.urlsafe_b64encode(nonce + ct).decode()}"

    def open(self, sealed: str, associated_data: bytes | None = None) -> bytes:
        kid, _, body = (sealed or "").partition(":")
        if kid not in self._keys:
            raise SealError("Unknown key id.")
        raw = base64.urlsafe_b64decode(body)
        try:
            return self._keys[kid].decrypt(raw[:12], raw[12:], associated_data)
        except InvalidTag:
            raise SealError("The sealed secret was tampered with or belongs elsewhere.") from None
