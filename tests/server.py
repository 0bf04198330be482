"""``boa serve`` as a subprocess for the tests that need a real server process: the crash tests
(SIGKILL in the middle of a request) and the slow-client tests (bodies that stop arriving).

The server uses a SQLite file in its var directory or, when ``BOA_TEST_DATABASE_URL`` points at
PostgreSQL, a fresh PostgreSQL database of its own (``<test database>_<name>``)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyotp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from boa.transfers.storage import Store
from tests.helpers import DEMO_USERS, fresh_pg_database

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_sync(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


class Server:
    """``boa serve`` on a fixed var directory, database and port; killed with SIGKILL."""

    def __init__(self, var: Path, name: str = "srv", **env: str) -> None:
        self.var, self.port = var, free_port()
        test_url = os.environ.get("BOA_TEST_DATABASE_URL", "")
        self.database_url = (run_sync(fresh_pg_database(test_url, "_" + name)) if test_url.startswith("postgresql")
                             else f"sqlite+aiosqlite:///{var / 'boa.sqlite3'}")
        self.env = {**os.environ, "BOA_VAR_DIR": str(var), "BOA_DATABASE_URL": self.database_url,
                    "BOA_REVIEW_SAMPLE_RATE": "0", "BOA_COOKIE_SECURE": "false", "PYTHONPATH": str(ROOT), **env}
        for key in ("BOA_TEST_DATABASE_URL", "BOA_TRANSFER_DIR"):
            self.env.pop(key, None)
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.store = Store(var / "transfers")

    def start(self) -> None:
        args = [sys.executable, "-m", "boa.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.starts == 0:
            args.insert(4, "--demo")
        self.starts += 1
        log = self.var / f"server-{self.starts}.log"
        with log.open("wb") as out:
            # A session of its own: the kill reaches every process of the server and nothing else.
            self.proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the BOA server exited ({self.proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(self.base + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the BOA server did not answer:\n{log.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        if self.proc is not None:
            self.kill()

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def send_raw(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> socket.socket:
        """Send a whole request without waiting for the answer (the caller kills the server)."""
        sock = self.connect()
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Content-Length: {len(body)}",
                "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        return sock

    def audit_verify(self) -> dict:
        out = subprocess.run([sys.executable, "-m", "boa.cli", "audit", "verify"], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def rows(self, sql: str, **params: object) -> list[tuple]:
        async def run() -> list[tuple]:
            engine = create_async_engine(self.database_url)
            try:
                async with engine.connect() as conn:
                    return [tuple(r) for r in (await conn.execute(text(sql), params)).all()]
            finally:
                await engine.dispose()
        return run_sync(run())


def login_over_http(base: str, ident: str) -> dict[str, str]:
    spec = DEMO_USERS[ident]
    r = httpx.post(base + "/v1/auth/login", json={"ident": ident, "pin": spec["pin"]})
    assert r.status_code == 200, r.text
    code = pyotp.TOTP(spec["totp_secret"]).now()
    r = httpx.post(base + "/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"], "code": code})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
