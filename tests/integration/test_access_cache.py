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
import sys
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text, update

from boa.composition import metadata
from boa.kernel import clock
from boa.kernel.access_cache import WATCHED_COLUMNS, WATCHED_TABLES, AccessCache, PersonFacts
from boa.kernel.db import transaction
from boa.kernel.decisions import gateway_decision, load_facts, person_key, project_key
from boa.people.models import User
from boa.sanctions.models import Lock
from schemes.projects.models import Project, ProjectMember
from tests.api.test_service_clients import _token
from tests.helpers import login
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
        from boa.kernel.db import boa_now_sqlite

        conn = sqlite3.connect(engine.url.database, isolation_level=None)
        # The history's triggers date a change by boa_now(): a connection outside BOA gives it (a
        # bare sqlite3 shell is refused, so no write escapes the history).
        conn.create_function("boa_now", 0, boa_now_sqlite)
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
    key = person_key("RESA")
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
        cache.put(person_key("RESA"), facts, generation)
        assert cache.get(person_key("RESA")) is None
    finally:
        await cache.stop()


async def test_a_read_overtaken_by_a_commit_of_another_worker_is_not_kept(client, gateway, cache, demo):
    """The change is noticed only when the value is stored (another worker's record in the
    machine's stamp): it is not kept (bench/lock_propagation.py found this race: stale answers
    until PostgreSQL's notice arrived)."""
    from boa.kernel import access_cache

    assert (await ask(client, gateway, "RESA"))["allowed"] is True  # the stamp is open, the cache on
    key = person_key("RESA")
    generation = cache.generation
    async with transaction(demo) as s:
        facts = await load_facts(s, "RESA", "login")
    assert access_cache._STAMP is not None
    access_cache._STAMP.touch(f"u:{facts.user_id}")  # as another worker's commit does
    cache.put(key, PersonFacts(facts), generation, access_cache.person_keys(PersonFacts(facts)))
    assert cache.get(key) is None


