"""A commission's lifecycle and a quotation's (SPEC 9). Pure.

- A customer files a request (``submitted``); Research Services assign a consultant and record the
  clarification (``clarifying``); a quotation makes it ``quoted`` (a revision keeps it there).
- The customer's written acceptance makes it ``commissioned``; production starts
  (``in_production``) only with a contract when one is required.
- A delivery makes it ``delivered``; an error reported within 30 days ``reopened``, and the new
  delivery ``delivered`` again. Before commission the customer may withdraw it (``withdrawn``).
"""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class CommissionState(StrEnum):
    SUBMITTED = "submitted"
    CLARIFYING = "clarifying"
    QUOTED = "quoted"
    COMMISSIONED = "commissioned"
    IN_PRODUCTION = "in_production"
    DELIVERED = "delivered"
    REOPENED = "reopened"
    WITHDRAWN = "withdrawn"


S = CommissionState

COMMISSION = Lifecycle.open_to_all("commission", CommissionState, [
    (S.SUBMITTED, S.CLARIFYING),
    (S.CLARIFYING, S.QUOTED),
    (S.QUOTED, S.QUOTED),
    (S.QUOTED, S.COMMISSIONED),
    (S.COMMISSIONED, S.IN_PRODUCTION),
    (S.IN_PRODUCTION, S.DELIVERED),
    (S.DELIVERED, S.REOPENED),
    (S.REOPENED, S.DELIVERED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.CLARIFYING, S.WITHDRAWN),
    (S.QUOTED, S.WITHDRAWN),
])

# Time is registered while the office works on it.
WORKING = (S.CLARIFYING, S.QUOTED, S.COMMISSIONED, S.IN_PRODUCTION, S.REOPENED)


class QuotationState(StrEnum):
    OPEN = "open"
    SUPERSEDED = "superseded"
    ACCEPTED = "accepted"


Q = QuotationState

QUOTATION = Lifecycle.open_to_all("quotation", QuotationState, [
    (Q.OPEN, Q.SUPERSEDED),
    (Q.OPEN, Q.ACCEPTED),
])
