"""Changing what proves who you are (SPEC 2; API.md "Second factors and the PIN"): a step-up from
the last 10 minutes, a new token that replaces the old one only when its code is typed back, the
PIN change that ends the other sessions, the e-mail address used only once confirmed, a mail for
every change. Through HTTP, with the real local SMS gateway and the mail outbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.kernel.models import AuditEntry
from tests.helpers import DEMO_USERS, bearer, login, mails, totp_now
from tests.sms_helpers import last_code

RESA_SECRET = DEMO_USERS["RESA"]["totp_secret"]


async def _step_up(client, headers) -> None:
    clock.travel(timedelta(seconds=31))  # a fresh TOTP time step (a code is accepted once)
    r = await client.post("/v1/auth/step-up", headers=headers)
    assert r.status_code == 200 and r.json()["method"] == "totp", r.text
    r = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"],
                                                   "code": totp_now(RESA_SECRET)})
    assert r.status_code == 200 and r.json()["stepped_up"] is True, r.text


async def _actions(demo, action: str) -> list[AuditEntry]:
    async with transaction(demo) as s:
        return list(await s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_a_factor_change_needs_a_verification_from_the_last_ten_minutes(client, demo, sms_gateway):
    me = bearer((await login(client, "RESA"))["access_token"])
    clock.travel(timedelta(minutes=11))
    r = await client.post("/v1/users/RESA/tokens", headers=me, json={"kind": "sms", "mobile": "+45 20 30 40 50"})
    assert r.status_code == 403 and r.json()["code"] == "reauthentication_required"
    r = await client.post("/v1/auth/pin", headers=me, json={"old_pin": "7391", "new_pin": "4826"})
    assert r.status_code == 403 and r.json()["code"] == "reauthentication_required"
    r = await client.patch("/v1/me", headers=me, json={"email": "new@uni.example"})
    assert r.status_code == 403 and r.json()["code"] == "reauthentication_required"
    # Contact details that prove nothing change without one.
    assert (await client.patch("/v1/me", headers=me, json={"language": "en"})).status_code == 200

    clock.travel(timedelta(seconds=31))
    ch = (await client.post("/v1/auth/step-up", headers=me)).json()
    code = totp_now(RESA_SECRET)
    r = await client.post("/v1/auth/verify", json={"challenge_id": ch["challenge_id"], "code": code})
    assert r.status_code == 200 and r.json()["stepped_up"] is True and "access_token" not in r.json()
    # The step-up code cannot be replayed, on this challenge or on a new one.
    again = await client.post("/v1/auth/verify", json={"challenge_id": ch["challenge_id"], "code": code})
    assert again.status_code == 401 and again.json()["code"] == "invalid_code"
    other = (await client.post("/v1/auth/step-up", headers=me)).json()
    replay = await client.post("/v1/auth/verify", json={"challenge_id": other["challenge_id"], "code": code})
    assert replay.status_code == 401
    r = await client.post("/v1/users/RESA/tokens", headers=me, json={"kind": "sms", "mobile": "+45 20 30 40 50"})
    assert r.status_code == 201, r.text
    assert len(await _actions(demo, "session.step_up")) == 1


async def test_a_new_sms_token_replaces_the_app_only_when_its_code_is_typed_back(client, demo, sms_gateway):
    me = bearer((await login(client, "RESA"))["access_token"])
    r = await client.post("/v1/users/RESA/tokens", headers=me, json={"kind": "sms", "mobile": "+45 20 30 40 50"})
    assert r.status_code == 201 and r.json()["state"] == "enrolled"
    sms = r.json()["id"]
    # A mistyped number is harmless: the app still logs in.
    assert (await client.get("/v1/me", headers=me)).json()["tokens"][0]["state"] == "active"
    clock.travel(timedelta(seconds=31))
    ch = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})
    assert ch.json()["method"] == "totp"

    r = await client.post(f"/v1/tokens/{sms}/activate", headers=me, json={"code": "000000"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_code"
    await _step_up(client, me)
    r = await client.post(f"/v1/tokens/{sms}/activate", headers=me,
                          json={"code": last_code(sms_gateway, "+4520304050")})
    assert r.status_code == 200 and r.json()["state"] == "active", r.text
    states = {t["kind"]: t["state"] for t in (await client.get("/v1/me", headers=me)).json()["tokens"]}
    assert states == {"totp": "disabled", "sms": "active"}
    mail = next(m for m in reversed(await mails()) if m["to"] == "resa@demo.boa.example")
    assert "anden faktor" in mail["subject"] and "SMS" in mail["body"]


async def test_wrong_enrolment_codes_count_towards_the_lockout(client, demo, sms_gateway):
    """A 6-digit code must not be guessed: the fifth wrong one locks the login for 30 minutes."""
    me = bearer((await login(client, "RESA"))["access_token"])
    sms = (await client.post("/v1/users/RESA/tokens", headers=me, json={"kind": "sms", "mobile": "+4520304050"})
           ).json()["id"]
    for _ in range(4):
        r = await client.post(f"/v1/tokens/{sms}/activate", headers=me, json={"code": "000000"})
        assert r.status_code == 422
    wrong = f"{(int(last_code(sms_gateway)) + 1) % 10**6:06d}"
    r = await client.post(f"/v1/tokens/{sms}/activate", headers=me, json={"code": wrong})
    assert r.status_code == 423 and r.json()["code"] == "locked_out"
    r = await client.post(f"/v1/tokens/{sms}/activate", headers=me, json={"code": last_code(sms_gateway)})
    assert r.status_code == 423
    assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})).status_code == 423


async def test_a_second_enrolment_replaces_an_unconfirmed_one(client, demo, sms_gateway):
    me = bearer((await login(client, "RESA"))["access_token"])
    first = (await client.post("/v1/users/RESA/tokens", headers=me, json={"kind": "sms", "mobile": "+45 20304050"}))
    second = (await client.post("/v1/users/RESA/tokens", headers=me, json={"kind": "sms", "mobile": "+45 20304051"}))
    assert second.status_code == 201
    tokens = {t["id"]: t["state"] for t in (await client.get("/v1/me", headers=me)).json()["tokens"]}
    assert tokens[first.json()["id"]] == "revoked" and tokens[second.json()["id"]] == "enrolled"
    r = await client.post(f"/v1/tokens/{first.json()['id']}/activate", headers=me,
                          json={"code": last_code(sms_gateway, "+4520304050")})
    assert r.status_code == 409


async def test_a_pin_change_counts_wrong_old_pins_and_ends_the_other_sessions(client, demo):
    here = bearer((await login(client, "RESA"))["access_token"])
    clock.travel(timedelta(seconds=31))
    there = bearer((await login(client, "RESA"))["access_token"])
    for _ in range(4):
        r = await client.post("/v1/auth/pin", headers=here, json={"old_pin": "1357", "new_pin": "4826"})
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    assert len(await _actions(demo, "login.failed.pin_change")) == 4
    r = await client.post("/v1/auth/pin", headers=here, json={"old_pin": "7391", "new_pin": "4826"})
    assert r.status_code == 204, r.text
    assert (await client.get("/v1/me", headers=here)).status_code == 200
    assert (await client.get("/v1/me", headers=there)).status_code == 401
    assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})).status_code == 401
    assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "4826"})).status_code == 200
    mail = next(m for m in reversed(await mails()) if m["to"] == "resa@demo.boa.example")
    assert mail["subject"] == "Din PIN-kode er ændret"


async def test_five_wrong_old_pins_lock_the_login(client, demo):
    me = bearer((await login(client, "RESA"))["access_token"])
    for _ in range(4):
        await client.post("/v1/auth/pin", headers=me, json={"old_pin": "1357", "new_pin": "4826"})
    r = await client.post("/v1/auth/pin", headers=me, json={"old_pin": "1357", "new_pin": "4826"})
    assert r.status_code == 423 and r.json()["code"] == "locked_out"
    assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391"})).status_code == 423


async def test_a_staff_pin_reset_ends_every_session(client, demo, as_user):
    me = bearer((await login(client, "RESA"))["access_token"])
    staff = await as_user("STAF")
    assert (await client.post("/v1/users/RESA/pin-reset", headers=staff)).status_code == 200
    assert (await client.get("/v1/me", headers=me)).status_code == 401
    mail = next(m for m in reversed(await mails()) if m["to"] == "resa@demo.boa.example")
    assert mail["subject"] == "Din PIN-kode er nulstillet" and "/activate?ident=RESA&code=" in mail["body"]


async def test_a_new_email_address_is_used_once_confirmed_from_it(client, demo):
    me = bearer((await login(client, "RESA"))["access_token"])
    r = await client.patch("/v1/me", headers=me, json={"email": "rikke@uni.example"})
    assert r.status_code == 200 and r.json()["email"] == "resa@demo.boa.example"
    assert r.json()["pending_email"] == "rikke@uni.example"
    to_new = next(m for m in await mails() if m["to"] == "rikke@uni.example")
    to_old = next(m for m in await mails() if m["to"] == "resa@demo.boa.example")
    assert "ændret" in to_old["subject"] and "rikke@uni.example" in to_old["body"]
    token = re.search(r"/confirm-email\?token=([\w-]+)", to_new["body"]).group(1)

    assert (await client.post("/v1/me/email/confirm", json={"token": "forged"})).status_code == 400
    r = await client.post("/v1/me/email/confirm", json={"token": token})
    assert r.status_code == 200 and r.json()["email"] == "rikke@uni.example"
    r = await client.post("/v1/me/email/confirm", json={"token": token})
    assert r.status_code == 400 and r.json()["code"] == "invalid_confirmation"
    profile = (await client.get("/v1/me", headers=me)).json()
    assert profile["email"] == "rikke@uni.example" and profile["pending_email"] is None
    told = [m["to"] for m in await mails() if m["subject"] == "Din e-mailadresse er ændret"]
    assert sorted(told) == ["resa@demo.boa.example", "rikke@uni.example"]


async def test_an_email_confirmation_expires_after_a_day(client, demo):
    me = bearer((await login(client, "RESA"))["access_token"])
    await client.patch("/v1/me", headers=me, json={"email": "late@uni.example"})
    token = re.search(r"token=([\w-]+)", next(m for m in await mails() if m["to"] == "late@uni.example")["body"]).group(1)
    clock.travel(timedelta(hours=24, minutes=1))
    r = await client.post("/v1/me/email/confirm", json={"token": token})
    assert r.status_code == 400 and r.json()["code"] == "invalid_confirmation"


async def test_activation_enrols_sms_with_the_ticket_and_the_code_typed_back(client, as_user, sms_gateway):
    staff = await as_user("STAF")
    ident = (await client.post("/v1/users", headers=staff, json={"name": "Sara Sms", "email": "sara@uni.example"})
             ).json()["ident"]
    code = re.search(r"code=([A-Z0-9]+)", next(m for m in await mails() if m["to"] == "sara@uni.example")["body"]).group(1)
    r = await client.post("/v1/auth/activate", json={"ident": ident, "activation_code": code, "pin": "5831"})
    assert r.status_code == 200
    ticket = r.json()["enrolment_ticket"]
    assert r.json()["enrolment"]["kind"] == "totp" and ticket

    bad = await client.post("/v1/auth/enrolment", json={"ticket": "forged", "kind": "sms", "mobile": "+4520304050"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_enrolment"
    r = await client.post("/v1/auth/enrolment", json={"ticket": ticket, "kind": "sms", "mobile": "+45 20 30 40 50"})
    assert r.status_code == 201 and r.json()["state"] == "enrolled", r.text
    token_id = r.json()["id"]
    wrong = await client.post("/v1/auth/enrolment/confirm", json={"ticket": ticket, "token_id": token_id,
                                                                   "code": "000000"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_code"
    r = await client.post("/v1/auth/enrolment/confirm", json={"ticket": ticket, "token_id": token_id,
                                                               "code": last_code(sms_gateway)})
    assert r.status_code == 200 and r.json()["state"] == "active", r.text
    spent = await client.post("/v1/auth/enrolment", json={"ticket": ticket, "kind": "totp"})
    assert spent.status_code == 400 and spent.json()["code"] == "invalid_enrolment"

    # The login now asks for a code by SMS and opens a portal session.
    ch = await client.post("/v1/auth/login", json={"ident": ident, "pin": "5831"})
    assert ch.json()["method"] == "sms"
    v = await client.post("/v1/auth/verify", json={"challenge_id": ch.json()["challenge_id"],
                                                   "code": last_code(sms_gateway)})
    assert v.status_code == 200, v.text


async def test_an_enrolment_ticket_expires(client, as_user):
    staff = await as_user("STAF")
    ident = (await client.post("/v1/users", headers=staff, json={"name": "Tim Late", "email": "tim@uni.example"})
             ).json()["ident"]
    code = re.search(r"code=([A-Z0-9]+)", next(m for m in await mails() if m["to"] == "tim@uni.example")["body"]).group(1)
    r = await client.post("/v1/auth/activate", json={"ident": ident, "activation_code": code, "pin": "5831"})
    uri, ticket = r.json()["enrolment"]["provisioning_uri"], r.json()["enrolment_ticket"]
    clock.travel(timedelta(minutes=31))
    r = await client.post("/v1/auth/enrolment", json={"ticket": ticket, "kind": "totp"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_enrolment"
    # The app enrolled at activation still works: its first code at login activates it.
    ch = await client.post("/v1/auth/login", json={"ident": ident, "pin": "5831"})
    v = await client.post("/v1/auth/verify", json={"challenge_id": ch.json()["challenge_id"],
                                                   "code": pyotp.TOTP(pyotp.parse_uri(uri).secret).at(clock.now())})
    assert v.status_code == 200
