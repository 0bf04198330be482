"""Shared helpers for tests: logging in demo users over HTTP, creating users, reading mail."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any

import pyotp
import pytest

from boa.demo import demo_data
from boa.kernel import clock
from boa.kernel.settings import get_settings

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


def mails() -> list[dict[str, Any]]:
    path = get_settings().outbox_dir / "mail.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


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
