"""Request bodies of the schemes area: msgspec Structs that refuse unknown fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.schemas.bodies import Body


class ProjectBody(Body):
    institution_id: str
    scheme: str
    title: str
    description: str = ""
    datasets: list[str] = []
    contact_ident: str | None = None
    end_date: date | None = None
    deletion_date: date | None = None
    details: dict[str, Any] = {}


class ProjectPatch(Body):
    deletion_date: date


class TransitionBody(Body):
    to: str
    comment: str | None = None


class ProposalPatch(Body):
    title: str | None = None
    description: str | None = None
    datasets: list[str] | None = None


class ReProposalBody(Body):
    title: str
    description: str
    datasets: list[str]
    details: dict[str, Any] = {}


class ProjectDatabaseBody(Body):
    institution_id: str
    manager_idents: list[str]
    datasets: list[str] = []


class ManagersBody(Body):
    manager_idents: list[str]


class SubProjectBody(Body):
    title: str
    datasets: list[str]


class ExtendBody(Body):
    end_date: date


class CloseBody(Body):
    reason: str


class PurposeBody(Body):
    topics: list[str]
    registers: list[str]
    valid_from: date | None = None
    link_own_data: bool = False


class AuthoritySchemeBody(Body):
    institution_id: str
    purpose: PurposeBody


class LawModelBody(Body):
    institution_id: str
    rule_set: dict[str, Any] | None = None
