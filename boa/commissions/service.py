"""The consulting service's verbs (SPEC 9, seed 001). Each takes ``actor=``, checks who may act
(the customer who filed the request, or Research Services), checks its input with
:mod:`boa.commissions.rules`, moves the commission only through :data:`~boa.commissions.states.COMMISSION`
and writes its audit row (and any mail, through the outbox) in the same transaction: a refusal
changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.commissions import formats, rules
from boa.commissions.models import (
    Advice,
    Commission,
    CustomerData,
    Delivery,
    DeliveryFile,
    Invoice,
    Quotation,
    TimeEntry,
)
from boa.commissions.states import COMMISSION, QUOTATION, WORKING, CommissionState, QuotationState
from boa.disclosure.protect import check_parameters, protect_table, read_table
from boa.kernel import audit, clock, mail
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from boa.kernel.inputs import check_email
from boa.kernel.queries import changed, parse_id
from boa.kernel.settings import get_settings
from boa.people.models import Institution, User
from boa.registers.models import Register, RegisterVariable

S = CommissionState


@dataclass(frozen=True)
class RegisterWish:
    code: str
    variables: list[str]
    groupings: str | None = None


@dataclass(frozen=True)
class RequestSpec:
    title: str
    description: str
    population: str
    kind: str = "new"
    previous_id: int | None = None
    population_note: str | None = None
    own_list_agreed: bool = False
    encrypted_submission: bool = False
    dpa_reference: str | None = None
    dpa_retention_years: int | None = None
    registers: tuple[RegisterWish, ...] = ()
    periods: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    deadline: date | None = None
    budget_ore: int | None = None
    institution_id: int | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One table of a delivery: its name, the format it is delivered in, and its content as a long
    frequency table (semicolon-separated text: category columns and one count column)."""

    name: str
    content: str
    format: str = "xlsx"
    count: str | None = None
    min_count: int = 3
    method: str = "suppress"


def _subject(c: Commission) -> str:
    return f"commission:{c.id}"


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services handle commissioned statistics.")


def _customer_user(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied("A commission is requested by a person.")
    return actor.user_id


async def commission_for(session: AsyncSession, commission_id: Any, *, actor: Actor, lock: bool = False) -> Commission:
    """The commission, for its customer or Research Services; 404 for anyone else."""
    key = parse_id(commission_id, "commission")
    query = select(Commission).where(Commission.id == key)
    if lock:
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is None or not (actor.is_staff or is_customer(row, actor)):
        raise NotFound(f"No commission with id {commission_id!r}.")
    return row


def is_customer(c: Commission, actor: Actor) -> bool:
    """The commission's customer: its user, or (no user) whoever holds its link, once confirmed."""
    if c.customer_id is not None:
        return c.customer_id == actor.user_id
    return actor.guest == guest_label(c.id) and actor.user is None


async def _move(session: AsyncSession, c: Commission, to: CommissionState, refuse: Conflict, **values: Any) -> str:
    """The move in a conditional update from the table's sources: of two at once one wins."""
    before = c.state
    COMMISSION.move(c.state, to, refuse=refuse)
    done = await changed(session, update(Commission).where(
        Commission.id == c.id, Commission.state.in_(COMMISSION.sources(to))).values(state=to, **values))
    await session.refresh(c)
    if not done:
        raise refuse
    return before


async def _check_registers(session: AsyncSession, wishes: tuple[RegisterWish, ...]) -> list[dict[str, Any]]:
    """Each register and variable from the catalogue; an unknown one is 422 ``validation_failed``."""
    checked: list[dict[str, Any]] = []
    for i, wish in enumerate(wishes):
        code = wish.code.strip().upper()
        register = await session.scalar(select(Register).where(Register.code == code))
        if register is None:
            raise ValidationFailed(f"No register {wish.code!r} in the catalogue.", field=f"registers[{i}].code")
        names = [v.strip().upper() for v in wish.variables]
        known = set(await session.scalars(select(RegisterVariable.name).where(
            RegisterVariable.register_id == register.id, RegisterVariable.name.in_(names))))
        unknown = [n for n in names if n not in known]
        if unknown or not names:
            raise ValidationFailed(f"{code} has no variable {', '.join(unknown) or '(none given)'}.",
                                   field=f"registers[{i}].variables")
        checked.append({"code": code, "variables": list(dict.fromkeys(names)),
                        "groupings": rules.text(wish.groupings, "groupings", limit=1000)})
    return checked


async def _new_commission(session: AsyncSession, *, actor: Actor, spec: RequestSpec, customer: int | None,
                          email: str | None) -> Commission:
    """The request checked and added (not flushed): the customer's user, or none for a guest."""
    title = rules.text(spec.title, "title", required=True, limit=200)
    description = rules.text(spec.description, "description", required=True)
    rules.one_of(spec.kind, rules.KINDS, "kind")
    rules.one_of(spec.population, rules.POPULATIONS, "population")
    dpa = rules.text(spec.dpa_reference, "dpa_reference", limit=200)
    rules.own_list_terms(spec.population, spec.own_list_agreed, spec.encrypted_submission, dpa)
    retention = rules.retention_years(spec.dpa_retention_years)
    if spec.budget_ore is not None and not 0 <= spec.budget_ore <= rules.MAX_ORE:
        raise ValidationFailed("The budget is an amount in øre from 0.", field="budget_ore")
    previous = None
    if spec.kind == "update":
        if spec.previous_id is None:
            raise ValidationFailed("An update names the earlier commission.", field="previous_id")
        previous = await commission_for(session, spec.previous_id, actor=actor)
        if previous.delivered_at is None:
            raise Conflict("Only a delivered commission can be updated.", code="not_delivered")
    if spec.institution_id is not None and await session.get(Institution, spec.institution_id) is None:
        raise ValidationFailed("No such institution.", field="institution_id")
    if not email or "@" not in email:
        raise ValidationFailed("A commission needs the customer's e-mail address.", field="contact_email",
                               code="email_required")
    registers = await _check_registers(session, spec.registers)
    c = Commission(customer_id=customer, institution_id=spec.institution_id, contact_email=email, kind=spec.kind,
                   previous_id=previous.id if previous else None, title=title, description=description,
                   population=spec.population, population_note=rules.text(spec.population_note, "population_note"),
                   own_list_agreed=spec.own_list_agreed, encrypted_submission=spec.encrypted_submission,
                   dpa_reference=dpa, dpa_retention_years=retention, registers=registers,
                   periods=rules.periods(list(spec.periods)), formats=rules.formats(list(spec.formats)),
                   deadline=spec.deadline, budget_ore=spec.budget_ore, state=S.SUBMITTED)
    session.add(c)
    return c


async def request(session: AsyncSession, *, actor: Actor, spec: RequestSpec) -> Commission:
    """A customer's request for a quotation, or for an update of an earlier delivery."""
    customer = _customer_user(actor)
    user = await session.get(User, customer)
    email = rules.text(spec.contact_email, "contact_email", limit=320) or (user.email if user else None)
    c = await _new_commission(session, actor=actor, spec=spec, customer=customer, email=email)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_REQUEST, subject=_subject(c),
                       after={"kind": c.kind, "title": c.title, "population": c.population,
                              "registers": c.registers})
    return c


