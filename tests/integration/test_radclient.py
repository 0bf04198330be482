"""The RADIUS front door against a real peer: FreeRADIUS's ``radclient`` (Debian's
``freeradius-utils``, installed by ``.ci/run``) logs a demo researcher in (challenge, then accept),
is refused with the reason for a wrong PIN and for a quarantined researcher, and gets no answer
with a wrong secret or without a Message-Authenticator."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import DEMO_USERS, totp_now
from tests.radius_helpers import quarantine, radclient, radclient_path

pytestmark = pytest.mark.skipif(radclient_path() is None and not os.environ.get("CI"),
                                reason="radclient (freeradius-utils) is not installed; .ci/run installs it")

SIGNED = {"Message-Authenticator": "0x00"}  # radclient computes it


def _credentials(ident: str, password: str, **more: str) -> dict[str, str]:
    return {"User-Name": f'"{ident}"', "User-Password": f'"{password}"', **more}


async def _challenge(port: int, ident: str) -> str:
    _, answer, out = await radclient(port, _credentials(ident, DEMO_USERS[ident]["pin"], **SIGNED))
    assert "Received Access-Challenge" in out, out
    assert answer["Reply-Message"] == '"Indtast koden fra din app"'
    return answer["State"]


async def test_radclient_logs_a_demo_researcher_in(radius):
    state = await _challenge(radius.port, "RESA")
    code = totp_now(DEMO_USERS["RESA"]["totp_secret"])
    status, answer, out = await radclient(radius.port, _credentials("RESA", code, State=state, **SIGNED))
    assert status == 0 and "Received Access-Accept" in out, out
    assert int(answer["Session-Timeout"]) > 0 and answer["Idle-Timeout"] == "1800"
    # The answer carried a Message-Authenticator, which radclient checked with the secret.
    assert answer["Message-Authenticator"].startswith("0x")


async def test_radclient_is_refused_with_the_reason(radius):
    status, answer, out = await radclient(radius.port, _credentials("RESA", "0000", **SIGNED))
    assert status != 0 and "Received Access-Reject" in out, out
    assert "The IDENT or PIN is wrong." in answer["Reply-Message"]


async def test_radclient_is_refused_for_a_quarantined_researcher(radius, demo):
    await quarantine(demo, "RESB")
    state = await _challenge(radius.port, "RESB")
    code = totp_now(DEMO_USERS["RESB"]["totp_secret"])
    status, answer, out = await radclient(radius.port, _credentials("RESB", code, State=state, **SIGNED))
    assert status != 0 and "Received Access-Reject" in out, out
    assert "suspenderet" in answer["Reply-Message"] and "sagen om brud" in answer["Reply-Message"]


async def test_radclient_with_a_wrong_secret_or_no_message_authenticator_gets_nothing(radius):
    status, _, out = await radclient(radius.port, _credentials("RESA", "7391", **SIGNED),
                                     secret="a-wrong-secret-of-some-length")
    assert status != 0 and "No reply from server" in out, out
    status, _, out = await radclient(radius.port, _credentials("RESA", "7391"))
    assert status != 0 and "No reply from server" in out, out
    assert radius.server.counts["dropped_bad_authenticator"] >= 1
    assert radius.server.counts["dropped_no_message_authenticator"] >= 1


async def test_radclient_status_server(radius):
    status, _, out = await radclient(radius.port, dict(SIGNED), command="status")
    assert status == 0 and "Received Access-Accept" in out, out


async def test_the_cli_registers_a_gateway_and_serves_it(demo):
    """``boa radius clients add`` (the secret from stdin, never printed) and ``boa radius serve`` as an
    operator runs them, asked by radclient; SIGTERM ends the server with its counts in the log."""
    root = Path(__file__).resolve().parents[2]

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "boa.cli", "radius", "clients", *args], cwd=root, input=stdin,
                              capture_output=True, text=True, timeout=120)

    secret = "the-cli-gateway-secret-123456"
    added = await asyncio.to_thread(cli, "add", "gateway-cli", "--address", "127.0.0.1", "--secret", "-",
                                    stdin=secret + "\n")
    assert added.returncode == 0 and "gateway-cli (127.0.0.1) added" in added.stdout, added.stderr
    again = await asyncio.to_thread(cli, "add", "gateway-cli", "--address", "127.0.0.9", "--secret", "x" * 20)
    assert again.returncode == 1 and "radius_client_exists" in again.stderr
    listed = await asyncio.to_thread(cli, "list")
    assert listed.stdout.split() == ["gateway-cli", "127.0.0.1"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "boa.cli", "radius", "serve", "--port", str(port)], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            status, _, out = await radclient(port, dict(SIGNED), secret=secret, command="status")
            if status == 0:
                break
        assert status == 0 and "Received Access-Accept" in out, out
    finally:
        server.send_signal(signal.SIGTERM)
        log, _ = await asyncio.to_thread(server.communicate, timeout=30)
    assert server.returncode == 0, log
    assert "status_server=1" in log and secret not in log
    removed = await asyncio.to_thread(cli, "remove", "gateway-cli")
    assert removed.returncode == 0 and (await asyncio.to_thread(cli, "list")).stdout == ""
