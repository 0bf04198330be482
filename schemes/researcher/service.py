"""Researcher-scheme verbs: create a project with its first proposal, edit it, re-propose, and
move it through the state machine. Side effects per (from, to) live in :func:`_dispatch`."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, extensions, mail
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique, get_or_404
from boa.people.institutions import active_agreement_for
from boa.people.lookups import roles_at, user_by_ident
from boa.people.models import Institution, InstitutionRole, User
from boa.registers.models import Register, RegisterVariable
from schemes.projects.models import Project
from schemes.projects.service import new_project, visible
from schemes.researcher import content as rules
from schemes.researcher import variable_description
from schemes.researcher.content import CatalogueEntry, Content, ExternalData, RegisterOrder, Segment
from schemes.researcher.models import Proposal, ProposalQuote
from schemes.researcher.states import (
    CLOSED,
    COMMENT_REQUIRED,
    NOTIFY,
    OWNED,
    QUOTABLE,
    QUOTERS,
    SIGNED,
    SIGNERS,
    SIGNING,
    Role,
    State,
    check_transition,
    is_frozen,
    next_states,
)

EDITORS = frozenset({"contact_person", "administrator"})
APPROVAL_RIGHT = "proposal_approval"


@dataclass(frozen=True)
class ContentInput:
    """The content as a body or a form gives it; ``None``: not given (unchanged in an edit, empty in
    a new proposal). ``datasets`` is the older way of naming registers (codes only)."""

    purpose: str | None = None
    population: Sequence[Segment] | None = None
    registers: Sequence[RegisterOrder] | None = None
    datasets: Sequence[str] | None = None
    external_description: str | None = None
    remove_external_data: bool = False


@dataclass(frozen=True)
class Invoice:
    number: str
    amount_ore: int


def clean_datasets(datasets: list[str], *, field: str = "datasets") -> list[str]:
    out = [d.strip().upper() for d in datasets]
    if any(not d or len(d) > 40 for d in out) or len(set(out)) != len(out):
        raise ValidationFailed("datasets are distinct, non-empty register names.", field=field)
    return out


async def current_proposal(session: AsyncSession, project: Project) -> Proposal | None:
    return await session.scalar(select(Proposal).where(Proposal.project_id == project.id)
                                .order_by(Proposal.version.desc()).limit(1))


async def valid_proposal(session: AsyncSession, project_id: int) -> Proposal | None:
    return await session.scalar(select(Proposal).where(Proposal.project_id == project_id, Proposal.valid))


async def catalogue_entries(session: AsyncSession, codes: Sequence[str]) -> dict[str, CatalogueEntry]:
    """The registers named (two queries, whatever their number); unknown codes are left out."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    found = list(await session.scalars(select(Register).where(Register.code.in_(wanted))))
    names: dict[int, set[str]] = {r.id: set() for r in found}
    if found:
        for register_id, name in (await session.execute(select(RegisterVariable.register_id, RegisterVariable.name)
                                                        .where(RegisterVariable.register_id.in_(names)))).all():
            names[register_id].add(name)
    return {r.code: CatalogueEntry(code=r.code, state=r.state, first_year=r.first_year, last_year=r.last_year,
                                   variables=frozenset(names[r.id])) for r in found}


def _orders(given: ContentInput) -> Sequence[RegisterOrder] | None:
    if given.registers is not None and given.datasets:
        raise ValidationFailed("Name the registers in registers (with variables and years), not also in datasets.",
                               field="datasets")
    if given.registers is not None:
        return given.registers
    if given.datasets is not None:
        return [RegisterOrder(code=d) for d in given.datasets]
    return None


async def checked_content(session: AsyncSession, project: Project, given: ContentInput, base: Content,
                          valid: Content | None) -> Content:
    """``base`` with what ``given`` changes, every part checked: the registers against the catalogue
    (and the project's kind for unreleased data), a re-proposal's segments against the valid one."""
    out = Content(purpose=base.purpose, population=list(base.population), registers=list(base.registers),
                  external_data=base.external_data)
    if given.purpose is not None:
        out.purpose = rules.purpose(given.purpose)
    if given.population is not None:
        out.population = rules.population(given.population)
    rules.keep_segments(out.population, valid)
    orders = _orders(given)
    if orders is not None:
        catalogue = await catalogue_entries(session, rules.wanted_codes(orders))
        out.registers = rules.registers(orders, catalogue, scheme=project.scheme, kind=project.kind,
                                        this_year=clock.now().year)
    if given.remove_external_data:
        out.external_data = None
    elif given.external_description is not None:
        description = rules.external_description(given.external_description)
        kept = base.external_data.variable_description if base.external_data else None
        out.external_data = ExternalData(description=description, variable_description=kept)
        await _external_data_allowed(session, project)
    return out


