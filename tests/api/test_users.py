"""Users: creation by staff with an activation code by e-mail, PIN rules, requests, search."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp

from boa.kernel import clock
from tests.helpers import mails


async def _activation_code(ident: str) -> str:
    for mail in reversed(await mails()):
        if ident in mail["body"]:
            return re.search(r"[?&]code=([A-Z0-9]+)", mail["body"]).group(1)
    raise AssertionError("no activation mail")


async def test_staff_creates_user_who_activates_enrols_totp_and_logs_in(client, as_user):
    staff = await as_user("STAF")
    r = await client.post("/v1/users", headers=staff, json={"name": "Nina New", "email": "nina@uni.example"})
    assert r.status_code == 201, r.text
    ident = r.json()["ident"]
    assert re.fullmatch(r"[A-Z]{3,4}", ident)
    code = await _activation_code(ident)
    assert (await mails())[-1]["to"] == "nina@uni.example"

    trivial = await client.post("/v1/auth/activate", json={"ident": ident, "activation_code": code, "pin": "1234"})
    assert trivial.status_code == 422 and trivial.json()["code"] == "weak_pin"
    r = await client.post("/v1/auth/activate", json={"ident": ident, "activation_code": code, "pin": "5831"})
    assert r.status_code == 200, r.text
    uri = r.json()["enrolment"]["provisioning_uri"]
    secret = pyotp.parse_uri(uri).secret
    again = await client.post("/v1/auth/activate", json={"ident": ident, "activation_code": code, "pin": "5832"})
    assert again.status_code == 400 and again.json()["code"] == "invalid_activation"

    ch = await client.post("/v1/auth/login", json={"ident": ident, "pin": "5831"})
    assert ch.status_code == 200 and ch.json()["method"] == "totp"
    v = await client.post("/v1/auth/verify", json={"challenge_id": ch.json()["challenge_id"],
                                                   "code": pyotp.TOTP(secret).at(clock.now())})
    # The portal opens (SPEC 2, two gates); the research servers and project work wait for the onboarding.
    assert v.status_code == 200, v.text
    me = {"Authorization": f"Bearer {v.json()['access_token']}"}
    profile = (await client.get("/v1/me", headers=me)).json()
    assert profile["onboarding"]["missing"] == ["user_agreement", "certification", "association"]
    assert profile["access"]["allowed"] is False
    r = await client.get("/v1/projects", headers=me)
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    codes = {reason["code"] for reason in r.json()["reasons"]}
    assert codes == {"certification_missing", "user_agreement_missing", "no_association"}


async def test_activation_code_expires_after_seven_days(client, as_user):
    staff = await as_user("STAF")
    ident = (await client.post("/v1/users", headers=staff, json={"name": "Old", "email": "o@x.example"})).json()["ident"]
    code = await _activation_code(ident)
    clock.travel(timedelta(days=7, minutes=1))
    r = await client.post("/v1/auth/activate", json={"ident": ident, "activation_code": code, "pin": "5831"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_activation"


async def test_trivial_pins_are_refused_on_change(client, as_user):
    me = await as_user("RESA")
    for pin in ("0000", "1111", "1234", "4321", "123", "123456789", "12a4"):
        r = await client.post("/v1/auth/pin", headers=me, json={"old_pin": "7391", "new_pin": pin})
        assert r.status_code == 422, pin
    r = await client.post("/v1/auth/pin", headers=me, json={"old_pin": "0000", "new_pin": "5831"})
    assert r.status_code == 401
    r = await client.post("/v1/auth/pin", headers=me, json={"old_pin": "7391", "new_pin": "5831"})
    assert r.status_code == 204
    assert (await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "5831"})).status_code == 200


async def test_staff_resets_a_pin_by_mail(client, as_user):
    staff = await as_user("STAF")
    r = await client.post("/v1/users/RESB/pin-reset", headers=staff)
    assert r.status_code == 200
    code = await _activation_code("RESB")
    assert (await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})).status_code == 401
    r = await client.post("/v1/auth/activate", json={"ident": "RESB", "activation_code": code, "pin": "5831"})
    assert r.status_code == 200
    assert (await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "5831"})).status_code == 200


async def test_only_staff_create_and_search_users(client, as_user):
    researcher = await as_user("RESA")
    r = await client.post("/v1/users", headers=researcher, json={"name": "X", "email": "x@x.example"})
    assert r.status_code == 403
    assert (await client.get("/v1/users", headers=researcher)).status_code == 403
    staff = await as_user("STAF")
    r = await client.get("/v1/users?q=RESA", headers=staff)
    assert [u["ident"] for u in r.json()["items"]] == ["RESA"]
    page = await client.get("/v1/users?limit=5", headers=staff)
    assert len(page.json()["items"]) == 5 and page.json()["next_cursor"]
    nxt = await client.get(f"/v1/users?limit=5&cursor={page.json()['next_cursor']}", headers=staff)
    assert not {u["ident"] for u in page.json()["items"]} & {u["ident"] for u in nxt.json()["items"]}
    assert (await client.get("/v1/users?limit=0", headers=staff)).status_code == 422
    assert (await client.get("/v1/users?cursor=abc", headers=staff)).status_code == 422


async def test_user_visibility_across_institutions(client, as_user):
    admin = await as_user("ADMN")
    assert (await client.get("/v1/users/RESA", headers=admin)).status_code == 200
    # An administrator of institution 101 cannot see a user of the authority 201.
    assert (await client.get("/v1/users/AUAN", headers=admin)).status_code == 404
    researcher = await as_user("RESB")
    assert (await client.get("/v1/users/RESA", headers=researcher)).status_code == 404
    assert (await client.get("/v1/users/RESB", headers=researcher)).status_code == 200
    assert (await client.get("/v1/users/ZZZZ", headers=admin)).status_code == 404
    assert (await client.get("/v1/users/Z1", headers=admin)).status_code == 422


async def test_administrator_requests_a_user_and_staff_approve(client, as_user):
    admin = await as_user("ADMN")
    r = await client.post("/v1/institutions/1/user-requests", headers=admin,
                          json={"name": "Per Phd", "email": "per@uni.example"})
    assert r.status_code == 201, r.text
    req_id = r.json()["id"]
    researcher = await as_user("RESA")
    assert (await client.post("/v1/institutions/1/user-requests", headers=researcher,
                              json={"name": "P", "email": "p@uni.example"})).status_code == 403
    assert (await client.post(f"/v1/user-requests/{req_id}/approve", headers=admin)).status_code == 403
    staff = await as_user("STAF")
    r = await client.post(f"/v1/user-requests/{req_id}/approve", headers=staff)
    assert r.status_code == 200 and r.json()["state"] == "approved"
    assert r.json()["ident"] and await _activation_code(r.json()["ident"])
    again = await client.post(f"/v1/user-requests/{req_id}/approve", headers=staff)
    assert again.status_code == 409
