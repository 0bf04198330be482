"""The catalogue as shipped: ``seed_data/registers.json`` read and checked with the same rules as
a register typed by staff, and loaded idempotently by ``boa db upgrade`` (after migrating), by the
demo loader and by the tests' empty database.

Loading adds the registers whose code is missing and the variables a register lacks; it changes
nothing that is there, so what Research Services changed (a name, a release, a closing) stays. One
audit row says what was added; a load that adds nothing writes none."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import SYSTEM
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import transaction
from boa.kernel.settings import SEED_DATA
from boa.registers import rules
from boa.registers.models import Register, RegisterVariable
from boa.registers.rules import MAX_NAME, VariableSpec
from boa.registers.states import RegisterState

SEED_FILE = SEED_DATA / "registers.json"


@dataclass(frozen=True)
class SeedRegister:
    code: str
    name_da: str
    name_en: str
    first_year: int
    frequency: str
    state: RegisterState
    last_year: int | None
    variables: tuple[VariableSpec, ...]


def _register(entry: dict[str, Any], this_year: int) -> SeedRegister:
    code = rules.register_code(entry["code"])
    first = rules.year(entry["first_year"], "first_year", this_year)
    last = entry.get("last_year")
    if last is not None:
        rules.last_year(first, last, this_year)
    released = bool(entry["released"])
    if last is not None and not released:
        raise ValueError(f"{code}: a closed register was released")
    state = RegisterState.CLOSED if last is not None else \
        RegisterState.RELEASED if released else RegisterState.UNRELEASED
    variables = rules.variable_specs([
        VariableSpec(name=v["name"], label_da=v["label"]["da"], label_en=v["label"]["en"], key=bool(v.get("key")),
                     documentation_url=v.get("documentation_url")) for v in entry["variables"]])
    return SeedRegister(code=code, name_da=rules.text(entry["name"]["da"], "name.da", MAX_NAME),
                        name_en=rules.text(entry["name"]["en"], "name.en", MAX_NAME), first_year=first,
                        frequency=rules.frequency(entry["frequency"]), state=state, last_year=last,
                        variables=tuple(variables))


def read_seed(path: Path = SEED_FILE) -> list[SeedRegister]:
    """The seed file's registers, each checked; a bad entry names its register."""
    data = json.loads(path.read_text(encoding="utf-8"))
    this_year = clock.now().year
    out: list[SeedRegister] = []
    for entry in data["registers"]:
        try:
            out.append(_register(entry, this_year))
        except Exception as exc:
            raise ValueError(f"{path.name}: register {entry.get('code')!r}: {exc}") from exc
    codes = [r.code for r in out]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path.name}: a register code is given twice")
    return out


@lru_cache(maxsize=1)
def _shipped() -> tuple[SeedRegister, ...]:
    """The shipped file, read once a process (the tests load it into every empty database)."""
    return tuple(read_seed())


@dataclass(frozen=True)
class Loaded:
    registers: list[str]
    variables: int


async def load_catalogue(session: AsyncSession, seed: Sequence[SeedRegister] | None = None,
                         actor: str = SYSTEM.label) -> Loaded:
    """Adds what the database lacks of the seed (registers by code, variables by name)."""
    wanted = _shipped() if seed is None else seed
    present = {r.code: r for r in await session.scalars(select(Register))}
    known = {(rid, name) for rid, name in (await session.execute(
        select(RegisterVariable.register_id, RegisterVariable.name))).all()}
    new = [Register(code=s.code, name_da=s.name_da, name_en=s.name_en, first_year=s.first_year, last_year=s.last_year,
                    frequency=s.frequency, state=s.state, search_text="") for s in wanted if s.code not in present]
    session.add_all(new)
    await session.flush()
    rows = {**present, **{r.code: r for r in new}}
    added, touched = 0, {r.code for r in new}
    for s in wanted:
        register = rows[s.code]
        missing = [v for v in s.variables if (register.id, v.name) not in known]
        session.add_all([RegisterVariable(register_id=register.id, name=v.name, label_da=v.label_da,
                                          label_en=v.label_en, key=v.key, documentation_url=v.documentation_url)
                         for v in missing])
        added += len(missing)
        if missing:
            touched.add(s.code)
    if not touched:
        return Loaded([], 0)
    await session.flush()
    names: dict[int, list[str]] = {}
    for rid, name in (await session.execute(select(RegisterVariable.register_id, RegisterVariable.name)
                                            .order_by(RegisterVariable.id))).all():
        names.setdefault(rid, []).append(name)
    for code in touched:
        r = rows[code]
        r.search_text = rules.search_text(r.code, r.name_da, r.name_en, names.get(r.id, []))
    loaded = Loaded(sorted(r.code for r in new), added)
    await audit.record(session, actor=actor, action=AuditAction.REGISTER_CATALOGUE_LOAD, subject="registers",
                       registers=loaded.registers, variables=added)
    return loaded


async def load_catalogue_into(engine: AsyncEngine) -> Loaded:
    """In its own transaction (``boa db upgrade``, the tests' empty database)."""
    async with transaction(engine) as session:
        return await load_catalogue(session)
