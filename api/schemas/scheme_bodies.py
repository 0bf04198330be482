"""Request bodies of the schemes area: msgspec Structs that refuse unknown fields."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from api.schemas.bodies import Body
from api.schemas.types import Day, Line, Text
from schemes.researcher.content import amount_ore

# An amount in DKK: kroner with up to two decimals ("12500", "12500.50").
Amount = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,11}(\.[0-9]{1,2})?$",
                                     description="DKK with up to two decimals, e.g. 12500.00")]
Year = Annotated[int, msgspec.Meta(ge=1000, le=9999)]


def ore(value: str) -> int:
    """An :data:`Amount` in øre."""
    return amount_ore(value)


class SegmentBody(Body):
    """A population segment: its name and delimitation; an extension is an appendix."""

    name: Line
    delimitation: Text
    appendices: list[Text] = []


class RegisterBody(Body):
    """A register of the catalogue with the variables and years the project needs."""

    code: Line
    variables: list[Line] = []
    years: list[Year] = []


class ExternalDataBody(Body):
    """The external data's description; the variable description is uploaded to
    ``POST /v1/projects/{number}/proposal/variable-description``."""

    description: Text


class ProposalContentFields(Body):
    """The proposal's content (SPEC 3.1). ``registers`` replaces the older ``datasets`` (codes only)."""

    purpose: Text | None = None
    population: list[SegmentBody] | None = None
    registers: list[RegisterBody] | None = None
    external_data: ExternalDataBody | None = None


class ProjectBody(ProposalContentFields, kw_only=True):
    institution_id: Line
    scheme: Line
    title: Line
    description: Text = ""
    datasets: list[Line] = []
    contact_ident: Line | None = None
    end_date: Day | None = None
    deletion_date: Day | None = None
    details: dict[str, Any] = {}


class ProjectPatch(Body):
    deletion_date: Day


class InvoiceBody(Body):
    number: Line
    amount: Amount


class TransitionBody(Body):
    to: Line
    comment: Text | None = None
    # With ``to: data_delivered`` only: the invoice for the delivery.
    invoice: InvoiceBody | None = None


class ProposalPatch(ProposalContentFields, kw_only=True):
    title: Line | None = None
    description: Text | None = None
    datasets: list[Line] | None = None
    # Removes the external data (with its variable description).
    remove_external_data: bool = False


class ReProposalBody(ProposalContentFields, kw_only=True):
    """A re-proposal restates everything: its registers (or ``datasets``), population, purpose and
    external data; nothing is carried over."""

    title: Line
    description: Text
    datasets: list[Line] = []
    details: dict[str, Any] = {}


class QuoteBody(Body):
    amount: Amount
    valid_until: Day
    note: Text = ""


class ProjectDatabaseBody(Body):
    institution_id: Line
    manager_idents: list[Line]
    datasets: list[Line] = []


class ManagersBody(Body):
    manager_idents: list[Line]


class SubProjectBody(Body):
    title: Line
    datasets: list[Line]


class ExtendBody(Body):
    end_date: Day


class CloseBody(Body):
    reason: Text


class DatasetsBody(Body):
    """Datasets added by agreement: register codes from the catalogue, and the agreement."""

    datasets: list[Line]
    agreement: Text


class NarrowBody(Body):
    datasets: list[Line]
    reason: Text


class MoveBody(Body):
    reason: Text


class ResponsibleBody(Body):
    ident: Line


class AssessmentBody(Body):
    overlap: Text
    growth: Text


class AgreementBody(Body):
    state: Line
    reason: Text = ""


class NeedBody(Body):
    description: Text


class DeliveryBody(Body):
    description: Text
    registers: list[Line] = []


class PurposeBody(Body):
    topics: list[Line]
    registers: list[Line]
    valid_from: Day | None = None
    link_own_data: bool = False


class AuthoritySchemeBody(Body):
    institution_id: Line
    purpose: PurposeBody


class LawModelBody(Body):
    institution_id: Line
    rule_set: dict[str, Any] | None = None
