"""``GET /v1/access/decision`` under load against a bare endpoint of the same app, same run.

BOA (demo data) is served by uvicorn (``--workers``, default 2) on a fresh SQLite file or
PostgreSQL database; this process is the load generator: ``--connections`` keep-alive HTTP/1.1
connections over loopback, each sending its next request when the last answer arrived, for
``--seconds`` per endpoint. The caller is a service client (client-credentials JWT with
``access:decide``), as the remote-desktop gateway would be. Prints requests/s and p50/p99 for
``GET /health/ping`` (no database) and for the decision (``project_access`` for the researcher
RESA on the demo's approved project: allowed), and the ratio. Targets: ratio >= 0.5, p99 < 20 ms.
The workers answer repeated decisions from their access cache (boa/access_cache.py); run with
``BOA_ACCESS_CACHE_SECONDS=0`` in the environment to measure every decision read from the database.

    python bench/access_decision.py [--db sqlite|postgres] [--workers 2] [--connections 16] [--seconds 10]

``--mix`` (issue 19 item 4) is real traffic instead: 10,000 users and 1,000 projects are seeded
besides the demo (each user associated, certified, with an active token and member of two
projects), the decisions ask ``project_access`` for random (user, project) pairs — by default a
user and one of their projects (``--pairs members``: 20,000 pairs), or any user and any project
(``--pairs any``: 10,000,000) — and during both measurements full logins (PIN, Argon2id, TOTP)
run at ``--logins-per-second`` (20) and an administrative change commits every second (a lock
on a random user, lifted the next second, through another process's SQLAlchemy engine, as the
CLI would):

    python bench/access_decision.py --db postgres --mix [--pairs members|any]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import urllib.parse

from _common import Connection, Server, fresh_postgres, prepare_env, sqlite_url, summary, tmp_var_dir
from login import argon_env


async def seed(url: str) -> tuple[str, str, str]:
    from sqlalchemy import select

    from boa.demo import load_demo
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from boa.migrate import upgrade
    from schemes.projects.models import Project
    from tokens.service_clients import create_client

    await asyncio.to_thread(upgrade, url)
    engine = make_engine(get_settings())
    await load_demo(engine)
    async with transaction(engine) as s:
        reg = await create_client(s, "bench gateway", ["access:decide"], actor="system:bench")
        number = await s.scalar(select(Project.number).where(Project.title.like("Labour market%")))
    await engine.dispose()
    return reg.client.client_id, reg.secret, str(number)


async def get_token(port: int, client_id: str, secret: str) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                   "client_secret": secret}).encode()
    writer.write(b"POST /v1/oauth/token HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    data = await reader.read()
    writer.close()
    return json.loads(data.split(b"\r\n\r\n", 1)[1])["access_token"]


async def load(port: int, path: str, headers: dict[str, str], connections: int, seconds: float,
               expect: bytes | None = None) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal errors
        conn = await Connection.open("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                t = time.perf_counter()
                status, _, body = await conn.request("GET", path, headers=headers)
                latencies.append(time.perf_counter() - t)
                if status != 200 or (expect is not None and expect not in body):
                    errors += 1
        finally:
            conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "errors": errors, **summary(latencies)}


MIX_USERS, MIX_PROJECTS, LOGIN_USERS = 10_000, 1_000, 1_500
MAX_LOGINS_IN_FLIGHT = 8


def mix_idents(n: int) -> list[str]:
    """X and three letters: no demo user's IDENT begins with X (with C, CHEF was taken)."""
    return ["X" + chr(65 + i // 676 % 26) + chr(65 + i // 26 % 26) + chr(65 + i % 26) for i in range(n)]


async def seed_mix(url: str) -> dict:
    """Beside the demo: MIX_USERS users who may log in (the first LOGIN_USERS with a TOTP seed
    this process knows), MIX_PROJECTS approved projects, two memberships a user."""
    import random

    import pyotp
    from sqlalchemy import func, insert, select

    from boa.kernel import clock
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from boa.people.models import Association, Institution, User, UserAgreementVersion
    from schemes.projects.models import Project, ProjectMember
    from tokens.keys import pin_hasher
    from tokens.kinds import seal_secret
    from tokens.models import Token

    rng = random.Random(19)
    engine = make_engine(get_settings())
    now = clock.now()
    idents = mix_idents(MIX_USERS)
    async with transaction(engine) as s:
        institution = await s.scalar(select(Institution.id).where(Institution.authorisation_number == 101))
        version = await s.scalar(select(func.max(UserAgreementVersion.version)))
        pin_hash = pin_hasher().hash("7391")
        await s.execute(insert(User), [
            {"ident": ident, "name": f"Bench {ident}", "pin_hash": pin_hash, "staff_roles": [],
             "user_agreement_version": version, "certified_at": now,
             "certification_expires_at": now.replace(year=now.year + 1)} for ident in idents])
        ids = dict((await s.execute(select(User.ident, User.id).where(User.ident.in_(idents)))).all())
        await s.execute(insert(Association), [
            {"user_id": ids[i], "institution_id": institution, "state": "approved", "requested_by_id": ids[i],
             "decided_at": now} for i in idents])
        tokens = [Token(user_id=ids[i], kind="totp", state="active", activated_at=now) for i in idents[:LOGIN_USERS]]
        s.add_all(tokens)
        await s.flush()
        secrets = {}
        for ident, token in zip(idents, tokens, strict=False):
            secrets[ident] = pyotp.random_base32(32)
            seal_secret(token, secrets[ident])
        await s.execute(insert(Token), [{"user_id": ids[i], "kind": "totp", "state": "active", "activated_at": now}
                                        for i in idents[LOGIN_USERS:]])
        numbers = list(range(708000, 708000 + MIX_PROJECTS))
        await s.execute(insert(Project), [
            {"number": n, "institution_id": institution, "scheme": "researcher", "title": f"Bench project {n}",
             "state": "approved", "approved_at": now, "datasets": [], "end_date": now.date().replace(year=now.year + 2)}
            for n in numbers])
        projects = dict((await s.execute(select(Project.number, Project.id)
                                         .where(Project.number.in_(numbers)))).all())
        pairs: list[tuple[str, int]] = []
        rows = []
        for ident in idents:
            for n in rng.sample(numbers, 2):
                pairs.append((ident, n))
                rows.append({"user_id": ids[ident], "project_id": projects[n], "state": "active", "activated_at": now})
        await s.execute(insert(ProjectMember), rows)
    await engine.dispose()
    return {"idents": idents, "numbers": numbers, "pairs": pairs, "secrets": secrets, "user_ids": list(ids.values())}


async def logins(port: int, secrets: dict[str, str], per_second: float, stop: asyncio.Event,
                 done: dict[str, int]) -> dict[str, int]:
    """Full logins (PIN, then the TOTP code) at ``per_second``, each user once (a code is accepted
    once per user and time step); counted in ``done`` as they end."""
    import pyotp

    queue = list(secrets.items())
    done.update({"logins": 0, "failed": 0, "skipped": 0})

    async def one(ident: str, secret: str) -> None:
        conn = await Connection.open("127.0.0.1", port)
        try:
            status, _, body = await conn.request("POST", "/v1/auth/login", {"ident": ident, "pin": "7391"})
            if status == 200:
                status, _, body = await conn.request("POST", "/v1/auth/verify", {
                    "challenge_id": json.loads(body)["challenge_id"], "code": pyotp.TOTP(secret).now()})
            done["logins" if status == 200 else "failed"] += 1
        finally:
            conn.close()

    running: set[asyncio.Task[None]] = set()
    while per_second > 0 and not stop.is_set() and queue:
        if len(running) < MAX_LOGINS_IN_FLIGHT:  # a server that cannot keep up is not buried
            task = asyncio.create_task(one(*queue.pop()))
            running.add(task)
            task.add_done_callback(running.discard)
        else:
            done["skipped"] += 1
        await asyncio.sleep(1 / per_second)
    await asyncio.gather(*running, return_exceptions=True)
    return done


async def admin_changes(url: str, user_ids: list[int], stop: asyncio.Event) -> int:
    """Every second a lock on a random user commits (and the previous one is lifted)."""
    import random
    from datetime import timedelta

    from sqlalchemy import update

    from boa.kernel import clock
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from boa.sanctions.models import Lock

    engine = make_engine(get_settings())
    rng, previous, changes = random.Random(7), None, 0
    try:
        while not stop.is_set():
            async with transaction(engine) as s:
                if previous is not None:
                    await s.execute(update(Lock).where(Lock.id == previous).values(lifted_at=clock.now(),
                                                                                   lifted_by="system:bench"))
                lock = Lock(scope="user", source="decision", user_id=rng.choice(user_ids), starts_at=clock.now(),
                            ends_at=clock.now() + timedelta(days=30), reason="Bench.", created_by="system:bench")
                s.add(lock)
                await s.flush()
                previous = lock.id
            changes += 1
            await asyncio.sleep(1.0)
    finally:
        await engine.dispose()
    return changes


async def load_paths(port: int, paths: list[str], headers: dict[str, str], connections: int, seconds: float
                     ) -> dict[str, float]:
    """Like :func:`load`, each request for a random one of ``paths``."""
    import random

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    rng = random.Random()

    async def one() -> None:
        nonlocal errors
        conn = await Connection.open("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                path = rng.choice(paths)
                t = time.perf_counter()
                status, _, _body = await conn.request("GET", path, headers=headers)
                latencies.append(time.perf_counter() - t)
                if status != 200:
                    errors += 1
        finally:
            conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "errors": errors, **summary(latencies)}


async def main_mix(args: argparse.Namespace) -> None:
    import random

    var_dir = tmp_var_dir("boa-bench-decision-mix-")
    url = await fresh_postgres(args.pg_admin, "boa_bench_decision") if args.db == "postgres" else sqlite_url(var_dir)
    env = prepare_env(var_dir, url, **argon_env(args.argon))
    client_id, secret, _ = await seed(url)
    world = await seed_mix(url)
    rng = random.Random(5)
    if args.pairs == "members":
        pairs = world["pairs"]
    else:
        pairs = [(rng.choice(world["idents"]), rng.choice(world["numbers"])) for _ in range(200_000)]
    paths = [f"/v1/access/decision?ident={i}&action=project_access&project={n}" for i, n in pairs]
    server = Server(env, workers=args.workers)
    stop = asyncio.Event()
    try:
        await server.ready()
        auth = {"Authorization": f"Bearer {await get_token(server.port, client_id, secret)}"}
        counted: dict[str, int] = {}
        background = [asyncio.create_task(logins(server.port, world["secrets"], args.logins_per_second, stop,
                                                 counted)),
                      asyncio.create_task(admin_changes(url, world["user_ids"], stop))]
        await load(server.port, "/health/ping", {}, args.connections, 1.0)
        await load_paths(server.port, paths, auth, args.connections, args.warmup)
        cpu0, logins0 = server.cpu_seconds(), counted["logins"]
        bare = await load(server.port, "/health/ping", {}, args.connections, args.seconds)
        cpu1, logins1 = server.cpu_seconds(), counted["logins"]
        dec = await load_paths(server.port, paths, auth, args.connections, args.seconds)
        cpu2, logins2 = server.cpu_seconds(), counted["logins"]
        bare["logins"], dec["logins"] = logins1 - logins0, logins2 - logins1
        stop.set()
        done, changes = await asyncio.gather(*background)
    finally:
        stop.set()
        server.stop()
    print(f"database {args.db}; uvicorn workers {args.workers}; {args.connections} keep-alive connections; "
          f"{args.seconds:.0f} s per endpoint; {MIX_USERS} users, {MIX_PROJECTS} projects; pairs: {args.pairs} "
          f"({len(set(pairs))} distinct); meanwhile {done['logins']} full logins ({done['failed']} failed, "
          f"{done['skipped']} not started with {MAX_LOGINS_IN_FLIGHT} in flight; target {args.logins_per_second:.0f}/s, "
          f"argon2id {args.argon or 'BOA default'}) and {changes} administrative changes (one a second)")
    for name, r, cpu in (("GET /health/ping", bare, cpu1 - cpu0), ("GET /v1/access/decision", dec, cpu2 - cpu1)):
        print(f"{name:26} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  "
              f"({r['requests']} requests, {r['errors']} errors, server CPU {cpu / max(r['requests'], 1) * 1e3:.2f} "
              f"ms/request, logins' included; {r['logins'] / args.seconds:.1f} logins/s meanwhile)")
    ratio = dec["rps"] / bare["rps"]
    print(f"ratio decision/bare {ratio:.2f} (target >= 0.5); decision p99 {dec['p99_ms']:.1f} ms (target < 20 ms)")


async def main(args: argparse.Namespace) -> None:
    if args.mix:
        await main_mix(args)
        return
    var_dir = tmp_var_dir("boa-bench-decision-")
    url = await fresh_postgres(args.pg_admin, "boa_bench_decision") if args.db == "postgres" else sqlite_url(var_dir)
    env = prepare_env(var_dir, url)
    client_id, secret, number = await seed(url)
    server = Server(env, workers=args.workers)
    try:
        await server.ready()
        token = await get_token(server.port, client_id, secret)
        auth = {"Authorization": f"Bearer {token}"}
        decision = f"/v1/access/decision?ident=RESA&action=project_access&project={number}"
        # Warm both paths (imports, pools, caches) before measuring.
        await load(server.port, "/health/ping", {}, args.connections, 1.0)
        await load(server.port, decision, auth, args.connections, 1.0)
        cpu0 = server.cpu_seconds()
        bare = await load(server.port, "/health/ping", {}, args.connections, args.seconds)
        cpu1 = server.cpu_seconds()
        dec = await load(server.port, decision, auth, args.connections, args.seconds, expect=b'"allowed":true')
        cpu2 = server.cpu_seconds()
    finally:
        server.stop()
    print(f"database {args.db}; uvicorn workers {args.workers}; {args.connections} keep-alive connections; "
          f"{args.seconds:.0f} s per endpoint")
    for name, r, cpu in (("GET /health/ping", bare, cpu1 - cpu0), ("GET /v1/access/decision", dec, cpu2 - cpu1)):
        print(f"{name:26} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  "
              f"({r['requests']} requests, {r['errors']} errors, server CPU {cpu / max(r['requests'], 1) * 1e3:.2f} ms/request)")
    ratio = dec["rps"] / bare["rps"]
    print(f"ratio decision/bare {ratio:.2f} (target >= 0.5); decision p99 {dec['p99_ms']:.1f} ms (target < 20 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-admin", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--mix", action="store_true", help="real traffic: 10,000 users, logins and changes meanwhile")
    parser.add_argument("--pairs", choices=("members", "any"), default="members")
    parser.add_argument("--warmup", type=float, default=10.0, help="--mix: seconds of decisions before measuring")
    parser.add_argument("--logins-per-second", type=float, default=20.0)
    parser.add_argument("--argon", default=None, help="MEMORY_KIB,TIME_COST for the logins (default: BOA's)")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main(args))
