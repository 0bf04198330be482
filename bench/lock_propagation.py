"""How long a change to the access decision takes to reach every worker process.

BOA (demo data, PostgreSQL) runs under uvicorn with ``--workers`` (default 4). This process keeps
keep-alive connections to every worker (each connection is mapped to the worker that accepted
it through psutil) and polls on all of them, while another connection makes the change. Every
request reads the session from PostgreSQL; the access decisions come from each worker's cache
of the facts (boa/access_cache.py), which a commit empties on every worker through
LISTEN/NOTIFY, so this measures how fast those notices arrive. Three changes:

* forced logout: staff ``POST /v1/users/RESA/sessions/revoke`` while every worker serves
  ``GET /v1/me`` with RESA's session: time until each worker answers 401;
* ended association: the administrator ends RESB's only association while every worker
  answers ``GET /v1/access/decision?ident=RESB&action=login`` to a service client: time
  until each worker answers ``allowed: false``;
* sanction lock: sanctions staff register a breach case against RESA (the temporary suspension
  locks the user at once) while every worker answers RESA's login decision to a service client;
  the case is dismissed between rounds.

For each round it prints the slowest worker's delay after the change's commit (its HTTP answer),
and counts *stale* answers: requests sent after the commit that still got the old answer
(must be 0). Target: under one second.

    python bench/lock_propagation.py [--workers 4] [--rounds 20] [--db postgres|sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from _common import Connection, Server, fresh_postgres, prepare_env, sqlite_url, tmp_var_dir


async def seed(url: str) -> dict:
    from sqlalchemy import select

    from boa.demo import load_demo
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from boa.migrate import upgrade
    from boa.people.models import Institution
    from tokens.service_clients import create_client

    await asyncio.to_thread(upgrade, url)
    engine = make_engine(get_settings())
    await load_demo(engine)
    async with transaction(engine) as s:
        reg = await create_client(s, "bench gateway", ["access:decide"], actor="system:bench")
        inst = await s.scalar(select(Institution.id).where(Institution.authorisation_number == 101))
    return {"engine": engine, "client_id": reg.client.client_id, "secret": reg.secret, "institution": str(inst)}


async def session_for(engine, ident: str) -> str:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from boa.kernel.db import transaction
    from boa.people.models import User
    from tokens.sessions import open_session

    async with transaction(engine) as s:
        user = await s.scalar(select(User).where(User.ident == ident))
        return (await open_session(s, user)).token


async def connections_to_every_worker(server: Server, want_per_worker: int = 2) -> list[tuple[int, Connection]]:
    """Opens connections until every worker holds ``want_per_worker`` of them; returns (pid, conn)."""
    import psutil

    workers = server.worker_pids()
    held: dict[int, list[Connection]] = {pid: [] for pid in workers}
    spare: list[Connection] = []
    busy = asyncio.Event()

    async def keep_busy(conn: Connection) -> None:
        # A worker that is busy accepts less eagerly, so the next connections land on the others.
        while not busy.is_set():
            await conn.request("GET", "/health/ping")

    loaders = []
    for _ in range(20):
        if all(len(v) >= want_per_worker for v in held.values()):
            break
        batch = await asyncio.gather(*(Connection.open("127.0.0.1", server.port) for _ in range(2 * len(workers))))
        await asyncio.gather(*(c.request("GET", "/health/ping") for c in batch))
        owners = {}
        for pid in workers:
            for c in psutil.Process(pid).net_connections(kind="tcp"):
                if c.raddr and c.laddr.port == server.port:
                    owners[c.raddr.port] = pid
        for conn in batch:
            owner = owners.get(conn.writer.get_extra_info("sockname")[1])
            if owner is not None and len(held[owner]) < want_per_worker:
                held[owner].append(conn)
            else:
                spare.append(conn)
                loaders.append(asyncio.create_task(keep_busy(conn)))
    busy.set()
    await asyncio.gather(*loaders)
    for conn in spare:
        conn.close()
    missing = [pid for pid, v in held.items() if not v]
    if missing:
        raise RuntimeError(f"no connection reached workers {missing}")
    return [(pid, c) for pid, conns in held.items() for c in conns]


async def one_round(conns, path: str, headers: dict[str, str], is_changed, change) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Polls ``path`` on every connection; runs ``change``; returns (slowest worker's delay after the
    commit, stale answers to requests sent after the commit)."""
    committed: list[float] = []
    seen: dict[int, float] = {}
    stale = 0
    done = asyncio.Event()

    async def poll(pid: int, conn: Connection) -> None:
        nonlocal stale
        while not done.is_set():
            sent = time.perf_counter()
            status, _, body = await conn.request("GET", path, headers=headers)
            got = time.perf_counter()
            if is_changed(status, body):
                if committed and pid not in seen:
                    seen[pid] = got
            elif committed and sent > committed[0]:
                stale += 1
            if committed and len(seen) == len({p for p, _ in conns}):
                done.set()
            if committed and got - committed[0] > 10:
                done.set()

    pollers = [asyncio.create_task(poll(pid, conn)) for pid, conn in conns]
    await asyncio.sleep(0.3)  # every worker is answering the old way
    await change()
    committed.append(time.perf_counter())
    await asyncio.wait_for(done.wait(), 15)
    await asyncio.gather(*pollers)
    delays = [seen[pid] - committed[0] for pid in {p for p, _ in conns}]
    return max(0.0, max(delays)), stale