def guest_label(commission_id: int) -> str:
    return f"commission:{commission_id}"


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


async def guest_request(session: AsyncSession, *, spec: RequestSpec, name: str, email: str,
                        language: str | None) -> Commission:
    """A request from a person without a BOA user (seed 001: anyone fills in the request form). The
    e-mail address is checked (syntax), the request waits unseen by the office until the person
    opens the link mailed to them and confirms; the link's secret is kept only as its hash. At most
    :data:`rules.GUEST_PER_EMAIL` requests a day from one address and :data:`rules.GUEST_PENDING`
    unconfirmed ones an hour in all (429). A new request only: an update, or the customer's own
    population (a data processor agreement, the data submitted signed in), needs a BOA user."""
    person = rules.text(name, "name", required=True, limit=200)
    address = check_email(email, "contact_email")
    if spec.kind != "new" or spec.population == "own_list" or spec.institution_id is not None:
        raise ValidationFailed("Without a BOA user you can ask for a new service from the registers' total or a "
                               "delimited population.", field="kind", code="guest_not_allowed")
    now = clock.now()
    guests = (Commission.customer_id.is_(None),)
    same = await session.scalar(select(func.count()).select_from(Commission).where(
        *guests, Commission.contact_email == address, Commission.created_at > now - timedelta(days=1)))
    pending = await session.scalar(select(func.count()).select_from(Commission).where(
        *guests, Commission.guest_confirmed_at.is_(None), Commission.created_at > now - timedelta(hours=1)))
    if (same or 0) >= rules.GUEST_PER_EMAIL or (pending or 0) >= rules.GUEST_PENDING:
        raise TooManyRequests("Too many requests without a BOA user just now; try again later.",
                              code="too_many_requests", retry_after=3600)
    c = await _new_commission(session, actor=Actor(), spec=spec, customer=None, email=address)
    secret = secrets.token_urlsafe(32)
    c.guest_name, c.guest_language = person, mail.language(language)
    c.guest_token_hash = _secret_hash(secret)
    await session.flush()
    mail.send(session, to=address, template="commission_guest_link", lang=c.guest_language, name=person,
              commission_id=c.id, title=c.title, link=f"{get_settings().public_url}/follow/{c.id}/{secret}")
    await audit.record(session, actor=Actor(guest=guest_label(c.id)).label,
                       action=AuditAction.COMMISSION_GUEST_REQUEST, subject=_subject(c),
                       after={"kind": c.kind, "title": c.title, "population": c.population,
                              "registers": c.registers, "email": address})
    return c


