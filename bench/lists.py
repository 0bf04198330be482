"""List and search endpoints at 10k, 100k and 1M users on PostgreSQL: p95 must stay flat.

Seeds (COPY through asyncpg) users, institutions and projects in the proportions 100 : 1 : 10
(so 1,000,000 users, 10,000 institutions and 100,000 projects at the top), on top of the demo
data, then serves BOA with uvicorn and asks each endpoint ``--requests`` times from one
keep-alive connection (varying the search term or the cursor), at each scale:

* ``GET /v1/users?limit=50`` and deep pages (a cursor taken at random through the table),
  ``GET /v1/users?q=`` with a name prefix (many matches), a rare name prefix, an e-mail prefix,
  an exact IDENT (staff STAF);
* ``GET /v1/institutions`` first and deep pages (staff);
* ``GET /v1/projects`` first and deep pages as staff, and the lists an administrator (ADMN)
  and a researcher (RESA) see.

The synthetic rows lie outside the real number spaces: IDENTs are 3-4 letters (at most 474,552
users) and project numbers 700001-709999, so synthetic users get IDENTs with digits and the
bench database drops the project-number range check. Target: p95 < 50 ms at every scale.

    python bench/lists.py [--scales 10000,100000,1000000] [--requests 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import string
import time
from datetime import UTC, datetime
from urllib.parse import quote

from _common import Connection, Server, fresh_postgres, percentile, prepare_env, tmp_var_dir

FIRST = ["Anna", "Mette", "Lars", "Jens", "Peter", "Hanne", "Karen", "Søren", "Niels", "Camilla", "Emil",
         "Freja", "Ida", "Magnus", "Oliver", "Sofie", "Thomas", "Ulla", "Viggo", "Aksel", "Birgit", "Dorte",
         "Erik", "Frida", "Gustav", "Helle", "Inge", "Jonas", "Kasper", "Lone"]
LAST = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
        "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen",
        "Poulsen", "Johansen", "Møller", "Mortensen", "Zachariassen", "Quist", "Yde", "Winther"]
B36 = string.digits + string.ascii_uppercase


def synthetic_idents():  # type: ignore[no-untyped-def]
    """4-character IDENTs with at least one digit: never a real (letters-only) IDENT."""
    i = 0
    while True:
        n, s = i, ""
        for _ in range(4):
            n, r = divmod(n, 36)
            s = B36[r] + s
        i += 1
        if not s.isalpha():
            yield s


async def seed_to(conn, state: dict, users: int) -> None:  # type: ignore[no-untyped-def]
    """Adds rows until there are ``users`` synthetic users, users/100 institutions, users/10 projects."""
    rng = random.Random(users)
    now = datetime.now(UTC)
    institutions, projects = users // 100, users // 10
    add_i = institutions - state["institutions"]
    rows = [(f"Institution {state['institutions'] + k + 1}", 10_000 + state["institutions"] + k, "university",
             "[]", now, now) for k in range(add_i)]
    await conn.copy_records_to_table("institutions", records=rows, columns=[
        "name", "authorisation_number", "kind", "mail_domains", "created_at", "updated_at"])
    state["institutions"] = institutions
    inst_ids = [r["id"] for r in await conn.fetch("SELECT id FROM institutions")]
    add_u = users - state["users"]
    idents = state["idents"]
    batch = []
    for k in range(add_u):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        n = state["users"] + k
        batch.append((next(idents), f"{first} {last}", f"{first.lower()}.{last.lower()}.{n}@example.org", True,
                      "[]", "da", now, now))
        if len(batch) == 50_000:
            await conn.copy_records_to_table("users", records=batch, columns=[
                "ident", "name", "email", "active", "staff_roles", "language", "created_at", "updated_at"])
            batch = []
    if batch:
        await conn.copy_records_to_table("users", records=batch, columns=[
            "ident", "name", "email", "active", "staff_roles", "language", "created_at", "updated_at"])
    state["users"] = users
    add_p = projects - state["projects"]
    batch = []
    for k in range(add_p):
        n = state["projects"] + k
        batch.append((1_000_000 + n, rng.choice(inst_ids), "researcher", "researcher", f"Synthetic project {n}",
                      "approved", "[]", False, now, now))
    await conn.copy_records_to_table("projects", records=batch, columns=[
        "number", "institution_id", "scheme", "billed_as", "title", "state", "datasets", "deleted",
        "created_at", "updated_at"])
    state["projects"] = projects
    await conn.execute("ANALYZE")


async def measure(port: int, headers: dict[str, dict[str, str]], ids: dict[str, int], n: int) -> dict[str, float]:
    conn = await Connection.open("127.0.0.1", port)
    rng = random.Random(7)
    cases = {
        "users, first page": ("STAF", lambda: "/v1/users?limit=50"),
        "users, deep page (cursor)": ("STAF", lambda: f"/v1/users?limit=50&cursor={rng.randint(1, ids['user'])}"),
        "users?q= common name prefix": ("STAF", lambda: f"/v1/users?q={rng.choice(FIRST)[:3]}"),
        "users?q= rare name prefix": ("STAF", lambda: f"/v1/users?q={rng.choice(['Zach', 'Quis', 'Yde'])}"),
        "users?q= e-mail prefix": ("STAF", lambda: f"/v1/users?q={rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}.1"),
        "users?q= exact IDENT": ("STAF", lambda: f"/v1/users?q={rng.choice(['RESA', 'RESB', 'ADMN', 'STAF'])}"),
        "institutions, first page": ("STAF", lambda: "/v1/institutions?limit=50"),
        "institutions, deep page": ("STAF", lambda: f"/v1/institutions?limit=50&cursor={rng.randint(1, ids['institution'])}"),
        "projects (staff), first page": ("STAF", lambda: "/v1/projects?limit=50"),
        "projects (staff), deep page": ("STAF", lambda: f"/v1/projects?limit=50&cursor={rng.randint(1, ids['project'])}"),
        "projects (administrator)": ("ADMN", lambda: "/v1/projects?limit=50"),
        "projects (researcher)": ("RESA", lambda: "/v1/projects?limit=50"),
    }
    out = {}
    for name, (who, path) in cases.items():
        for _ in range(5):
            await conn.request("GET", quote(path(), safe="/?=&"), headers=headers[who])
        times = []
        for _ in range(n):
            url = quote(path(), safe="/?=&")
            t = time.perf_counter()
            status, _, body = await conn.request("GET", url, headers=headers[who])
            times.append((time.perf_counter() - t) * 1000)
            assert status == 200, (name, status, body[:200])
        out[name] = percentile(times, 95)
    conn.close()
    return out


async def main(args: argparse.Namespace) -> None:
    import asyncpg
    from sqlalchemy import select

    var_dir = tmp_var_dir("boa-bench-lists-")
    url = await fresh_postgres(args.pg_admin, "boa_bench_lists")
    env = prepare_env(var_dir, url)
    from boa.demo import load_demo
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from boa.migrate import upgrade
    from boa.people.models import User
    from tokens.sessions import open_session

    await asyncio.to_thread(upgrade, url)
    engine = make_engine(get_settings())
    await load_demo(engine)
    headers = {}
    async with transaction(engine) as s:
        for ident in ("STAF", "ADMN", "RESA"):
            user = await s.scalar(select(User).where(User.ident == ident))
            # Sessions long enough for the whole run (the idle timeout is not what is measured).
            headers[ident] = {"Authorization": f"Bearer {(await open_session(s, user)).token}"}
    await engine.dispose()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    await conn.execute("ALTER TABLE projects DROP CONSTRAINT IF EXISTS ck_projects_number_range")
    await conn.execute("ALTER TABLE projects DROP CONSTRAINT IF EXISTS number_range")
    for name in await conn.fetch("SELECT conname FROM pg_constraint WHERE conrelid = 'projects'::regclass "
                                 "AND contype = 'c' AND conname LIKE '%number%'"):
        await conn.execute(f'ALTER TABLE projects DROP CONSTRAINT "{name["conname"]}"')
    state = {"users": 0, "institutions": 0, "projects": 0, "idents": synthetic_idents()}
    results: dict[int, dict[str, float]] = {}
    server = None
    try:
        for scale in [int(x) for x in args.scales.split(",")]:
            t = time.perf_counter()
            await seed_to(conn, state, scale)
            seeded = time.perf_counter() - t
            ids = {"user": await conn.fetchval("SELECT max(id) FROM users"),
                   "institution": await conn.fetchval("SELECT max(id) FROM institutions"),
                   "project": await conn.fetchval("SELECT max(id) FROM projects")}
            await conn.execute("UPDATE sessions SET last_seen_at = now(), expires_at = now() + interval '12 hours'")
            print(f"seeded to {scale:,} users, {scale // 100:,} institutions, {scale // 10:,} projects in {seeded:.1f} s",
                  flush=True)
            server = Server(env, workers=1)
            await server.ready()
            results[scale] = await measure(server.port, headers, ids, args.requests)
            server.stop()
            server = None
    finally:
        if server is not None:
            server.stop()
        await conn.close()
    scales = list(results)
    print(f"\np95 in ms over {args.requests} requests each (one keep-alive connection, one uvicorn worker, PostgreSQL)")
    print(f"{'endpoint':34}" + "".join(f"{s:>12,}" for s in scales))
    for name in results[scales[0]]:
        print(f"{name:34}" + "".join(f"{results[s][name]:12.1f}" for s in scales))
    worst = max(v for r in results.values() for v in r.values())
    print(f"worst p95 {worst:.1f} ms (target < 50 ms)")
    print(json.dumps({str(k): v for k, v in results.items()}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-admin", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--scales", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=100)
    asyncio.run(main(parser.parse_args()))
