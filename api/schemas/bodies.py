"""Request bodies: msgspec Structs that refuse unknown fields, typed by ``api/schemas/types.py``."""

from __future__ import annotations

from typing import Any

import msgspec

from api.schemas.types import Address, Email, Line, Moment, Text, Url
from boa.kernel import inputs
from boa.kernel.errors import ValidationFailed


class Body(msgspec.Struct, forbid_unknown_fields=True):
    def __post_init__(self) -> None:
        """Every date in range and every text free of the refused characters, the free-form
        objects' included (:func:`boa.kernel.inputs.check_value`): a 400 like a type error."""
        for name in self.__struct_fields__:
            try:
                inputs.check_value(getattr(self, name), name)
            except ValidationFailed as err:
                raise ValueError(err.detail) from None


class LoginBody(Body):
    ident: Line
    pin: Line


class VerifyBody(Body):
    challenge_id: Line
    code: Line


class ActivateBody(Body):
    ident: Line
    activation_code: Line
    pin: Line


class EnrolmentBody(Body):
    """The activation page's choice of the first second factor, with the ticket from activation."""

    ticket: Line
    kind: Line
    mobile: Line | None = None


class EnrolmentConfirmBody(Body):
    ticket: Line
    token_id: Line
    code: Line


class EmailConfirmBody(Body):
    token: Line


class PinChangeBody(Body):
    old_pin: Line
    new_pin: Line


class MePatch(Body):
    email: Email | None = None
    mobile: Line | None = None
    address: Address | None = None
    language: Line | None = None


class InstitutionBody(Body):
    name: Line
    authorisation_number: int
    kind: Line
    mail_domains: list[Line] = []
    address: Address | None = None


class AgreementBody(Body):
    schemes: list[Line]
    responsible_ident: Line
    substitute_idents: list[Line]


class TerminateBody(Body):
    reason: Text


class RoleBody(Body):
    ident: Line
    role: Line


class UserBody(Body):
    name: Line
    email: Email
    mobile: Line | None = None
    staff_roles: list[Line] = []


class UserRequestBody(Body):
    name: Line
    email: Email
    mobile: Line | None = None


class DecisionBody(Body):
    comment: Text | None = None


class IdentBody(Body):
    ident: Line


class AgreementAcceptBody(Body):
    version: int


class AnswersBody(Body):
    """A certification attempt's answers: question id → option id, one for every question."""

    answers: dict[str, str]


class TokenBody(Body):
    kind: Line
    mobile: Line | None = None
    address: Address | None = None
    attention: Line | None = None
    justification: dict[str, Any] | None = None


class CodeBody(Body):
    code: Line


class ShipBody(Body):
    serial: Line | None = None


class NoteBody(Body):
    text: Text


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
    outcome: Line
    comment: Text | None = None


class BreachBody(Body):
    ident: Line
    kind: Line
    description: Text
    occurred_at: Moment
    self_reported: bool = False
    project: Line | None = None
    institution_id: Line | None = None
    scheme: Line | None = None
    transfer_tool_used: bool | None = None
    warning_ignored: bool | None = None
    data_volume: Line | None = None


class MeasureBody(Body):
    """A measure of the plan: what, who, when, the target group; implemented or planned."""

    what: Text
    who: Line
    when: Line
    target_group: Line
    status: Line = "implemented"


class ReportBody(Body):
    """The report and plan in the standard template: ``report`` is the incident, ``plan`` the plan's
    summary; the sections and the measures are required (422 ``template_incomplete``)."""

    report: Text
    plan: Text
    scope: Text | None = None
    current_rules: Text | None = None
    actions_taken: Text | None = None
    user_consequences: Text | None = None
    measures: list[MeasureBody] | None = None


class PreparationBody(Body):
    """Research Services' preparation: the severity proposal and the seed's deciding factors."""

    severity: Line
    conscious: bool
    self_detected: bool
    note: Text
    data_volume: Line | None = None
    warning_ignored: bool | None = None


class AssessmentBody(Body):
    adequate: bool
    comment: Text | None = None


class SanctionDecisionBody(Body):
    severity: Line
    comment: Text | None = None
    supervisory_board: Text | None = None


class CommentBody(Body):
    comment: Text


class VariableBody(Body):
    """A register's variable: ``key`` marks an identifier that is pseudonymised (PNR, CVRNR, ...)."""

    name: Line
    label_da: Line
    label_en: Line
    key: bool = False
    documentation_url: Url | None = None


class RegisterBody(Body):
    code: Line
    name_da: Line
    name_en: Line
    first_year: int
    frequency: Line
    released: bool = False
    variables: list[VariableBody] = []


class RegisterPatch(Body):
    name_da: Line | None = None
    name_en: Line | None = None
    first_year: int | None = None
    frequency: Line | None = None


class CloseRegisterBody(Body):
    last_year: int


class VariablePatch(Body):
    """What is given changes; an empty ``documentation_url`` removes the link."""

    label_da: Line | None = None
    label_en: Line | None = None
    key: bool | None = None
    documentation_url: Url | None = None