async def _external_data_allowed(session: AsyncSession, project: Project) -> None:
    """Each scheme's say on external data (the authority's purpose must allow linking own data)."""
    for check in extensions.current().on_external_data:
        await check(session, project)


async def create_project(session: AsyncSession, *, actor: Actor, institution_id: str, title: str,
                         description: str = "", datasets: list[str] | None = None, contact_ident: str | None = None,
                         end_date: date | None = None, deletion_date: date | None = None,
                         details: dict[str, Any] | None = None, given: ContentInput | None = None) -> Project:
    institution = await get_or_404(session, Institution, institution_id, "institution")
    roles = await roles_at(session, actor.user_id, institution.id)
    if not roles and not actor.is_staff:
        raise PermissionDenied("Only users of the institution create its projects.")
    if await active_agreement_for(session, institution.id, "researcher") is None:
        raise Conflict("The institution has no active agreement for the researcher scheme.", code="no_agreement")
    contact = await user_by_ident(session, contact_ident, field="contact_ident") if contact_ident else actor.user
    if contact is None:
        raise ValidationFailed("Name the project's contact person.", field="contact_ident")
    if not await roles_at(session, contact.id, institution.id):
        raise ValidationFailed(f"{contact.ident} is not associated with the institution.",
                               code="not_associated", field="contact_ident")
    given = given or ContentInput(datasets=datasets)
    if given.registers is None:
        clean_datasets(list(given.datasets or []))
    project = await new_project(session, actor=actor, institution=institution, scheme="researcher", title=title,
                                state=State.CREATED.value, contact_person_id=contact.id, datasets=[],
                                end_date=end_date, deletion_date=deletion_date)
    content = await checked_content(session, project, given, Content(), None)
    project.datasets = content.register_codes
    await add_proposal(session, project, title=project.title, description=description,
                       datasets=content.register_codes, details=details or {}, actor=actor, content=content)
    return project


async def add_proposal(session: AsyncSession, project: Project, *, title: str, description: str,
                       datasets: list[str], details: dict[str, Any], actor: Actor,
                       content: Content | None = None) -> Proposal:
    """A new proposal (``content`` checked by the caller; None: the datasets are all it names)."""
    version = (await session.scalar(select(func.max(Proposal.version)).where(Proposal.project_id == project.id))) or 0
    proposal = Proposal(project_id=project.id, version=version + 1, state=State.CREATED.value, valid=False,
                        title=title.strip(), description=description, datasets=datasets, details=details,
                        content=rules.encode(content) if content is not None else None)
    await add_unique(session, proposal, Conflict("Another proposal for this project is in progress.", code="proposal_in_progress"))
    project.state = proposal.state
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_CREATE,
                       subject=f"project:{project.number}",
                       version=proposal.version, after={"title": proposal.title, "datasets": datasets,
                                                        **({"content": rules.encode(content)} if content else {})})
    return proposal


async def editable_proposal(session: AsyncSession, actor: Actor, number: str) -> tuple[Project, Proposal]:
    """The project (locked) and its proposal, when ``actor`` may edit it now."""
    project, roles = await visible(session, actor, number, lock=True)
    if not roles & EDITORS:
        raise PermissionDenied("Only the contact person or an administrator edits the proposal.")
    proposal = await current_proposal(session, project)
    if proposal is None:
        raise Conflict("This project has no proposal.", code="no_proposal")
    if is_frozen(proposal.state):
        raise Conflict(f"The proposal is {proposal.state}; it cannot be edited until it is returned.",
                       code="proposal_frozen")
    if proposal.state in CLOSED:
        raise Conflict("The proposal is approved; make a re-proposal instead.", code="proposal_closed")
    return project, proposal


async def _valid_content(session: AsyncSession, project: Project, proposal: Proposal) -> Content | None:
    valid = await valid_proposal(session, project.id)
    return rules.decode(valid.content) if valid is not None and valid.id != proposal.id else None


