"""Answers of the access decision, the audit log and the reports (API only)."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType


class ReasonView(msgspec.Struct, kw_only=True):
    """Why access is denied; the lock, case and end only when the reason has them."""

    code: str
    scope: str
    message: str
    lock_id: str | UnsetType = UNSET
    case_id: str | UnsetType = UNSET
    until: str | UnsetType = UNSET


class DecisionView(msgspec.Struct):
    allowed: bool
    reasons: list[ReasonView]


class AccessIntervalView(msgspec.Struct, kw_only=True, rename={"start": "from", "end": "to"}):
    """An interval in which ``ident`` had ``action`` (``project_access``: research access;
    ``transfer``: transfer rights) on ``project``; ``to`` absent while it lasted past the asked
    period. ``began_because``: the reasons of the denial that then stopped holding (or
    ``history_started``/``window_start``); ``ended_because``: the reasons that came."""

    ident: str
    project: str
    action: str
    start: str
    end: str | UnsetType = UNSET
    began_because: list[ReasonView]
    ended_because: list[ReasonView] | UnsetType = UNSET


class AuditEntryView(msgspec.Struct):
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    summary: dict[str, Any]
    hash: str


class AuditVerification(msgspec.Struct, kw_only=True):
    """``first_bad`` and ``problem`` only when the chain is broken."""

    ok: bool
    checked: int
    first_bad: int | UnsetType = UNSET
    problem: str | None | UnsetType = UNSET


class YearCounts(msgspec.Struct):
    year: int
    counts: dict[str, int]
    total: int


class ActiveProjectsReport(msgspec.Struct):
    years: list[int]
    schemes: list[str]
    rows: list[YearCounts]
