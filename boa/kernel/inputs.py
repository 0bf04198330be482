"""What BOA accepts from outside, as data, in one place: the characters a name, a search term, a
file name or a free text may hold, the dates it takes, the size of a postal address, the shape of
an e-mail address. The API's typed schemas (``api/schemas/types.py``) and its guard on query
strings and paths (``boa.web.inputs``) are built from these rules; the services use the checks
below for what the admin pages send too. A refusal is :class:`ValidationFailed` with the field.

Times: a moment must say its offset (``Z`` or ``+01:00``); one without is refused, never guessed
(docs/operations.md). Every date and moment lies in 1900-2200, so that no later computation
(the end of a day, a reminder's date) overflows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from boa.kernel.errors import ValidationFailed

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)
MOMENT_MIN = datetime(1900, 1, 1, tzinfo=UTC)
MOMENT_MAX = datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)

# A JSON body nests at most this deep (BOA's own bodies nest 3 deep; msgspec's recursion fails
# near 1,000, which would be a 500).
JSON_DEPTH_MAX = 32
# Lengths (characters).
LINE_MAX = 200  # a name, a title, an identifier, a kind, a code
TERM_MAX = 100  # a search term or another query value
TEXT_MAX = 20_000  # a free text: a description, a comment, a report, a note
EMAIL_MAX = 254  # RFC 5321's path limit
# A postal address: these fields, no others, each at most this long.
ADDRESS_FIELDS: dict[str, int] = {"street": 200, "postal_code": 16, "city": 100, "country": 60}

# Refused everywhere: C0 controls, DEL, C1 controls and the bidirectional embeddings, overrides
# and isolates (U+202A-202E, U+2066-2069) that make a text read other than it is. A free text
# keeps tab, line feed and carriage return.
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_LINE_REFUSED = r"\x00-\x1f\x7f-\x9f" + _BIDI
_TEXT_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI
# The same as patterns for the schemas (valid in Python and in JSON Schema's ECMA dialect;
# ``(?!\n)$`` is the end of the string in both).
LINE_PATTERN = rf"^[^{_LINE_REFUSED}]*(?!\n)$"
TEXT_PATTERN = rf"^[^{_TEXT_REFUSED}]*$"
_LINE_BAD = re.compile(f"[{_LINE_REFUSED}]")
_TEXT_BAD = re.compile(f"[{_TEXT_REFUSED}]")
# Markup has no place in an address (a NUL is refused with the control characters).
_MARKUP = re.compile(r"[<>\"'`]")


def line_refusal(value: str) -> str | None:
    """Why ``value`` is no single-line name, term or file name (``None``: it is)."""
    return "a control or text-direction character" if _LINE_BAD.search(value) else None


def text_refusal(value: str) -> str | None:
    return "a control or text-direction character" if _TEXT_BAD.search(value) else None


def check_line(value: str, field: str, *, limit: int = LINE_MAX) -> str:
    if (why := line_refusal(value)) is not None:
        raise ValidationFailed(f"{field} holds {why}.", field=field)
    if len(value) > limit:
        raise ValidationFailed(f"{field} is longer than {limit} characters.", field=field)
    return value


def check_day(value: date, field: str) -> date:
    """A date of 1900-2200 (a date-time is checked as a moment)."""
    if isinstance(value, datetime):
        return check_moment(value, field)
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationFailed(f"{field} must lie between {DATE_MIN} and {DATE_MAX}.", field=field)
    return value


def check_moment(value: datetime, field: str) -> datetime:
    """A moment with its offset, in 1900-2200."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{field} needs a time zone: end it with Z or an offset such as +01:00.",
                               field=field)
    if not MOMENT_MIN <= value <= MOMENT_MAX:
        raise ValidationFailed(f"{field} must lie between {DATE_MIN} and {DATE_MAX}.", field=field)
    return value


def check_value(value: Any, field: str) -> None:
    """What every request body holds, however it is typed: each date in range, each text free of
    the refused characters (the free-form objects included)."""
    if isinstance(value, date):
        check_day(value, field)
    elif isinstance(value, str):
        if (why := text_refusal(value)) is not None:
            raise ValidationFailed(f"{field} holds {why}.", field=field)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_value(key, field)
            check_value(item, f"{field}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            check_value(item, field)


def check_email(value: str, field: str = "email") -> str:
    """An e-mail address by the ``email-validator`` library (syntax only: no DNS look-up), in its
    normalised form; NUL, markup and quoted or IP-literal forms are refused."""
    value = value.strip()
    if len(value) > EMAIL_MAX or line_refusal(value) is not None:
        raise ValidationFailed("Not an e-mail address.", field=field)
    try:
        checked = validate_email(value, check_deliverability=False, allow_quoted_local=False,
                                 allow_domain_literal=False)
    except EmailNotValidError as err:
        raise ValidationFailed(f"Not an e-mail address: {err}", field=field) from None
    return checked.normalized


def check_address(address: Mapping[str, Any], field: str = "address") -> dict[str, str]:
    """A postal address: only the fields of ``ADDRESS_FIELDS``, each a short line of text."""
    unknown = set(address) - set(ADDRESS_FIELDS)
    if unknown:
        raise ValidationFailed(f"{field} has unknown fields: {', '.join(sorted(map(str, unknown)))}; "
                               f"it has {', '.join(ADDRESS_FIELDS)}.", field=field)
    out = {}
    for name, value in address.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValidationFailed(f"{field}.{name} must be text.", field=field)
        check_line(value, f"{field}.{name}", limit=ADDRESS_FIELDS[name])
        if _MARKUP.search(value):
            raise ValidationFailed(f"{field}.{name} holds markup characters.", field=field)
        out[name] = value.strip()
    return out
