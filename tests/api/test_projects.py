"""Projects: numbers, listing, members, deletion, and the access decision for projects."""

from __future__ import annotations

from datetime import timedelta

from boa.kernel import clock
from boa.kernel.db import transaction
from tests.helpers import bearer, login, mails
from tests.schemes_helpers import institution_id, make_user, project_number

APPROVED = "Labour market"


async def _decision(client, staff, ident, number, action="project_access"):
    r = await client.get(f"/v1/access/decision?ident={ident}&action={action}&project={number}", headers=staff)
    assert r.status_code == 200, r.text
    return r.json()


async def test_demo_project_is_open_to_its_members_only(client, as_user, demo):
    staff = await as_user("STAF")
    number = await project_number(client, staff, APPROVED)
    for ident in ("RESA", "RESB"):
        assert (await _decision(client, staff, ident, number))["allowed"] is True
        assert (await _decision(client, staff, ident, number, "transfer"))["allowed"] is True
    d = await _decision(client, staff, "ADMN", number)
    assert d["allowed"] is False and d["reasons"][0]["code"] == "not_member"
    d = await _decision(client, staff, "RESA", "709998")
    assert d["reasons"][0]["code"] == "project_unknown"
    d = await _decision(client, staff, "RESA", await project_number(client, staff, "Health and income"))
    assert [r["code"] for r in d["reasons"]] == ["project_not_approved"]


async def test_create_validates_its_input(client, as_user, demo):
    resa = await as_user("RESA")
    inst = await institution_id(demo, 101)
    base = {"institution_id": inst, "scheme": "researcher", "title": "T"}
    r = await client.post("/v1/projects", headers=resa, json=base | {"unknown": 1})
    assert r.status_code == 400
    r = await client.post("/v1/projects", headers=resa, json=base | {"scheme": "authority"})
    assert r.status_code == 422 and r.json()["code"] == "wrong_scheme"
    tomorrow = (clock.now() + timedelta(days=1)).date()
    r = await client.post("/v1/projects", headers=resa, json=base | {
        "end_date": (tomorrow + timedelta(days=30)).isoformat(), "deletion_date": tomorrow.isoformat()})
    assert r.status_code == 422 and r.json()["code"] == "dates_out_of_order"
    r = await client.post("/v1/projects", headers=resa, json=base | {"end_date": "2001-01-01"})
    assert r.status_code == 422
    r = await client.post("/v1/projects", headers=resa, json=base | {"end_date": "not a date"})
    assert r.status_code == 400
    r = await client.post("/v1/projects", headers=await as_user("AUAD"), json=base)
    assert r.status_code == 403
    auth_inst = await institution_id(demo, 201)
    r = await client.post("/v1/projects", headers=await as_user("AUAD"), json=base | {"institution_id": auth_inst})
    assert r.status_code == 409 and r.json()["code"] == "no_agreement"
    for bad in ("12345", "7037944", "abc", "803794"):
        r = await client.get(f"/v1/projects/{bad}", headers=resa)
        assert r.status_code == 422 and r.json()["code"] == "malformed_project_number"
    assert (await client.get("/v1/projects/709999", headers=resa)).status_code == 404


