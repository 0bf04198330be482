"""The API's answers about breach cases beyond the shapes :mod:`boa.sanctions.presenters`
defines (which both faces show)."""

from __future__ import annotations

import msgspec

from boa.sanctions.presenters import CaseView, LockView, PlanView


class SanctionPreview(PlanView, kw_only=True):
    case_id: str


class SanctionDecided(msgspec.Struct):
    case: CaseView
    locks: list[LockView]
    termination_possible: bool
    termination_of: list[str]
    columns: list[str]
