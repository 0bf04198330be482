"""Schemes → the shapes both faces show (ids and project numbers are strings, days ISO dates,
times ISO 8601 UTC).

Each shape is a msgspec Struct defined here, beside the pure function that builds it from rows
already loaded (no function here queries: :mod:`schemes.views` loads, then presents). The JSON
API answers these Structs as they are; the admin pages show them. A key shown only sometimes is
``UNSET`` when absent (left out of the JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from boa.kernel.clock import iso as ts
from schemes.authority.models import AuthorityScheme, NeedChange, PurposeDescription, TailoredDelivery
from schemes.law_model.models import LawModel
from schemes.project_database.models import ProjectDatabase
from schemes.projects.models import Project, ProjectMember
from schemes.researcher import content as proposal_content
from schemes.researcher.content import ExternalData, RegisterOrder, Segment
from schemes.researcher.models import Proposal, ProposalQuote


class MemberView(msgspec.Struct, kw_only=True):
    ident: str
    state: str
    activated_at: str | None
    ended_at: str | None
    ended_reason: str | None


class QuoteView(msgspec.Struct, kw_only=True):
    """A price quote as sent: ``amount`` in DKK as a decimal string ("12500.00")."""

    id: str
    version: int
    amount: str
    valid_until: str
    note: str
    sent_to: str
    sent_by: str | None
    sent_at: str | None


class InvoiceView(msgspec.Struct, kw_only=True):
    number: str
    amount: str | None


class ProposalView(msgspec.Struct, kw_only=True):
    """A proposal; ``datasets`` are the codes of its ``registers`` (kept for older clients)."""

    version: int
    state: str
    valid: bool
    title: str
    description: str
    datasets: list[str]
    details: dict[str, Any]
    office_signed_by: str | None
    office_signed_at: str | None
    signatory: str | None
    signed_at: str | None
    comment: str | None
    purpose: str = ""
    population: list[Segment] = []
    registers: list[RegisterOrder] = []
    external_data: ExternalData | None = None
    approved_by: str | None = None
    approved_at: str | None = None
    delivered_by: str | None = None
    delivered_at: str | None = None
    invoice: InvoiceView | None = None
    quotes: list[QuoteView] = []


class ApprovalQueueItem(msgspec.Struct, kw_only=True):
    """A proposal sent for signature; ``signed``: the signatory has signed, the Head of Division may
    approve it."""

    number: str
    title: str
    institution_id: str
    version: int
    project_owner: str | None
    signatory: str | None
    signed_at: str | None
    signed: bool
    registers: list[str]


class ProjectView(msgspec.Struct, kw_only=True):
    """A project; ``members`` and ``proposals`` only in the full view of one project."""

    number: str
    id: str
    institution_id: str
    scheme: str
    kind: str | None
    billed_as: str
    title: str
    state: str
    approved: bool
    contact_person: str | None
    project_owner: str | None
    datasets: list[str]
    end_date: str | None
    deletion_date: str | None
    deleted: bool
    deletion_approved_at: str | None
    closed_at: str | None
    created_at: str | None
    members: list[MemberView] | UnsetType = UNSET
    proposals: list[ProposalView] | UnsetType = UNSET


class SubProjectView(msgspec.Struct):
    number: str
    title: str
    state: str
    datasets: list[str]


class AssessmentView(msgspec.Struct):
    overlap: str
    growth: str
    assessed_at: str | None
    assessed_by: str | None


class ProjectDatabaseView(msgspec.Struct):
    id: str
    institution_id: str
    state: str
    datasets: list[str]
    end_date: str | None
    closed_at: str | None
    managers: list[str]
    main_project: str | None
    sub_projects: list[SubProjectView]
    responsible: str | None = None  # the responsible person at Research Services
    assessment: AssessmentView | None = None  # the office's assessment of overlap and growth


class PurposeView(msgspec.Struct):
    version: int
    topics: list[str]
    registers: list[str]
    link_own_data: bool
    valid_from: str | None
    valid_until: str | None


class NeedView(msgspec.Struct):
    id: str
    description: str
    told_by: str
    told_at: str | None
    answered_by_version: int | None


class DeliveryView(msgspec.Struct):
    id: str
    purpose_version: int
    description: str
    registers: list[str]
    delivered_by: str
    delivered_at: str | None


class AuthoritySchemeView(msgspec.Struct, kw_only=True):
    """The scheme: its agreement's state (no fixed period: access lasts while it is active), its
    purpose descriptions (the current one among them), the needs told, the tailored deliveries."""

    id: str
    institution_id: str
    project: str
    agreement: str
    signed_at: str | None
    activated_at: str | None
    terminated_at: str | None
    purpose: PurposeView | None
    purposes: list[PurposeView]
    members: list[MemberView]
    needs: list[NeedView]
    deliveries: list[DeliveryView]


class LawModelView(msgspec.Struct):
    id: str
    institution_id: str
    project: str | None
    rule_set: dict[str, Any] | None
    members: list[MemberView]


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def project(p: Project, who: Mapping[int, str], *, members: list[MemberView] | UnsetType = UNSET,
            proposals: list[ProposalView] | UnsetType = UNSET) -> ProjectView:
    """``who``: the IDENTs of (at least) the project's contact person and owner, by user id."""
    return ProjectView(
        number=str(p.number), id=str(p.id), institution_id=str(p.institution_id), scheme=p.scheme, kind=p.kind,
        billed_as=p.billed_as, title=p.title, state=p.state, approved=p.approved_at is not None,
        contact_person=who.get(p.contact_person_id or 0), project_owner=who.get(p.owner_id or 0),
        datasets=list(p.datasets or []), end_date=_date(p.end_date), deletion_date=_date(p.deletion_date),
        deleted=p.deleted, deletion_approved_at=ts(p.deletion_approved_at), closed_at=ts(p.closed_at),
        created_at=ts(p.created_at), members=members, proposals=proposals)


