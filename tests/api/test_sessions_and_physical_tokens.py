"""Sessions end after 12 hours however active they are; a physical token's first valid code
activates the project memberships that waited for it."""

from __future__ import annotations

import base64
from datetime import timedelta

import pyotp

from boa.kernel import clock
from boa.kernel.db import transaction
from tests.helpers import bearer, totp_now
from tests.schemes_helpers import project_number
from tokens.seedfile import SeedRecord
from tokens.service import import_seeds


async def test_an_active_session_ends_after_twelve_hours(client, as_user):
    me = await as_user("RESA")
    started = clock.now()
    # A request every 20 minutes keeps the session from idling out ...
    while clock.now() - started < timedelta(hours=12) - timedelta(minutes=20):
        clock.travel(timedelta(minutes=20))
        r = await client.get("/v1/me", headers=me)
        assert r.status_code == 200, (clock.now() - started, r.text)
    # ... but not past the absolute limit.
    clock.travel(timedelta(hours=12) - (clock.now() - started))
    r = await client.get("/v1/me", headers=me)
    assert r.status_code == 401 and r.json()["code"] == "session_expired"


async def _decision(client, staff, ident: str, number: str) -> dict:
    r = await client.get("/v1/access/decision", headers=staff,
                         params={"ident": ident, "action": "project_access", "project": number})
    assert r.status_code == 200, r.text
    return r.json()


async def test_first_code_of_a_physical_token_activates_waiting_memberships(client, as_user, demo):
    staff = await as_user("STAF")
    me = await as_user("RESB")
    number = await project_number(client, staff, "Labour market careers")
    # RESB has no Danish mobile number and asks for a physical token; the office approves and ships it.
    r = await client.post("/v1/users/RESB/tokens", headers=me, json={
        "kind": "physical", "attention": "Bo Researcher",
        "address": {"street": "Nørre Allé 5", "postal_code": "8000", "city": "Aarhus C", "country": "DK"},
        "justification": {"reason": "no_danish_mobile", "text": "I live in Sweden and have a Swedish number"}})
    assert r.status_code == 201, r.text
    physical = r.json()["id"]
    assert (await client.post(f"/v1/tokens/{physical}/approve", headers=staff)).status_code == 200
    secret = pyotp.random_base32(32)
    async with transaction(demo) as session:
        await import_seeds(session, [SeedRecord("HW-7001", base64.b32decode(secret))], actor="system:test")
    r = await client.post(f"/v1/tokens/{physical}/ship", headers=staff, json={"serial": "HW-7001"})
    assert r.json()["state"] == "shipped", r.text
    # RESB's app token is gone (revoked by staff): the physical token is now the only way in.
    tokens = (await client.get("/v1/users/RESB/tokens", headers=staff)).json()["items"]
    app_token = next(t["id"] for t in tokens if t["kind"] == "totp" and t["state"] == "active")
    assert (await client.post(f"/v1/tokens/{app_token}/disable", headers=staff)).status_code in (200, 201)
    # RESB is put on the approved project while the token is on its way: the membership waits.
    assert (await client.delete(f"/v1/projects/{number}/members/RESB", headers=staff)).status_code == 204
    r = await client.post(f"/v1/projects/{number}/members", headers=staff, json={"ident": "RESB"})
    assert r.status_code == 201 and r.json()["state"] == "pending", r.text
    before = await _decision(client, staff, "RESB", number)
    assert not before["allowed"]
    assert [x["code"] for x in before["reasons"]] == ["no_active_token", "membership_pending"]

    # The first valid code at login activates the token, and with it the membership.
    clock.travel(timedelta(seconds=31))
    r = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
    assert r.status_code == 200 and r.json()["method"] == "physical", r.text
    r = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"],
                                                   "code": totp_now(secret)})
    assert r.status_code == 200, r.text
    session = bearer(r.json()["access_token"])
    mine = (await client.get("/v1/me", headers=session)).json()
    assert [m["state"] for m in mine["memberships"] if m["project"] == number] == ["active"]
    assert [t["state"] for t in mine["tokens"] if t["id"] == physical] == ["active"]
    after = await _decision(client, staff, "RESB", number)
    assert after == {"allowed": True, "reasons": []}


async def test_activating_a_physical_token_by_its_endpoint_activates_waiting_memberships(client, as_user, demo):
    """The same through POST /v1/tokens/{id}/activate, by staff for a user who cannot log in yet."""
    staff = await as_user("STAF")
    number = await project_number(client, staff, "Labour market careers")
    r = await client.post("/v1/users/RESB/tokens", headers=staff, json={
        "kind": "physical", "attention": "Bo Researcher",
        "address": {"street": "Nørre Allé 5", "postal_code": "8000", "city": "Aarhus C", "country": "DK"},
        "justification": {"reason": "no_danish_mobile", "text": "I live in Sweden and have a Swedish number"}})
    physical = r.json()["id"]
    await client.post(f"/v1/tokens/{physical}/approve", headers=staff)
    secret = pyotp.random_base32(32)
    async with transaction(demo) as session:
        await import_seeds(session, [SeedRecord("HW-7002", base64.b32decode(secret))], actor="system:test")
    await client.post(f"/v1/tokens/{physical}/ship", headers=staff, json={"serial": "HW-7002"})
    tokens = (await client.get("/v1/users/RESB/tokens", headers=staff)).json()["items"]
    app_token = next(t["id"] for t in tokens if t["kind"] == "totp" and t["state"] == "active")
    await client.post(f"/v1/tokens/{app_token}/disable", headers=staff)
    await client.delete(f"/v1/projects/{number}/members/RESB", headers=staff)
    r = await client.post(f"/v1/projects/{number}/members", headers=staff, json={"ident": "RESB"})
    assert r.json()["state"] == "pending"
    r = await client.post(f"/v1/tokens/{physical}/activate", headers=staff, json={"code": totp_now(secret)})
    assert r.status_code in (200, 201) and r.json()["state"] == "active", r.text
    assert await _decision(client, staff, "RESB", number) == {"allowed": True, "reasons": []}
