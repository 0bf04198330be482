"""The consulting service's rules as data (seed 001, SPEC 9). Pure: no database, no framework.

Money is integer øre (DKK × 100) excluding VAT; hours are :class:`~decimal.Decimal` with at most
two decimals. The hourly rate is a setting (``BOA_CONSULTING_HOURLY_RATE``)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from boa.kernel.errors import ValidationFailed

KINDS = ("new", "update")
POPULATIONS = ("total", "delimited", "own_list")
# Excel by default; pivot tables or PC-Axis for large tables; SAS, SPSS, semicolon-separated.
FORMATS = ("xlsx", "pivot", "pcaxis", "sas", "spss", "csv")
DEFAULT_FORMATS = ("xlsx",)
QUOTATION_KINDS = ("framework", "fixed_price", "initial_survey")
TASKS = ("clarification", "quotation", "programming", "disclosure_control", "tests", "tables", "documentation")
CLARIFICATION_QUESTIONS = ("data_available", "delimitation_possible", "matching_problems", "special_constraints",
                           "disclosure_control_needed")

VAT = Decimal("0.25")
CONTRACT_ABOVE_ORE = 25_000_00          # a contract for every service above DKK 25,000 excl. VAT
QUOTATION_VALID_DAYS = 30               # "open usually one month"
SURVEY_ABOVE_HOURS = Decimal(1)         # an initial survey when clarification takes more than an hour
TARGET_DAYS = 21                        # minor services in 1-3 weeks
PAYMENT_DAYS = 30
SUB_INVOICE_DAYS = 30                   # a long service may be sub-invoiced once a month of it has passed
ADVICE_MINUTES = 15                     # included advice in the first month after delivery
ADVICE_DAYS = 30
CORRECTION_DAYS = 30                    # an error found within 30 days: new data
RETENTION_YEARS = 3                     # the customer's personal data, after delivery
GUEST_PER_EMAIL = 3                     # requests a day from one address without a BOA user
GUEST_PENDING = 30                      # unconfirmed requests without a BOA user an hour, in all
MAX_HOURS = Decimal(10_000)
MAX_MINUTES = 24 * 60
MAX_TEXT = 4000
MAX_TABLES = 50
MAX_ORE = 10**12                        # DKK 10 billion: beyond any service, within a BIGINT
MAX_VERSION = 10**6                     # quotation versions and delivery numbers (an INTEGER)


def hours(value: float | int | str | Decimal, field: str = "hours") -> Decimal:
    """Hours: not negative, at most two decimals, below :data:`MAX_HOURS`."""
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        parsed = Decimal(-1)
    if not parsed.is_finite() or parsed < 0 or parsed > MAX_HOURS or parsed != parsed.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{field} is a number of hours from 0 to {MAX_HOURS} with at most two decimals.",
                               field=field, code="invalid_hours")
    return parsed.quantize(Decimal("0.01"))


def minutes(value: int, field: str = "minutes") -> int:
    if not 1 <= value <= MAX_MINUTES:
        raise ValidationFailed(f"{field} is a whole number of minutes from 1 to {MAX_MINUTES}.", field=field,
                               code="invalid_minutes")
    return value


def price(hours_: Decimal, rate_ore: int) -> int:
    """Hours × rate, in øre, rounded half up."""
    return int((hours_ * rate_ore).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def with_vat(ore: int) -> int:
    return int((Decimal(ore) * (1 + VAT)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dkk(ore: int) -> str:
    """Øre as DKK with two decimals ("36900.00")."""
    return f"{Decimal(ore) / 100:.2f}"


def contract_required(price_ore: int, special_terms: str | None) -> bool:
    return price_ore > CONTRACT_ABOVE_ORE or bool(special_terms)


def one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationFailed(f"{field} is one of {', '.join(allowed)}.", field=field, code="validation_failed")
    return value


def text(value: str | None, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str | None:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationFailed(f"{field} is required.", field=field, code="validation_failed")
    if len(cleaned) > limit or any(ord(c) < 32 and c not in "\n\t\r" for c in cleaned):
        raise ValidationFailed(f"{field} is at most {limit} characters of text.", field=field,
                               code="validation_failed")
    return cleaned or None


TABLE_NAME = re.compile(r"[\w\- ]{1,100}")


def table_name(value: str | None, field: str) -> str:
    """A delivered table's name, which is also its file's name: letters, digits, spaces, hyphens and
    underscores, at most 100."""
    cleaned = (value or "").strip()
    if not TABLE_NAME.fullmatch(cleaned):
        raise ValidationFailed(f"{field} is a name of letters, digits, spaces, - and _ (at most 100).", field=field,
                               code="invalid_table_name")
    return cleaned


def formats(values: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(values or DEFAULT_FORMATS))
    for v in chosen:
        one_of(v, FORMATS, "formats")
    return chosen


def periods(values: list[str] | None) -> list[str]:
    chosen = [v.strip() for v in values or []]
    if any(not v or len(v) > 40 for v in chosen) or len(chosen) > 100:
        raise ValidationFailed("Each period is a short text such as 2020 or 2020-2023.", field="periods",
                               code="validation_failed")
    return chosen


def own_list_terms(population: str, agreed: bool, encrypted: bool, dpa: str | None) -> None:
    """The customer's own list of CPR/CVR/addresses needs prior agreement, encrypted submission and a
    data processor agreement."""
    if population == "own_list" and not (agreed and encrypted and dpa):
        raise ValidationFailed("Your own population needs prior agreement, encrypted submission and a data "
                               "processor agreement.", field="population", code="own_list_terms")


def retention_years(value: int | None) -> int:
    if value is None:
        return RETENTION_YEARS
    if not RETENTION_YEARS <= value <= 30:
        raise ValidationFailed("A data processor agreement keeps the data 3 to 30 years.", field="dpa_retention_years",
                               code="validation_failed")
    return value


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def target_date(started: date) -> date:
    return started + timedelta(days=TARGET_DAYS)
