"""Shared helpers for tests: logging in demo users over HTTP, creating users, reading mail."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

import pyotp
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from boa.demo import demo_data
from boa.kernel import clock
from boa.kernel.outbox import deliver_due
from boa.kernel.settings import get_settings
from tests.pg import pg_database as fresh_pg_database  # noqa: F401  (the tests' own servers)

DEMO = demo_data()
DEMO_USERS = {u["ident"]: u for u in DEMO["users"]}


def totp_now(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now().timestamp() + 30 * offset_steps)


async def login(client, ident: str, *, pin: str | None = None, secret: str | None = None) -> dict[str, Any]:
    spec = DEMO_USERS.get(ident, {})
    r = await client.post("/v1/auth/login", json={"ident": ident, "pin": pin or spec["pin"]})
    assert r.status_code == 200, r.text
    code = totp_now(secret or spec["totp_secret"])
    r = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"], "code": code})
    assert r.status_code == 200, r.text
    return r.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Sessions:
    """Logs demo users in once per test and hands out their headers."""

    def __init__(self, client) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    async def __call__(self, ident: str) -> dict[str, str]:
        if ident not in self.tokens:
            # Each login uses a fresh TOTP step so codes are never replayed within a test.
            clock.travel(__import__("datetime").timedelta(seconds=31))
            self.tokens[ident] = (await login(self.client, ident))["access_token"]
        return bearer(self.tokens[ident])


@pytest.fixture
async def as_user(client, demo):
    return Sessions(client)


_engine: list[AsyncEngine] = []


def use_engine(engine: AsyncEngine) -> None:
    """The test database's engine, which :func:`mails` delivers from (tests/conftest.py's ``db``)."""
    _engine[:] = [engine]


async def mails() -> list[dict[str, Any]]:
    """Every mail delivered so far (``<var>/outbox/mail.jsonl``), after delivering what is due now,
    as the worker would: a mail is a row in the outbox until then."""
    if _engine:
        await deliver_due(_engine[0])
    path = get_settings().outbox_dir / "mail.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class Inbox:
    """A real SMTP server's mailbox (aiosmtpd). The next ``refuse`` mails are answered 451 (try
    later); an address in ``unknown`` is refused for good (550)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0
        self.refused = 0
        self.unknown: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802 (aiosmtpd's hook name)
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Rcpt"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):  # type: ignore[no-untyped-def]
    """An SMTP server on a free local port that BOA sends to (BOA_SMTP_HOST, BOA_SMTP_PORT)."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("BOA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BOA_SMTP_PORT", str(port))
    get_settings.cache_clear()
    yield inbox
    controller.stop()
    get_settings.cache_clear()


@contextmanager
def failing_commits(engine):  # type: ignore[no-untyped-def]
    """Every COMMIT fails as when the server drops the connection: the transaction is gone."""
    dialect = engine.sync_engine.dialect
    commit = dialect.do_commit

    def refuse(dbapi_connection):  # type: ignore[no-untyped-def]
        dialect.do_rollback(dbapi_connection)
        raise dialect.loaded_dbapi.OperationalError("the server closed the connection during COMMIT")

    dialect.do_commit = refuse
    try:
        yield
    finally:
        dialect.do_commit = commit
