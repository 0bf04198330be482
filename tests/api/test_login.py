"""Login with IDENT + PIN + TOTP through the HTTP API (SPEC 4, API "Login")."""

from __future__ import annotations

from datetime import timedelta

from boa.kernel import clock
from tests.helpers import DEMO_USERS, bearer, login, totp_now


async def test_demo_user_logs_in_with_totp_and_sees_profile(client, demo):
    body = await login(client, "RESA")
    assert body["token_type"] == "Bearer" and body["user"]["ident"] == "RESA"
    assert "pin_hash" not in body["user"]
    me = await client.get("/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    data = me.json()
    assert data["ident"] == "RESA"
    assert data["access"]["allowed"] is True
    assert {"role": "contact_person", "authorisation_number": 101} .items() <= {
        k: v for r in data["roles"] if r["role"] == "contact_person" for k, v in r.items()}.items()
    assert all("secret" not in str(t).lower() for t in data["tokens"])


async def test_session_cookie_is_httponly(client, demo):
    r = await client.post("/v1/auth/login", json={"ident": "resa", "pin": "7391"})
    code = totp_now(DEMO_USERS["RESA"]["totp_secret"])
    r = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"], "code": code})
    cookie = r.headers.get("set-cookie", "")
    assert "boa_session=" in cookie and "HttpOnly" in cookie and "samesite=strict" in cookie.lower()


async def test_unknown_ident_answers_exactly_like_wrong_pin(client, demo):
    wrong_pin = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "9999"})
    unknown = await client.post("/v1/auth/login", json={"ident": "ZZZZ", "pin": "9999"})
    assert wrong_pin.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.json().items()}  # noqa: E731
    assert strip(wrong_pin) == strip(unknown)
    assert wrong_pin.json()["code"] == "invalid_credentials"
    assert wrong_pin.headers["content-type"].startswith("application/problem+json")


async def test_malformed_ident_is_a_validation_error(client, demo):
    for ident in ("AB1D", "ABCDE", "AB", "", "A-CD"):
        r = await client.post("/v1/auth/login", json={"ident": ident, "pin": "7391"})
        assert r.status_code == 422, ident
        assert r.json()["code"] == "validation_failed"


async def test_malformed_json_and_unknown_fields_are_refused(client, demo):
    r = await client.post("/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"
    r = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": "7391", "admin": True})
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"


async def test_totp_code_is_accepted_once_only(client, demo):
    secret = DEMO_USERS["RESB"]["totp_secret"]
    first = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
    code = totp_now(secret)
    ok = await client.post("/v1/auth/verify", json={"challenge_id": first.json()["challenge_id"], "code": code})
    assert ok.status_code == 200
    second = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
    replay = await client.post("/v1/auth/verify", json={"challenge_id": second.json()["challenge_id"], "code": code})
    assert replay.status_code == 401 and replay.json()["code"] == "invalid_code"


async def test_expired_totp_code_is_refused(client, demo):
    secret = DEMO_USERS["RESB"]["totp_secret"]
    old_code = totp_now(secret, offset_steps=-3)
    r = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
    bad = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"], "code": old_code})
    assert bad.status_code == 401 and bad.json()["code"] == "invalid_code"


async def test_challenge_expires_after_five_minutes(client, demo):
    r = await client.post("/v1/auth/login", json={"ident": "RESB", "pin": "7391"})
    clock.travel(timedelta(minutes=6))
    code = totp_now(DEMO_USERS["RESB"]["totp_secret"])
    bad = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"], "code": code})
    assert bad.status_code == 401


async def test_logout_ends_the_session(client, demo):
    token = (await login(client, "RESA"))["access_token"]
    assert (await client.post("/v1/auth/logout", headers=bearer(token))).status_code == 204
    r = await client.get("/v1/me", headers=bearer(token))
    assert r.status_code == 401


async def test_anonymous_requests_are_refused(client, demo):
    r = await client.get("/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    r = await client.get("/v1/me", headers=bearer("forged-token"))
    assert r.status_code == 401


async def test_session_idle_timeout(client, demo):
    token = (await login(client, "RESA"))["access_token"]
    clock.travel(timedelta(minutes=31))
    r = await client.get("/v1/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["code"] == "session_expired"


async def test_patch_me_updates_contact_details(client, demo):
    token = (await login(client, "RESA"))["access_token"]
    r = await client.patch("/v1/me", headers=bearer(token), json={"email": "rikke@uni.example", "mobile": "12 34 56 78"})
    assert r.status_code == 200, r.text
    # The mobile number applies at once; the new e-mail address only once confirmed from it.
    assert r.json()["email"] == "resa@demo.boa.example" and r.json()["mobile"] == "+4512345678"
    assert r.json()["pending_email"] == "rikke@uni.example"
    r = await client.patch("/v1/me", headers=bearer(token), json={"email": "not an email"})
    assert r.status_code == 422
    r = await client.get("/v1/me", headers=bearer(token))
    assert r.json()["email"] == "resa@demo.boa.example"
