"""The access decision's per-worker cache (boa/access_cache.py): it answers what the database
would, and any change — through BOA, through another process's connection, or by time — is seen.

Runs on SQLite (``PRAGMA data_version``) and on PostgreSQL (LISTEN/NOTIFY from the triggers of
migration 0006) alike; the changes "from another process" are made on a connection that
SQLAlchemy does not know, so only the database can tell the cache."""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from boa.composition import metadata
from boa.kernel import clock
from boa.kernel.access_cache import WATCHED_COLUMNS, WATCHED_TABLES, AccessCache
from boa.kernel.db import transaction
from boa.kernel.decisions import gateway_decision, load_facts
from boa.people.models import User
from boa.sanctions.models import Lock
from schemes.projects.models import Project, ProjectMember
from tests.api.test_service_clients import _token
from tokens.service_clients import create_client

precise = importlib.import_module("boa.migrations.versions.0017_precise_access_notices")

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
async def gateway(client, demo):
    async with transaction(demo) as session:
        reg = await create_client(session, "remote-desktop gateway", ["access:decide"], actor="system:test")
    token = (await _token(client, reg.client.client_id, reg.secret)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def cache(app) -> AccessCache:
    return app.state.access_cache


class Statements:
    """The SQL statements the engine runs while counting."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine.sync_engine
        self.seen: list[str] = []

    def _record(self, _conn, _cursor, statement, *_):  # type: ignore[no-untyped-def]
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_) -> None:  # type: ignore[no-untyped-def]
        event.remove(self.engine, "before_cursor_execute", self._record)

    def tables(self) -> set[str]:
        names = set(metadata().tables)
        return {t for s in self.seen for t in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', s) if t in names}


async def until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    """Waits (at most 10 s) for a change notice to arrive; what is asserted is the answer after it."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


async def ask(client, gateway, ident: str, action: str = "login", project: str | None = None) -> dict:
    url = f"/v1/access/decision?ident={ident}&action={action}" + (f"&project={project}" if project else "")
    r = await client.get(url, headers=gateway)
    assert r.status_code == 200, r.text
    return r.json()


async def labour_number(demo) -> str:
    async with transaction(demo) as s:
        return str(await s.scalar(select(Project.number).where(Project.title.like("Labour market%"))))


async def write_elsewhere(engine, sql: str) -> None:
    """A committed change on a connection of its own, outside SQLAlchemy (as another worker or psql)."""
    if engine.dialect.name == "postgresql":
        import asyncpg

        conn = await asyncpg.connect(engine.url.set(drivername="postgresql").render_as_string(hide_password=False))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()
    else:
        conn = sqlite3.connect(engine.url.database, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute(sql)
        finally:
            conn.close()


async def test_every_table_the_decision_reads_is_watched(demo):
    """A loader that starts reading a new table without adding it to WATCHED_TABLES (and a
    migration for its trigger) fails here."""
    async with transaction(demo) as s:
        pairs = (await s.execute(select(User.ident, Project.number).join(ProjectMember, ProjectMember.user_id == User.id)
                                 .join(Project, Project.id == ProjectMember.project_id))).all()
        schemes = set(await s.scalars(select(Project.scheme).distinct()))
    assert {"researcher", "authority", "project_database"} <= schemes
    with Statements(demo) as statements:
        async with transaction(demo) as s:
            for ident, number in pairs:
                for action in ("login", "project_access", "transfer"):
                    await load_facts(s, ident, action, str(number))
    read = statements.tables()
    assert {"users", "projects", "project_members", "locks", "authority_purposes", "project_databases"} <= read
    assert read <= set(WATCHED_TABLES), read - set(WATCHED_TABLES)


async def test_the_triggers_cover_exactly_the_watched_tables(demo):
    if demo.dialect.name != "postgresql":
        pytest.skip("the change notices are PostgreSQL triggers")
    async with demo.connect() as conn:
        rows = (await conn.execute(text("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                        "WHERE t.tgname LIKE 'boa_access_%'"))).all()
    for what in ("insert", "update", "delete", "truncate"):
        assert {table for table, name in rows if name == f"boa_access_{what}"} == set(WATCHED_TABLES), what
    assert set(WATCHED_TABLES) == set(WATCHED_COLUMNS) == set(precise.COLUMNS)
    assert WATCHED_COLUMNS == precise.COLUMNS


async def test_a_repeated_decision_is_answered_without_the_database(client, gateway, cache, demo):
    number = await labour_number(demo)
    assert cache.enabled
    assert (await ask(client, gateway, "RESA", "project_access", number))["allowed"] is True
    with Statements(demo) as statements:
        for _ in range(3):
            assert (await ask(client, gateway, "RESA", "project_access", number))["allowed"] is True
    assert statements.seen == [] and cache.hits >= 6  # the client's flag and the facts, three times


async def test_a_change_through_boa_is_seen_by_the_next_request(client, gateway, cache, demo, as_user):
    number = await labour_number(demo)
    assert (await ask(client, gateway, "RESA", "project_access", number))["allowed"] is True
    staff = await as_user("STAF")
    r = await client.delete(f"/v1/projects/{number}/members/RESA", headers=staff)
    assert r.status_code == 204, r.text
    d = await ask(client, gateway, "RESA", "project_access", number)
    assert d["allowed"] is False and d["reasons"][0]["code"] == "not_member"


@pytest.mark.parametrize("change, code", [
    ("UPDATE users SET active = {false} WHERE ident = 'RESA'", "user_inactive"),
    ("UPDATE project_members SET state = 'pending' WHERE user_id = (SELECT id FROM users WHERE ident = 'RESA')",
     "membership_pending"),
    ("UPDATE projects SET deleted = {true} WHERE title LIKE 'Labour market%'", "project_deleted"),
])
async def test_a_change_from_another_connection_is_seen(client, gateway, cache, demo, change, code):
    number = await labour_number(demo)
    assert (await ask(client, gateway, "RESA", "project_access", number))["allowed"] is True
    before = cache.generation
    pg = demo.dialect.name == "postgresql"
    await write_elsewhere(demo, change.format(false="false" if pg else "0", true="true" if pg else "1"))
    if pg:  # the notice travels to this worker's listening connection
        await until(lambda: cache.generation != before, "the change notice arrived")
    d = await ask(client, gateway, "RESA", "project_access", number)
    assert d["allowed"] is False and code in [r["code"] for r in d["reasons"]]


async def test_a_disabled_client_is_refused_at_once(client, gateway, demo):
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    async with transaction(demo) as s:
        await s.execute(text("UPDATE service_clients SET active = :no"), {"no": False})
    r = await client.get("/v1/access/decision?ident=RESA&action=login", headers=gateway)
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"


async def test_a_lock_that_starts_later_takes_effect_on_time_from_the_cache(client, gateway, cache, demo):
    async with transaction(demo) as s:
        user_id = await s.scalar(select(User.id).where(User.ident == "RESA"))
        s.add(Lock(scope="user", source="decision", user_id=user_id, starts_at=clock.now() + timedelta(minutes=2),
                   ends_at=clock.now() + timedelta(days=30), reason="Starts in two minutes.", created_by="system:test"))
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    hits = cache.hits
    clock.travel(timedelta(minutes=3))  # within the gateway token's 5 minutes
    d = await ask(client, gateway, "RESA")
    assert d["allowed"] is False and d["reasons"][0]["code"] == "locked"
    assert cache.hits > hits  # decided from the cached facts: the time is applied to them


async def test_an_entry_is_kept_for_its_day_only(client, gateway, cache, demo):
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    key = ("facts", "RESA", "login", None)
    assert cache.get(key) is not None
    clock.travel(timedelta(days=1))
    assert cache.get(key) is None


async def test_a_read_overtaken_by_a_change_is_not_kept(demo):
    cache = AccessCache(max_age=10)
    await cache.start(demo)
    try:
        generation = cache.generation
        async with transaction(demo) as s:
            facts = await load_facts(s, "RESA", "login")
        cache.invalidate()  # a change was noticed while the facts were read
        cache.put(("facts", "RESA", "login", None), facts, generation)
        assert cache.get(("facts", "RESA", "login", None)) is None
    finally:
        await cache.stop()


async def test_off_means_every_decision_reads_the_database(demo):
    cache = AccessCache(max_age=0)
    await cache.start(demo)
    assert not cache.enabled
    async with transaction(demo) as s:
        await gateway_decision(cache, lambda: s, "RESA", "login", None, actor="system:test")
    with Statements(demo) as statements:
        async with transaction(demo) as s:
            assert (await gateway_decision(cache, lambda: s, "RESA", "login", None, actor="system:test")).allowed
    assert statements.seen


async def test_a_lost_notice_connection_turns_the_cache_off_until_it_is_back(client, gateway, cache, demo):
    if demo.dialect.name != "postgresql":
        pytest.skip("the notice connection is PostgreSQL's")
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    async with transaction(demo) as s:
        killed = await s.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                     "WHERE application_name = 'boa-access-cache' AND datname = current_database()"))
    assert killed >= 1
    await until(lambda: not cache.enabled, "the cache noticed the lost connection")
    # Meanwhile every decision is read from the database ...
    await write_elsewhere(demo, "UPDATE users SET active = false WHERE ident = 'RESA'")
    assert (await ask(client, gateway, "RESA"))["reasons"][0]["code"] == "user_inactive"
    # ... and the worker listens again by itself.
    await until(lambda: cache.enabled, "the cache listens again")
    before = cache.generation
    await write_elsewhere(demo, "UPDATE users SET active = true WHERE ident = 'RESA'")
    await until(lambda: cache.generation != before, "the change notice arrived")
    assert (await ask(client, gateway, "RESA"))["allowed"] is True


async def test_a_connection_that_stops_hearing_notices_turns_the_cache_off(client, gateway, cache, demo):
    """As behind a transaction-pooling proxy, where LISTEN is accepted but nothing arrives."""
    if demo.dialect.name != "postgresql":
        pytest.skip("the notice connection is PostgreSQL's")
    assert (await ask(client, gateway, "RESA"))["allowed"] is True and cache.enabled
    await cache._source.conn.execute("UNLISTEN *")  # type: ignore[union-attr]
    await until(lambda: not cache.enabled, "the missing heartbeat turned the cache off")
    await write_elsewhere(demo, "UPDATE users SET active = false WHERE ident = 'RESA'")
    assert (await ask(client, gateway, "RESA"))["reasons"][0]["code"] == "user_inactive"
    await until(lambda: cache.enabled, "the worker listens again on a new connection")


async def test_every_worker_of_the_machine_sees_a_commit_before_it_is_answered(client, gateway, cache, demo):
    """A commit that wrote rewrites the machine's stamp; a worker that finds the stamp changed
    drops its cache on the spot, without waiting for PostgreSQL's notice (the check below runs
    without yielding to the event loop, so no notice can have been handled)."""
    stamp_file = cache.stamp_file
    assert stamp_file is not None and stamp_file.exists()
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    key = ("facts", "RESA", "login", None)
    before = stamp_file.read_bytes()
    async with transaction(demo) as s:  # any write, through SQLAlchemy in this process
        await s.execute(text("UPDATE users SET name = name WHERE ident = 'RESB'"))
    assert stamp_file.read_bytes() != before
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    assert cache.get(key) is not None
    # Another worker process of this machine commits: it rewrites the stamp.
    touch = ("import sys, pathlib; from boa.kernel.access_cache import _MachineStamp; "
             "_MachineStamp(pathlib.Path(sys.argv[1])).touch()")
    subprocess.run([sys.executable, "-c", touch, str(stamp_file)], check=True, timeout=60,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    assert cache.get(key) is None
