"""The RADIUS front door with a Python gateway (pyrad) over real UDP: the two rounds with a real
TOTP and a real SMS code through the local SMS gateway, the same lockout, replay rule and login
decision as the HTTP login, and everything a hostile or broken peer may send."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from datetime import timedelta

import pytest
from pyrad.packet import (
    AccessAccept,
    AccessChallenge,
    AccessReject,
    AccountingRequest,
    AuthPacket,
    StatusServer,
)
from sqlalchemy import select, update

from boa.kernel import clock
from boa.kernel.actor import Actor
from boa.kernel.db import transaction
from boa.kernel.errors import ValidationFailed
from boa.kernel.models import AuditEntry
from boa.people.models import User
from tests.helpers import DEMO_USERS, totp_now
from tests.radius_helpers import (
    OTHER_SECRET,
    SECRET,
    ask,
    burst,
    messages,
    quarantine,
    request,
    silent,
    start_radius,
)
from tests.sms_helpers import last_code
from tokens import challenge as challenge_module
from tokens.challenge import LoginExpired, verify
from tokens.models import LoginChallenge, Token
from tokens.radius.clients import add_client, nas_clients, remove_client
from tokens.radius.models import RadiusClient

WRONG = "IDENT eller PIN er forkert. / The IDENT or PIN is wrong."
EXPIRED = "Login er udløbet eller allerede brugt. Log ind igen. / The login has expired or was used. Log in again."


def totp(ident: str) -> str:
    return totp_now(DEMO_USERS[ident]["totp_secret"])


async def first_round(radius, ident: str = "RESA", pin: str = "7391", **kw) -> AuthPacket:
    return await ask(radius, request(ident, pin, **kw), **({"source": kw["source"]} if "source" in kw else {}))


async def audit_rows(engine, action: str) -> list[AuditEntry]:
    async with transaction(engine) as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                          .order_by(AuditEntry.seq)))


async def test_totp_login_challenge_then_accept(radius, demo):
    challenge = await first_round(radius)
    assert challenge.code == AccessChallenge
    assert messages(challenge) == ["Indtast koden fra din app"]
    state = challenge["State"][0]
    assert len(state) >= 32 and 0 < challenge["Session-Timeout"][0] <= 300
    accept = await ask(radius, request("RESA", totp("RESA"), state=state))
    assert accept.code == AccessAccept, messages(accept)
    assert 0 < accept["Session-Timeout"][0] <= 12 * 3600 and accept["Idle-Timeout"] == [1800]
    # Every attempt is audited with the gateway's name.
    (sent,) = await audit_rows(demo, "radius.challenge")
    (accepted,) = await audit_rows(demo, "radius.accept")
    assert sent.actor == accepted.actor == "radius:gateway-1" and accepted.subject == "user:RESA"
    assert sent.summary == {"gateway": "gateway-1", "method": "totp"}


async def test_sms_login_in_english_through_the_real_sms_gateway(radius, demo, sms_gateway):
    async with transaction(demo) as session:
        user = await session.scalar(select(User).where(User.ident == "RESB"))
        user.language = "en"
        await session.execute(update(Token).where(Token.user_id == user.id).values(state="disabled"))
        session.add(Token(user_id=user.id, kind="sms", state="active", mobile="+4520304050"))
    challenge = await first_round(radius, "RESB")
    assert challenge.code == AccessChallenge and messages(challenge) == ["Enter the code from your SMS"]
    code = await asyncio.to_thread(last_code, sms_gateway, "+4520304050")
    accept = await ask(radius, request("RESB", code, state=challenge["State"][0]))
    assert accept.code == AccessAccept and messages(accept) == ["You are logged in."]
    # The same code again, with the same State: the State is used up.
    again = await ask(radius, request("RESB", code, state=challenge["State"][0]))
    # A State that is unknown, used or out of time shows nobody's language.
    assert again.code == AccessReject and messages(again) == [EXPIRED]


async def test_wrong_pins_unknown_idents_and_the_lockout_answer_alike(radius):
    known = [await ask(radius, request("RESB", "9999")) for _ in range(5)]
    unknown = [await ask(radius, request("QQQQ", "9999")) for _ in range(5)]
    for replies in (known, unknown):
        assert [r.code for r in replies] == [AccessReject] * 5
        assert [messages(r) for r in replies[:4]] == [[WRONG]] * 4
        assert "Login er spærret til" in messages(replies[4])[0] and "Login is locked until" in messages(replies[4])[0]
    right = await first_round(radius, "RESB")
    assert right.code == AccessReject and "locked until" in messages(right)[0]
    clock.travel(timedelta(minutes=31))
    assert (await first_round(radius, "RESB")).code == AccessChallenge


async def test_a_wrong_code_ends_the_radius_login_and_counts(radius, demo):
    state = (await first_round(radius))["State"][0]
    wrong = await ask(radius, request("RESA", "000000", state=state))
    assert wrong.code == AccessReject and messages(wrong) == ["Koden er forkert eller allerede brugt. Log ind igen."]
    right = await ask(radius, request("RESA", totp("RESA"), state=state))
    assert right.code == AccessReject and "udløbet" in messages(right)[0]
    failed = await audit_rows(demo, "login.failed.code")
    rejects = await audit_rows(demo, "radius.reject")
    assert len(failed) == 1 and [r.summary["reasons"] for r in rejects] == [["invalid_code"], ["invalid_code"]]


async def test_a_replayed_code_is_refused_across_logins(radius):
    code = totp("RESA")
    state = (await first_round(radius))["State"][0]
    assert (await ask(radius, request("RESA", code, state=state))).code == AccessAccept
    state = (await first_round(radius))["State"][0]
    replay = await ask(radius, request("RESA", code, state=state))
    assert replay.code == AccessReject and "forkert eller allerede brugt" in messages(replay)[0]


async def test_a_state_answers_only_its_gateway_its_user_and_never_http(radius, demo):
    state = (await first_round(radius))["State"][0]
    other_gateway = await ask(radius, request("RESA", totp("RESA"), state=state, secret=OTHER_SECRET),
                              source="127.0.0.2")
    other_user = await ask(radius, request("RESB", totp("RESA"), state=state))
    foreign = await ask(radius, request("RESA", totp("RESA"), state=b"\x00\xffnot-a-state"))
    for reply in (other_gateway, other_user, foreign):
        assert reply.code == AccessReject and "expired" in messages(reply)[0]
    async with transaction(demo) as session:
        with pytest.raises(LoginExpired):
            await verify(session, state.decode(), totp("RESA"))
    # None of those used the State up: its own gateway and user still log in with it.
    assert (await ask(radius, request("RESA", totp("RESA"), state=state))).code == AccessAccept


async def test_an_expired_state_is_refused(radius):
    state = (await first_round(radius))["State"][0]
    clock.travel(timedelta(minutes=6))
    late = await ask(radius, request("RESA", totp("RESA"), state=state))
    assert late.code == AccessReject and "expired" in messages(late)[0]


async def test_a_quarantined_user_is_rejected_with_the_reason(radius, demo):
    await quarantine(demo, "RESB")
    state = (await first_round(radius, "RESB"))["State"][0]
    reject = await ask(radius, request("RESB", totp("RESB"), state=state))
    assert reject.code == AccessReject
    assert messages(reject) == ["Din adgang er suspenderet, indtil sagen om brud på reglerne er afgjort."]
    (denied,) = await audit_rows(demo, "access.denied.login")
    assert denied.actor == "radius:gateway-1"


async def test_the_login_decision_reasons_are_given(radius, demo):
    async with transaction(demo) as session:
        await session.execute(update(User).where(User.ident == "RESA").values(
            certification_expires_at=clock.now() - timedelta(days=2), language="en"))
    state = (await first_round(radius))["State"][0]
    reject = await ask(radius, request("RESA", totp("RESA"), state=state))
    assert reject.code == AccessReject
    assert [m.split(" on ")[0] for m in messages(reject)] == ["Your security certification expired"]


async def test_session_timeout_ends_with_the_certification(radius, demo):
    async with transaction(demo) as session:
        await session.execute(update(User).where(User.ident == "RESA").values(
            certification_expires_at=clock.now() + timedelta(hours=2)))
    state = (await first_round(radius))["State"][0]
    accept = await ask(radius, request("RESA", totp("RESA"), state=state))
    assert accept.code == AccessAccept and 7000 < accept["Session-Timeout"][0] <= 7200


async def test_a_retransmission_gets_the_same_answer_and_sends_one_sms(radius, demo, sms_gateway):
    async with transaction(demo) as session:
        user = await session.scalar(select(User).where(User.ident == "RESB"))
        await session.execute(update(Token).where(Token.user_id == user.id).values(state="disabled"))
        session.add(Token(user_id=user.id, kind="sms", state="active", mobile="+4520304050"))
    raw = request("RESB", "7391").RequestPacket()

    def gateway() -> list[list[bytes]]:
        """One socket, as a gateway retransmits: three copies at once, then one more later."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            rounds = []
            for copies in (3, 1):
                for _ in range(copies):
                    sock.sendto(raw, ("127.0.0.1", radius.port))
                got: list[bytes] = []
                sock.settimeout(1.5)
                with contextlib.suppress(TimeoutError):
                    while True:
                        got.append(sock.recv(4096))
                rounds.append(got)
            return rounds

    (first,), (later,) = await asyncio.to_thread(gateway)
    # The copies that arrived while the first was being answered got nothing; the later one the
    # same answer again from the cache, with no second challenge or SMS.
    assert later == first and radius.server.counts["duplicate_answered"] == 1
    assert radius.server.counts["dropped_duplicate_in_progress"] == 2
    assert len(sms_gateway.messages) == 1
    async with transaction(demo) as session:
        assert len(list(await session.scalars(select(LoginChallenge)))) == 1


