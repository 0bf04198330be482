"""The shipped catalogue is loaded idempotently (what staff changed stays; what is missing comes
back, audited once), and two concurrent moves of one register cannot both win."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select

from boa.kernel.actor import Actor
from boa.kernel.db import transaction
from boa.kernel.errors import Conflict
from boa.kernel.models import AuditEntry
from boa.registers import service, views
from boa.registers.catalogue import load_catalogue, read_seed
from boa.registers.models import Register, RegisterVariable
from boa.registers.rules import VariableSpec

OFFICE = Actor(system="test")


async def _counts(engine) -> tuple[int, int, int]:
    async with transaction(engine) as s:
        return (await s.scalar(select(func.count(Register.id))), await s.scalar(select(func.count(RegisterVariable.id))),
                await s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "register.catalogue_load")))


async def test_loading_again_adds_only_what_is_missing_and_keeps_what_staff_changed(db):
    seed = read_seed()
    registers, variables, loads = await _counts(db)
    assert (registers, variables, loads) == (len(seed), sum(len(r.variables) for r in seed), 1)
    async with transaction(db) as s:
        assert (await load_catalogue(s)).registers == []
        await service.change_register(s, actor=OFFICE, code="BEF", name_en="Population (CPR)")
        await service.release_register(s, actor=OFFICE, code="ELFORBRUG")
        await service.close_register(s, actor=OFFICE, code="FAM", last_year=2024)
        await s.execute(delete(Register).where(Register.code == "IND"))
        bef = await s.scalar(select(Register.id).where(Register.code == "BEF"))
        await s.execute(delete(RegisterVariable).where(RegisterVariable.register_id == bef,
                                                       RegisterVariable.name == "KOEN"))
    assert (await _counts(db))[2] == 1  # a load that adds nothing writes no audit row
    async with transaction(db) as s:
        loaded = await load_catalogue(s)
    assert loaded.registers == ["IND"] and loaded.variables == len(next(r for r in seed if r.code == "IND").variables) + 1
    assert await _counts(db) == (registers, variables, 2)
    async with transaction(db) as s:
        rows = {r.code: r for r in await s.scalars(select(Register))}
        assert rows["BEF"].name_en == "Population (CPR)" and rows["ELFORBRUG"].state == "released"
        assert rows["FAM"].state == "closed" and rows["FAM"].last_year == 2024
        assert [i.code for i in (await views.catalogue(s, q="koen befolkningen"))[0]] == ["BEF"]
        assert [i.code for i in (await views.catalogue(s, q="perindkialt_13"))[0]] == ["IND"]


async def test_a_corrected_seed_adds_its_new_variables(db):
    seed = read_seed()
    bef = next(r for r in seed if r.code == "BEF")
    more = replace(bef, variables=(*bef.variables, VariableSpec(name="REG", label_da="Region", label_en="Region")))
    async with transaction(db) as s:
        loaded = await load_catalogue(s, [more if r is bef else r for r in seed])
        assert (loaded.registers, loaded.variables) == ([], 1)
        assert [i.code for i in (await views.catalogue(s, q="reg pnr koen"))[0]] == ["BEF"]


async def test_two_concurrent_releases_one_wins(db):
    async def release() -> str:
        async with transaction(db) as s:
            try:
                await service.release_register(s, actor=OFFICE, code="DAGTILBUD")
                return "released"
            except Conflict as refused:
                return refused.code

    assert sorted(await asyncio.gather(release(), release())) == ["already_released", "released"]
    async with transaction(db) as s:
        assert await s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "register.release")) == 1


async def test_a_bad_seed_names_its_register(tmp_path):
    bad = tmp_path / "registers.json"
    bad.write_text('{"registers": [{"code": "BEF", "name": {"da": "", "en": "x"}, "first_year": 1986, '
                   '"frequency": "yearly", "released": true, "variables": []}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="register 'BEF'"):
        read_seed(bad)
