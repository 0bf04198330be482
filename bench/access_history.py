"""Access history at scale on PostgreSQL (issue 21 item 6): a replayed decision and a project's
year of history, p50/p95, in process and through HTTP.

Seeds ``fact_history`` directly (COPY through asyncpg, text format, streamed while it is made) with
ten years of synthetic history for ``--users`` users (each: a user row that changes every year with
a renewed certification, an association, a token replaced every three years) and ``--users``/10
projects (each: a project row, ~10 members who join and leave over the years, a lock on one in
ten), plus ``--big`` projects with ``--big-members`` memberships over the ten years (a few hundred
people in any one year), on a database migrated to the head. The table is unlogged and its
indexes are built after the load (a throw-away database: reads do not differ).

The synthetic rows lie partly outside the real identifier spaces (docs/decisions.md, "Access
history"): IDENTs are 3-4 letters (474,552) and project numbers 700001-709999 (9,999). Every user
gets a 4-character IDENT, base 36, scattered by a stride: about a quarter are letters only (the
ones ``GET /v1/access/decision`` accepts, asked about here), the rest have a digit and are never a
real IDENT. One project in ten (9,999 of 100,000, scattered) has a real number and a row in
``projects`` (the route looks the project up there; its CHECK keeps the range); the rest have
numbers from 1,000,001 that only ``fact_history`` holds: they are the volume the queries search
through, not asked about.

Then asks, ``--requests`` times each, with the same random people, projects and moments, first in
process (the functions the routes call, one session each) and then through HTTP (uvicorn, one
worker, one keep-alive connection, a staff session):

* a replay: ``GET /v1/access/decision?ident=&action=project_access&project=&at=`` for a member of
  a project at a moment in their membership (:func:`boa.history.replay.decision_at`);
* a project's year: ``GET /v1/access/history?project=&from=&to=`` over 365 days
  (:func:`boa.history.timeline.asked`), for an ordinary project and for a big one.

Target: p95 < 100 ms each. With each figure: the mean CPU per request of BOA's process(es) and
the database's backends, and the load average (a shared machine: the wall times move with it).

    python bench/access_history.py [--users 1000000] [--requests 100] [--big 10] [--big-members 1000]
    python bench/access_history.py --users 1000000 --keep --seed-only   # then, as often as needed:
    python bench/access_history.py --users 1000000 --keep --reuse
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import string
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from _common import Connection, Server, fresh_postgres, percentile, prepare_env, tmp_var_dir

YEARS = 10
START = datetime(2016, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
END = START + YEAR * YEARS
B36 = string.digits + string.ascii_uppercase
STRIDE = 7919  # prime, so u -> u * STRIDE mod 36**4 is one-to-one: letters-only IDENTs fall everywhere
STAFF_IDENT, STAFF_ID = "STF", 100_000_000  # three letters: outside the synthetic (4-character) space
REAL_PROJECTS = 9_999  # project numbers 700001-709999
COLUMNS = ("table_name", "row_id", "user_id", "project_id", "institution_id", "label", "row_data",
           "valid_from", "valid_to")


def ident(u: int) -> str:
    """User ``u``'s IDENT: 4 characters base 36 (letters only for about a quarter of the users)."""
    n, s = (u * STRIDE) % 36 ** 4, ""
    for _ in range(4):
        n, r = divmod(n, 36)
        s = B36[r] + s
    return s


def number(p: int) -> int:
    """Project ``p``'s number: a real one (700001-709999) for every tenth, else from 1,000,001."""
    return 700_000 + p // 10 if p % 10 == 0 and p // 10 <= REAL_PROJECTS else 1_000_000 + p


