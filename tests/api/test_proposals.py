"""The researcher-scheme proposal workflow over HTTP (SPEC 3.1)."""

from __future__ import annotations

from tests.helpers import mails
from tests.schemes_helpers import institution_id


async def _new_project(client, as_user, demo, who="RESA", **extra) -> str:
    body = {"institution_id": await institution_id(demo, 101), "scheme": "researcher",
            "title": "Register study", "datasets": ["BEF"], **extra}
    r = await client.post("/v1/projects", headers=await as_user(who), json=body)
    assert r.status_code == 201, r.text
    return r.json()["number"]


async def _move(client, headers, number, to, comment=None):
    body = {"to": to} | ({"comment": comment} if comment else {})
    return await client.post(f"/v1/projects/{number}/transitions", headers=headers, json=body)


async def test_administrator_takes_a_proposal_from_created_to_approved(client, as_user, demo):
    number = await _new_project(client, as_user, demo)
    assert number.startswith("70") and len(number) == 6
    admin = await as_user("ADMN")
    r = await _move(client, admin, number, "sent_to_office")
    assert r.status_code == 200 and r.json()["state"] == "sent_to_office"
    owner = r.json()["project_owner"]
    assert owner in ("STAF", "SANC", "DIRG")  # a project owner is allocated (any office staff)
    assert any(m["to"] == "resa@demo.boa.example" and "sendt til Forskningsservice" in m["subject"]
               for m in await mails())
    owner_h = await as_user(owner)
    r = await _move(client, owner_h, number, "sent_for_signature")
    assert r.status_code == 200
    assert any(m["to"] == "sign@demo.boa.example" for m in await mails())
    # The signatory signs (the proposal stays sent for signature); the Head of Division approves.
    r = await _move(client, await as_user("SIGN"), number, "approved")
    assert r.status_code == 403 and r.json()["code"] == "transition_not_permitted"
    assert (await client.post(f"/v1/projects/{number}/proposal/signature", headers=await as_user("SIGN"))).status_code == 200
    r = await _move(client, await as_user("CHEF"), number, "approved", "Approved for the Data Portal.")
    assert r.status_code == 200 and r.json() == {"number": number, "state": "approved", "version": 1,
                                                 "project_owner": owner, "approved": True}
    approved_mail = [m["to"] for m in await mails() if m["subject"].endswith(": godkendt")]
    assert {"resa@demo.boa.example", "admn@demo.boa.example"} <= set(approved_mail)
    p = (await client.get(f"/v1/projects/{number}", headers=admin)).json()
    prop = p["proposals"][0]
    assert prop["valid"] and prop["office_signed_by"] == owner and prop["signatory"] == "SIGN"
    assert prop["approved_by"] == "CHEF"
    audit = (await client.get(f"/v1/audit?subject=project:{number}&limit=200", headers=owner_h)).json()["items"]
    moves = [e for e in audit if e["action"] == "proposal.transition"]
    assert [e["summary"]["after"]["state"] for e in moves] == ["sent_to_office", "sent_for_signature", "approved"]
    assert moves[-1]["summary"]["comment"] == "Approved for the Data Portal."
    assert [e["action"] for e in audit if e["action"] == "proposal.sign"] == ["proposal.sign"]


async def test_contact_person_route_and_return_for_revision(client, as_user, demo):
    number = await _new_project(client, as_user, demo)
    resa, admin = await as_user("RESA"), await as_user("ADMN")
    assert (await _move(client, resa, number, "sent_to_administrator")).status_code == 200
    assert any(m["to"] == "admn@demo.boa.example" for m in await mails())
    # frozen: no edits, no new members
    r = await client.patch(f"/v1/projects/{number}/proposal", headers=resa, json={"title": "New"})
    assert r.status_code == 409 and r.json()["code"] == "proposal_frozen"
    r = await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "RESB"})
    assert r.status_code == 409 and r.json()["code"] == "proposal_frozen"
    # returning needs a comment
    r = await _move(client, admin, number, "under_review")
    assert r.status_code == 422 and r.json()["code"] == "comment_required"
    assert (await _move(client, admin, number, "under_review", "Which years?")).status_code == 200
    r = await client.patch(f"/v1/projects/{number}/proposal", headers=resa,
                           json={"description": "Years 2010-2020", "datasets": ["BEF", "IDAP"]})
    assert r.status_code == 200 and r.json()["datasets"] == ["BEF", "IDAP"]
    assert (await client.post(f"/v1/projects/{number}/members", headers=resa, json={"ident": "RESB"})).status_code == 201
    assert (await _move(client, resa, number, "sent_to_administrator")).status_code == 200


