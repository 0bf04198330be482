"""Pure rules of the authority scheme (SPEC 3.3, seed 002)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from boa.kernel.domain import AUTHORITY_KINDS
from boa.kernel.errors import ValidationFailed
from schemes.authority.states import Purpose, PurposeState, purpose_state

PERIOD_YEARS = 1


def check_institution_kind(kind: str) -> None:
    if kind not in AUTHORITY_KINDS:
        raise ValidationFailed(f"The authority scheme is only for {', '.join(AUTHORITY_KINDS)}; this institution "
                               f"is a {kind}.", code="not_an_authority", field="institution_id")


def period_end(valid_from: date) -> date:
    """One year: the purpose is valid from ``valid_from`` up to (not including) this date."""
    try:
        return valid_from.replace(year=valid_from.year + PERIOD_YEARS)
    except ValueError:
        return valid_from.replace(year=valid_from.year + PERIOD_YEARS, day=28) + timedelta(days=1)


def check_purpose(topics: Sequence[str], registers: Sequence[str]) -> tuple[list[str], list[str]]:
    clean_topics = [t.strip() for t in topics]
    clean_registers = [r.strip().upper() for r in registers]
    if not clean_topics or any(not t for t in clean_topics):
        raise ValidationFailed("A purpose description names its topic areas.", field="purpose.topics")
    if not clean_registers or any(not r for r in clean_registers) or len(set(clean_registers)) != len(clean_registers):
        raise ValidationFailed("A purpose description names distinct registers.", field="purpose.registers")
    return clean_topics, clean_registers


def check_new_version_start(previous: Purpose | None, valid_from: date, today: date) -> None:
    """A new version starts today or later, and not before the version it replaces."""
    if valid_from < today:
        raise ValidationFailed("A purpose description cannot start in the past.", field="purpose.valid_from",
                               code="dates_out_of_order")
    if previous is not None and valid_from < previous.valid_from:
        raise ValidationFailed("A new version cannot start before the version it replaces.",
                               field="purpose.valid_from", code="dates_out_of_order")


P = TypeVar("P", bound=Purpose)


def current_purpose(purposes: Sequence[P], today: date) -> P | None:
    """The newest version that has started and whose period has not ended; access follows it."""
    return next((p for p in purposes if purpose_state(p, purposes, today) is PurposeState.CURRENT), None)


def renewal_start(current: Purpose | None, latest: Purpose | None, today: date) -> date:
    """A renewal continues the period without a gap, or starts today when it has lapsed."""
    base = current or latest
    if base is None or base.valid_until <= today:
        return today
    return base.valid_until