def big_projects(projects: int, big: int) -> list[int]:
    real = min(projects // 10, REAL_PROJECTS)
    return [10 * (1 + i * (real // big)) for i in range(big)] if big and real else []


def members(p: int, users: int, count: int) -> list[tuple[int, datetime, datetime | None]]:
    """Project ``p``'s memberships (user, since, until or open), the same every time it is asked."""
    rng = random.Random(p)
    out = []
    for _ in range(count):
        u = rng.randrange(1, users + 1)
        since = START + timedelta(days=rng.randrange(0, 365 * YEARS), seconds=rng.randrange(86_400))
        until = since + timedelta(days=rng.randrange(30, 900))
        out.append((u, since, until if until < END else None))
    return out


def institution_of(p: int, institutions: int) -> int:
    return 1 + (p * 7) % institutions


def _t(moment: datetime | None) -> str:
    return "\\N" if moment is None else moment.isoformat()


def history_lines(users: int, big: int, big_members: int) -> Iterator[str]:
    """The synthetic history, one COPY text line per row version."""
    rng = random.Random(users)
    institutions = max(users // 100, 1)
    years = [START + YEAR * y for y in range(YEARS + 1)]
    expiries = [[(years[y] + YEAR + timedelta(days=d)).isoformat() for d in range(-30, 30)] for y in range(YEARS)]
    yield f'user_agreement_versions\t1\t\\N\t\\N\t\\N\t\\N\t{{"version": 1}}\t{_t(START)}\t\\N\n'
    for u in range(1, users + 1):
        i = ident(u)
        for y in range(YEARS):
            data = (f'{{"ident": "{i}", "active": true, "activated": true, "staff_roles": [], '
                    f'"user_agreement_version": 1, "certification_expires_at": "{expiries[y][rng.randrange(60)]}"}}')
            yield f"users\t{u}\t{u}\t\\N\t\\N\t{i}\t{data}\t{years[y].isoformat()}\t{_t(years[y + 1] if y < YEARS - 1 else None)}\n"
        inst = rng.randrange(1, institutions + 1)
        yield (f'associations\t{u}\t{u}\t\\N\t{inst}\t\\N\t{{"user_id": {u}, "institution_id": {inst}, '
               f'"state": "approved"}}\t{years[0].isoformat()}\t\\N\n')
        for t in range(0, YEARS, 3):
            yield (f'tokens\t{u}-{t}\t{u}\t\\N\t\\N\t\\N\t{{"user_id": {u}, "kind": "totp", "state": "active"}}\t'
                   f"{years[t].isoformat()}\t{_t(years[t + 3] if t + 3 < YEARS else None)}\n")
    big_ones = set(big_projects(users // 10, big))
    for p in range(1, users // 10 + 1):
        inst = institution_of(p, institutions)
        n = number(p)
        yield (f'projects\t{p}\t\\N\t{p}\t{inst}\t{n}\t{{"number": {n}, "institution_id": {inst}, '
               f'"scheme": "researcher", "kind": null, "state": "approved", "end_date": "{END.date().isoformat()}", '
               f'"approved_at": "{START.isoformat()}", "closed_at": null, "deleted": false}}\t{START.isoformat()}\t\\N\n')
        for m, (u, since, until) in enumerate(members(p, users, big_members if p in big_ones else 10)):
            yield (f'project_members\t{p}-{m}\t{u}\t{p}\t\\N\t\\N\t{{"project_id": {p}, "user_id": {u}, '
                   f'"state": "active"}}\t{since.isoformat()}\t{_t(until)}\n')
        if (p // 10) % 10 == 3:  # a lock on one project in ten (the real-numbered ones too)
            since = START + timedelta(days=(p * 37) % (365 * YEARS))
            yield (f'locks\t{p}\t\\N\t{p}\t{inst}\t\\N\t{{"case_id": null, "scope": "project", "user_id": null, '
                   f'"project_id": {p}, "institution_id": {inst}, "scheme": null, "starts_at": "{since.isoformat()}", '
                   f'"ends_at": "{(since + timedelta(days=90)).isoformat()}", "open_end": null, "lifted_at": null}}\t'
                   f"{since.isoformat()}\t\\N\n")


async def seed(raw_url: str, users: int, big: int, big_members: int) -> dict[str, float]:
    """COPY the history (indexes dropped, table unlogged), build the indexes two at a time, then
    the rows the routes read besides the history: institutions, the real-numbered projects and a
    staff user."""
    import asyncpg

    conn = await asyncpg.connect(raw_url)
    timings: dict[str, float] = {}
    try:
        indexes = [r["indexdef"] for r in await conn.fetch(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'fact_history' AND indexname <> 'pk_fact_history'")]
        for name in await conn.fetch("SELECT indexname FROM pg_indexes WHERE tablename = 'fact_history' "
                                     "AND indexname <> 'pk_fact_history'"):
            await conn.execute(f'DROP INDEX "{name["indexname"]}"')
        await conn.execute("ALTER TABLE fact_history SET UNLOGGED")
        await conn.execute("ALTER TABLE fact_history SET (autovacuum_enabled = false)")
        count = 0

        async def chunks() -> AsyncIterator[bytes]:
            nonlocal count
            batch: list[str] = []
            for line in history_lines(users, big, big_members):
                batch.append(line)
                if len(batch) == 20_000:
                    count += len(batch)
                    yield "".join(batch).encode()
                    batch = []
                    await asyncio.sleep(0)
            count += len(batch)
            yield "".join(batch).encode()

        began = time.perf_counter()
        await conn.copy_to_table("fact_history", source=chunks(), columns=COLUMNS, format="text")
        timings["copy_s"] = time.perf_counter() - began
        timings["rows"] = count

        began = time.perf_counter()
        gate = asyncio.Semaphore(2)

        async def build(sql: str) -> None:
            async with gate:
                c = await asyncpg.connect(raw_url)
                try:
                    await c.execute("SET maintenance_work_mem = '1GB'")
                    await c.execute("SET max_parallel_maintenance_workers = 0")
                    await c.execute(sql)
                finally:
                    await c.close()

        await asyncio.gather(*(build(sql) for sql in indexes))
        timings["indexes_s"] = time.perf_counter() - began
        began = time.perf_counter()
        await conn.execute("VACUUM (ANALYZE) fact_history")
        timings["vacuum_s"] = time.perf_counter() - began

        # The projects table: only the real-numbered projects (its CHECK keeps 700001-709999), with
        # the ids the history names; triggers off (the history is already there).
        now = datetime.now(UTC)
        institutions = max(users // 100, 1)
        await conn.execute("SET session_replication_role = replica")
        await conn.copy_records_to_table("institutions", columns=[
            "id", "name", "authorisation_number", "kind", "mail_domains", "created_at", "updated_at"], records=[
            (i, f"Institution {i}", 10_000 + i, "university", "[]", now, now) for i in range(1, institutions + 1)])
        await conn.copy_records_to_table("projects", columns=[
            "id", "number", "institution_id", "scheme", "billed_as", "title", "state", "datasets", "deleted",
            "created_at", "updated_at"], records=[
            (p, number(p), institution_of(p, institutions), "researcher", "researcher", f"Synthetic project {p}",
             "approved", "[]", False, now, now) for p in range(10, users // 10 + 1, 10) if number(p) < 1_000_000])
        await conn.execute("SET session_replication_role = DEFAULT")
        await conn.execute("ANALYZE institutions; ANALYZE projects")
        return timings
    finally:
        await conn.close()


class Samples:
    """The questions, the same in process and through HTTP."""

    def __init__(self, users: int, requests: int, big: int, big_members: int) -> None:
        rng = random.Random(7)
        projects = users // 10
        big_ones = big_projects(projects, big)
        real = [p for p in range(10, projects + 1, 10) if number(p) < 1_000_000 and p not in big_ones]
        self.replays: list[tuple[str, str, datetime]] = []
        while len(self.replays) < requests:
            p = rng.choice(real)
            u, since, until = rng.choice(members(p, users, 10))
            if ident(u).isalpha():  # the route accepts letters only
                stop = until or END - timedelta(days=1)
                at = since + (stop - since) * rng.random()
                self.replays.append((ident(u), str(number(p)), at))
        self.years = [(str(number(rng.choice(real))), self._window(rng)) for _ in range(requests)]
        self.big_years = [(str(number(rng.choice(big_ones))), self._window(rng)) for _ in range(requests)] \
            if big_ones else []

    @staticmethod
    def _window(rng: random.Random) -> tuple[datetime, datetime]:
        end = START + YEAR + (END - START - YEAR - timedelta(days=1)) * rng.random()
        return end - YEAR, end


def load() -> str:
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def _cpu(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


async def timed(calls: list[Callable[[], Awaitable[object]]], processes: Callable[[], list[int]]) -> dict[str, object]:
    """p50/p95/max wall time of the calls, and the mean CPU each used in ``processes`` (BOA's and
    PostgreSQL's backends: a figure the other loads on the machine move less than the wall time)."""
    for call in calls[:3]:  # warm-up
        await call()
    pids = processes()
    cpu = _cpu(pids)
    times = []
    for call in calls:
        began = time.perf_counter()
        await call()
        times.append((time.perf_counter() - began) * 1000)
    return {"p50": round(percentile(times, 50), 1), "p95": round(percentile(times, 95), 1),
            "max": round(max(times), 1), "cpu_ms": round((_cpu(pids) - cpu) / len(calls) * 1000, 1), "load": load()}


def backends(database: str) -> Callable[[], list[int]]:
    """This process and the PostgreSQL backends connected to ``database``."""
    import psutil

    def pids() -> list[int]:
        found = [os.getpid()]
        for p in psutil.process_iter(["cmdline"]):
            cmd = " ".join(p.info["cmdline"] or [])
            if cmd.startswith("postgres: ") and f" {database} " in cmd:
                found.append(p.pid)
        return found
    return pids


async def in_process(samples: Samples, database: str) -> dict[str, dict[str, object]]:
    from boa.history import timeline
    from boa.history.replay import decision_at
    from boa.kernel.actor import SYSTEM
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings

    engine = make_engine(get_settings())

    def replay(who: str, project: str, at: datetime) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            async with transaction(engine) as session:
                return await decision_at(session, who, "project_access", project, at)
        return call

    def year(project: str, span: tuple[datetime, datetime]) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            async with transaction(engine) as session:
                return await timeline.asked(session, actor=SYSTEM, project=project, ident=None,
                                            start=span[0].isoformat(), end=span[1].isoformat())
        return call

    out = {}
    pids = backends(database)
    try:
        out["replay"] = await timed([replay(*r) for r in samples.replays], pids)
        out["project_year"] = await timed([year(*y) for y in samples.years], pids)
        if samples.big_years:
            out["big_project_year"] = await timed([year(*y) for y in samples.big_years], pids)
            found = await year(*samples.big_years[0])()
            out["big_project_year"]["people"] = len({i.ident for i in found.intervals})  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
    return out


async def over_http(server: Server, token: str, samples: Samples, database: str) -> dict[str, dict[str, object]]:
    port = server.port

    def pids() -> list[int]:  # the server's processes, not this one
        return [p.pid for p in server.processes()] + backends(database)()[1:]

    conn = await Connection.open("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {token}"}

    def get(path: str, query: dict[str, str]) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            status, _, body = await conn.request("GET", f"{path}?{urlencode(query)}", headers=headers)
            assert status == 200, (path, query, status, body[:300])
            return body
        return call

    def replay(who: str, project: str, at: datetime) -> Callable[[], Awaitable[object]]:
        return get("/v1/access/decision", {"ident": who, "action": "project_access", "project": project,
                                           "at": at.isoformat()})

    def year(project: str, span: tuple[datetime, datetime]) -> Callable[[], Awaitable[object]]:
        return get("/v1/access/history", {"project": project, "from": span[0].isoformat(), "to": span[1].isoformat()})

    out = {"replay": await timed([replay(*r) for r in samples.replays], pids),
           "project_year": await timed([year(*y) for y in samples.years], pids)}
    if samples.big_years:
        out["big_project_year"] = await timed([year(*y) for y in samples.big_years], pids)
    conn.close()
    return out


async def staff_token() -> str:
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from boa.people.models import User
    from tokens.models import Token
    from tokens.sessions import open_session

    engine = make_engine(get_settings())
    try:
        async with transaction(engine) as session:
            now = datetime.now(UTC)
            user = User(id=STAFF_ID, ident=STAFF_IDENT, name="Bench Staff", staff_roles=["staff"], pin_hash="bench",
                        certified_at=now, certification_expires_at=now + YEAR)
            session.add(user)
            await session.flush()
            session.add(Token(user_id=user.id, kind="totp", state="active"))  # signed in: onboarded
            return (await open_session(session, user)).token
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--big", type=int, default=10, help="projects with --big-members memberships")
    parser.add_argument("--big-members", type=int, default=1000)
    parser.add_argument("--admin-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--database", default="boa_bench_history")
    parser.add_argument("--reuse", action="store_true", help="measure on the database a --keep run left")
    parser.add_argument("--keep", action="store_true", help="leave the database (default: drop it)")
    parser.add_argument("--seed-only", action="store_true", help="with --keep: seed, measure later with --reuse")
    args = parser.parse_args()
    import asyncpg

    base = args.admin_url.rsplit("/", 1)[0]
    url = f"{base}/{args.database}" if args.reuse else await fresh_postgres(args.admin_url, args.database)
    env = prepare_env(tmp_var_dir("boa-bench-history-"), url)
    raw = url.replace("postgresql+asyncpg://", "postgresql://")
    result: dict[str, object] = {"users": args.users, "projects": args.users // 10,
                                 "big_projects": f"{args.big} x {args.big_members} memberships"}
    try:
        if not args.reuse:
            from boa.migrate import upgrade

            await asyncio.to_thread(upgrade, url)
            began = time.perf_counter()
            timings = await seed(raw, args.users, args.big, args.big_members)
            result["seed"] = {k: round(v, 1) for k, v in timings.items()} | {
                "total_s": round(time.perf_counter() - began, 1), "load": load()}
            print(json.dumps(result["seed"]), flush=True)
            token = await staff_token()
            if args.seed_only:
                return
        else:
            from boa.kernel.db import make_engine, transaction
            from boa.kernel.settings import get_settings
            from boa.people.models import User
            from tokens.sessions import open_session

            engine = make_engine(get_settings())
            async with transaction(engine) as session:
                token = (await open_session(session, await session.get(User, STAFF_ID))).token
            await engine.dispose()
        conn = await asyncpg.connect(raw)
        result["history_rows"] = await conn.fetchval("SELECT count(*) FROM fact_history")
        result["size"] = await conn.fetchval("SELECT pg_size_pretty(pg_total_relation_size('fact_history'))")
        await conn.close()
        samples = Samples(args.users, args.requests, args.big, args.big_members)
        result["in_process"] = await in_process(samples, args.database)
        print(json.dumps(result["in_process"]), flush=True)
        server = Server(env, workers=1)
        try:
            await server.ready()
            result["http"] = await over_http(server, token, samples, args.database)
        finally:
            server.stop()
    finally:
        if not args.keep:
            conn = await asyncpg.connect(args.admin_url.replace("postgresql+asyncpg://", "postgresql://"))
            await conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            await conn.close()
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
