"""Full logins per second: IDENT + PIN (Argon2id, BOA's OWASP parameters, peppered) → TOTP
code → server-side session, against BOA served by uvicorn (``--workers``, default 2) on a
fresh SQLite file or PostgreSQL database. This process is only the client: a light keep-alive
HTTP/1.1 client with ``--concurrency`` connections. Prints logins/s per core by wall clock and
logins per CPU second the server processes used (psutil), which is what a core of the server
delivers whatever the client costs.

    python bench/login.py [--logins 600] [--workers 2] [--concurrency 8] [--db sqlite|postgres]
                          [--pg-admin postgresql+asyncpg://postgres@127.0.0.1:5432/test]
                          [--argon 19456,2]   # memory KiB, time cost (default: BOA's settings)

Each user logs in once (a TOTP code is accepted once per user and time step), so ``--logins``
users are seeded, all with PIN 7391 hashed once with the server's parameters and pepper.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from _common import Connection, Server, fresh_postgres, prepare_env, sqlite_url, summary, tmp_var_dir


def idents(n: int) -> list[str]:
    out = []
    for i in range(n):
        a, b, c = (i // 676) % 26, (i // 26) % 26, i % 26
        out.append("B" + chr(65 + a) + chr(65 + b) + chr(65 + c))
    return out


async def seed(database_url: str, users: list[str]) -> dict[str, str]:
    import pyotp

    from boa.kernel import clock
    from boa.kernel.actor import SYSTEM
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from boa.migrate import upgrade
    from boa.people.institutions import create_institution
    from boa.people.models import InstitutionRole, User
    from tokens.keys import pin_hasher
    from tokens.kinds import seal_secret
    from tokens.models import Token

    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(get_settings())
    secrets_by_ident: dict[str, str] = {}
    async with transaction(engine) as session:
        inst = await create_institution(session, actor=SYSTEM, name="Bench", authorisation_number=1, kind="other")
        pin_hash = pin_hasher().hash("7391")
        now = clock.now()
        rows = [User(ident=ident, name=ident, pin_hash=pin_hash, user_agreement_version=1, certified_at=now,
                     certification_expires_at=now.replace(year=now.year + 1)) for ident in users]
        session.add_all(rows)
        await session.flush()
        tokens = []
        for user in rows:
            session.add(InstitutionRole(institution_id=inst.id, user_id=user.id, role="contact_person"))
            tokens.append(Token(user_id=user.id, kind="totp", state="active"))
        session.add_all(tokens)
        await session.flush()
        for user, token in zip(rows, tokens, strict=True):
            secret = pyotp.random_base32(32)
            seal_secret(token, secret)
            secrets_by_ident[user.ident] = secret
    await engine.dispose()
    return secrets_by_ident


async def drive(port: int, secrets_by_ident: dict[str, str], concurrency: int) -> tuple[list[float], int]:
    import pyotp

    queue = list(secrets_by_ident.items())
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        conn = await Connection.open("127.0.0.1", port)
        try:
            while queue:
                ident, secret = queue.pop()
                start = time.perf_counter()
                status, _, body = await conn.request("POST", "/v1/auth/login", {"ident": ident, "pin": "7391"})
                if status != 200:
                    failures += 1
                    continue
                import json

                challenge = json.loads(body)["challenge_id"]
                status, _, body = await conn.request("POST", "/v1/auth/verify",
                                                     {"challenge_id": challenge, "code": pyotp.TOTP(secret).now()})
                if status != 200:
                    failures += 1
                    print("verify failed:", status, body[:200])
                    continue
                latencies.append(time.perf_counter() - start)
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, failures


async def main(args: argparse.Namespace) -> None:
    var_dir = tmp_var_dir("boa-bench-login-")
    if args.db == "postgres":
        url = await fresh_postgres(args.pg_admin, "boa_bench_login")
    else:
        url = sqlite_url(var_dir)
    env = prepare_env(var_dir, url, **argon_env(args.argon))
    users = idents(args.logins + args.warmup)
    secrets_by_ident = await seed(url, users)
    from boa.kernel.settings import get_settings

    s = get_settings()
    server = Server(env, workers=args.workers)
    try:
        await server.ready()
        warm = dict(list(secrets_by_ident.items())[: args.warmup])
        await drive(server.port, warm, args.concurrency)
        measured = dict(list(secrets_by_ident.items())[args.warmup:])
        cpu0, client0, t0 = server.cpu_seconds(), time.process_time(), time.perf_counter()
        latencies, failures = await drive(server.port, measured, args.concurrency)
        elapsed = time.perf_counter() - t0
        server_cpu, client_cpu = server.cpu_seconds() - cpu0, time.process_time() - client0
    finally:
        server.stop()
    print_figures(f"database {args.db}; uvicorn workers {args.workers}; {args.concurrency} client connections; "
                  f"argon2id m={s.argon2_memory_kib} KiB t={s.argon2_time_cost} p={s.argon2_parallelism}",
                  "full logins", "login + verify", latencies, failures, elapsed, server_cpu, client_cpu)
    print("target: >= 15 full logins per second per core")


def print_figures(setup: str, what: str, rounds: str, latencies: list[float], failures: int, elapsed: float,
                  server_cpu: float, client_cpu: float) -> None:
    """The figures every login bench prints: per core by wall clock and per server CPU second."""
    cores = os.cpu_count() or 1
    done = len(latencies)
    rate = done / elapsed
    lat = summary(latencies)
    print(setup)
    print(f"{done} {what} ({failures} failed) in {elapsed:.2f} s on {cores} cores: {rate:.1f} logins/s, "
          f"{rate / cores:.1f} logins/s per core (wall clock)")
    print(f"server CPU {server_cpu:.2f} s: {done / server_cpu:.1f} logins per server CPU second "
          f"(= per core); client CPU {client_cpu:.2f} s")
    print(f"latency of one full login ({rounds}): p50 {lat['p50_ms']:.0f} ms, p99 {lat['p99_ms']:.0f} ms")


def argon_env(spec: str | None) -> dict[str, str]:
    """``--argon MEMORY_KIB,TIME_COST`` as the settings' environment (none: BOA's defaults)."""
    if not spec:
        return {}
    memory, time_cost = spec.split(",")
    return {"BOA_ARGON2_MEMORY_KIB": memory, "BOA_ARGON2_TIME_COST": time_cost}


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-admin", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--argon", default=None, help="memory KiB,time cost (default: BOA's settings)")
    return parser


if __name__ == "__main__":
    parser = arguments()
    parser.add_argument("--workers", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
