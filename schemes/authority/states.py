"""The lifecycles of the authority scheme (SPEC 3.3, seed 002), as data.

The agreement: ``draft`` (negotiated) → ``signed`` (the contract is signed; data work starts) →
``active`` (the scheme is set up at Research Services; the authority's members have access) →
``terminated`` (access ends). A draft may be abandoned (terminated). There is no fixed period.

A purpose description version is never edited: its state follows from the calendar and the
other versions, so it is computed (:func:`purpose_state`), not stored; the table lists the moves a
version makes from one day to the next. Access follows the ``current`` version. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Protocol

from boa.kernel.lifecycle import Lifecycle


class AgreementState(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    ACTIVE = "active"
    TERMINATED = "terminated"


A = AgreementState

AGREEMENT = Lifecycle.open_to_all("authority agreement", AgreementState, [
    (A.DRAFT, A.SIGNED),
    (A.DRAFT, A.TERMINATED),  # abandoned before it was signed
    (A.SIGNED, A.ACTIVE),
    (A.SIGNED, A.TERMINATED),
    (A.ACTIVE, A.TERMINATED),
])

# Data work (purpose versions after the first, deliveries, members, changed needs) once signed.
DATA_WORK = frozenset({A.SIGNED, A.ACTIVE})
# The authority's members reach the data only while the agreement is active.
ACCESS = frozenset({A.ACTIVE})


class Purpose(Protocol):
    version: int
    valid_from: date


class PurposeState(StrEnum):
    UPCOMING = "upcoming"  # its start has not come
    CURRENT = "current"  # the newest started version
    SUPERSEDED = "superseded"  # a newer version has started


P = PurposeState

PURPOSE = Lifecycle.open_to_all("purpose description", PurposeState, [
    (P.UPCOMING, P.CURRENT),
    (P.UPCOMING, P.SUPERSEDED),  # a newer version starting the same day wins at once
    (P.CURRENT, P.SUPERSEDED),
])


def purpose_state(purpose: Purpose, purposes: Sequence[Purpose], today: date) -> PurposeState:
    """The state of ``purpose`` (one of ``purposes``) on ``today``."""
    if purpose.valid_from > today:
        return P.UPCOMING
    newest = max((p for p in purposes if p.valid_from <= today), key=lambda p: (p.valid_from, p.version))
    return P.CURRENT if newest is purpose else P.SUPERSEDED
