"""The RADIUS server (``boa radius serve``): one asyncio UDP endpoint.

What a datagram meets, in order, each step cheaper than the next: the size (at most 4096
octets); the source address (a registered gateway, else dropped); the gateway's rate (a token
bucket per gateway, and a bound on its requests in flight, so one flooding gateway never delays
the others); the strict parse; the code (Access-Request, or Status-Server for the gateways' health
checks); exactly one valid Message-Authenticator under that gateway's secret; then duplicates: a
retransmission (same address, port, identifier and authenticator) gets the answer already sent,
or nothing while the first is still being answered. Whatever fails a step is dropped without an
answer and counted by reason (the log shows each reason and address at most once a minute, and
the counts every minute).

Each request is answered in its own task (:func:`tokens.radius.login.answer`): the PIN is hashed
in a thread and no request waits for another. An unexpected error (the database is unreachable)
sends nothing, so the gateway asks the next server in its list."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from boa.kernel.db import session_maker, transaction
from boa.kernel.settings import get_settings
from tokens.radius import login, packets
from tokens.radius.clients import NasClient, nas_clients

log = logging.getLogger("boa.radius")

DUPLICATE_SECONDS = 30.0  # how long an answer is kept for retransmissions
MAX_REMEMBERED = 65536
MAX_IN_FLIGHT = 64  # requests of one gateway being answered at once
RELOAD_SECONDS = 5.0  # how soon a gateway added or removed with the CLI is seen
SUMMARY_SECONDS = 60.0


@dataclass
class Bucket:
    """A token bucket: ``rate`` a second, up to ``burst`` at once."""

    rate: float
    burst: float
    tokens: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def source_address(host: str) -> str:
    """The address a datagram came from, as gateways are registered (IPv4-mapped as IPv4)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    return str(getattr(address, "ipv4_mapped", None) or address)


