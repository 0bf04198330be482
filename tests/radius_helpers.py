"""The RADIUS front door in tests: the server on a free UDP port of 127.0.0.1 in the test's own
event loop, a gateway registered for 127.0.0.1 (and one for 127.0.0.2), a pyrad client that
signs its requests and checks the answers, and FreeRADIUS's ``radclient``."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pyrad.packet import AccessRequest, AuthPacket

from boa.kernel import clock
from boa.kernel.actor import Actor
from boa.kernel.db import transaction
from tokens.radius.clients import add_client
from tokens.radius.packets import dictionary
from tokens.radius.server import RadiusServer

SECRET = "gateway-one-shared-secret-4f9a1c"
OTHER_SECRET = "gateway-two-shared-secret-77d02e"


@dataclass
class Radius:
    server: RadiusServer
    port: int


async def start_radius(engine, *, rate: float | None = None) -> Radius:
    async with transaction(engine) as session:
        await add_client(session, actor=Actor(system="test"), name="gateway-1", address="127.0.0.1", secret=SECRET)
        await add_client(session, actor=Actor(system="test"), name="gateway-2", address="127.0.0.2",
                         secret=OTHER_SECRET)
    server = RadiusServer(engine, rate=rate)
    _, port = await server.start("127.0.0.1", 0)
    return Radius(server, port)


@pytest.fixture
async def radius(demo):
    # Each test starts on a fresh TOTP step, so the demo's codes of an earlier login never replay.
    clock.travel(timedelta(seconds=31))
    running = await start_radius(demo)
    yield running
    await running.server.stop()


async def quarantine(engine, ident: str) -> None:
    """A registered breach: the temporary suspension, a lock on the user (SPEC 5 step 2)."""
    from sqlalchemy import select

    from boa.people.models import User
    from boa.sanctions.cases import register

    async with transaction(engine) as session:
        staff = await session.scalar(select(User).where(User.ident == "SANC"))
        await register(session, actor=Actor(user=staff), ident=ident, kind="microdata_transfer",
                       description="A table with CPR numbers left the gate.",
                       occurred_at=clock.now() - timedelta(days=1), scheme="researcher")


def request(ident: str | None, password: str | None = None, *, state: bytes | None = None,
            secret: str = SECRET, message_authenticator: bool = True) -> AuthPacket:
    packet = AuthPacket(code=AccessRequest, secret=secret.encode(), dict=dictionary())
    if ident is not None:
        packet["User-Name"] = ident
    if password is not None:
        packet["User-Password"] = packet.PwCrypt(password)
    if state is not None:
        packet["State"] = state
    if message_authenticator:
        packet.add_message_authenticator()
    return packet


def exchange(port: int, raw: bytes, *, source: str = "127.0.0.1", timeout: float = 3.0) -> bytes | None:
    """Sends ``raw`` and waits for one datagram back (None: no answer within ``timeout``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.settimeout(timeout)
        sock.sendto(raw, ("127.0.0.1", port))
        try:
            return sock.recv(65535)
        except TimeoutError:
            return None


def burst(port: int, packets: list[bytes], *, source: str = "127.0.0.1", wait: float = 1.5) -> list[bytes]:
    """Sends every packet at once from one socket (as a gateway retransmits: the same source port),
    then answers what came back within ``wait`` seconds."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        for raw in packets:
            sock.sendto(raw, ("127.0.0.1", port))
        sock.settimeout(wait)
        answers = []
        try:
            while True:
                answers.append(sock.recv(65535))
        except TimeoutError:
            return answers


async def ask(radius: Radius, packet: AuthPacket, *, source: str = "127.0.0.1") -> AuthPacket:
    """Sends ``packet`` and answers the reply, checked as a careful gateway does: the Response
    Authenticator and a Message-Authenticator, which must be there (Blast-RADIUS)."""
    raw = packet.RequestPacket()
    answer = await asyncio.to_thread(exchange, radius.port, raw, source=source)
    assert answer is not None, "no answer"
    reply = packet.CreateReply(packet=answer)
    assert packet.VerifyReply(reply, answer, enforce_ma=True), "the answer is not signed by the gateway's secret"
    assert answer[20] == 80, "the Message-Authenticator comes first"
    return reply


async def silent(radius: Radius, raw: bytes, *, source: str = "127.0.0.1") -> bool:
    return await asyncio.to_thread(exchange, radius.port, raw, source=source, timeout=0.4) is None


def messages(reply: AuthPacket) -> list[str]:
    return list(reply.get("Reply-Message", []))


def radclient_path() -> str | None:
    return shutil.which("radclient")


async def radclient(port: int, attributes: dict[str, str], *, secret: str = SECRET, command: str = "auth"
                    ) -> tuple[int, dict[str, str], str]:
    """FreeRADIUS's ``radclient`` with one request (``-x`` prints the answer's attributes);
    answers its exit status, the answer's attributes and its whole output."""
    lines = ", ".join(f"{k} = {v}" for k, v in attributes.items())
    proc = await asyncio.create_subprocess_exec(
        "radclient", "-x", "-t", "2", "-r", "1", f"127.0.0.1:{port}", command, secret,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate(lines.encode() + b"\n")
    text = out.decode("utf-8", errors="replace")
    received = text.split("Received", 1)[1] if "Received" in text else ""
    found = dict(re.findall(r"^\s+([A-Za-z-]+) = (.*)$", received, flags=re.M))
    return proc.returncode or 0, found, text