async def test_off_means_every_decision_reads_the_database(demo):
    cache = AccessCache(max_age=0)
    await cache.start(demo)
    assert not cache.enabled
    async with transaction(demo) as s:
        await gateway_decision(cache, lambda: s, "RESA", "login", None, actor="system:test")
    with Statements(cache.reader or demo) as statements:  # (PostgreSQL: a miss reads on a pool of its own)
        async with transaction(demo) as s:
            assert (await gateway_decision(cache, lambda: s, "RESA", "login", None, actor="system:test")).allowed
    await cache.stop()
    assert len([s for s in statements.seen if not s.startswith("BEGIN")]) == 1  # (SQLite: BEGIN IMMEDIATE)


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
    """A commit that changed what the decision reads writes its keys to the machine's stamp (on
    SQLite: everything); a worker that finds a record it has not seen drops the entries under
    its keys on the spot, without waiting for PostgreSQL's notice (the checks below run without
    yielding to the event loop, so no notice can have been handled)."""
    stamp_file = cache.stamp_file
    assert stamp_file is not None and stamp_file.exists()
    cache.max_age = 600  # a slow machine: no entry is dropped for its age while the other process starts
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    assert (await ask(client, gateway, "RESB"))["allowed"] is True
    resa, resb = person_key("RESA"), person_key("RESB")
    before = stamp_file.read_bytes()
    async with transaction(demo) as s:  # a write that changes no fact: nothing is dropped
        await s.execute(text("UPDATE users SET name = name || '.' WHERE ident = 'RESB'"))
    if precise_here(demo):
        assert stamp_file.read_bytes() == before
        assert cache.get(resa) is not None and cache.get(resb) is not None
    before = stamp_file.read_bytes()
    async with transaction(demo) as s:  # RESB's certification changes
        await s.execute(update(User).where(User.ident == "RESB")
                        .values(certification_expires_at=clock.now() - timedelta(days=1)))
    assert stamp_file.read_bytes() != before
    assert cache.get(resb) is None
    assert (cache.get(resa) is not None) is precise_here(demo)
    assert (await ask(client, gateway, "RESB"))["reasons"][0]["code"] == "certification_expired"
    assert (await ask(client, gateway, "RESA"))["allowed"] is True
    # Another worker process of this machine commits a change to RESA: it writes RESA's key.
    async with transaction(demo) as s:
        resa_id = await s.scalar(select(User.id).where(User.ident == "RESA"))
    touch = ("import sys, pathlib; from boa.kernel.access_cache import _MachineStamp; "
             "_MachineStamp(pathlib.Path(sys.argv[1])).touch(sys.argv[2])")
    other = await asyncio.create_subprocess_exec(  # (the event loop keeps hearing the heartbeat meanwhile)
        sys.executable, "-c", touch, str(stamp_file), f"u:{resa_id}",
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    assert await asyncio.wait_for(other.wait(), 60) == 0
    assert cache.get(resa) is None
    if precise_here(demo):  # (on SQLite the audit of RESB's denial above dropped everything)
        assert cache.get(resb) is not None


async def change_through(through: str, engine, cache: AccessCache, change: str) -> None:  # type: ignore[no-untyped-def]
    """Commits ``change`` through BOA's engine, or elsewhere and waits for its notice."""
    if through == "boa":
        async with transaction(engine) as s:
            await s.execute(text(change))
    else:
        await write_elsewhere(engine, change)
        await notices_heard(engine, cache)


def precise_here(engine) -> bool:  # type: ignore[no-untyped-def]
    """PostgreSQL's triggers name what changed; on SQLite any commit drops everything."""
    return bool(engine.dialect.name == "postgresql")


async def notices_heard(engine, cache: AccessCache) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL: waits until a later change's notice arrived (notices come in commit order),
    so every notice of what was committed before has been handled."""
    if not precise_here(engine):
        return
    before = cache.generation
    await write_elsewhere(engine, "UPDATE users SET user_agreement_version = coalesce(user_agreement_version, 0) + 100 "
                                  "WHERE ident = 'LAWM'")
    await until(lambda: cache.generation != before, "a later change's notice arrived")


async def test_a_login_drops_nothing(client, gateway, cache, demo):
    """A login writes the token's counter, a session and the audit: no fact changes, so every
    entry stays — on PostgreSQL; on SQLite any commit drops everything (still correct)."""
    for ident in ("RESA", "RESB"):
        assert (await ask(client, gateway, ident))["allowed"] is True
    keys = [person_key("RESA"), person_key("RESB")]
    generation = cache.generation
    await login(client, "RESA")
    if precise_here(demo):
        assert cache.generation == generation  # the commit named no key: not even the stamp moved
        await write_elsewhere(demo, "UPDATE tokens SET last_counter = coalesce(last_counter, 0) + 1, fail_count = 0 "
                                    "WHERE user_id = (SELECT id FROM users WHERE ident = 'RESB')")
        await notices_heard(demo, cache)
        assert all(cache.get(key) is not None for key in keys)
    assert (await ask(client, gateway, "RESA"))["allowed"] is True


@pytest.mark.parametrize("through", ["boa", "elsewhere"])
async def test_a_change_to_one_users_association_drops_that_users_entries_only(client, gateway, cache, demo, through):
    number = await labour_number(demo)
    assert (await ask(client, gateway, "RESA", "project_access", number))["allowed"] is True
    for ident in ("RESA", "RESB"):
        assert (await ask(client, gateway, ident))["allowed"] is True
    change = "UPDATE associations SET state = 'ended' WHERE user_id = (SELECT id FROM users WHERE ident = 'RESB')"
    await change_through(through, demo, cache, change)
    assert cache.get(person_key("RESB")) is None
    if precise_here(demo):
        assert cache.get(person_key("RESA")) is not None
        assert cache.get(project_key(number)) is not None
    assert (await ask(client, gateway, "RESB"))["reasons"][0]["code"] == "no_association"
    assert (await ask(client, gateway, "RESA"))["allowed"] is True


@pytest.mark.parametrize("scope", ["project", "institution", "scheme", "user"])
async def test_a_lock_drops_the_entries_it_covers(client, gateway, cache, demo, scope):
    """A lock on the project, its institution or its scheme there drops that project's entry (and
    every project entry of the institution or scheme, not the others); a lock on a user drops
    that person's entry and no project's — through BOA: at once, on every worker of the machine."""
    number = await labour_number(demo)
    async with transaction(demo) as s:
        project = await s.scalar(select(Project).where(Project.number == int(number)))
        other = await s.scalar(select(Project).where(Project.institution_id != project.institution_id,
                                                     Project.scheme != project.scheme).limit(1))
        resa = await s.scalar(select(User.id).where(User.ident == "RESA"))
        target = {"project": {"project_id": project.id},
                  "institution": {"institution_id": project.institution_id},
                  "scheme": {"institution_id": project.institution_id, "scheme": project.scheme},
                  "user": {"user_id": resa}}[scope]
    covered, kept = project_key(number), person_key("RESA")
    if scope == "user":
        covered, kept = kept, covered
    elsewhere = project_key(str(other.number))
    assert (await ask(client, gateway, "RESA", "project_access", number))["allowed"] is True
    await ask(client, gateway, "RESA", "project_access", str(other.number))
    assert (await ask(client, gateway, "RESB"))["allowed"] is True
    async with transaction(demo) as s:
        s.add(Lock(scope=scope, source="decision", starts_at=clock.now(), ends_at=clock.now() + timedelta(days=30),
                   reason="A lock.", created_by="system:test", **target))
    assert cache.get(covered) is None
    if precise_here(demo):
        assert cache.get(kept) is not None
        assert cache.get(elsewhere) is not None
        assert cache.get(person_key("RESB")) is not None
    d = await ask(client, gateway, "RESA", "project_access", number)
    assert d["allowed"] is False and d["reasons"][0]["code"] == "locked" and d["reasons"][0]["scope"] == scope
    assert (await ask(client, gateway, "RESA"))["allowed"] is (scope != "user")


@pytest.mark.parametrize("through", ["boa", "elsewhere"])
async def test_a_membership_is_kept_with_its_person(client, gateway, cache, demo, through):
    """The person's entry holds the user's memberships: a membership added or changed (named
    ``m:<user>:<project>``) drops that person's entry, not the project's or another person's."""
    number = await labour_number(demo)
    async with transaction(demo) as s:
        health = await s.scalar(select(Project).where(Project.title.like("Health and income%")))
        resb = await s.scalar(select(User.id).where(User.ident == "RESB"))
    assert "not_member" in [r["code"] for r in (await ask(client, gateway, "RESB", "project_access",
                                                          str(health.number)))["reasons"]]
    assert (await ask(client, gateway, "RESA", "project_access", number))["allowed"] is True
    now = "now()" if demo.dialect.name == "postgresql" else "CURRENT_TIMESTAMP"
    change = (f"INSERT INTO project_members (project_id, user_id, state, activated_at, created_at, updated_at) "
              f"VALUES ({health.id}, {resb}, 'active', {now}, {now}, {now})")
    await change_through(through, demo, cache, change)
    assert cache.get(person_key("RESB")) is None
    if precise_here(demo):
        assert cache.get(project_key(str(health.number))) is not None
        assert cache.get(person_key("RESA")) is not None
        assert cache.get(project_key(number)) is not None
    assert "not_member" not in [r["code"] for r in (await ask(client, gateway, "RESB", "project_access",
                                                              str(health.number)))["reasons"]]