async def edit_proposal(session: AsyncSession, *, actor: Actor, number: str, title: str | None,
                        description: str | None, datasets: list[str] | None,
                        given: ContentInput | None = None) -> Proposal:
    project, proposal = await editable_proposal(session, actor, number)
    given = given or ContentInput(datasets=datasets)
    if title is not None:
        if not title.strip():
            raise ValidationFailed("title must not be empty.", field="title")
        proposal.title = title.strip()
    if description is not None:
        proposal.description = description
    if given.registers is None and given.datasets is not None:
        clean_datasets(list(given.datasets))
    content = await checked_content(session, project, given, rules.decode(proposal.content),
                                    await _valid_content(session, project, proposal))
    proposal.content = rules.encode(content)
    proposal.datasets = content.register_codes
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_EDIT,
                       subject=f"project:{project.number}",
                       version=proposal.version, after={"title": proposal.title, "datasets": proposal.datasets,
                                                        "content": proposal.content})
    return proposal


async def attach_variable_description(session: AsyncSession, *, actor: Actor, number: str, name: str | None,
                                      data: bytes, description: str | None) -> Proposal:
    """The external data's variable description (CSV or XLSX, marking the variables to
    pseudonymise), read and checked off the event loop; replaces the one before. ``description``:
    the external data's description (required unless the proposal has one)."""
    project, proposal = await editable_proposal(session, actor, number)
    clean_name = variable_description.checked_name(name)
    if not data:
        raise ValidationFailed("The file is empty.", field="variable_description", code="empty_file")
    if len(data) > variable_description.MAX_BYTES:
        raise ValidationFailed(f"A variable description has at most {variable_description.MAX_BYTES // 1024} KB.",
                               field="variable_description", code="file_too_large")
    base = rules.decode(proposal.content)
    text = description if description and description.strip() else (
        base.external_data.description if base.external_data else "")
    if not text.strip():
        raise ValidationFailed("Describe the external data.", field="external_data.description")
    text = rules.external_description(text)
    await _external_data_allowed(session, project)

    def read() -> rules.VariableDescription:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload.{clean_name.rsplit('.', 1)[-1].lower()}"
            path.write_bytes(data)
            return variable_description.describe(path, clean_name)

    described = await anyio.to_thread.run_sync(read)
    base.external_data = ExternalData(description=text, variable_description=described)
    proposal.content = rules.encode(base)
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_VARIABLE_DESCRIPTION,
                       subject=f"project:{project.number}", version=proposal.version, name=clean_name,
                       sha256=described.sha256, variables=len(described.variables),
                       pseudonymise=[v.name for v in described.variables if v.pseudonymise])
    return proposal


async def repropose(session: AsyncSession, *, actor: Actor, number: str, title: str, description: str,
                    datasets: list[str], details: dict[str, Any], given: ContentInput | None = None) -> Proposal:
    """A new proposal for an existing project, with all data restated (nothing is carried over)."""
    project, roles = await visible(session, actor, number, lock=True)
    if not roles & EDITORS:
        raise PermissionDenied("Only the contact person or an administrator makes a re-proposal.")
    if project.deleted:
        raise Conflict("The project's deletion is approved; it takes no re-proposals.", code="project_deleted")
    proposal = await current_proposal(session, project)
    if proposal is None or proposal.state not in CLOSED:
        raise Conflict("A re-proposal needs an approved proposal and none in progress.", code="proposal_in_progress")
    given = given or ContentInput(datasets=datasets)
    if given.registers is None:
        clean_datasets(list(given.datasets or []))
    valid = await valid_proposal(session, project.id)
    content = await checked_content(session, project, given, Content(),
                                    rules.decode(valid.content) if valid is not None else None)
    if not content.registers and content.external_data is None:
        raise ValidationFailed("A re-proposal restates all its data: name the registers (or the external data).",
                               field="registers", code="data_not_stated")
    return await add_proposal(session, project, title=title, description=description,
                              datasets=content.register_codes, details=details, actor=actor, content=content)


def acting_roles(actor: Actor, roles: set[str]) -> set[str]:
    """The roles towards a project plus the Head of Division's, for the transition table."""
    if actor.is_staff and actor.has_staff_role(APPROVAL_RIGHT):
        return roles | {Role.HEAD_OF_DIVISION.value}
    return roles


