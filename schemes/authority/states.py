"""The lifecycle of an authority scheme's purpose description (SPEC 3.3), as data.

A version is never edited: its state follows from the calendar and the other versions, so it is
computed (:func:`purpose_state`), not stored, and the table lists the moves a version makes from
one day to the next. Access follows the ``current`` version. Pure: no database, no framework."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Protocol

from boa.kernel.lifecycle import Lifecycle


class Purpose(Protocol):
    version: int
    valid_from: date
    valid_until: date


class PurposeState(StrEnum):
    UPCOMING = "upcoming"  # its period has not started
    CURRENT = "current"  # the newest started version, within its period
    SUPERSEDED = "superseded"  # a newer version has started
    EXPIRED = "expired"  # the newest started version, past its period


P = PurposeState

PURPOSE = Lifecycle.open_to_all("purpose description", PurposeState, [
    (P.UPCOMING, P.CURRENT),
    (P.UPCOMING, P.SUPERSEDED),  # a newer version starting the same day wins at once
    (P.CURRENT, P.SUPERSEDED),
    (P.CURRENT, P.EXPIRED),
    (P.EXPIRED, P.SUPERSEDED),  # a renewal after the period lapsed
])


def purpose_state(purpose: Purpose, purposes: Sequence[Purpose], today: date) -> PurposeState:
    """The state of ``purpose`` (one of ``purposes``) on ``today``."""
    if purpose.valid_from > today:
        return P.UPCOMING
    newest = max((p for p in purposes if p.valid_from <= today), key=lambda p: (p.valid_from, p.version))
    if newest is not purpose:
        return P.SUPERSEDED
    return P.CURRENT if today < purpose.valid_until else P.EXPIRED