async def test_a_notice_names_only_the_keys_of_what_changed(demo):
    """The triggers' payloads (PostgreSQL): the keys of the rows whose watched columns changed;
    nothing for a login's counter; everything for more keys than fit a notice."""
    if not precise_here(demo):
        pytest.skip("the change notices are PostgreSQL triggers")
    import asyncpg

    heard: list[str] = []
    listener = await asyncpg.connect(demo.url.set(drivername="postgresql").render_as_string(hide_password=False))
    await listener.add_listener("boa_access", lambda *args: heard.append(args[3]))
    try:
        async with transaction(demo) as s:
            resa = await s.scalar(select(User.id).where(User.ident == "RESA"))
        await write_elsewhere(demo, "UPDATE tokens SET last_counter = coalesce(last_counter, 0) + 1, drift = 0")
        await write_elsewhere(demo, "UPDATE users SET active = false WHERE ident = 'RESA'")
        await write_elsewhere(demo, "INSERT INTO users (ident, name, active, staff_roles, language, created_at, updated_at) "
                                    "SELECT 'Q' || chr(65 + a) || chr(65 + b) || chr(65 + c), 'x', true, '[]', 'da', "
                                    "now(), now() FROM generate_series(0, 25) a, generate_series(0, 25) b, "
                                    "generate_series(0, 9) c")
        await until(lambda: len(heard) >= 2, "two notices")
    finally:
        await listener.close()
    assert heard == [f"n:RESA,u:{resa}", "*"]
