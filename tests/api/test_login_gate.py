"""The login gate through HTTP: lockout, unknown IDENTs, the 100-failure rule, staff clearing,
SMS through a real local gateway, physical tokens, forced logout."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pyotp
import pytest

from boa.kernel import clock
from boa.kernel.db import transaction
from tests.helpers import DEMO_USERS, bearer, login, totp_now
from tests.sms_helpers import SmsGateway
from tokens.seedfile import SeedRecord
from tokens.service import import_seeds


async def _wrong_pin(client, ident="RESA"):
    return await client.post("/v1/auth/login", json={"ident": ident, "pin": "9999"})


async def test_five_failures_lock_login_for_thirty_minutes(client, as_user):
    for _ in range(4):
        assert (await _wrong_pin(client)).status_code == 401
    fifth = await _wrong_pin(client)
    assert fifth.status_code == 423 and fifth.json()["code"] == "locked_out"
    assert fifth.json()["retry_after"] == 1800 and "30 minutes" in fifth.json()["detail"]
    right = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})
    assert right.status_code == 423 and 0 < right.json()["retry_after"] <= 1800
    assert right.headers["retry-after"]
    staff = await as_user("STAF")
    seen = (await client.get("/v1/users/RESA/lockout", headers=staff)).json()
    assert seen["locked"] is True
    clock.travel(timedelta(minutes=31))
    assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})).status_code == 200


async def test_unknown_idents_lock_out_identically(client, demo):
    answers = [await _wrong_pin(client, "QQQQ") for _ in range(5)]
    known = [await _wrong_pin(client, "RESB") for _ in range(5)]
    assert [a.status_code for a in answers] == [a.status_code for a in known] == [401] * 4 + [423]
    assert answers[0].json() == known[0].json() and answers[-1].json() == known[-1].json()


async def test_code_failures_count_too_and_staff_clear_the_lockout(client, as_user):
    staff = await as_user("STAF")
    for n in range(5):
        ch = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
        r = await client.post("/v1/auth/verify", json={"challenge_id": ch.json()["challenge_id"], "code": "000000"})
        assert r.status_code == (423 if n == 4 else 401)
    assert (await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})).status_code == 423
    assert (await client.delete("/v1/users/RESB/lockout", headers=staff)).status_code == 204
    await login(client, "RESB")
    audit = (await client.get("/v1/audit?subject=user:RESB", headers=staff)).json()["items"]
    assert any(e["action"] == "login.lockout_cleared" for e in audit)
    researcher = await as_user("RESA")
    assert (await client.delete("/v1/users/RESB/lockout", headers=researcher)).status_code == 403


async def test_hundred_failures_disable_the_token_until_staff_rebind_it(client, as_user):
    staff = await as_user("STAF")
    for n in range(100):
        ch = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
        assert ch.status_code == 200, (n, ch.text)
        await client.post("/v1/auth/verify", json={"challenge_id": ch.json()["challenge_id"], "code": "000000"})
        if n % 5 == 4:
            clock.travel(timedelta(minutes=31))
    r = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
    assert r.status_code == 403 and r.json()["reasons"][0]["code"] == "no_active_token"
    staff = bearer((await login(client, "STAF"))["access_token"])
    token = (await client.get("/v1/users/RESB/tokens", headers=staff)).json()["items"][0]
    assert token["state"] == "disabled"
    assert (await client.post(f"/v1/tokens/{token['id']}/rebind", headers=staff)).json()["state"] == "active"
    await login(client, "RESB")


async def test_staff_force_logout_ends_open_sessions(client, as_user):
    me = await as_user("RESA")
    staff = await as_user("STAF")
    r = await client.post("/v1/users/RESA/sessions/revoke", headers=staff)
    assert r.json()["revoked_sessions"] == 1
    assert (await client.get("/v1/me", headers=me)).status_code == 401


async def _enrol_sms(client, as_user, ident="RESA"):
    """Enrolling SMS sends a code to the number; typed back, the SMS token replaces the app."""
    me = await as_user(ident)
    r = await client.post(f"/v1/users/{ident}/tokens", headers=me, json={"kind": "sms", "mobile": "+45 20 30 40 50"})
    assert r.status_code == 201 and r.json()["state"] == "enrolled", r.text
    (message,) = await asyncio.to_thread(lambda: list(SmsGateway.messages))
    assert message["to"] == "+4520304050"
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    r = await client.post(f"/v1/tokens/{r.json()['id']}/activate", headers=me, json={"code": code})
    assert r.status_code == 200 and r.json()["state"] == "active", r.text
    SmsGateway.messages, SmsGateway.calls = [], 0
    return me


async def test_sms_login_through_a_real_gateway(client, as_user, sms_gateway):
    await _enrol_sms(client, as_user)
    ch = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})
    assert ch.json()["method"] == "sms"
    (message,) = await asyncio.to_thread(lambda: list(sms_gateway.messages))
    assert message["to"] == "+4520304050"
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    r = await client.post("/v1/auth/verify", json={"challenge_id": ch.json()["challenge_id"], "code": code})
    assert r.status_code == 200
    again = await client.post("/v1/auth/verify", json={"challenge_id": ch.json()["challenge_id"], "code": code})
    assert again.status_code == 401


async def test_sms_gateway_retries_after_500(client, as_user, sms_gateway):
    await _enrol_sms(client, as_user)
    sms_gateway.mode = "flaky"
    ch = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})
    assert ch.status_code == 200 and sms_gateway.calls == 3 and len(sms_gateway.messages) == 1


async def test_gateway_down_gives_a_clear_error_and_no_session(client, as_user, sms_gateway):
    await _enrol_sms(client, as_user)
    sms_gateway.mode = "down"
    r = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})
    assert r.status_code == 503 and r.json()["code"] == "sms_unavailable"
    assert "SMS" in r.json()["detail"] and "Traceback" not in r.text


async def test_at_most_five_sms_in_fifteen_minutes(client, as_user, sms_gateway):
    await _enrol_sms(client, as_user)
    for _ in range(5):
        assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})).status_code == 200
    sixth = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})
    assert sixth.status_code == 429 and sixth.json()["code"] == "too_many_sms"
    clock.travel(timedelta(minutes=16))
    assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})).status_code == 200


async def test_sms_to_a_foreign_number_is_refused(client, as_user):
    me = await as_user("RESA")
    r = await client.post("/v1/users/RESA/tokens", headers=me, json={"kind": "sms", "mobile": "+46701234567"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_mobile"


async def test_physical_token_journey(client, as_user, demo):
    me = await as_user("RESB")
    address = {"street": "Nørre Allé 5", "postal_code": "8000", "city": "Aarhus C", "country": "DK"}
    why = {"reason": "travel_sms_delay", "text": "Fieldwork in Greenland where Danish SMS arrive late"}
    abroad = await client.post("/v1/users/RESB/tokens", headers=me, json={
        "kind": "physical", "address": {**address, "country": "NO"}, "attention": "Bo Researcher", "justification": why})
    assert abroad.status_code == 422 and abroad.json()["code"] == "address_abroad"
    lazy = await client.post("/v1/users/RESB/tokens", headers=me, json={
        "kind": "physical", "address": address, "attention": "Bo Researcher",
        "justification": {"reason": "convenience", "text": "I like key fobs more than phones"}})
    assert lazy.status_code == 422 and lazy.json()["code"] == "justification_refused"
    r = await client.post("/v1/users/RESB/tokens", headers=me, json={
        "kind": "physical", "address": address, "attention": "Bo Researcher", "justification": why})
    assert r.status_code == 201 and r.json()["state"] == "requested"
    token_id = r.json()["id"]
    staff = await as_user("STAF")
    assert (await client.post(f"/v1/tokens/{token_id}/ship", headers=me)).status_code == 403
    assert (await client.post(f"/v1/tokens/{token_id}/approve", headers=staff)).json()["state"] == "approved"
    no_seed = await client.post(f"/v1/tokens/{token_id}/ship", headers=staff)
    assert no_seed.status_code == 409 and no_seed.json()["code"] == "no_seed"
    secret = pyotp.random_base32(32)
    async with transaction(demo) as session:
        import base64

        await import_seeds(session, [SeedRecord("HW-0042", base64.b32decode(secret))], actor="system:test")
    shipped = await client.post(f"/v1/tokens/{token_id}/ship", headers=staff, json={"serial": "HW-0042"})
    assert shipped.json()["state"] == "shipped" and shipped.json()["serial"] == "HW-0042"
    bad = await client.post(f"/v1/tokens/{token_id}/activate", headers=me, json={"code": "000000"})
    assert bad.status_code == 422
    ok = await client.post(f"/v1/tokens/{token_id}/activate", headers=me, json={"code": totp_now(secret)})
    assert ok.status_code == 200 and ok.json()["state"] == "active"
    tokens = (await client.get("/v1/users/RESB/tokens", headers=me)).json()["items"]
    assert [t["state"] for t in tokens if t["kind"] == "totp"] == ["disabled"]
    clock.travel(timedelta(seconds=31))
    await login(client, "RESB", secret=secret)
    lost = await client.post(f"/v1/tokens/{token_id}/lost", headers=me)
    assert lost.json()["state"] == "lost"
    tokens = (await client.get("/v1/users/RESB/tokens", headers=me)).json()["items"]
    assert any(t["kind"] == "physical" and t["state"] == "requested" for t in tokens)
    other = await as_user("RESA")
    assert (await client.post(f"/v1/tokens/{token_id}/revoke", headers=other)).status_code == 404


async def test_tokens_import_cli_refuses_duplicates(demo):
    import base64

    async with transaction(demo) as session:
        await import_seeds(session, [SeedRecord("HW-1", base64.b32decode(pyotp.random_base32(32)))], actor="t")
    from boa.kernel.errors import Conflict

    with pytest.raises(Conflict):
        async with transaction(demo) as session:
            await import_seeds(session, [SeedRecord("HW-1", b"x" * 20)], actor="t")
    assert DEMO_USERS