class RadiusServer(asyncio.DatagramProtocol):
    def __init__(self, engine: AsyncEngine, *, rate: float | None = None) -> None:
        self.engine = engine
        self.sessions = session_maker(engine)
        self.rate = rate if rate is not None else get_settings().radius_client_rate
        self.clients: dict[str, NasClient] = {}
        self.buckets: dict[int, Bucket] = {}
        self.in_flight: Counter[int] = Counter()
        self.answered: OrderedDict[tuple[str, int, int, bytes], tuple[float, bytes | None]] = OrderedDict()
        self.counts: Counter[str] = Counter()
        self.tasks: set[asyncio.Task[None]] = set()
        self.transport: asyncio.DatagramTransport | None = None
        self._logged: dict[tuple[str, str], float] = {}
        self._chores: list[asyncio.Task[None]] = []

    # --- life ---------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 1812) -> tuple[str, int]:
        """Loads the gateways, binds, and keeps both fresh; answers the bound address."""
        await self.reload()
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: self, local_addr=(host, port))
        self.transport = transport
        self._chores = [asyncio.create_task(self._every(RELOAD_SECONDS, self.reload)),
                        asyncio.create_task(self._every(SUMMARY_SECONDS, self.summary))]
        bound = transport.get_extra_info("sockname")
        log.info("RADIUS on %s:%s for %d gateways", bound[0], bound[1], len(self.clients))
        return bound[0], bound[1]

    async def stop(self) -> None:
        for chore in self._chores:
            chore.cancel()
        if self.transport is not None:
            self.transport.close()
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=10)
        self.summary_now()

    async def reload(self) -> None:
        try:
            async with transaction(self.engine) as session:
                self.clients = await nas_clients(session)
        except Exception:  # noqa: BLE001 - keep the gateways known so far; say why
            log.exception("could not reload the RADIUS clients")

    async def _every(self, seconds: float, chore: Callable[[], Awaitable[None] | None]) -> None:
        while True:
            await asyncio.sleep(seconds)
            result = chore()
            if result is not None:
                await result

    # --- the datagram's path --------------------------------------------------------------------

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        address = source_address(addr[0])
        try:
            self._receive(data, address, addr)
        except packets.Dropped as drop:
            self.drop(drop.reason, address)
        except Exception:  # noqa: BLE001 - a packet never ends the server
            log.exception("unexpected error on a packet from %s", address)
            self.drop("error", address)

    def _receive(self, data: bytes, address: str, addr: tuple[str, int]) -> None:
        if len(data) > packets.MAX_PACKET:
            raise packets.Dropped("oversize")
        client = self.clients.get(address)
        if client is None:
            raise packets.Dropped("unknown_client")
        bucket = self.buckets.get(client.id)
        if bucket is None:
            bucket = self.buckets[client.id] = Bucket(self.rate, 2 * self.rate)
        if not bucket.take(time.monotonic()):
            raise packets.Dropped("rate_limited")
        request = packets.parse(data)
        if request.code not in (packets.ACCESS_REQUEST, packets.STATUS_SERVER):
            raise packets.Dropped("unknown_code")
        if not request.values(packets.MESSAGE_AUTHENTICATOR):
            raise packets.Dropped("no_message_authenticator")
        if not packets.message_authenticator_ok(request, client.secret):
            raise packets.Dropped("bad_authenticator")
        key = (address, addr[1], request.identifier, request.authenticator)
        now = time.monotonic()
        self._forget(now)
        seen = self.answered.get(key)
        if seen is not None:
            if seen[1] is None:
                raise packets.Dropped("duplicate_in_progress")
            self.counts["duplicate_answered"] += 1
            self._send(seen[1], addr)
            return
        if request.code == packets.STATUS_SERVER:
            self.counts["status_server"] += 1
            self._send(packets.reply(request, client.secret, packets.ACCESS_ACCEPT), addr)
            return
        if self.in_flight[client.id] >= MAX_IN_FLIGHT:
            raise packets.Dropped("busy")
        self.answered[key] = (now + DUPLICATE_SECONDS, None)
        self.in_flight[client.id] += 1
        task = asyncio.create_task(self._answer(client, request, key, addr))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _answer(self, client: NasClient, request: packets.Request, key: tuple[str, int, int, bytes],
                      addr: tuple[str, int]) -> None:
        try:
            name = packets.user_name(request)
            if name is None:
                self.counts["invalid_user_name"] += 1
            result = await login.answer(self.sessions, client, user_name=name,
                                        password=packets.user_password(request, client.secret),
                                        state=request.first(packets.STATE))
            raw = packets.reply(request, client.secret, result.code, messages=result.messages, state=result.state,
                                session_timeout=result.session_timeout, idle_timeout=result.idle_timeout)
        except Exception:  # noqa: BLE001 - no answer: the gateway retries or asks its next server
            log.exception("no answer to %s (gateway %s)", key[0], client.name)
            self.answered.pop(key, None)
            self.counts["error"] += 1
            return
        finally:
            self.in_flight[client.id] -= 1
        self.counts[_OUTCOME[result.code]] += 1
        self.answered[key] = (time.monotonic() + DUPLICATE_SECONDS, raw)
        self._send(raw, addr)

    def _send(self, raw: bytes, addr: tuple[str, int]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(raw, addr)

    def _forget(self, now: float) -> None:
        """Drops remembered answers past their time (oldest first), and the oldest beyond the bound."""
        while self.answered:
            key, (until, raw) = next(iter(self.answered.items()))
            if len(self.answered) <= MAX_REMEMBERED and (until > now or raw is None):
                break
            del self.answered[key]

    # --- counting ---------------------------------------------------------------------------------

    def drop(self, reason: str, address: str) -> None:
        self.counts[f"dropped_{reason}"] += 1
        now = time.monotonic()
        if now - self._logged.get((reason, address), -SUMMARY_SECONDS) >= SUMMARY_SECONDS:
            self._logged[(reason, address)] = now
            log.warning("dropped a packet from %s: %s (each reason and address logged once a minute)",
                        address, reason)

    def summary(self) -> None:
        self._logged.clear()
        self.summary_now()

    def summary_now(self) -> None:
        if self.counts:
            log.info("RADIUS counts: %s", ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())))

    def error_received(self, exc: Exception) -> None:
        log.debug("UDP error: %s", exc)


_OUTCOME = {packets.ACCESS_CHALLENGE: "challenge", packets.ACCESS_ACCEPT: "accept", packets.ACCESS_REJECT: "reject"}


async def serve(engine: AsyncEngine, host: str, port: int) -> None:
    """Runs until cancelled (``boa radius serve``; SIGINT and SIGTERM end it)."""
    server = RadiusServer(engine)
    await server.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()
