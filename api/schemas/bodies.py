"""Request bodies: msgspec Structs that refuse unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class Body(msgspec.Struct, forbid_unknown_fields=True):
    pass


class LoginBody(Body):
    ident: str
    pin: str


class VerifyBody(Body):
    challenge_id: str
    code: str


class ActivateBody(Body):
    ident: str
    activation_code: str
    pin: str


class EnrolmentBody(Body):
    """The activation page's choice of the first second factor, with the ticket from activation."""

    ticket: str
    kind: str
    mobile: str | None = None


class EnrolmentConfirmBody(Body):
    ticket: str
    token_id: str
    code: str


class EmailConfirmBody(Body):
    token: str


class PinChangeBody(Body):
    old_pin: str
    new_pin: str


class MePatch(Body):
    email: str | None = None
    mobile: str | None = None
    address: dict[str, Any] | None = None
    language: str | None = None


class InstitutionBody(Body):
    name: str
    authorisation_number: int
    kind: str
    mail_domains: list[str] = []
    address: dict[str, Any] | None = None


class AgreementBody(Body):
    schemes: list[str]
    responsible_ident: str
    substitute_idents: list[str]


class TerminateBody(Body):
    reason: str


class RoleBody(Body):
    ident: str
    role: str


class UserBody(Body):
    name: str
    email: str
    mobile: str | None = None
    staff_roles: list[str] = []


class UserRequestBody(Body):
    name: str
    email: str
    mobile: str | None = None


class DecisionBody(Body):
    comment: str | None = None


class IdentBody(Body):
    ident: str


class AgreementAcceptBody(Body):
    version: int


class AnswersBody(Body):
    """A certification attempt's answers: question id → option id, one for every question."""

    answers: dict[str, str]


class TokenBody(Body):
    kind: str
    mobile: str | None = None
    address: dict[str, Any] | None = None
    attention: str | None = None
    justification: dict[str, Any] | None = None


class CodeBody(Body):
    code: str


class ShipBody(Body):
    serial: str | None = None


class NoteBody(Body):
    text: str


class SubmitBody(Body):
    approve: bool = False


class ProtectBody(Body):
    """'Protect this table': ``suppress`` (cells shown as ``..``) or ``aggregate`` (categories moved
    into "statistical disclosure control"); ``min`` at least the gate's threshold; ``count`` the
    count column when the header does not say; ``lang`` the labels (Total/I alt)."""

    method: str = "suppress"
    min_count: int | None = msgspec.field(default=None, name="min")
    count: str | None = None
    lang: str = "en"


class ReviewBody(Body):
    outcome: str
    comment: str | None = None


class BreachBody(Body):
    ident: str
    kind: str
    description: str
    occurred_at: datetime
    self_reported: bool = False
    project: str | None = None
    institution_id: str | None = None
    scheme: str | None = None
    transfer_tool_used: bool | None = None
    warning_ignored: bool | None = None
    data_volume: str | None = None


class ReportBody(Body):
    report: str
    plan: str


class AssessmentBody(Body):
    adequate: bool
    comment: str | None = None


class SanctionDecisionBody(Body):
    severity: str
    comment: str | None = None


class CommentBody(Body):
    comment: str


class VariableBody(Body):
    """A register's variable: ``key`` marks an identifier that is pseudonymised (PNR, CVRNR, ...)."""

    name: str
    label_da: str
    label_en: str
    key: bool = False
    documentation_url: str | None = None


class RegisterBody(Body):
    code: str
    name_da: str
    name_en: str
    first_year: int
    frequency: str
    released: bool = False
    variables: list[VariableBody] = []


class RegisterPatch(Body):
    name_da: str | None = None
    name_en: str | None = None
    first_year: int | None = None
    frequency: str | None = None


class CloseRegisterBody(Body):
    last_year: int


class VariablePatch(Body):
    """What is given changes; an empty ``documentation_url`` removes the link."""

    label_da: str | None = None
    label_en: str | None = None
    key: bool | None = None
    documentation_url: str | None = None