async def offered_moves(session: AsyncSession, actor: Actor, project: Project, roles: set[str]) -> list[str]:
    """The moves ``actor`` may take on the project's proposal now (for the pages and the API)."""
    proposal = await current_proposal(session, project)
    if proposal is None or project.deleted:
        return []
    return next_states(proposal.state, acting_roles(actor, roles), done(proposal))


def done(proposal: Proposal) -> frozenset[str]:
    """What has happened to the proposal that a move may wait for (the transition table's guards)."""
    return frozenset({SIGNED}) if proposal.signed_at is not None else frozenset()


async def transition(session: AsyncSession, *, actor: Actor, number: str, to: str,
                     comment: str | None, invoice: Invoice | None = None) -> tuple[Project, Proposal]:
    project, roles = await visible(session, actor, number, lock=True)
    proposal = await current_proposal(session, project)
    if proposal is None:
        raise Conflict(f"Project {project.number} has no proposal workflow.", code="invalid_transition")
    if project.deleted:
        raise Conflict("The project is deleted.", code="project_deleted")
    old, new = check_transition(proposal.state, to, acting_roles(actor, roles), done(proposal))
    if new in COMMENT_REQUIRED and not (comment or "").strip():
        raise ValidationFailed("Say why the proposal is returned (comment).", field="comment", code="comment_required")
    if invoice is not None and new is not State.DATA_DELIVERED:
        raise ValidationFailed("An invoice is recorded with the delivery (data_delivered).", field="invoice",
                               code="invoice_not_expected")
    await _dispatch(session, actor, project, proposal, old, new, comment)
    if invoice is not None:
        proposal.invoice_number, proposal.invoice_amount_ore = _invoice_number(invoice.number), invoice.amount_ore
    proposal.state = project.state = new.value
    proposal.last_comment = comment
    extra = {"invoice": {"number": proposal.invoice_number, "amount_ore": proposal.invoice_amount_ore}} \
        if invoice is not None else {}
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_TRANSITION,
                       subject=f"project:{project.number}",
                       version=proposal.version, before={"state": old.value}, after={"state": new.value},
                       comment=comment, **extra)
    await _notify(session, project, old, new, actor, comment)
    return project, proposal


async def _dispatch(session: AsyncSession, actor: Actor, project: Project, proposal: Proposal, old: State,
                    new: State, comment: str | None) -> None:
    match (old, new):
        case (_, State.SENT_TO_OFFICE):
            if project.owner_id is None or not await _is_staff(session, project.owner_id):
                project.owner_id = await allocate_owner(session)
        case (State.SENT_TO_OFFICE, State.SENT_FOR_SIGNATURE):
            proposal.office_signed_by_id, proposal.office_signed_at = actor.user_id, clock.now()
        case (State.SENT_FOR_SIGNATURE, State.UNDER_REVIEW):
            # Refused by the signatory or returned by the Head of Division: the office and the
            # signatory sign again after the revision.
            proposal.office_signed_by_id = proposal.office_signed_at = None
            proposal.signatory_id = proposal.signed_at = None
        case (State.APPROVED, State.DATA_DELIVERED):
            proposal.delivered_by_id, proposal.delivered_at = actor.user_id, clock.now()
        case (State.SENT_FOR_SIGNATURE, State.APPROVED):
            proposal.approved_by_id, proposal.approved_at = actor.user_id, clock.now()
            await session.execute(update(Proposal).where(Proposal.project_id == project.id, Proposal.valid)
                                  .values(valid=False))
            await session.flush()
            proposal.valid = True
            project.title, project.datasets = proposal.title, list(proposal.datasets)
            project.approved_at = project.approved_at or clock.now()
        case _:
            pass


def _invoice_number(value: str) -> str:
    number = value.strip()
    if not number or len(number) > 40 or any(ord(c) < 32 for c in number):
        raise ValidationFailed("An invoice number is 1-40 characters.", field="invoice.number")
    return number


async def _is_staff(session: AsyncSession, user_id: int) -> bool:
    user = await session.get(User, user_id)
    return bool(user and user.is_staff and user.active)


def may_own(user: User) -> bool:
    """Whether a user may be allocated as a project owner: active office staff other than the Head
    of Division, who approves what the project owners prepare."""
    return user.active and user.is_staff and APPROVAL_RIGHT not in (user.staff_roles or [])