async def guest_actor(session: AsyncSession, commission_id: Any, secret: str) -> Actor:
    """The holder of a commission's link: its secret compared in constant time with the stored
    hash; any mismatch is 404, as for a commission that does not exist."""
    try:
        key = parse_id(commission_id, "commission")
    except ValidationFailed:
        raise NotFound("No such commission.") from None
    stored = await session.scalar(select(Commission.guest_token_hash).where(
        Commission.id == key, Commission.customer_id.is_(None)))
    if not stored or not hmac.compare_digest(stored.encode(), _secret_hash(secret or "").encode()):
        raise NotFound("No such commission.")
    return Actor(guest=guest_label(key))


async def confirm_guest(session: AsyncSession, *, actor: Actor, commission_id: Any) -> Commission:
    """The guest opened the link and confirmed: the office sees the request from now on."""
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if c.customer_id is not None or actor.guest is None:
        raise PermissionDenied("Only the link's holder confirms it.")
    if c.guest_confirmed_at is None:
        c.guest_confirmed_at = clock.now()
        await session.flush()
        await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_GUEST_CONFIRM,
                           subject=_subject(c), after={"email": c.contact_email})
    return c


async def withdraw(session: AsyncSession, *, actor: Actor, commission_id: Any) -> Commission:
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    before = await _move(session, c, S.WITHDRAWN, Conflict("A commissioned service cannot be withdrawn.",
                                                           code="invalid_transition"))
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_WITHDRAW, subject=_subject(c),
                       before={"state": before}, after={"state": c.state})
    return c


async def clarify(session: AsyncSession, *, actor: Actor, commission_id: Any, consultant: str | None,
                  answers: dict[str, bool | None], last_update: str | None, needed_by: date | None,
                  clarification_hours: float, special_terms: str | None = None, note: str | None = None) -> Commission:
    """Research Services record the clarification's answers and assign a consultant (by IDENT,
    staff). May be recorded again while no quotation is accepted."""
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if c.customer_id is None and c.guest_confirmed_at is None:
        raise Conflict("The customer has not confirmed their e-mail address yet.", code="not_confirmed")
    unknown = set(answers) - set(rules.CLARIFICATION_QUESTIONS)
    if unknown:
        raise ValidationFailed(f"Unknown clarification questions: {', '.join(sorted(unknown))}.", field="answers")
    hours = rules.hours(clarification_hours, "clarification_hours")
    consultant_id = c.consultant_id
    if consultant is not None:
        user = await session.scalar(select(User).where(User.ident == consultant.strip().upper()))
        if user is None or not user.is_staff:
            raise ValidationFailed("The consultant is a member of Research Services (an IDENT).",
                                   field="consultant", code="invalid_consultant")
        consultant_id = user.id
    if consultant_id is None:
        raise ValidationFailed("Assign a consultant.", field="consultant", code="invalid_consultant")
    record = {"answers": {q: answers.get(q) for q in rules.CLARIFICATION_QUESTIONS},
              "last_update": rules.text(last_update, "last_update", limit=200),
              "needed_by": needed_by.isoformat() if needed_by else None, "hours": str(hours),
              "note": rules.text(note, "note")}
    terms = rules.text(special_terms, "special_terms")
    if c.state == S.SUBMITTED:
        await _move(session, c, S.CLARIFYING, Conflict("Already clarified.", code="invalid_transition"))
    elif c.state not in (S.CLARIFYING, S.QUOTED):
        raise Conflict("The clarification is recorded before the quotation is accepted.", code="invalid_transition")
    before = {"clarification": c.clarification, "consultant_id": c.consultant_id, "special_terms": c.special_terms}
    c.clarification, c.consultant_id, c.special_terms = record, consultant_id, terms
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_CLARIFY, subject=_subject(c),
                       before=before, after={"clarification": record, "consultant_id": consultant_id,
                                             "special_terms": terms})
    return c


def _survey_needed(c: Commission) -> bool:
    hours = Decimal((c.clarification or {}).get("hours") or 0)
    return hours > rules.SURVEY_ABOVE_HOURS


