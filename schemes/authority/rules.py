"""Pure rules of the authority scheme (SPEC 3.3, seed 002). No fixed period: access lasts while
the agreement is in force and follows the current purpose description."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol, TypeVar

from boa.kernel.domain import AUTHORITY_KINDS
from boa.kernel.errors import Conflict, ValidationFailed
from schemes.authority.states import DATA_WORK, AgreementState, Purpose, PurposeState, purpose_state

MAX_TEXT = 4000


def check_institution_kind(kind: str) -> None:
    if kind not in AUTHORITY_KINDS:
        raise ValidationFailed(f"The authority scheme is only for {', '.join(AUTHORITY_KINDS)}; this institution "
                               f"is a {kind}.", code="not_an_authority", field="institution_id")


def check_purpose(topics: Sequence[str], registers: Sequence[str],
                  known: Collection[str] | None = None) -> tuple[list[str], list[str]]:
    """Topic areas and distinct registers; with ``known`` (the catalogue's codes among them), a
    register the catalogue does not hold is a 422 ``unknown_register``."""
    clean_topics = [t.strip() for t in topics]
    clean_registers = [r.strip().upper() for r in registers]
    if not clean_topics or any(not t for t in clean_topics):
        raise ValidationFailed("A purpose description names its topic areas.", field="purpose.topics")
    if not clean_registers or any(not r for r in clean_registers) or len(set(clean_registers)) != len(clean_registers):
        raise ValidationFailed("A purpose description names distinct registers.", field="purpose.registers",
                               code="duplicate_register" if len(set(clean_registers)) != len(clean_registers)
                               else "validation_failed")
    unknown = sorted(set(clean_registers) - set(known)) if known is not None else []
    if unknown:
        raise ValidationFailed(f"Not in the register catalogue: {', '.join(unknown)}.", field="purpose.registers",
                               code="unknown_register", registers=unknown)
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
    """The newest version that has started; access follows it."""
    return next((p for p in purposes if purpose_state(p, purposes, today) is PurposeState.CURRENT), None)


def check_data_work(agreement: str) -> None:
    """Data work (deliveries, new purpose versions, members, changed needs) starts once the
    agreement is signed and ends when it is terminated."""
    if agreement == AgreementState.DRAFT:
        raise Conflict("The agreement is not signed yet; data work starts once it is.", code="agreement_not_signed")
    if agreement not in DATA_WORK:
        raise Conflict("The agreement is terminated.", code="agreement_terminated")


def check_text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed("Describe it.", field=field, code="description_required")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"At most {MAX_TEXT} characters.", field=field, code="too_long")
    return text


def check_delivery_registers(registers: Sequence[str], purpose_registers: Sequence[str]) -> list[str]:
    """A tailored delivery draws on the purpose's registers only (need-to-know)."""
    clean = [r.strip().upper() for r in registers]
    if len(set(clean)) != len(clean):
        raise ValidationFailed("A register is named twice.", field="registers", code="duplicate_register")
    outside = sorted(set(clean) - set(purpose_registers))
    if outside:
        raise ValidationFailed(f"Outside the purpose description: {', '.join(outside)}.", field="registers",
                               code="outside_purpose", registers=outside)
    return clean


class OwnData(Protocol):
    link_own_data: bool


def may_link_own_data(purpose: OwnData | None) -> bool:
    """Whether the authority may link its own data with the office's (seed 002: only as far as
    the purpose description allows). No purpose in force allows nothing."""
    return purpose is not None and bool(purpose.link_own_data)


def check_link_own_data(purpose: OwnData | None, field: str = "external_data") -> None:
    """For the proposal's "External data": refused (409 ``own_data_not_allowed``) unless the
    current purpose description allows linking the authority's own data."""
    if not may_link_own_data(purpose):
        raise Conflict("The purpose description does not allow linking the authority's own data.",
                       code="own_data_not_allowed", field=field)
