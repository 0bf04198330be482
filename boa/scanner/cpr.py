"""Danish CPR and CVR numbers: validation and masking.

CPR (personnummer): ``DDMMYY-XXXX`` or ten digits. The birth date must exist, with the
century taken from the 7th digit by the official table:

====================  =========================================
7th digit             century
====================  =========================================
0, 1, 2, 3            19YY
4, 9                  20YY if YY <= 36, else 19YY
5, 6, 7, 8            20YY if YY <= 57, else 18YY
====================  =========================================

Modulus 11 (weights 4,3,2,7,6,5,4,3,2,1) is *not* required: numbers without it have been
issued since 2007, so it only raises confidence. A birth date after today is not valid.

CVR (company number): eight digits, first digit not 0, modulus 11 (weights 2,7,6,5,4,3,2,1).
"""

from __future__ import annotations

import datetime as dt

from stdnum.dk import cpr as _stdnum_cpr
from stdnum.dk import cvr as _stdnum_cvr
from stdnum.exceptions import ValidationError


def compact_cpr(value: str) -> str | None:
    """The ten digits of ``value`` if it has the shape DDMMYY-XXXX or DDMMYYXXXX, else None."""
    value = value.strip()
    if len(value) == 11 and value[6] == "-":
        value = value[:6] + value[7:]
    if len(value) == 10 and value.isascii() and value.isdigit():
        return value
    return None


def birth_date(value: str) -> dt.date | None:
    """The birth date a CPR number encodes (century by the 7th digit), or None if impossible."""
    number = compact_cpr(value)
    if number is None:
        return None
    try:
        return _stdnum_cpr.get_birth_date(number)
    except ValidationError:
        return None


def is_valid_cpr(value: str, today: dt.date | None = None) -> bool:
    """True when ``value`` has the CPR shape and a real birth date not after ``today``."""
    born = birth_date(value)
    return born is not None and born <= (today or dt.date.today())


def cpr_mod11(value: str) -> bool:
    """True when the CPR number passes the old modulus-11 check (raises confidence only)."""
    number = compact_cpr(value)
    return number is not None and _stdnum_cpr.checksum(number) == 0


def is_valid_cvr(value: str) -> bool:
    """True when ``value`` is exactly eight digits, not starting with 0, passing modulus 11."""
    value = value.strip()
    if len(value) != 8 or not (value.isascii() and value.isdigit()):
        return False
    try:
        _stdnum_cvr.validate(value)
    except ValidationError:
        return False
    return True


def mask(value: str) -> str:
    """Hide the identifying part of a number, keeping its shape.

    A CPR keeps its birth date: ``0101901234`` and ``010190-1234`` both give ``010190-****``.
    A CVR keeps its first two digits: ``12345674`` gives ``12******``. Anything else keeps
    its first two characters and hides the rest.
    """
    number = compact_cpr(value)
    if number is not None:
        return f"{number[:6]}-****"
    value = value.strip()
    return value[:2] + "*" * max(len(value) - 2, 0)