async def quote(session: AsyncSession, *, actor: Actor, commission_id: Any, kind: str, hours: float,
                hour_ceiling: float | None = None, tables: list[str] | None = None,
                estimate_ore: int | None = None, note: str | None = None,
                valid_days: int = rules.QUOTATION_VALID_DAYS) -> Quotation:
    """A quotation (or a revision: the open one is superseded and kept). Fixed price lists its
    tables; a framework agreement has its ceiling of hours; an initial survey (only when the
    clarification takes more than an hour) carries a non-binding estimate of the whole service."""
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    rules.one_of(kind, rules.QUOTATION_KINDS, "kind")
    parsed = rules.hours(hours)
    ceiling = rules.hours(hour_ceiling, "hour_ceiling") if hour_ceiling is not None else None
    names = [t for t in (rules.text(x, "tables", limit=200) for x in tables or []) if t]
    if not 1 <= valid_days <= 90:
        raise ValidationFailed("A quotation is valid 1 to 90 days.", field="valid_days")
    if kind == "framework" and (ceiling is None or ceiling <= 0):
        raise ValidationFailed("A framework agreement has a ceiling of hours.", field="hour_ceiling",
                               code="ceiling_required")
    if kind == "fixed_price" and not names:
        raise ValidationFailed("A fixed price lists the tables it covers.", field="tables", code="tables_required")
    if kind == "initial_survey":
        if not _survey_needed(c):
            raise Conflict("An initial survey is offered when the clarification takes more than an hour.",
                           code="survey_not_needed")
        if estimate_ore is None or not 0 <= estimate_ore <= rules.MAX_ORE:
            raise ValidationFailed("An initial survey comes with a non-binding estimate.", field="estimate_ore",
                                   code="estimate_required")
    if c.state not in (S.CLARIFYING, S.QUOTED):
        raise Conflict(f"A commission that is {c.state} gets no quotation.", code="invalid_transition")
    rate = get_settings().consulting_hourly_rate_ore
    base = ceiling if kind == "framework" and ceiling is not None else parsed
    open_ = (await session.scalars(select(Quotation).where(
        Quotation.commission_id == c.id, Quotation.state == QuotationState.OPEN))).all()
    for q in open_:
        q.state = QUOTATION.move(q.state, QuotationState.SUPERSEDED)
    version = (await session.scalar(select(func.max(Quotation.version)).where(
        Quotation.commission_id == c.id)) or 0) + 1
    q = Quotation(commission_id=c.id, version=version, kind=kind, hours=parsed, rate_ore=rate,
                  price_ore=rules.price(base, rate), hour_ceiling=ceiling, tables=names, estimate_ore=estimate_ore,
                  note=rules.text(note, "note"), valid_until=clock.now() + timedelta(days=valid_days),
                  state=QuotationState.OPEN)
    session.add(q)
    if c.state == S.CLARIFYING:
        await _move(session, c, S.QUOTED, Conflict("Not clarified.", code="invalid_transition"))
    await session.flush()
    await _tell_customer(session, c, "commission_quotation", version=version, hours=str(base), price=rules.dkk(q.price_ore),
              price_vat=rules.dkk(rules.with_vat(q.price_ore)), valid_until=q.valid_until)
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_QUOTE, subject=_subject(c),
                       after={"version": version, "kind": kind, "hours": str(parsed), "rate_ore": rate,
                              "price_ore": q.price_ore, "hour_ceiling": str(ceiling) if ceiling else None,
                              "tables": names, "superseded": [x.version for x in open_]})
    return q


async def accept(session: AsyncSession, *, actor: Actor, commission_id: Any, version: int,
                 statement: str) -> Quotation:
    """The customer accepts a quotation in writing (the statement is kept): the service is
    commissioned. An initial survey's acceptance commissions the survey only: the commission
    waits for the quotation of the service itself."""
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if not is_customer(c, actor):
        raise PermissionDenied("Only the customer accepts the quotation.")
    written = rules.text(statement, "statement", required=True)
    if c.state != S.QUOTED:
        raise Conflict(f"The commission is {c.state}: there is no quotation to accept.", code="not_quoted")
    q = await session.scalar(select(Quotation).where(Quotation.commission_id == c.id, Quotation.version == version)) \
        if 1 <= version <= rules.MAX_VERSION else None
    if q is None:
        raise NotFound(f"No quotation version {version}.")
    if q.state != QuotationState.OPEN:
        raise Conflict(f"Quotation version {version} is {q.state}.", code="quotation_not_open")
    if clock.aware(q.valid_until) < clock.now():
        raise Conflict(f"The quotation expired on {q.valid_until.date().isoformat()}; ask for a new one.",
                       code="quotation_expired")
    now = clock.now()
    q.state = QUOTATION.move(q.state, QuotationState.ACCEPTED)
    q.accepted_at, q.accepted_by_id, q.acceptance_text = now, actor.user_id, written
    if q.kind != "initial_survey":
        await _move(session, c, S.COMMISSIONED, Conflict("The commission is not quoted.", code="invalid_transition"),
                    commissioned_at=now)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_ACCEPT, subject=_subject(c),
                       after={"version": version, "kind": q.kind, "price_ore": q.price_ore, "statement": written})
    return q