async def test_numbers_are_consecutive_and_listing_is_paginated_by_visibility(client, as_user, demo):
    resa = await as_user("RESA")
    inst = await institution_id(demo, 101)
    numbers = []
    for i in range(3):
        r = await client.post("/v1/projects", headers=resa,
                              json={"institution_id": inst, "scheme": "researcher", "title": f"P{i}"})
        numbers.append(int(r.json()["number"]))
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    staff = await as_user("STAF")
    seen, cursor = [], None
    while True:
        url = "/v1/projects?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(url, headers=staff)).json()
        seen += [p["number"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 8
    resb = {p["number"] for p in (await client.get("/v1/projects", headers=await as_user("RESB"))).json()["items"]}
    assert str(numbers[0]) not in resb and await project_number(client, staff, APPROVED) in resb
    admin = {p["number"] for p in (await client.get("/v1/projects?limit=200", headers=await as_user("ADMN"))).json()["items"]}
    assert {str(n) for n in numbers} <= admin
    auan = (await client.get("/v1/projects", headers=await as_user("AUAN"))).json()["items"]
    assert [p["scheme"] for p in auan] == ["authority"]
    assert (await client.get(f"/v1/projects/{numbers[0]}", headers=await as_user("RESB"))).status_code == 404
    assert (await client.get("/v1/projects?limit=0", headers=staff)).status_code == 422


async def test_member_rules(client, as_user, demo):
    await make_user(demo, "NOAS", None)
    await make_user(demo, "NOCE", 101, certified=False)
    await make_user(demo, "NOUA", 101, agreement=False)
    await make_user(demo, "OTHR", 201)
    await make_user(demo, "OKAY", 101)
    resa = await as_user("RESA")
    r = await client.post("/v1/projects", headers=resa, json={"institution_id": await institution_id(demo, 101),
                                                               "scheme": "researcher", "title": "Members"})
    number = r.json()["number"]
    for ident, code in (("NOAS", "not_associated"), ("OTHR", "not_associated"), ("NOCE", "certification_invalid"),
                        ("NOUA", "user_agreement_missing")):
        r = await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": ident})
        assert r.status_code == 422 and r.json()["code"] == code, (ident, r.text)
    assert (await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "ZZZZ"})).status_code == 404
    assert (await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "Z1"})).status_code == 422
    r = await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "okay"})
    assert r.status_code == 201 and r.json()["state"] == "active" and r.json()["ident"] == "OKAY"
    r = await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "OKAY"})
    assert r.status_code == 409 and r.json()["code"] == "already_member"
    r = await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "OKAY", "role": "x"})
    assert r.status_code == 400
    r = await client.post(f"/v1/projects/{number}/members", headers=await as_user("RESB"), json={"ident": "RESB"})
    assert r.status_code == 404
    assert (await client.delete(f"/v1/projects/{number}/members/OKAY", headers=resa)).status_code == 204
    assert (await client.delete(f"/v1/projects/{number}/members/OKAY", headers=resa)).status_code == 409
    r = await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "OKAY"})
    assert r.status_code == 201  # re-added after leaving


async def test_pending_membership_until_the_physical_token_is_activated(client, as_user, demo):
    from sqlalchemy import select

    from boa.people.models import User
    from schemes.projects.members import activate_pending_memberships

    await make_user(demo, "PHYS", 101, token="physical", token_state="shipped")
    staff = await as_user("STAF")
    number = await project_number(client, staff, APPROVED)
    r = await client.post(f"/v1/projects/{number}/members", headers=await as_user("RESA"), json={"ident": "PHYS"})
    assert r.status_code == 201 and r.json()["state"] == "pending"
    d = await _decision(client, staff, "PHYS", number)
    assert "membership_pending" in [x["code"] for x in d["reasons"]]
    async with transaction(demo) as s:
        uid = await s.scalar(select(User.id).where(User.ident == "PHYS"))
        assert await activate_pending_memberships(s, uid) == [int(number)]
    d = await _decision(client, staff, "PHYS", number)
    assert "membership_pending" not in [x["code"] for x in d["reasons"]]
    members = (await client.get(f"/v1/projects/{number}", headers=staff)).json()["members"]
    assert {"ident": "PHYS", "state": "active"}.items() <= next(m for m in members if m["ident"] == "PHYS").items()


