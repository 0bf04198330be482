"""Regression tests for defects found by the permission matrix and by fuzzing the API."""

from __future__ import annotations

from boa.kernel.db import transaction
from tests.helpers import bearer
from tokens.service_clients import create_client


async def _client_token(client, engine) -> dict[str, str]:
    async with transaction(engine) as session:
        reg = await create_client(session, "gateway", ["access:decide"], actor="system:test")
    r = await client.post("/v1/oauth/token", data={"grant_type": "client_credentials",
                                                   "client_id": reg.client.client_id, "client_secret": reg.secret})
    return bearer(r.json()["access_token"])


async def test_a_service_client_reaches_only_the_access_decision(client, demo):
    """Found by the permission matrix: a client JWT passed the app's guard on every route, so it
    could read /v1/me/*, the project list and the law model's member list."""
    auth = await _client_token(client, demo)
    for method, path in (("POST", "/v1/me/certification/attempts"), ("GET", "/v1/me/user-agreement"),
                         ("GET", "/v1/projects"), ("GET", "/v1/law-model")):
        r = await client.request(method, path, headers=auth)
        assert r.status_code == 403 and r.json()["code"] == "client_not_allowed", (path, r.text)
    r = await client.get("/v1/access/decision", headers=auth, params={"ident": "RESA", "action": "login"})
    assert r.status_code == 200 and r.json()["allowed"] is True


async def test_the_law_model_and_its_members_are_seen_only_by_those_it_concerns(client, as_user):
    """Found by the permission matrix: every signed-in user could list the law model's members."""
    for ident in ("RESA", "AUAD"):
        assert (await client.get("/v1/law-model", headers=await as_user(ident))).status_code == 404
    for ident in ("STAF", "LAWR", "LAWM"):
        r = await client.get("/v1/law-model", headers=await as_user(ident))
        assert r.status_code == 200 and "LAWM" in str(r.json()["members"]), (ident, r.text)


async def test_user_search_takes_like_wildcards_literally(client, as_user):
    """Found while indexing the search: ``q=%`` matched every user (and scanned the table)."""
    staff = await as_user("STAF")
    for q in ("%", "_", "%a", "R_SA"):
        r = await client.get("/v1/users", headers=staff, params={"q": q})
        assert r.status_code == 200 and r.json()["items"] == [], (q, r.text)
    r = await client.get("/v1/users", headers=staff, params={"q": "resa"})
    assert [u["ident"] for u in r.json()["items"]] == ["RESA"]


async def test_the_document_describes_errors_as_problem_details_and_204_without_a_body(client, demo):
    """Found by schemathesis: a 400 was documented as Litestar's {status_code, detail, extra} and
    POST /v1/auth/logout's 204 as a JSON body; the answers are problem+json and empty."""
    doc = (await client.get("/schema/openapi.json")).json()
    logout = doc["paths"]["/v1/auth/logout"]["post"]["responses"]
    assert "content" not in logout["204"]
    login = doc["paths"]["/v1/auth/login"]["post"]["responses"]
    assert set(login) >= {"200", "400", "401", "422", "423"}
    assert login["400"]["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    r = await client.post("/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
    assert set(doc["components"]["schemas"]["Problem"]["required"]) <= set(r.json())