async def accepted_quotation(session: AsyncSession, c: Commission) -> Quotation | None:
    return await session.scalar(select(Quotation).where(
        Quotation.commission_id == c.id, Quotation.state == QuotationState.ACCEPTED,
        Quotation.kind != "initial_survey").order_by(Quotation.version.desc()).limit(1))


async def contract_needed(session: AsyncSession, c: Commission) -> bool:
    q = await accepted_quotation(session, c)
    return q is not None and rules.contract_required(q.price_ore, c.special_terms)


async def record_contract(session: AsyncSession, *, actor: Actor, commission_id: Any, reference: str,
                          third_party_use: bool = False, publish_raw: bool = False) -> Commission:
    """The signed contract (its reference), with what it allows: passing on to third parties,
    publishing raw tables."""
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    ref = rules.text(reference, "reference", required=True, limit=200)
    if c.state != S.COMMISSIONED:
        raise Conflict("A contract is signed for a commissioned service before production.",
                       code="not_commissioned")
    c.contract_reference, c.contract_signed_at = ref, clock.now()
    c.third_party_use, c.publish_raw = third_party_use, publish_raw
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_CONTRACT, subject=_subject(c),
                       after={"reference": ref, "third_party_use": third_party_use, "publish_raw": publish_raw})
    return c


async def start_production(session: AsyncSession, *, actor: Actor, commission_id: Any) -> Commission:
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if c.state in (S.SUBMITTED, S.CLARIFYING, S.QUOTED):
        raise Conflict("The service is not commissioned: the customer has not accepted a quotation in writing.",
                       code="not_commissioned")
    if await contract_needed(session, c) and c.contract_signed_at is None:
        raise Conflict("A service above DKK 25,000 excl. VAT or on special terms needs a signed contract first.",
                       code="contract_required")
    target = rules.target_date(clock.now().date())
    await _move(session, c, S.IN_PRODUCTION, Conflict("Production has started.", code="invalid_transition"),
                target_date=target)
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_PRODUCTION, subject=_subject(c),
                       before={"state": S.COMMISSIONED.value}, after={"state": c.state, "target_date": target.isoformat()})
    return c


async def minutes_registered(session: AsyncSession, c: Commission) -> int:
    return int(await session.scalar(select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
        TimeEntry.commission_id == c.id)) or 0)


async def register_time(session: AsyncSession, *, actor: Actor, commission_id: Any, task: str, minutes: int,
                        note: str | None = None) -> TimeEntry:
    """Time on a task. Under a framework agreement the customer is told (once) when the included
    hours are used."""
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    rules.one_of(task, rules.TASKS, "task")
    rules.minutes(minutes)
    if c.state not in WORKING:
        raise Conflict(f"No time is registered on a commission that is {c.state}.", code="invalid_transition")
    entry = TimeEntry(commission_id=c.id, user_id=actor.user_id, task=task, minutes=minutes,
                      note=rules.text(note, "note"))
    session.add(entry)
    await session.flush()
    total = await minutes_registered(session, c)
    q = await accepted_quotation(session, c)
    told = False
    if (q is not None and q.kind == "framework" and q.hour_ceiling is not None and c.ceiling_told_at is None
            and total >= q.hour_ceiling * 60):
        c.ceiling_told_at, told = clock.now(), True
        await _tell_customer(session, c, "commission_ceiling", ceiling=str(q.hour_ceiling),
                             used=str((Decimal(total) / 60).quantize(Decimal("0.01"))))
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_TIME, subject=_subject(c),
                       after={"task": task, "minutes": minutes, "total_minutes": total, "ceiling_told": told})
    return entry


async def _customer_language(session: AsyncSession, c: Commission) -> str | None:
    customer = await session.get(User, c.customer_id) if c.customer_id else None
    return customer.language if customer else c.guest_language


async def _tell_customer(session: AsyncSession, c: Commission, template: str, **context: Any) -> None:
    customer = await session.get(User, c.customer_id) if c.customer_id else None
    mail.send(session, to=c.contact_email, template=template, lang=customer.language if customer else c.guest_language,
              name=customer.name if customer else c.guest_name or c.contact_email, commission_id=c.id, title=c.title,
              guest=customer is None, **context)


def documentation_of(c: Commission, text: str, lang: str | None) -> formats.Documentation:
    return formats.Documentation(title=c.title, text=text, registers=list(c.registers), population=c.population
                                 + (f" ({c.population_note})" if c.population_note else ""),
                                 periods=list(c.periods), contract_reference=c.contract_reference,
                                 third_party_use=c.third_party_use, publish_raw=c.publish_raw,
                                 lang=lang or "da")


