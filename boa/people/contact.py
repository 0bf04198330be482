"""Danish mobile numbers and postal addresses."""

from __future__ import annotations

import re

from boa.kernel.inputs import check_address


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


JUSTIFICATIONS = ("no_danish_mobile", "travel_sms_delay")


def check_postal_address(address: dict | None, attention: str | None) -> dict:
    """A physical token goes by post only to a Danish address, with the full name for "att."."""
    if not isinstance(address, dict):
        raise ContactError("invalid_address", "A postal address is required.")
    check_address(address)
    country = str(address.get("country", "DK")).strip().upper()
    if country not in ("DK", "DENMARK", "DANMARK"):
        raise ContactError("address_abroad", "Physical tokens are sent only to addresses in Denmark.")
    street, city = str(address.get("street", "")).strip(), str(address.get("city", "")).strip()
    postal = str(address.get("postal_code", "")).strip()
    if not street or not city or not re.fullmatch(r"\d{4}", postal):
        raise ContactError("invalid_address", "A Danish address has a street, a 4-digit postal code and a city.")
    if not attention or len(attention.strip().split()) < 2:
        raise ContactError("attention_required", "Give the recipient's full name for att.")
    return {"street": street, "postal_code": postal, "city": city, "country": "DK"}


def check_justification(justification: dict | None) -> dict:
    if not isinstance(justification, dict) or justification.get("reason") not in JUSTIFICATIONS:
        raise ContactError("justification_refused",
                           "A physical token needs a reason: no Danish mobile number, or travel where SMS arrive late.")
    text = str(justification.get("text", "")).strip()
    if len(text) < 10:
        raise ContactError("justification_refused", "Explain the reason in a sentence.")
    return {"reason": justification["reason"], "text": text}
