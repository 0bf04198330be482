"""The gateways' one-statement loader (boa/sanctions/gateway_facts.py) reads exactly what the three
fact loaders read: the same ``Facts`` for every user, project and action of the demo, and of
random states made from it (locks of every scope starting, ending and lifted, memberships,
associations, tokens, projects closed, deleted and ended, the project database closed, the
authority scheme's purpose descriptions moved), on SQLite and PostgreSQL — in one statement."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Column, Table, select, update
from sqlalchemy.sql import visitors

from boa.kernel import clock
from boa.kernel.access import decide
from boa.kernel.access_cache import WATCHED_COLUMNS
from boa.kernel.db import transaction
from boa.kernel.decisions import load_facts
from boa.people.models import Association, User
from boa.sanctions.gateway_facts import load_gateway_facts, statement
from boa.sanctions.models import Lock
from schemes.authority.models import PurposeDescription
from schemes.project_database.models import ProjectDatabase
from schemes.projects.models import Project, ProjectMember
from tests.integration.test_access_cache import Statements
from tokens.models import Token

pytestmark = pytest.mark.usefixtures("demo")

ACTIONS = ("portal", "login", "project_access", "transfer")


@pytest.fixture
def frozen(monkeypatch) -> datetime:  # type: ignore[no-untyped-def]
    """One instant for both loaders (the authority period of a scheme without purposes is "now")."""
    at = clock.now()
    monkeypatch.setattr(clock, "now", lambda: at)
    return at


async def questions(engine) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    async with transaction(engine) as s:
        idents = list(await s.scalars(select(User.ident).order_by(User.id)))
        numbers = [str(n) for n in await s.scalars(select(Project.number).order_by(Project.id))]
    return idents + ["ZZZZ"], numbers + ["709999", "12"]


async def compare(engine, idents: list[str], numbers: list[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """Asks both for every combination; the reason codes the facts gave (what was covered)."""
    codes: set[str] = set()
    async with transaction(engine) as s:
        connection = await s.connection()
        for ident in idents:
            for action in ACTIONS:
                for number in (numbers if action in ("project_access", "transfer") else [None]):
                    expected = await load_facts(s, ident, action, number)
                    got = await load_gateway_facts(connection, ident, action, number)
                    assert got == expected, (ident, action, number)
                    decision = decide(action, got)
                    codes |= {r.code for r in decision.reasons} | ({"allowed"} if decision.allowed else set())
    return codes


async def test_the_same_facts_as_the_loaders_on_the_demo(demo, frozen):
    idents, numbers = await questions(demo)
    assert {"allowed", "user_unknown", "project_unknown", "not_member"} <= await compare(demo, idents, numbers)


async def test_a_miss_is_one_statement(demo, frozen):
    idents, numbers = await questions(demo)
    async with transaction(demo) as s:
        connection = await s.connection()
        with Statements(demo) as statements:
            facts = await load_gateway_facts(connection, "RESA", "transfer", numbers[0])
    assert facts.exists and len(statements.seen) == 1


def test_the_statement_reads_only_watched_columns():
    """What it reads is what the triggers watch (a column read but not watched would leave an
    entry stale when it changes); a column watched but not read only costs a notice."""
    read: set[tuple[str, str]] = set()
    for person, project in ((True, False), (False, True), (True, True)):
        for element in visitors.iterate(statement(person, project)):
            if isinstance(element, Column) and isinstance(element.table, Table):
                read.add((element.table.name, element.name))
    assert {("users", "staff_roles"), ("locks", "scheme"), ("authority_purposes", "valid_until")} <= read
    for table, column in read:
        assert table in WATCHED_COLUMNS, table
        assert WATCHED_COLUMNS[table] is None or column in WATCHED_COLUMNS[table] or column == "id", (table, column)


async def _shuffle(engine, rng: random.Random, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """A random state: every kind of row the facts come from changed at random."""
    def when() -> datetime:
        return now + timedelta(days=rng.choice([-400, -30, -1, 1, 30, 400]), minutes=rng.randint(-90, 90))

    def maybe(value: Any) -> Any:
        return value if rng.random() < 0.5 else None

    async with transaction(engine) as s:
        users = list(await s.scalars(select(User.id)))
        projects = list(await s.scalars(select(Project)))
        for project in projects:
            project.deleted = rng.random() < 0.15
            project.closed_at = maybe(when()) if rng.random() < 0.3 else None
            project.end_date = maybe(when().date())
            project.approved_at = maybe(when()) if rng.random() < 0.3 else project.approved_at
        for member in await s.scalars(select(ProjectMember)):
            member.state = rng.choice(["active", "pending", "requested", "ended"])
        for association in await s.scalars(select(Association)):
            association.state = rng.choice(["approved", "pending", "ended"])
        for token in await s.scalars(select(Token)):
            token.state = rng.choice(["active", "disabled", "enrolled", "active"])
        for user in await s.scalars(select(User)):
            user.active = rng.random() < 0.9
            user.certification_expires_at = maybe(when())
            user.user_agreement_version = rng.choice([None, 1, 2, user.user_agreement_version])
        for pdb in await s.scalars(select(ProjectDatabase)):
            pdb.state = rng.choice(["active", "closed"])
            pdb.closed_at = when() if pdb.state == "closed" else None
            pdb.end_date = when().date()
        for purpose in await s.scalars(select(PurposeDescription)):
            purpose.valid_from = when().date()
            purpose.valid_until = purpose.valid_from + timedelta(days=rng.choice([1, 30, 365]))
        await s.execute(update(Lock).values(lifted_at=now))
        for _ in range(rng.randint(0, 6)):
            project = rng.choice(projects)
            scope = rng.choice(["user", "project", "institution", "scheme"])
            target: dict[str, Any] = {
                "user": {"user_id": rng.choice(users)},
                "project": {"project_id": project.id},
                "institution": {"institution_id": project.institution_id},
                "scheme": {"institution_id": project.institution_id, "scheme": project.scheme},
            }[scope]
            open_end = rng.choice([None, "until_decision", "until_report_approved"])
            s.add(Lock(scope=scope, source="decision", starts_at=when(), ends_at=when() if open_end is None else None,
                       open_end=open_end,
                       lifted_at=now if rng.random() < 0.2 else None, reason="Random.", created_by="system:test",
                       **target))


async def test_the_same_facts_as_the_loaders_on_random_states(demo, frozen):
    idents, numbers = await questions(demo)
    rng = random.Random(19)
    seen: set[str] = set()
    for _ in range(4):
        await _shuffle(demo, rng, frozen)
        seen |= await compare(demo, rng.sample(idents, 8), rng.sample(numbers, 6))
    assert {"locked", "project_deleted", "project_closed", "membership_not_approved", "certification_expired",
            "user_inactive", "no_active_token", "allowed"} <= seen, seen