async def test_status_server_is_answered_for_the_gateways_health_checks(radius):
    packet = AuthPacket(code=StatusServer, secret=SECRET.encode(), dict=request(None).dict)
    packet.add_message_authenticator()
    reply = await ask(radius, packet)
    assert reply.code == AccessAccept


def _with_attributes(raw: bytes, extra: bytes, *, declared: int | None = None) -> bytes:
    body = raw[20:] + extra
    return raw[:2] + struct.pack("!H", declared or 20 + len(body)) + raw[4:20] + body


async def test_bad_packets_are_dropped_counted_and_never_stop_the_server(radius):
    good = request("RESA", "7391")
    raw = good.RequestPacket()
    unsigned = request("RESA", "7391", message_authenticator=False).RequestPacket()
    wrong_secret = request("RESA", "7391", secret="not-the-gateways-secret-at-all").RequestPacket()
    accounting = bytes([AccountingRequest]) + raw[1:]
    bad = {
        "malformed": [b"\x01\x02\x00", raw[:2] + struct.pack("!H", 19) + raw[4:], raw[:2] + struct.pack("!H", 4000) + raw[4:]],
        "truncated_attribute": [_with_attributes(raw, b"\x12\x40abc"), _with_attributes(raw, b"\x12\x01")],
        "oversize": [_with_attributes(raw, b"\x12\xff" + b"x" * 253) * 1 + b"\x00" * 5000],
        "unknown_code": [accounting],
        "no_message_authenticator": [unsigned],
        "bad_authenticator": [wrong_secret, _with_attributes(raw, b"\x50\x12" + b"\x00" * 16)],
    }
    for reason, packets in bad.items():
        for packet in packets:
            assert await silent(radius, packet), reason
        assert radius.server.counts[f"dropped_{reason}"] == len(packets), reason
    # An address that is no gateway is dropped, even with the right secret.
    assert await silent(radius, request("RESA", "7391").RequestPacket(), source="127.0.0.3")
    assert radius.server.counts["dropped_unknown_client"] == 1
    assert (await ask(radius, request("RESA", "7391"))).code == AccessChallenge


