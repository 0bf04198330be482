"""Request bodies of the schemes area: msgspec Structs that refuse unknown fields."""

from __future__ import annotations

from typing import Any

from api.schemas.bodies import Body
from api.schemas.types import Day, Line, Text


class ProjectBody(Body):
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


class TransitionBody(Body):
    to: Line
    comment: Text | None = None


class ProposalPatch(Body):
    title: Line | None = None
    description: Text | None = None
    datasets: list[Line] | None = None


class ReProposalBody(Body):
    title: Line
    description: Text
    datasets: list[Line]
    details: dict[str, Any] = {}


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
