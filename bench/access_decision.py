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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import urllib.parse

from _common import Connection, Server, fresh_postgres, prepare_env, sqlite_url, summary, tmp_var_dir


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


async def main(args: argparse.Namespace) -> None:
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
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main(args))
