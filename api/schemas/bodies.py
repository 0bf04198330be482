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


class MeasureBody(Body):
    """A measure of the plan: what, who, when, the target group; implemented or planned."""

    what: str
    who: str
    when: str
    target_group: str
    status: str = "implemented"


class ReportBody(Body):
    """The report and plan in the standard template: ``report`` is the incident, ``plan`` the plan's
    summary; the sections and the measures are required (422 ``template_incomplete``)."""

    report: str
    plan: str
    scope: str | None = None
    current_rules: str | None = None
    actions_taken: str | None = None
    user_consequences: str | None = None
    measures: list[MeasureBody] | None = None


class PreparationBody(Body):
    """Research Services' preparation: the severity proposal and the seed's deciding factors."""

    severity: str
    conscious: bool
    self_detected: bool
    note: str
    data_volume: str | None = None
    warning_ignored: bool | None = None


class AssessmentBody(Body):
    adequate: bool
    comment: str | None = None


class SanctionDecisionBody(Body):
    severity: str
    comment: str | None = None
    supervisory_board: str | None = None


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