def member(m: ProjectMember, ident: str) -> MemberView:
    return MemberView(ident=ident, state=m.state, activated_at=ts(m.activated_at), ended_at=ts(m.ended_at),
                      ended_reason=m.ended_reason)


def amount(ore: int | None) -> str | None:
    """Øre as DKK with two decimals ("12500.00")."""
    if ore is None:
        return None
    kroner, rest = divmod(ore, 100)
    return f"{kroner}.{rest:02d}"


def quote(q: ProposalQuote, version: int, who: Mapping[int, str]) -> QuoteView:
    return QuoteView(id=str(q.id), version=version, amount=amount(q.amount_ore) or "0.00",
                     valid_until=q.valid_until.isoformat(), note=q.note, sent_to=q.sent_to,
                     sent_by=who.get(q.sent_by_id or 0), sent_at=ts(q.sent_at))


def proposal_signers(x: Proposal) -> tuple[int | None, ...]:
    """The users a proposal's view names (for one lookup of their IDENTs)."""
    return x.office_signed_by_id, x.signatory_id, x.approved_by_id, x.delivered_by_id


def proposal(x: Proposal, who: Mapping[int, str], quotes: list[ProposalQuote] | None = None) -> ProposalView:
    """``who``: the IDENTs of (at least) the proposal's signers and the quotes' senders, by user id."""
    content = proposal_content.decode(x.content)
    return ProposalView(
        version=x.version, state=x.state, valid=x.valid, title=x.title, description=x.description,
        datasets=list(x.datasets or []), details=x.details or {},
        office_signed_by=who.get(x.office_signed_by_id or 0), office_signed_at=ts(x.office_signed_at),
        signatory=who.get(x.signatory_id or 0), signed_at=ts(x.signed_at), comment=x.last_comment,
        purpose=content.purpose, population=content.population, registers=content.registers,
        external_data=content.external_data, approved_by=who.get(x.approved_by_id or 0),
        approved_at=ts(x.approved_at), delivered_by=who.get(x.delivered_by_id or 0), delivered_at=ts(x.delivered_at),
        invoice=InvoiceView(number=x.invoice_number, amount=amount(x.invoice_amount_ore))
        if x.invoice_number else None,
        quotes=[quote(q, x.version, who) for q in quotes or []])


def queue_item(p: Project, x: Proposal, who: Mapping[int, str]) -> ApprovalQueueItem:
    return ApprovalQueueItem(number=str(p.number), title=x.title, institution_id=str(p.institution_id),
                             version=x.version, project_owner=who.get(p.owner_id or 0),
                             signatory=who.get(x.signatory_id or 0), signed_at=ts(x.signed_at),
                             signed=x.signed_at is not None,
                             registers=proposal_content.decode(x.content).register_codes or list(x.datasets or []))


def project_database(pdb: ProjectDatabase, managers: list[str], main: Project | None,
                     subs: list[Project], responsible: str | None = None) -> ProjectDatabaseView:
    """``managers``: the managers' IDENTs, in their order."""
    assessment = None if pdb.overlap_assessment is None else AssessmentView(
        overlap=pdb.overlap_assessment, growth=pdb.growth_assessment or "", assessed_at=ts(pdb.assessed_at),
        assessed_by=pdb.assessed_by)
    return ProjectDatabaseView(responsible=responsible, assessment=assessment,
        id=str(pdb.id), institution_id=str(pdb.institution_id), state=pdb.state, datasets=list(pdb.datasets or []),
        end_date=_date(pdb.end_date), closed_at=ts(pdb.closed_at), managers=managers,
        main_project=str(main.number) if main else None,
        sub_projects=[SubProjectView(number=str(s.number), title=s.title, state=s.state,
                                     datasets=list(s.datasets or [])) for s in subs])


def purpose(x: PurposeDescription) -> PurposeView:
    return PurposeView(version=x.version, topics=list(x.topics), registers=list(x.registers),
                       link_own_data=x.link_own_data, valid_from=_date(x.valid_from),
                       valid_until=_date(x.valid_until))


def authority_scheme(s: AuthorityScheme, project_row: Project, purposes: list[PurposeDescription],
                     current: PurposeDescription | None, members: list[MemberView], needs: list[NeedChange],
                     deliveries: list[TailoredDelivery]) -> AuthoritySchemeView:
    versions = {p.id: p.version for p in purposes}
    return AuthoritySchemeView(
        id=str(s.id), institution_id=str(s.institution_id), project=str(project_row.number), agreement=s.agreement,
        signed_at=ts(s.signed_at), activated_at=ts(s.activated_at), terminated_at=ts(s.terminated_at),
        purpose=purpose(current) if current else None, purposes=[purpose(p) for p in purposes], members=members,
        needs=[need(n) for n in needs],
        deliveries=[delivery(d, versions[d.purpose_id]) for d in deliveries])


def need(n: NeedChange) -> NeedView:
    return NeedView(id=str(n.id), description=n.description, told_by=n.told_by, told_at=ts(n.created_at),
                    answered_by_version=n.answered_by_version)


def delivery(d: TailoredDelivery, version: int) -> DeliveryView:
    return DeliveryView(id=str(d.id), purpose_version=version, description=d.description,
                        registers=list(d.registers), delivered_by=d.delivered_by, delivered_at=ts(d.created_at))


def law_model(model: LawModel, project_row: Project | None, members: list[MemberView]) -> LawModelView:
    return LawModelView(id=str(model.id), institution_id=str(model.institution_id),
                        project=str(project_row.number) if project_row else None, rule_set=model.rule_set,
                        members=members)