async def test_transitions_not_in_the_table_or_not_the_callers(client, as_user, demo):
    number = await _new_project(client, as_user, demo)
    resa = await as_user("RESA")
    r = await _move(client, resa, number, "approved")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = await _move(client, resa, number, "sent_to_office")  # only an administrator submits to the office
    assert r.status_code == 403 and r.json()["code"] == "transition_not_permitted"
    r = await _move(client, resa, number, "flying")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = await client.post(f"/v1/projects/{number}/transitions", headers=resa, json={"to": "x", "extra": 1})
    assert r.status_code == 400
    assert (await _move(client, await as_user("RESB"), number, "sent_to_administrator")).status_code == 404
    p = (await client.get(f"/v1/projects/{number}", headers=resa)).json()
    assert p["state"] == "created"


async def test_signatory_refusal_returns_it_to_the_contact_person_with_the_reason(client, as_user, demo):
    number = await _new_project(client, as_user, demo)
    r = await _move(client, await as_user("ADMN"), number, "sent_to_office")
    owner = await as_user(r.json()["project_owner"])
    assert (await _move(client, await as_user("SIGN"), number, "approved")).status_code == 409
    await _move(client, owner, number, "sent_for_signature")
    assert (await _move(client, owner, number, "approved")).status_code == 403  # the office already signed
    r = await _move(client, await as_user("SIGN"), number, "under_review", "Budget not approved.")
    assert r.status_code == 200 and r.json()["state"] == "under_review"
    refusal = [m for m in await mails() if m["to"] == "resa@demo.boa.example" and "returneret til revision" in m["subject"]]
    assert refusal and "Budget not approved." in refusal[-1]["body"]
    p = (await client.get(f"/v1/projects/{number}", headers=await as_user("RESA"))).json()
    assert p["proposals"][0]["office_signed_by"] is None and p["approved"] is False


async def test_re_proposal_restates_all_data_and_only_one_is_valid(client, as_user, demo):
    staff = await as_user("STAF")
    p1 = next(p for p in (await client.get("/v1/projects", headers=staff)).json()["items"]
              if p["title"].startswith("Labour market"))
    number, resa = p1["number"], await as_user("RESA")
    r = await client.post(f"/v1/projects/{number}/proposals", headers=resa, json={"title": "Labour market II"})
    assert r.status_code == 400  # all data must be restated
    body = {"title": "Labour market careers, extended", "description": "Adds 2021-2024",
            "datasets": ["BEF", "IDAP", "UDDA", "AKM"]}
    r = await client.post(f"/v1/projects/{number}/proposals", headers=resa, json=body)
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["valid"] is False
    assert (await client.post(f"/v1/projects/{number}/proposals", headers=resa, json=body)).status_code == 409
    # the approved project stays open while the re-proposal is handled
    d = await client.get(f"/v1/access/decision?ident=RESB&action=project_access&project={number}", headers=staff)
    assert d.json()["allowed"] is True
    r = await _move(client, await as_user("ADMN"), number, "sent_to_office")
    owner = await as_user(r.json()["project_owner"])
    await _move(client, owner, number, "sent_for_signature")
    await client.post(f"/v1/projects/{number}/proposal/signature", headers=await as_user("SIGN"))
    assert (await _move(client, await as_user("CHEF"), number, "approved")).status_code == 200
    props = (await client.get(f"/v1/projects/{number}", headers=resa)).json()["proposals"]
    assert [(p["version"], p["valid"]) for p in props] == [(1, False), (2, True)]
    assert (await client.get(f"/v1/projects/{number}", headers=resa)).json()["datasets"] == body["datasets"]
    r = await _move(client, await as_user("STAF"), number, "data_delivered")
    assert r.status_code == 200
