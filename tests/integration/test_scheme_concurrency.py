"""Concurrency-sensitive scheme rules are enforced by the database: one project database per
institution, and project numbers without gaps or duplicates."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from boa.kernel.actor import Actor
from boa.kernel.db import transaction
from boa.kernel.errors import Conflict
from boa.people import institutions
from boa.people.models import Association, InstitutionRole, User
from schemes.project_database import service as pdb_service
from schemes.project_database.models import ProjectDatabase
from schemes.projects.models import Project
from schemes.projects.numbers import next_number
from schemes.projects.service import new_project
from schemes.researcher import service as researcher
from tests.schemes_helpers import make_user

SYSTEM = Actor(system="test")
postgres_only = pytest.mark.skipif(
    not os.environ.get("BOA_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="SQLite serialises every writer (BEGIN IMMEDIATE), so real concurrency is only tested on PostgreSQL")


@pytest.fixture
async def eligible(db):
    """An institution with both agreements, an administrator-manager and five approved projects."""
    for ident in ("RSPN", "SUBT", "MNGR"):
        await make_user(db, ident, None)
    async with transaction(db) as s:
        inst = await institutions.create_institution(s, actor=SYSTEM, name="Eligible U", authorisation_number=501,
                                                     kind="university")
        await institutions.create_agreement(s, actor=SYSTEM, institution_id=str(inst.id),
                                            schemes=["researcher", "project_database"], responsible_ident="RSPN",
                                            substitute_idents=["SUBT"])
        manager = await s.scalar(select(User).where(User.ident == "MNGR"))
        s.add(InstitutionRole(institution_id=inst.id, user_id=manager.id, role="administrator"))
        s.add(Association(user_id=manager.id, institution_id=inst.id, state="approved", requested_by_id=manager.id))
        for i in range(5):
            await new_project(s, actor=SYSTEM, institution=inst, scheme="researcher", title=f"Active {i}",
                              state="approved", approved=True)
        return str(inst.id)


async def _create_pdb(engine, institution_id: str) -> str:
    try:
        async with transaction(engine) as s:
            await pdb_service.create(s, actor=SYSTEM, institution_id=institution_id, manager_idents=["MNGR"],
                                     datasets=["BEF"])
        return "created"
    except Conflict as e:
        return e.code


async def test_second_project_database_is_refused(db, eligible):
    assert await _create_pdb(db, eligible) == "created"
    assert await _create_pdb(db, eligible) == "project_database_exists"
    # The database itself refuses a second row, whatever the service checks.
    with pytest.raises(IntegrityError):
        async with transaction(db) as s:
            from datetime import date

            s.add(ProjectDatabase(institution_id=int(eligible), datasets=[], state="active", end_date=date(2030, 1, 1)))
            await s.flush()


async def test_a_rolled_back_creation_gives_its_number_back(db, eligible):
    class Boom(Exception):
        pass

    async with transaction(db) as s:
        first = await next_number(s)
    with pytest.raises(Boom):
        async with transaction(db) as s:
            await next_number(s)
            raise Boom
    async with transaction(db) as s:
        assert await next_number(s) == first + 1


@postgres_only
async def test_fifty_concurrent_project_databases_leave_exactly_one(db, eligible):
    results = await asyncio.gather(*(_create_pdb(db, eligible) for _ in range(50)))
    assert results.count("created") == 1
    assert set(results) == {"created", "project_database_exists"}
    async with transaction(db) as s:
        assert await s.scalar(select(func.count(ProjectDatabase.id))) == 1


@postgres_only
async def test_fifty_concurrent_projects_get_distinct_gap_free_numbers(db, eligible):
    async with transaction(db) as s:
        manager = await s.scalar(select(User).where(User.ident == "MNGR"))

    async def create(i: int) -> int:
        async with transaction(db) as s:
            project = await researcher.create_project(s, actor=Actor(user=manager), institution_id=eligible,
                                                      title=f"Concurrent {i}")
            return project.number

    numbers = await asyncio.gather(*(create(i) for i in range(50)))
    assert len(set(numbers)) == 50
    async with transaction(db) as s:
        everything = sorted(await s.scalars(select(Project.number)))
    assert everything == list(range(everything[0], everything[0] + len(everything)))
