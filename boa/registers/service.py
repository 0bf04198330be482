"""Research Services maintain the catalogue: add a register (with its variables), change its names,
first year or frequency, release it, close it with its last year, add and change variables. Each
verb is staff only, checks with :mod:`boa.registers.rules`, moves a state only through
:data:`boa.registers.states.REGISTER` (in a conditional update, so two concurrent moves cannot
both win) and writes its audit row in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique, changed
from boa.registers import rules
from boa.registers.models import Register, RegisterVariable
from boa.registers.rules import MAX_LABEL, MAX_NAME, VariableSpec
from boa.registers.states import REGISTER, RegisterState


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services maintain the register catalogue.")


def _this_year() -> int:
    return clock.now().year


def _subject(register: Register) -> str:
    return f"register:{register.code}"


async def register_by_code(session: AsyncSession, code: str) -> Register:
    """The register with this code (any case); 404 for an unknown or malformed one."""
    wanted = code.strip().upper()
    found = await session.scalar(select(Register).where(Register.code == wanted)) \
        if rules.CODE.fullmatch(wanted) else None
    if found is None:
        raise NotFound(f"No register with the code {code!r}.")
    return found


async def known_codes(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` (any case) the catalogue holds, in one query: what a project database's
    datasets or an authority's purpose may name."""
    wanted = {c.strip().upper() for c in codes}
    return set(await session.scalars(select(Register.code).where(Register.code.in_(wanted)))) if wanted else set()


async def _variable(session: AsyncSession, register: Register, name: str) -> RegisterVariable:
    wanted = name.strip().upper()
    found = await session.scalar(select(RegisterVariable).where(
        RegisterVariable.register_id == register.id, RegisterVariable.name == wanted)) \
        if rules.VARIABLE.fullmatch(wanted) else None
    if found is None:
        raise NotFound(f"{register.code} has no variable {name!r}.")
    return found


async def _refresh_search(session: AsyncSession, register: Register) -> None:
    names = (await session.scalars(select(RegisterVariable.name).where(
        RegisterVariable.register_id == register.id).order_by(RegisterVariable.id))).all()
    register.search_text = rules.search_text(register.code, register.name_da, register.name_en, names)


def _variable_row(register_id: int, spec: VariableSpec) -> RegisterVariable:
    return RegisterVariable(register_id=register_id, name=spec.name, label_da=spec.label_da, label_en=spec.label_en,
                            key=spec.key, documentation_url=spec.documentation_url)


def _texts(limit: int, **given: str | None) -> dict[str, str]:
    """The names or labels given (None: unchanged), each checked."""
    return {field: rules.text(value, field, limit) for field, value in given.items() if value is not None}


def _apply(row: Register | RegisterVariable, wanted: dict[str, Any]) -> dict[str, Any]:
    """Sets what differs and answers what it was (empty: nothing to change, nothing to audit)."""
    before = {k: getattr(row, k) for k, v in wanted.items() if getattr(row, k) != v}
    for k in before:
        setattr(row, k, wanted[k])
    return before


def variable_audit(spec: VariableSpec | RegisterVariable) -> dict[str, Any]:
    return {"name": spec.name, "label_da": spec.label_da, "label_en": spec.label_en, "key": spec.key,
            "documentation_url": spec.documentation_url}


async def add_register(session: AsyncSession, *, actor: Actor, code: str, name_da: str, name_en: str,
                       first_year: int, frequency: str, released: bool = False,
                       variables: Sequence[VariableSpec] = ()) -> Register:
    """A new register, unreleased unless ``released``; its variables in the same step."""
    _require_staff(actor)
    code = rules.register_code(code)
    da, en = rules.text(name_da, "name_da", MAX_NAME), rules.text(name_en, "name_en", MAX_NAME)
    values = {"name_da": da, "name_en": en, "first_year": rules.year(first_year, "first_year", _this_year()),
              "frequency": rules.frequency(frequency)}
    specs = rules.variable_specs(variables)
    duplicate = Conflict(f"The catalogue already has a register {code}.", code="duplicate_register")
    if await session.scalar(select(Register.id).where(Register.code == code)) is not None:
        raise duplicate
    state = RegisterState.RELEASED if released else RegisterState.UNRELEASED
    register = Register(code=code, state=state, search_text=rules.search_text(code, da, en, [s.name for s in specs]),
                        **values)
    await add_unique(session, register, duplicate)
    session.add_all([_variable_row(register.id, s) for s in specs])
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.REGISTER_ADD, subject=_subject(register),
                       after={"code": code, "state": state.value, **values,
                              "variables": [variable_audit(s) for s in specs]})
    return register