async def test_deletion_date_and_approval(client, as_user, demo):
    staff, admin, resa = await as_user("STAF"), await as_user("ADMN"), await as_user("RESA")
    number = await project_number(client, staff, APPROVED)
    later = (clock.now() + timedelta(days=400)).date().isoformat()
    r = await client.patch(f"/v1/projects/{number}", headers=resa, json={"deletion_date": later})
    assert r.status_code == 403
    assert (await client.patch(f"/v1/projects/{number}", headers=admin, json={"deletion_date": "2000-01-01"})).status_code == 422
    assert (await client.patch(f"/v1/projects/{number}", headers=admin, json={"title": "x"})).status_code == 400
    r = await client.patch(f"/v1/projects/{number}", headers=admin, json={"deletion_date": later})
    assert r.status_code == 200 and r.json()["deletion_date"] == later
    # the office's project owner (STAF) may not approve a deletion; nor may a researcher
    r = await client.post(f"/v1/projects/{number}/deletion-approval", headers=staff)
    assert r.status_code == 403 and r.json()["code"] == "owner_may_not_approve_deletion"
    assert (await client.post(f"/v1/projects/{number}/deletion-approval", headers=await as_user("SANC"))).status_code == 403
    assert (await client.post(f"/v1/projects/{number}/deletion-approval", headers=resa)).status_code == 403
    r = await client.post(f"/v1/projects/{number}/deletion-approval", headers=admin)
    assert r.status_code == 200 and r.json()["deleted"] is True
    assert any(m["template"] == "project_deletion_approved" and m["to"] == "resa@demo.boa.example"
               and "sletning godkendt" in m["subject"] and "(ADMN)" in m["body"] and "user:" not in m["body"]
               for m in await mails())
    assert (await client.post(f"/v1/projects/{number}/deletion-approval", headers=admin)).status_code == 409
    d = await _decision(client, staff, "RESA", number)
    assert d["reasons"][0]["code"] == "project_deleted"
    r = await client.post(f"/v1/projects/{number}/proposals", headers=resa,
                          json={"title": "again", "description": "", "datasets": ["BEF"]})
    assert r.status_code == 409 and r.json()["code"] == "project_deleted"


async def test_ended_association_ends_memberships_and_me_lists_them(client, as_user, demo):
    staff = await as_user("STAF")
    number = await project_number(client, staff, APPROVED)
    resb = await as_user("RESB")
    me = (await client.get("/v1/me", headers=resb)).json()
    assert any(m["project"] == number and m["state"] == "active" for m in me["memberships"])
    assoc = next(a for a in me["associations"] if a["authorisation_number"] == 101)
    assert (await client.post(f"/v1/associations/{assoc['id']}/end", headers=resb)).status_code in (200, 201)
    d = await _decision(client, staff, "RESB", number)
    assert "not_member" in [r["code"] for r in d["reasons"]]
    members = (await client.get(f"/v1/projects/{number}", headers=staff)).json()["members"]
    assert next(m for m in members if m["ident"] == "RESB")["ended_reason"] == "association ended"


async def test_project_end_date_expires_access(client, as_user, demo):
    resa, admin = await as_user("RESA"), await as_user("ADMN")
    end = (clock.now() + timedelta(days=10)).date().isoformat()
    r = await client.post("/v1/projects", headers=resa, json={
        "institution_id": await institution_id(demo, 101), "scheme": "researcher", "title": "Short", "end_date": end})
    number = r.json()["number"]
    await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "RESA"})
    r = await client.post(f"/v1/projects/{number}/transitions", headers=admin, json={"to": "sent_to_office"})
    owner = await as_user(r.json()["project_owner"])
    await client.post(f"/v1/projects/{number}/transitions", headers=owner, json={"to": "sent_for_signature"})
    await client.post(f"/v1/projects/{number}/proposal/signature", headers=await as_user("SIGN"))
    await client.post(f"/v1/projects/{number}/transitions", headers=await as_user("CHEF"), json={"to": "approved"})
    staff = await as_user("STAF")
    assert (await _decision(client, staff, "RESA", number))["allowed"] is True
    clock.travel(timedelta(days=12))
    staff = bearer((await login(client, "STAF"))["access_token"])
    d = await _decision(client, staff, "RESA", number)
    assert d["reasons"][0]["code"] == "project_expired"