async def main(args: argparse.Namespace) -> None:
    var_dir = tmp_var_dir("boa-bench-locks-")
    url = await fresh_postgres(args.pg_admin, "boa_bench_locks") if args.db == "postgres" else sqlite_url(var_dir)
    env = prepare_env(var_dir, url)
    world = await seed(url)
    engine = world["engine"]
    server = Server(env, workers=args.workers)
    results: dict[str, list[tuple[float, int]]] = {"forced logout": [], "ended association": [],
                                                   "sanction lock": []}
    try:
        await server.ready()
        conns = await connections_to_every_worker(server)
        control = await Connection.open("127.0.0.1", server.port)
        staff = {"Authorization": f"Bearer {await session_for(engine, 'STAF')}"}
        admin = {"Authorization": f"Bearer {await session_for(engine, 'ADMN')}"}
        responsible = {"Authorization": f"Bearer {await session_for(engine, 'RESP')}"}

        for _ in range(args.rounds):
            user = {"Authorization": f"Bearer {await session_for(engine, 'RESA')}"}

            async def revoke() -> None:
                status, _, body = await control.request("POST", "/v1/users/RESA/sessions/revoke", body={},
                                                        headers=staff)
                assert status == 200, body

            results["forced logout"].append(await one_round(
                conns, "/v1/me", user, lambda status, body: status == 401, revoke))

        import urllib.parse

        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": world["client_id"],
                                       "client_secret": world["secret"]})
        tok = await Connection.open("127.0.0.1", server.port)
        tok.writer.write(("POST /v1/oauth/token HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded"
                          f"\r\nContent-Length: {len(form)}\r\n\r\n{form}").encode())
        head = await tok.reader.readuntil(b"\r\n\r\n")
        length = int([h for h in head.decode().split("\r\n") if h.lower().startswith("content-length")][0].split(":")[1])
        gateway = {"Authorization": "Bearer " + json.loads(await tok.reader.readexactly(length))["access_token"]}
        for _ in range(max(1, args.rounds // 4)):
            status, _, body = await control.request("GET", f"/v1/institutions/{world['institution']}/associations",
                                                    headers=admin)
            association = next(a["id"] for a in json.loads(body)["items"]
                               if a.get("ident") == "RESB" and a["state"] == "approved")

            async def end(association: str = association) -> None:
                status, _, body = await control.request("POST", f"/v1/associations/{association}/end", body={},
                                                        headers=admin)
                assert status == 200, body

            results["ended association"].append(await one_round(
                conns, "/v1/access/decision?ident=RESB&action=login", gateway,
                lambda status, body: status == 200 and b'"allowed":false' in body, end))
            # Associate RESB again for the next round.
            status, _, body = await control.request("POST", f"/v1/institutions/{world['institution']}/associations",
                                                    body={"ident": "RESB"}, headers=admin)
            new = json.loads(body)["id"]
            status, _, body = await control.request("POST", f"/v1/associations/{new}/approve", body={},
                                                    headers=responsible)
            assert status == 200, body
        sanctions = {"Authorization": f"Bearer {await session_for(engine, 'SANC')}"}
        for _ in range(max(1, args.rounds // 4)):
            case: dict = {}

            async def register(case: dict = case) -> None:
                occurred = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
                status, _, body = await control.request("POST", "/v1/breaches", headers=sanctions, body={
                    "ident": "RESA", "kind": "other", "description": "bench", "occurred_at": occurred,
                    "scheme": "researcher", "institution_id": world["institution"]})
                assert status == 201, body
                case.update(json.loads(body))

            results["sanction lock"].append(await one_round(
                conns, "/v1/access/decision?ident=RESA&action=login", gateway,
                lambda status, body: status == 200 and b'"allowed":false' in body, register))
            status, _, body = await control.request("POST", f"/v1/breaches/{case['id']}/dismiss",
                                                    body={"comment": "bench"}, headers=sanctions)
            assert status == 200, body
    finally:
        server.stop()
        await engine.dispose()
    print(f"database {args.db}; uvicorn workers {args.workers}; {len(conns)} polling connections "
          f"({len(conns) // args.workers} on each worker)")
    for name, rounds in results.items():
        delays = [d * 1000 for d, _ in rounds]
        stale = sum(s for _, s in rounds)
        print(f"{name:18} {len(rounds):3} rounds: slowest worker after the commit: median {statistics.median(delays):.1f} ms, "
              f"max {max(delays):.1f} ms; stale answers after the commit: {stale}")
    print("target: every worker within 1 s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--pg-admin", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
