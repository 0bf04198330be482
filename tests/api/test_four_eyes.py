"""Four eyes on grants (issue 17.8): nobody approves their own association or grants a role to
themselves; the office grants the responsible person's own roles. A refusal is 403
``four_eyes_required``, changes nothing and is audited like other refusals."""

from __future__ import annotations


async def _refusals(client, as_user) -> list[dict]:
    r = await client.get("/v1/audit", headers=await as_user("STAF"), params={"action": "grant.refused.own"})
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_substitute_does_not_approve_their_own_association(client, as_user):
    admin, sub = await as_user("ADMN"), await as_user("SUBS")
    r = await client.post("/v1/institutions/1/associations", headers=admin, json={"ident": "SUBS"})
    assert r.status_code == 201, r.text
    assoc = r.json()["id"]
    for verb in ("approve", "refuse"):
        own = await client.post(f"/v1/associations/{assoc}/{verb}", headers=sub)
        assert own.status_code == 403 and own.json()["code"] == "four_eyes_required", own.text
    pending = await client.get("/v1/institutions/1/associations?state=pending", headers=admin)
    assert "SUBS" in [a["ident"] for a in pending.json()["items"]]
    refusals = await _refusals(client, as_user)
    assert len(refusals) == 2 and all(e["actor"] == "user:SUBS" for e in refusals), refusals
    # Another's eyes: the responsible person approves it.
    r = await client.post(f"/v1/associations/{assoc}/approve", headers=await as_user("RESP"))
    assert r.status_code == 200 and r.json()["state"] == "approved"


async def test_nobody_grants_a_role_to_themselves_and_the_office_grants_them(client, as_user):
    sub, resp = await as_user("SUBS"), await as_user("RESP")
    for headers, ident in ((sub, "SUBS"), (resp, "RESP")):
        r = await client.post("/v1/institutions/1/roles", headers=headers,
                              json={"ident": ident, "role": "administrator"})
        assert r.status_code == 403 and r.json()["code"] == "four_eyes_required", r.text
    roles = (await client.get("/v1/institutions/1", headers=resp)).json()["roles"]
    assert {"ident": "SUBS", "role": "administrator"} not in roles
    assert {"ident": "RESP", "role": "administrator"} not in roles
    assert len(await _refusals(client, as_user)) == 2
    # The responsible person's own roles come from the office; a substitute grants another's.
    r = await client.post("/v1/institutions/1/roles", headers=await as_user("STAF"),
                          json={"ident": "RESP", "role": "administrator"})
    assert r.status_code == 201, r.text
    r = await client.post("/v1/institutions/1/roles", headers=sub, json={"ident": "RESB", "role": "signatory"})
    assert r.status_code == 201, r.text
    roles = (await client.get("/v1/institutions/1", headers=resp)).json()["roles"]
    assert {"ident": "RESP", "role": "administrator"} in roles
