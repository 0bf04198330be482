"""The bodies of the consulting service's routes (``/v1/commissions``)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from api.schemas.bodies import Body
from api.schemas.types import Day, Email, Line, Text
from boa.kernel import inputs

TableText = Annotated[str, msgspec.Meta(max_length=900_000, pattern=inputs.TEXT_PATTERN)]


class RegisterWishBody(Body):
    code: Line
    variables: list[Line]
    groupings: Text | None = None


class CommissionBody(Body):
    title: Line
    description: Text
    population: Line
    kind: Line = "new"
    previous_id: Line | None = None
    population_note: Text | None = None
    own_list_agreed: bool = False
    encrypted_submission: bool = False
    dpa_reference: Line | None = None
    dpa_retention_years: int | None = None
    registers: list[RegisterWishBody] = []
    periods: list[Line] = []
    formats: list[Line] = []
    deadline: Day | None = None
    budget_ore: int | None = None
    institution_id: Line | None = None
    contact_email: Email | None = None


class ClarificationBody(Body):
    clarification_hours: float
    consultant: Line | None = None
    answers: dict[Line, bool | None] = {}
    last_update: Line | None = None
    needed_by: Day | None = None
    special_terms: Text | None = None
    note: Text | None = None


class QuotationBody(Body):
    kind: Line
    hours: float
    hour_ceiling: float | None = None
    tables: list[Line] = []
    estimate_ore: int | None = None
    note: Text | None = None
    valid_days: int = 30


class AcceptBody(Body):
    statement: Text


class ContractBody(Body):
    reference: Line
    third_party_use: bool = False
    publish_raw: bool = False


class TimeBody(Body):
    task: Line
    minutes: int
    note: Text | None = None


class TableBody(Body):
    name: Line
    content: TableText
    format: Line = "xlsx"
    count: Line | None = None
    min: int = 3
    method: Line = "suppress"


class DeliveryBody(Body):
    documentation: Text
    tables: list[TableBody]


class AdviceBody(Body):
    minutes: int
    note: Text | None = None


class ErrorReportBody(Body):
    description: Text


class CustomerDataBody(Body):
    name: Line
    content: TableText


class GuestRequestBody(Body):
    """A request from a person without a BOA user: their name and e-mail address (a link to confirm
    and follow it is mailed there)."""

    name: Line
    contact_email: Email
    title: Line
    description: Text
    population: Line = "total"
    population_note: Text | None = None
    registers: list[RegisterWishBody] = []
    periods: list[Line] = []
    formats: list[Line] = []
    deadline: Day | None = None
    budget_ore: int | None = None
    language: Line | None = None


class GuestRequestAnswer(msgspec.Struct, kw_only=True):
    id: str
    contact_email: str
    confirmed: bool