async def allocate_owner(session: AsyncSession) -> int | None:
    """The active staff member who owns the fewest proposals in progress (then the lowest id)."""
    active = [u for u in await session.scalars(select(User).where(User.active).order_by(User.id))
              if u.is_staff]
    # The Head of Division only when the office has no one else (a small installation).
    staff = [u for u in active if may_own(u)] or active
    if not staff:
        return None
    load = dict((await session.execute(select(Project.owner_id, func.count(Project.id)).where(
        Project.state.not_in([s.value for s in CLOSED])).group_by(Project.owner_id))).all())
    return min(staff, key=lambda u: (load.get(u.id, 0), u.id)).id


async def heads_of_division(session: AsyncSession) -> list[User]:
    """The active office staff with the right to approve proposals."""
    return [u for u in await session.scalars(select(User).where(User.active).order_by(User.id))
            if u.is_staff and APPROVAL_RIGHT in (u.staff_roles or [])]


async def _recipients(session: AsyncSession, project: Project, role: Role) -> list[User]:
    if role is Role.HEAD_OF_DIVISION:
        return await heads_of_division(session)
    if role in (Role.CONTACT_PERSON, Role.PROJECT_OWNER):
        uid = project.contact_person_id if role is Role.CONTACT_PERSON else project.owner_id
        user = await session.get(User, uid) if uid else None
        return [user] if user else []
    rows = await session.scalars(select(User).join(InstitutionRole, InstitutionRole.user_id == User.id).where(
        InstitutionRole.institution_id == project.institution_id, InstitutionRole.role == role.value))
    return list(rows)


async def _notify(session: AsyncSession, project: Project, old: State, new: State, actor: Actor,
                  comment: str | None) -> None:
    sent: set[str] = set()
    for role in NOTIFY.get((old, new), ()):
        for user in await _recipients(session, project, role):
            if not user.email or user.email in sent:
                continue
            sent.add(user.email)
            mail.send(session, to=user.email, template="proposal_state", lang=user.language, name=user.name,
                      number=project.number, title=project.title, old=old.value, new=new.value, comment=comment,
                      **mail.by(actor))


async def _acting_on(session: AsyncSession, actor: Actor, number: str, who: frozenset[Role],
                     states: frozenset[State], refused: PermissionDenied,
                     not_now: Conflict) -> tuple[Project, Proposal]:
    """The project (locked) and its proposal, when one of ``who`` acts and it is in ``states``."""
    project, roles = await visible(session, actor, number, lock=True)
    if not roles & {r.value for r in who}:
        raise refused
    proposal = await current_proposal(session, project)
    if proposal is None or proposal.state not in states or project.deleted:
        raise not_now
    return project, proposal


async def sign(session: AsyncSession, *, actor: Actor, number: str) -> tuple[Project, Proposal]:
    """The institution's signatory signs the proposal the project owner sent for signature; the
    Head of Division for the Data Portal then approves it (or returns it). Signing is not a move:
    the proposal stays ``sent_for_signature`` until it is approved."""
    project, proposal = await _acting_on(
        session, actor, number, SIGNERS, SIGNING,
        PermissionDenied("Only a signatory of the project's institution signs its proposal.",
                         code="transition_not_permitted"),
        Conflict("The proposal is not sent for signature.", code="not_sent_for_signature"))
    if proposal.signed_at is not None:
        raise Conflict("The proposal is signed already.", code="already_signed")
    proposal.signatory_id, proposal.signed_at = actor.user_id, clock.now()
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_SIGN,
                       subject=f"project:{project.number}", version=proposal.version)
    sent: set[str] = set()
    for user in await heads_of_division(session):
        if user.email and user.email not in sent:
            sent.add(user.email)
            mail.send(session, to=user.email, template="proposal_signed", lang=user.language, name=user.name,
                      number=project.number, title=project.title, **mail.by(actor))
    return project, proposal


def _amount(value: int) -> int:
    if isinstance(value, bool) or not 0 < value <= 10**13:
        raise ValidationFailed("The amount is a positive number of øre (DKK/100).", field="amount")
    return value


