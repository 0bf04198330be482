"""Danish mobile numbers and postal addresses."""

from __future__ import annotations

import re


class ContactError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("0045"):
        digits = "+45" + digits[4:]
    elif not digits.startswith("+"):
        digits = "+45" + digits
    if not re.fullmatch(r"\+45\d{8}", digits):
        raise ContactError("invalid_mobile", "A Danish mobile number is +45 and 8 digits.")
    return digits
