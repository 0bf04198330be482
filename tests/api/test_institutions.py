"""Institutions, authorisation agreements, roles and association agreements (SPEC 1)."""

from __future__ import annotations

from tests.helpers import bearer, login


async def test_staff_create_institution_and_agreement(client, as_user):
    staff = await as_user("STAF")
    r = await client.post("/v1/institutions", headers=staff,
                          json={"name": "Copenhagen Institute", "authorisation_number": 555, "kind": "research_institute"})
    assert r.status_code == 201, r.text
    inst = r.json()["id"]
    dup = await client.post("/v1/institutions", headers=staff,
                            json={"name": "Other", "authorisation_number": 555, "kind": "university"})
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_authorisation_number"
    bad_kind = await client.post("/v1/institutions", headers=staff,
                                 json={"name": "Other", "authorisation_number": 556, "kind": "castle"})
    assert bad_kind.status_code == 422
    same = await client.post(f"/v1/institutions/{inst}/agreements", headers=staff,
                             json={"schemes": ["researcher"], "responsible_ident": "RESB", "substitute_idents": ["RESB"]})
    assert same.status_code == 422 and same.json()["code"] == "responsible_is_substitute"
    r = await client.post(f"/v1/institutions/{inst}/agreements", headers=staff,
                          json={"schemes": ["researcher"], "responsible_ident": "RESB", "substitute_idents": ["RESA"]})
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "active" and r.json()["responsible_ident"] == "RESB"
    agreement = r.json()["id"]
    twice = await client.post(f"/v1/institutions/{inst}/agreements", headers=staff,
                              json={"schemes": ["researcher"], "responsible_ident": "RESB", "substitute_idents": ["RESA"]})
    assert twice.status_code == 409
    univ_authority = await client.post(f"/v1/institutions/{inst}/agreements", headers=staff,
                                       json={"schemes": ["authority"], "responsible_ident": "RESB",
                                             "substitute_idents": ["RESA"]})
    assert univ_authority.status_code == 422
    r = await client.post(f"/v1/agreements/{agreement}/terminate", headers=staff, json={"reason": "Ended by contract"})
    assert r.status_code == 200 and r.json()["state"] == "terminated"
    assert (await client.post(f"/v1/agreements/{agreement}/terminate", headers=staff,
                              json={"reason": "again"})).status_code == 409
    assert (await client.get("/v1/institutions/999999", headers=staff)).status_code == 404
    assert (await client.get("/v1/institutions/abc", headers=staff)).status_code == 404


async def test_institution_endpoints_refuse_non_staff(client, as_user):
    researcher = await as_user("RESA")
    assert (await client.get("/v1/institutions", headers=researcher)).status_code == 403
    assert (await client.post("/v1/institutions", headers=researcher,
                              json={"name": "X", "authorisation_number": 9, "kind": "other"})).status_code == 403
    assert (await client.post("/v1/institutions/1/agreements", headers=researcher,
                              json={"schemes": ["researcher"], "responsible_ident": "RESA",
                                    "substitute_idents": ["RESB"]})).status_code == 403
    # A user of one institution cannot read another institution's data.
    assert (await client.get("/v1/institutions/2", headers=researcher)).status_code == 404
    assert (await client.get("/v1/institutions/1", headers=researcher)).status_code == 200


async def test_roles_are_assigned_only_by_responsible_or_substitute(client, as_user):
    admin = await as_user("ADMN")
    r = await client.post("/v1/institutions/1/roles", headers=admin, json={"ident": "RESB", "role": "signatory"})
    assert r.status_code == 403
    resp = await as_user("RESP")
    r = await client.post("/v1/institutions/1/roles", headers=resp, json={"ident": "RESB", "role": "signatory"})
    assert r.status_code == 201, r.text
    assert (await client.post("/v1/institutions/1/roles", headers=resp,
                              json={"ident": "RESB", "role": "signatory"})).status_code == 409
    own_sub = await client.post("/v1/institutions/1/roles", headers=(await as_user("SUBS")),
                                json={"ident": "RESP", "role": "substitute"})
    assert own_sub.status_code == 422 and own_sub.json()["code"] == "responsible_is_substitute"
    assert (await client.post("/v1/institutions/1/roles", headers=resp,
                              json={"ident": "RESB", "role": "responsible"})).status_code == 422
    assert (await client.post("/v1/institutions/2/roles", headers=resp,
                              json={"ident": "RESB", "role": "signatory"})).status_code == 404
    inst = (await client.get("/v1/institutions/1", headers=resp)).json()
    assert {"ident": "RESB", "role": "signatory"} in inst["roles"]


async def test_association_requested_by_administrator_and_approved_by_responsible(client, as_user):
    admin = await as_user("ADMN")
    # AUAN (an authority analyst) is associated with institution 1 for a joint project.
    r = await client.post("/v1/institutions/1/associations", headers=admin, json={"ident": "auan"})
    assert r.status_code == 201 and r.json()["state"] == "pending"
    assoc = r.json()["id"]
    twice = await client.post("/v1/institutions/1/associations", headers=admin, json={"ident": "AUAN"})
    assert twice.status_code == 409 and twice.json()["code"] == "already_associated"
    researcher = await as_user("RESA")
    assert (await client.post("/v1/institutions/1/associations", headers=researcher,
                              json={"ident": "AUAN"})).status_code == 403
    assert (await client.post(f"/v1/associations/{assoc}/approve", headers=admin)).status_code == 403
    assert (await client.post(f"/v1/associations/{assoc}/approve", headers=researcher)).status_code == 403
    sub = await as_user("SUBS")
    r = await client.post(f"/v1/associations/{assoc}/approve", headers=sub)
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["ident"] == "AUAN"
    assert (await client.post(f"/v1/associations/{assoc}/approve", headers=sub)).status_code == 409
    listed = await client.get("/v1/institutions/1/associations?state=approved", headers=admin)
    assert "AUAN" in [a["ident"] for a in listed.json()["items"]]
    # A plain user cannot end someone else's association; the user themself can.
    assert (await client.post(f"/v1/associations/{assoc}/end", headers=researcher)).status_code == 403
    analyst = bearer((await login(client, "AUAN"))["access_token"])
    r = await client.post(f"/v1/associations/{assoc}/end", headers=analyst)
    assert r.status_code == 200 and r.json()["state"] == "ended" and r.json()["ident"] == "AUAN"
    assert (await client.post(f"/v1/associations/{assoc}/end", headers=analyst)).status_code == 409
    assert (await client.post("/v1/associations/99999/approve", headers=sub)).status_code == 404


async def test_unknown_user_cannot_be_associated(client, as_user):
    admin = await as_user("ADMN")
    assert (await client.post("/v1/institutions/1/associations", headers=admin,
                              json={"ident": "QQQQ"})).status_code == 404
    assert (await client.post("/v1/institutions/1/associations", headers=admin,
                              json={"ident": "Q1"})).status_code == 422