async def change_register(session: AsyncSession, *, actor: Actor, code: str, name_da: str | None = None,
                          name_en: str | None = None, first_year: int | None = None,
                          frequency: str | None = None) -> Register:
    """Changes what is given (None: unchanged). A closed register's first year stays at or before its last."""
    _require_staff(actor)
    register = await register_by_code(session, code)
    wanted: dict[str, Any] = _texts(MAX_NAME, name_da=name_da, name_en=name_en)
    if first_year is not None:
        wanted["first_year"] = rules.year(first_year, "first_year", _this_year())
        if register.last_year is not None and register.last_year < first_year:
            raise ValidationFailed(f"The first year ({first_year}) is after the last year ({register.last_year}).",
                                   code="last_year_before_first_year", field="first_year")
    if frequency is not None:
        wanted["frequency"] = rules.frequency(frequency)
    before = _apply(register, wanted)
    if not before:
        return register
    await _refresh_search(session, register)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.REGISTER_CHANGE, subject=_subject(register),
                       before=before, after={k: wanted[k] for k in before})
    return register


def _refusal(register: Register, to: RegisterState) -> Conflict:
    """Why ``register`` cannot move to ``to`` from where it is."""
    if to == RegisterState.RELEASED:
        return Conflict(f"{register.code} is already released.", code="already_released")
    if register.state == RegisterState.CLOSED:
        return Conflict(f"{register.code} is already closed (last year {register.last_year}).", code="already_closed")
    return Conflict(f"{register.code} is not released; only a released register is closed.",
                    code="register_not_released")


async def _move(session: AsyncSession, register: Register, to: RegisterState, **values: Any) -> None:
    """Takes the move in a conditional update from the table's source states: of two concurrent
    moves one changes the row, the other finds nothing to change and is refused as it would be now."""
    REGISTER.move(register.state, to, refuse=_refusal(register, to))
    done = await changed(session, update(Register).where(
        Register.id == register.id, Register.state.in_(REGISTER.sources(to))).values(state=to, **values))
    await session.refresh(register)
    if not done:
        raise _refusal(register, to)


async def release_register(session: AsyncSession, *, actor: Actor, code: str) -> Register:
    """An unreleased register becomes released (anyone's projects may order it)."""
    _require_staff(actor)
    register = await register_by_code(session, code)
    await _move(session, register, RegisterState.RELEASED)
    await audit.record(session, actor=actor.label, action=AuditAction.REGISTER_RELEASE, subject=_subject(register),
                       before={"state": RegisterState.UNRELEASED.value}, after={"state": register.state})
    return register


async def close_register(session: AsyncSession, *, actor: Actor, code: str, last_year: int) -> Register:
    """A released register is closed with its last year (not before its first, not far ahead)."""
    _require_staff(actor)
    register = await register_by_code(session, code)
    REGISTER.move(register.state, RegisterState.CLOSED, refuse=_refusal(register, RegisterState.CLOSED))
    year = rules.last_year(register.first_year, last_year, _this_year())
    await _move(session, register, RegisterState.CLOSED, last_year=year)
    await audit.record(session, actor=actor.label, action=AuditAction.REGISTER_CLOSE, subject=_subject(register),
                       before={"state": RegisterState.RELEASED.value}, after={"state": register.state, "last_year": year})
    return register


async def add_variable(session: AsyncSession, *, actor: Actor, code: str, spec: VariableSpec) -> RegisterVariable:
    _require_staff(actor)
    register = await register_by_code(session, code)
    checked = rules.variable_spec(spec)
    duplicate = Conflict(f"{register.code} already has a variable {checked.name}.", code="duplicate_variable")
    if await session.scalar(select(RegisterVariable.id).where(
            RegisterVariable.register_id == register.id, RegisterVariable.name == checked.name)) is not None:
        raise duplicate
    row = _variable_row(register.id, checked)
    await add_unique(session, row, duplicate)
    await _refresh_search(session, register)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.REGISTER_VARIABLE_ADD,
                       subject=_subject(register), after=variable_audit(checked))
    return row


async def change_variable(session: AsyncSession, *, actor: Actor, code: str, name: str, label_da: str | None = None,
                          label_en: str | None = None, key: bool | None = None,
                          documentation_url: str | None = None) -> RegisterVariable:
    """Changes what is given (None: unchanged; an empty ``documentation_url`` removes the link)."""
    _require_staff(actor)
    register = await register_by_code(session, code)
    row = await _variable(session, register, name)
    wanted: dict[str, Any] = _texts(MAX_LABEL, label_da=label_da, label_en=label_en)
    if key is not None:
        wanted["key"] = bool(key)
    if documentation_url is not None:
        wanted["documentation_url"] = rules.documentation_url(documentation_url)
    before = _apply(row, wanted)
    if not before:
        return row
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.REGISTER_VARIABLE_CHANGE,
                       subject=_subject(register), name=row.name, before=before, after={k: wanted[k] for k in before})
    return row