def _produce(spec: TableSpec, index: int, doc: formats.Documentation) -> tuple[bytes, dict[str, Any]]:
    """The table through the disclosure control, then written in its format from the protected
    table; refused (422, with the failing categories) when it cannot be protected. The input is
    read as a stream from a temporary file (the table's caps bound the memory)."""
    with tempfile.TemporaryDirectory(prefix="boa-commission-") as tmp:
        source = Path(tmp) / "table.csv"
        source.write_text(spec.content, encoding="utf-8")
        try:
            check_parameters(spec.method, spec.min_count)
            table, _ = read_table(source, name="table.csv", count=spec.count)
            protected = protect_table(table, method=spec.method, min_count=spec.min_count, lang=doc.lang)
        except ValidationFailed as refused:
            refused.extra.setdefault("table", spec.name)
            refused.extra.setdefault("field", f"tables[{index}]")
            raise
    return formats.render(protected, spec.format, name=spec.name, doc=doc), protected.report.as_dict()


async def deliver(session: AsyncSession, *, actor: Actor, commission_id: Any, documentation: str,
                  tables: list[TableSpec]) -> Delivery:
    """Delivers the tables, each protected by the disclosure control, with documentation. The first
    delivery is invoiced (30 days to pay) and starts the clock of the customer's submitted data;
    a delivery of a reopened commission is the correction."""
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if c.state in (S.SUBMITTED, S.CLARIFYING, S.QUOTED, S.WITHDRAWN):
        raise Conflict("Nothing is delivered before the service is commissioned.", code="not_commissioned")
    if c.state == S.COMMISSIONED:
        raise Conflict("Production has not started.", code="production_not_started")
    doc = rules.text(documentation, "documentation", required=True) or ""
    doc_of = documentation_of(c, doc, await _customer_language(session, c))
    if not 1 <= len(tables) <= rules.MAX_TABLES:
        raise ValidationFailed(f"A delivery has 1 to {rules.MAX_TABLES} tables.", field="tables")
    files: list[DeliveryFile] = []
    for i, spec in enumerate(tables):
        name = rules.table_name(spec.name, f"tables[{i}].name")
        if name in {f.name for f in files}:
            raise ValidationFailed(f"Two tables are named {name!r}.", field=f"tables[{i}].name",
                                   code="duplicate_table")
        rules.one_of(spec.format, rules.FORMATS, f"tables[{i}].format")
        content, report = _produce(TableSpec(name, spec.content, spec.format, spec.count, spec.min_count,
                                             spec.method), i, doc_of)
        files.append(DeliveryFile(name=name, format=spec.format, content=content, report=report))
    now = clock.now()
    first = c.delivered_at is None
    number = (await session.scalar(select(func.max(Delivery.number)).where(Delivery.commission_id == c.id)) or 0) + 1
    before = await _move(session, c, S.DELIVERED, Conflict("Not in production.", code="invalid_transition"),
                         delivered_at=c.delivered_at or now)
    delivery = Delivery(commission_id=c.id, number=number, documentation=doc, delivered_at=now)
    session.add(delivery)
    await session.flush()
    for f in files:
        f.delivery_id = delivery.id
    session.add_all(files)
    invoice = None
    if first:
        invoice = await _invoice(session, c, delivery, now)
        keep = rules.add_years(now, c.dpa_retention_years)
        await session.execute(update(CustomerData).where(
            CustomerData.commission_id == c.id, CustomerData.deleted_at.is_(None)).values(delete_after=keep))
    await session.flush()
    await _tell_customer(session, c, "commission_delivered", number=number, files=len(files),
                         invoice=rules.dkk(invoice.amount_ore) if invoice else None,
                         invoice_vat=rules.dkk(invoice.amount_ore + invoice.vat_ore) if invoice else None,
                         due_on=invoice.due_on if invoice else None)
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_DELIVER, subject=_subject(c),
                       before={"state": before},
                       after={"state": c.state, "number": number, "files": [f.name for f in files],
                              "protection": [{"name": f.name, **{k: f.report.get(k) for k in
                                              ("method", "min", "primary", "secondary")}} for f in files],
                              "invoice_ore": invoice.amount_ore if invoice else None})
    return delivery


async def _due_in_total(session: AsyncSession, c: Commission, minutes: int) -> int:
    """What the service costs after ``minutes`` registered: fixed price its price; a framework
    agreement the hours at the quotation's rate up to the ceiling; without an accepted quotation of
    the service the hours at today's rate."""
    q = await accepted_quotation(session, c)
    spent = Decimal(minutes) / 60
    rate = q.rate_ore if q else get_settings().consulting_hourly_rate_ore
    if q is not None and q.kind == "fixed_price":
        return q.price_ore
    ceiling = q.hour_ceiling if q is not None and q.hour_ceiling is not None else spent
    return rules.price(min(spent, ceiling), rate)


async def _sub_invoices(session: AsyncSession, c: Commission) -> list[Invoice]:
    return list((await session.scalars(select(Invoice).where(Invoice.commission_id == c.id, Invoice.kind == "sub")
                                       .order_by(Invoice.id))).all())