async def send_quote(session: AsyncSession, *, actor: Actor, number: str, amount_ore: int, valid_until: date,
                     note: str = "") -> tuple[Project, ProposalQuote]:
    """The project owner e-mails a price quote (amount, validity) to the project's contact person,
    once the proposal is with the office and until the data are delivered."""
    project, proposal = await _acting_on(
        session, actor, number, QUOTERS, QUOTABLE,
        PermissionDenied("Only the project's owner in Research Services sends the price quote.",
                         code="not_project_owner"),
        Conflict("A price quote is sent once the proposal is with Research Services, before the delivery.",
                 code="quote_not_expected"))
    amount = _amount(amount_ore)
    if valid_until < clock.now().date():
        raise ValidationFailed("The quote's validity date has passed.", field="valid_until", code="quote_expired")
    if len(note) > 5000 or any(ord(c) < 32 and c not in "\n\r\t" for c in note):
        raise ValidationFailed("The note is at most 5000 characters of text.", field="note")
    contact = await session.get(User, project.contact_person_id) if project.contact_person_id else None
    if contact is None or not contact.email:
        raise Conflict("The project's contact person has no e-mail address.", code="no_contact_email")
    quote = ProposalQuote(proposal_id=proposal.id, amount_ore=amount, valid_until=valid_until, note=note.strip(),
                          sent_to=contact.email, sent_by_id=actor.user_id, sent_at=clock.now())
    session.add(quote)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_QUOTE,
                       subject=f"project:{project.number}", version=proposal.version, quote=quote.id,
                       amount_ore=amount, valid_until=valid_until.isoformat(), to=contact.email)
    mail.send(session, to=contact.email, template="proposal_quote", lang=contact.language, name=contact.name,
              number=project.number, title=project.title, amount=format_amount(amount, contact.language),
              valid_until=valid_until, note=quote.note, **mail.by(actor))
    return project, quote


def format_amount(amount_ore: int, lang: str | None) -> str:
    """DKK as a reader writes it: 12.500,00 kr. (Danish) or DKK 12,500.00 (English)."""
    kroner, ore = divmod(amount_ore, 100)
    if lang == "en":
        return f"DKK {kroner:,}.{ore:02d}"
    return f"{kroner:,}".replace(",", ".") + f",{ore:02d} kr."


async def approval_queue(session: AsyncSession, *, actor: Actor) -> list[tuple[Project, Proposal]]:
    """The Head of Division's queue: proposals sent for signature, the signed ones (ready to
    approve) first, oldest signature first."""
    if not (actor.is_staff and actor.has_staff_role(APPROVAL_RIGHT)):
        raise PermissionDenied("Only the Head of Division for the Data Portal (proposal_approval) approves proposals.",
                               code="proposal_approval_required")
    rows = (await session.execute(
        select(Project, Proposal).join(Proposal, Proposal.project_id == Project.id)
        .where(Proposal.state == State.SENT_FOR_SIGNATURE.value, Project.deleted.is_(False))
        .order_by(Proposal.signed_at.is_(None), Proposal.signed_at, Project.number))).all()
    return [(p, x) for p, x in rows]


async def replace_departed_owners(session: AsyncSession, *, actor: Actor) -> list[tuple[Project, int | None, int]]:
    """Every project in the office's hands whose owner has left (deactivated, or no longer office
    staff) gets a new owner, who is told by mail; audited. Answers (project, old owner, new owner)."""
    owners = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(
        select(Project.owner_id).where(Project.state.in_([s.value for s in OWNED]), Project.owner_id.is_not(None)))))}
    left = [uid for uid, u in owners.items() if not (u.active and u.is_staff)]
    if not left:
        return []
    out: list[tuple[Project, int | None, int]] = []
    projects = list(await session.scalars(select(Project).where(
        Project.state.in_([s.value for s in OWNED]), Project.owner_id.in_(left), Project.deleted.is_(False))
        .order_by(Project.number).with_for_update()))
    for project in projects:
        new = await allocate_owner(session)
        if new is None:
            break
        old, project.owner_id = project.owner_id, new
        await session.flush()
        await audit.record(session, actor=actor.label, action=AuditAction.PROPOSAL_OWNER_REPLACED,
                           subject=f"project:{project.number}", before={"owner": old}, after={"owner": new},
                           reason="owner_left")
        user = await session.get_one(User, new)
        mail.send(session, to=user.email, template="proposal_owner", lang=user.language, name=user.name,
                  number=project.number, title=project.title, state=project.state)
        out.append((project, old, new))
    return out
