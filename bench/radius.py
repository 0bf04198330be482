"""Full RADIUS logins per second: Access-Request (IDENT + PIN, Argon2id with BOA's OWASP
parameters and the pepper) → Access-Challenge with State → Access-Request (TOTP code + State) →
Access-Accept, against ``boa radius serve`` in its own process on a fresh SQLite file or
PostgreSQL database. This process is only the gateway: ``--concurrency`` UDP sockets, each with
one login at a time, every request signed with a Message-Authenticator and every answer checked.
Prints logins/s per core by wall clock and logins per CPU second of the server process (psutil),
the figures ``bench/login.py`` prints for the HTTP login.

    python bench/radius.py [--logins 600] [--concurrency 8] [--db sqlite|postgres]
                           [--pg-admin postgresql+asyncpg://postgres@127.0.0.1:5432/test]
                           [--argon 19456,2]   # memory KiB, time cost (default: BOA's settings)

Users are seeded as in ``bench/login.py`` (each logs in once: a TOTP code is accepted once per
user and time step).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time

from _common import ROOT, fresh_postgres, prepare_env, sqlite_url, tmp_var_dir
from login import argon_env, arguments, idents, print_figures, seed
from pyrad.packet import AuthPacket

SECRET = "bench-gateway-shared-secret-0123456789"  # noqa: S105 (a throw-away gateway of the bench)


class Gateway(asyncio.DatagramProtocol):
    """One UDP socket with one request outstanding at a time (retransmitted after 3 s)."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiting: asyncio.Future[bytes] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_result(data)

    async def ask(self, packet: AuthPacket, port: int) -> AuthPacket:
        raw = packet.RequestPacket()
        for _ in range(3):
            self.waiting = asyncio.get_running_loop().create_future()
            assert self.transport is not None
            self.transport.sendto(raw, ("127.0.0.1", port))
            try:
                answer = await asyncio.wait_for(self.waiting, 3.0)
            except TimeoutError:
                continue
            reply = packet.CreateReply(packet=answer)
            if not packet.VerifyReply(reply, answer, enforce_ma=True):
                raise RuntimeError("an answer not signed with the gateway's secret")
            return reply
        raise RuntimeError("no answer after 3 tries")


def request(ident: str, password: str, state: bytes | None = None) -> AuthPacket:
    from pyrad.packet import AccessRequest

    from tokens.radius.packets import dictionary

    packet = AuthPacket(code=AccessRequest, secret=SECRET.encode(), dict=dictionary())
    packet["User-Name"] = ident
    packet["User-Password"] = packet.PwCrypt(password)
    if state is not None:
        packet["State"] = state
    packet.add_message_authenticator()
    return packet


async def drive(port: int, secrets_by_ident: dict[str, str], concurrency: int) -> tuple[list[float], int]:
    import pyotp
    from pyrad.packet import AccessAccept, AccessChallenge

    queue = list(secrets_by_ident.items())
    latencies: list[float] = []
    failures = 0
    loop = asyncio.get_running_loop()

    async def worker() -> None:
        nonlocal failures
        transport, gateway = await loop.create_datagram_endpoint(Gateway, local_addr=("127.0.0.1", 0))
        try:
            while queue:
                ident, secret = queue.pop()
                start = time.perf_counter()
                challenge = await gateway.ask(request(ident, "7391"), port)
                if challenge.code != AccessChallenge:
                    failures += 1
                    continue
                accept = await gateway.ask(request(ident, pyotp.TOTP(secret).now(), challenge["State"][0]), port)
                if accept.code != AccessAccept:
                    failures += 1
                    print("rejected:", accept.get("Reply-Message"))
                    continue
                latencies.append(time.perf_counter() - start)
        finally:
            transport.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, failures


async def register_gateway() -> None:
    from boa.kernel.actor import Actor
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings
    from tokens.radius.clients import add_client

    engine = make_engine(get_settings())
    async with transaction(engine) as session:
        await add_client(session, actor=Actor(system="bench"), name="bench-gateway", address="127.0.0.1",
                         secret=SECRET)
    await engine.dispose()


async def ready(port: int, server: subprocess.Popen[bytes]) -> None:
    from pyrad.packet import AuthPacket, StatusServer

    from tokens.radius.packets import dictionary

    loop = asyncio.get_running_loop()
    transport, gateway = await loop.create_datagram_endpoint(Gateway, local_addr=("127.0.0.1", 0))
    try:
        for _ in range(60):
            if server.poll() is not None:
                raise RuntimeError("the RADIUS server exited while starting")
            packet = AuthPacket(code=StatusServer, secret=SECRET.encode(), dict=dictionary())
            packet.add_message_authenticator()
            try:
                await gateway.ask(packet, port)
                return
            except RuntimeError:
                await asyncio.sleep(0.5)
        raise RuntimeError("the RADIUS server did not start")
    finally:
        transport.close()


async def main(args: argparse.Namespace) -> None:
    import psutil
    from _common import free_port

    var_dir = tmp_var_dir("boa-bench-radius-")
    url = await fresh_postgres(args.pg_admin, "boa_bench_radius") if args.db == "postgres" else sqlite_url(var_dir)
    env = prepare_env(var_dir, url, **argon_env(args.argon))
    secrets_by_ident = await seed(url, idents(args.logins + args.warmup))
    await register_gateway()
    from boa.kernel.settings import get_settings

    s = get_settings()
    port = free_port()
    env["BOA_RADIUS_CLIENT_RATE"] = "100000"  # the bench measures logins, not the flood guard
    server = subprocess.Popen([sys.executable, "-m", "boa.cli", "radius", "serve", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await ready(port, server)
        process = psutil.Process(server.pid)
        warm = dict(list(secrets_by_ident.items())[: args.warmup])
        await drive(port, warm, args.concurrency)
        measured = dict(list(secrets_by_ident.items())[args.warmup:])
        t = process.cpu_times()
        cpu0, client0, t0 = t.user + t.system, time.process_time(), time.perf_counter()
        latencies, failures = await drive(port, measured, args.concurrency)
        elapsed = time.perf_counter() - t0
        t = process.cpu_times()
        server_cpu, client_cpu = t.user + t.system - cpu0, time.process_time() - client0
    finally:
        server.terminate()
        server.wait(30)
    print_figures(f"database {args.db}; boa radius serve (one process); {args.concurrency} gateway sockets; "
                  f"argon2id m={s.argon2_memory_kib} KiB t={s.argon2_time_cost} p={s.argon2_parallelism}",
                  "full RADIUS logins", "two rounds", latencies, failures, elapsed, server_cpu, client_cpu)
    print("target: at least the HTTP login's figure (bench/login.py: 27 logins/s per core, Argon2id 7 MiB t=5)")


if __name__ == "__main__":
    asyncio.run(main(arguments().parse_args()))