def _new_invoice(c: Commission, amount: int, now: datetime, **more: Any) -> Invoice:
    return Invoice(commission_id=c.id, amount_ore=amount, vat_ore=rules.with_vat(amount) - amount, issued_at=now,
                   due_on=now.date() + timedelta(days=rules.PAYMENT_DAYS), **more)


async def _invoice(session: AsyncSession, c: Commission, delivery: Delivery, now: datetime) -> Invoice:
    """The invoice on delivery: what the service costs less what was sub-invoiced."""
    total = await _due_in_total(session, c, await minutes_registered(session, c))
    earlier = sum(i.amount_ore for i in await _sub_invoices(session, c))
    invoice = _new_invoice(c, max(total - earlier, 0), now, delivery_id=delivery.id, kind="final")
    session.add(invoice)
    return invoice


async def sub_invoice(session: AsyncSession, *, actor: Actor, commission_id: Any) -> Invoice:
    """A sub-invoice of a long service (seed 001: "we reserve the right to sub-invoice services
    stretching over a long period"): in production, at least a month after the commission or the
    last sub-invoice, the hours registered since the last one at the quotation's rate,
    never more than the service costs in all (a fixed price, a framework's ceiling). 30 days to pay;
    the invoice on delivery subtracts what was sub-invoiced."""
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if c.state != S.IN_PRODUCTION:
        raise Conflict("A sub-invoice is for a service in production.", code="not_in_production")
    earlier = await _sub_invoices(session, c)
    now = clock.now()
    since = clock.aware(earlier[-1].issued_at if earlier else c.commissioned_at or now)
    if now < since + timedelta(days=rules.SUB_INVOICE_DAYS):
        raise Conflict(f"A sub-invoice is for a long service: at most one every {rules.SUB_INVOICE_DAYS} days of "
                       "production.", code="sub_invoice_too_soon",
                       next_on=(since + timedelta(days=rules.SUB_INVOICE_DAYS)).date().isoformat())
    minutes = await minutes_registered(session, c)
    covered = sum(i.minutes or 0 for i in earlier)
    billed = sum(i.amount_ore for i in earlier)
    amount = await _due_in_total(session, c, minutes) - billed
    if minutes <= covered or amount <= 0:
        raise Conflict("No registered time has been left uninvoiced.", code="nothing_to_invoice")
    invoice = _new_invoice(c, amount, now, kind="sub", minutes=minutes - covered)
    session.add(invoice)
    await session.flush()
    await _tell_customer(session, c, "commission_sub_invoice", amount=rules.dkk(amount),
                         amount_vat=rules.dkk(amount + invoice.vat_ore), due_on=invoice.due_on,
                         hours=str((Decimal(minutes - covered) / 60).quantize(Decimal("0.01"))))
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_SUB_INVOICE, subject=_subject(c),
                       after={"amount_ore": amount, "minutes": minutes - covered, "sub_invoiced_ore": billed + amount,
                              "due_on": invoice.due_on.isoformat()})
    return invoice


async def advise(session: AsyncSession, *, actor: Actor, commission_id: Any, minutes: int,
                 note: str | None = None) -> Advice:
    """Advice after delivery: up to 15 minutes in the first month are included; the customer is
    told when they are used. Beyond that, advice is by special arrangement (refused here)."""
    _require_staff(actor)
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    rules.minutes(minutes)
    if c.delivered_at is None:
        raise Conflict("Advice follows the delivery.", code="not_delivered")
    if clock.now() > clock.aware(c.delivered_at) + timedelta(days=rules.ADVICE_DAYS):
        raise Conflict("The included advice is for the first month after delivery.", code="advice_period_over")
    used = int(await session.scalar(select(func.coalesce(func.sum(Advice.minutes), 0)).where(
        Advice.commission_id == c.id)) or 0)
    if used + minutes > rules.ADVICE_MINUTES:
        raise Conflict(f"Only {rules.ADVICE_MINUTES - used} of the {rules.ADVICE_MINUTES} included minutes are left.",
                       code="advice_used", left=rules.ADVICE_MINUTES - used)
    row = Advice(commission_id=c.id, user_id=actor.user_id, minutes=minutes, note=rules.text(note, "note"))
    session.add(row)
    if used + minutes == rules.ADVICE_MINUTES:
        c.advice_told_at = clock.now()
        await _tell_customer(session, c, "commission_advice_used")
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_ADVICE, subject=_subject(c),
                       after={"minutes": minutes, "used": used + minutes})
    return row


