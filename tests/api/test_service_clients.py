"""Service clients: client credentials → short-lived audience-bound JWT → the access decision."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from boa.kernel import clock
from boa.kernel.db import transaction
from tokens.service_clients import create_client


@pytest.fixture
async def gateway(demo):
    async with transaction(demo) as session:
        reg = await create_client(session, "remote-desktop gateway", ["access:decide"], actor="system:test")
        return reg.client.client_id, reg.secret


async def _token(client, client_id, secret):
    return await client.post("/v1/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                      "client_secret": secret})


async def test_client_gets_a_jwt_and_asks_for_a_decision(client, gateway):
    client_id, secret = gateway
    r = await _token(client, client_id, secret)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300 and r.headers["cache-control"] == "no-store"
    header = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[0] + "=="))
    assert header["typ"] == "at+jwt" and header["alg"] == "ES256"
    jwks = (await client.get("/v1/oauth/jwks")).json()
    assert header["kid"] in [k["kid"] for k in jwks["keys"]] and all("d" not in k for k in jwks["keys"])
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    d = await client.get("/v1/access/decision?ident=RESA&action=login", headers=auth)
    assert d.status_code == 200 and d.json()["allowed"] is True
    # The client is no user: it cannot reach user or staff endpoints.
    assert (await client.get("/v1/me", headers=auth)).status_code == 403
    assert (await client.get("/v1/users", headers=auth)).status_code == 403


async def test_basic_auth_is_accepted(client, gateway):
    client_id, secret = gateway
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    r = await client.post("/v1/oauth/token", data={"grant_type": "client_credentials"},
                          headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200


async def test_wrong_secret_unknown_client_and_wrong_grant(client, gateway):
    client_id, _ = gateway
    wrong = (await _token(client, client_id, "guess")).json()
    # A problem for BOA's clients, and RFC 6749's error for OAuth libraries.
    assert wrong["code"] == "invalid_client" and wrong["error"] == "invalid_client" and wrong["error_description"]
    assert (await _token(client, "boa-nobody", "guess")).status_code == 401
    r = await client.post("/v1/oauth/token", data={"grant_type": "password", "client_id": client_id})
    assert r.status_code == 400 and r.json()["code"] == r.json()["error"] == "unsupported_grant_type"


async def test_guessing_the_secret_repeatedly_locks_the_client(client, gateway):
    client_id, secret = gateway
    for _ in range(10):
        await _token(client, client_id, "guess")
    r = await _token(client, client_id, secret)
    assert r.status_code == 401 and r.json()["code"] == "client_locked" and r.json()["error"] == "invalid_client"
    clock.travel(timedelta(minutes=16))
    assert (await _token(client, client_id, secret)).status_code == 200


async def test_expired_tampered_and_foreign_tokens_are_refused(client, gateway):
    client_id, secret = gateway
    token = (await _token(client, client_id, secret)).json()["access_token"]
    url = "/v1/access/decision?ident=RESA&action=login"
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["scope"] = "access:decide admin"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert (await client.get(url, headers={"Authorization": f"Bearer {head}.{forged_payload}.{sig}"})).status_code == 401
    none_head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"at+jwt"}').rstrip(b"=").decode()
    assert (await client.get(url, headers={"Authorization": f"Bearer {none_head}.{payload}."})).status_code == 401
    other_key = ECKey.generate_key("P-256", private=True)
    now = int(clock.now().timestamp())
    foreign = jwt.encode({"alg": "ES256", "typ": "at+jwt"}, {"iss": "boa", "aud": "boa-api", "sub": client_id,
                                                             "exp": now + 300, "scope": "access:decide"}, other_key)
    assert (await client.get(url, headers={"Authorization": f"Bearer {foreign}"})).status_code == 401
    clock.travel(timedelta(minutes=6))
    r = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"


async def test_wrong_audience_is_refused(client, gateway):
    from tokens.service_clients import key_set

    client_id, _ = gateway
    key = key_set().keys[0]
    now = int(clock.now().timestamp())
    token = jwt.encode({"alg": "ES256", "kid": key.kid, "typ": "at+jwt"},
                       {"iss": "boa", "aud": "another-api", "sub": client_id, "exp": now + 300,
                        "scope": "access:decide"}, key)
    r = await client.get("/v1/access/decision?ident=RESA&action=login", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