async def test_user_names_with_control_characters_are_refused_not_looked_up(radius, demo):
    for name in ("RE\x00SA", "RESA\r\n", "RE\u200bSA", "x" * 80):
        reply = await ask(radius, request(name, "7391"))
        assert reply.code == AccessReject and messages(reply) == [WRONG]
    assert radius.server.counts["invalid_user_name"] == 4
    assert await audit_rows(demo, "login.failed.pin") == []
    no_password = await ask(radius, request("RESA"))
    assert no_password.code == AccessReject and messages(no_password) == [WRONG]


async def test_a_flooding_gateway_is_limited_and_never_blocks_another(demo):
    clock.travel(timedelta(seconds=31))
    radius = await start_radius(demo, rate=5)
    try:
        flood = [request("QQQQ", "9999").RequestPacket() for _ in range(40)]
        answers = await asyncio.to_thread(burst, radius.port, flood)
        assert radius.server.counts["dropped_rate_limited"] >= 25 and len(answers) <= 15
        other = await ask(radius, request("RESA", "7391", secret=OTHER_SECRET), source="127.0.0.2")
        assert other.code == AccessChallenge
    finally:
        await radius.server.stop()


async def test_one_slow_pin_check_does_not_hold_up_another_login(radius, monkeypatch):
    real = challenge_module._verify_and_rehash

    def slow(hasher, pin, pin_hash):
        if pin == "1111":
            time.sleep(2.0)
        return real(hasher, pin, pin_hash)

    monkeypatch.setattr(challenge_module, "_verify_and_rehash", slow)
    t0 = time.perf_counter()
    slow_task = asyncio.create_task(ask(radius, request("RESB", "1111")))
    await asyncio.sleep(0.1)
    quick = await ask(radius, request("RESA", "7391"))
    quick_done = time.perf_counter() - t0
    assert quick.code == AccessChallenge and quick_done < 1.5
    assert (await slow_task).code == AccessReject


async def test_clients_are_registered_with_sealed_secrets(demo):
    async with transaction(demo) as session:
        row = await add_client(session, actor=Actor(system="test"), name="gw", address="::ffff:10.0.0.7",
                               secret="s" * 20)
        assert row.address == "10.0.0.7" and "s" * 20 not in row.secret_sealed
        assert (await nas_clients(session))["10.0.0.7"].secret == b"s" * 20
        assert "sss" not in repr((await nas_clients(session))["10.0.0.7"])
        for bad in ({"address": "10.0.0.0/8"}, {"secret": "short"}, {"name": "a\nb"}):
            with pytest.raises(ValidationFailed):
                await add_client(session, actor=Actor(system="test"), **{
                    "name": "gw2", "address": "10.0.0.8", "secret": "t" * 20, **bad})
        await remove_client(session, actor=Actor(system="test"), name="gw")
        assert list(await session.scalars(select(RadiusClient))) == []
    rows = await audit_rows(demo, "radius.client.add")
    assert rows and all("s" * 20 not in str(r.summary) for r in rows)