async def report_error(session: AsyncSession, *, actor: Actor, commission_id: Any, description: str) -> Delivery:
    """An error found within 30 days of the last delivery reopens it (new data as soon as possible)."""
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if not (is_customer(c, actor) or actor.is_staff):
        raise PermissionDenied("The customer or Research Services report an error.")
    text = rules.text(description, "description", required=True)
    last = await session.scalar(select(Delivery).where(Delivery.commission_id == c.id)
                                .order_by(Delivery.number.desc()).limit(1))
    if last is None or c.state != S.DELIVERED:
        raise Conflict("Only a delivered service can be reopened.", code="not_delivered")
    if clock.now() > clock.aware(last.delivered_at) + timedelta(days=rules.CORRECTION_DAYS):
        raise Conflict("Errors are corrected when reported within 30 days of the delivery.",
                       code="correction_period_over")
    last.error_reported_at, last.error_description = clock.now(), text
    await _move(session, c, S.REOPENED, Conflict("Not delivered.", code="not_delivered"))
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_ERROR_REPORTED, subject=_subject(c),
                       after={"delivery": last.number, "description": text})
    return last


async def submit_customer_data(session: AsyncSession, *, actor: Actor, commission_id: Any, name: str,
                               content: bytes) -> CustomerData:
    """The customer's own population (CPR/CVR/addresses), only under the agreed terms."""
    c = await commission_for(session, commission_id, actor=actor, lock=True)
    if c.customer_id is None or c.customer_id != actor.user_id:
        raise PermissionDenied("Only the customer submits their population (signed in).")
    if c.population != "own_list":
        raise Conflict("This commission does not use your own population.", code="no_own_list")
    if c.state in (S.DELIVERED, S.REOPENED, S.WITHDRAWN):
        raise Conflict("The population is submitted before delivery.", code="invalid_transition")
    label = rules.text(name, "name", required=True, limit=200) or ""
    if not content:
        raise ValidationFailed("The file is empty.", field="content")
    row = CustomerData(commission_id=c.id, name=label, content=content, size=len(content))
    session.add(row)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.COMMISSION_CUSTOMER_DATA, subject=_subject(c),
                       after={"name": label, "size": len(content), "dpa_reference": c.dpa_reference})
    return row


async def delete_expired_customer_data(session: AsyncSession, now: datetime) -> int:
    """The worker's job: the customer's personal data whose time is over are emptied, each audited."""
    rows = (await session.scalars(select(CustomerData).where(
        CustomerData.delete_after.is_not(None), CustomerData.delete_after <= now,
        CustomerData.deleted_at.is_(None)).with_for_update(skip_locked=True))).all()
    for row in rows:
        row.content, row.deleted_at = None, now
        await audit.record(session, actor="system:boa", action=AuditAction.COMMISSION_CUSTOMER_DATA_DELETED,
                           subject=f"commission:{row.commission_id}",
                           after={"name": row.name, "size": row.size, "delete_after": clock.aware(row.delete_after).isoformat() if row.delete_after else None})
    await session.flush()
    return len(rows)


@dataclass(frozen=True)
class Download:
    file_name: str
    media_type: str
    content: bytes


async def _delivery(session: AsyncSession, c: Commission, number: int) -> Delivery:
    row = await session.scalar(select(Delivery).where(Delivery.commission_id == c.id, Delivery.number == number)) \
        if 1 <= number <= rules.MAX_VERSION else None
    if row is None:
        raise NotFound("No such delivery.")
    return row


async def get_delivery_file(session: AsyncSession, *, actor: Actor, commission_id: Any, number: int,
                            name: str) -> Download:
    """A delivered file as produced (its format's file: the protected table only)."""
    c = await commission_for(session, commission_id, actor=actor)
    d = await _delivery(session, c, number)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    row = await session.scalar(select(DeliveryFile).where(DeliveryFile.delivery_id == d.id,
                                                          DeliveryFile.name == stem))
    if row is None or (stem != name and name != formats.file_name(row.name, row.format)):
        raise NotFound("No such file in the delivery.")
    return Download(formats.file_name(row.name, row.format), formats.media_type(row.format), row.content)


async def get_delivery_documentation(session: AsyncSession, *, actor: Actor, commission_id: Any,
                                     number: int) -> Download:
    """The delivery's documentation (text): registers, variables, population, periods, each table's
    disclosure control, the terms of use the contract sets and the symbol of a suppressed cell."""
    c = await commission_for(session, commission_id, actor=actor)
    d = await _delivery(session, c, number)
    rows = (await session.execute(select(DeliveryFile.name, DeliveryFile.format, DeliveryFile.report).where(
        DeliveryFile.delivery_id == d.id).order_by(DeliveryFile.id))).all()
    doc = documentation_of(c, d.documentation, await _customer_language(session, c))
    text = formats.documentation_text(doc, [(n, f, r) for n, f, r in rows])
    return Download(f"documentation-{c.id}-{d.number}.txt", "text/plain; charset=utf-8", text.encode("utf-8"))

