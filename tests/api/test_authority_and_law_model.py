"""The authority scheme and the law model over HTTP (SPEC 3.3, 3.4; seeds 002, 003)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from schemes.authority.models import AuthorityScheme
from tests.helpers import bearer, login
from tests.schemes_helpers import institution_id, make_user


async def _scheme(demo) -> str:
    async with transaction(demo) as s:
        return str(await s.scalar(select(AuthorityScheme.id)))


async def _decision(client, staff, ident, number):
    r = await client.get(f"/v1/access/decision?ident={ident}&action=project_access&project={number}", headers=staff)
    return r.json()


async def test_an_authority_associates_an_employee(client, as_user, demo):
    await make_user(demo, "EMPL", 201)
    scheme_id, auad, staff = await _scheme(demo), await as_user("AUAD"), await as_user("STAF")
    view = (await client.get(f"/v1/authority-schemes/{scheme_id}", headers=auad)).json()
    assert {m["ident"] for m in view["members"]} == {"AUAD", "AUAN"}
    assert view["purpose"]["registers"] == ["BEF", "BOL", "DREAM"]
    r = await client.post(f"/v1/authority-schemes/{scheme_id}/members", headers=auad, json={"ident": "EMPL"})
    assert r.status_code == 201 and r.json()["state"] == "requested"
    number = view["project"]
    d = await _decision(client, staff, "EMPL", number)
    assert "membership_not_approved" in [r["code"] for r in d["reasons"]]
    assert (await client.post(f"/v1/authority-schemes/{scheme_id}/members/EMPL/approve", headers=auad)).status_code == 403
    r = await client.post(f"/v1/authority-schemes/{scheme_id}/members/EMPL/approve", headers=staff)
    assert r.status_code == 200 and r.json()["state"] == "active"
    assert (await _decision(client, staff, "EMPL", number))["allowed"] is True
    assert (await client.delete(f"/v1/authority-schemes/{scheme_id}/members/EMPL", headers=auad)).status_code == 204
    assert (await _decision(client, staff, "EMPL", number))["reasons"][0]["code"] == "not_member"


async def test_authority_members_must_be_its_own_certified_users(client, as_user, demo):
    await make_user(demo, "UNCE", 201, certified=False)
    scheme_id, auad = await _scheme(demo), await as_user("AUAD")
    url = f"/v1/authority-schemes/{scheme_id}/members"
    for ident, status, code in (("RESA", 422, "not_associated"), ("UNCE", 422, "certification_invalid"),
                                ("NOPE", 404, "not_found"), ("AUAN", 409, "already_member")):
        r = await client.post(url, headers=auad, json={"ident": ident})
        assert (r.status_code, r.json()["code"]) == (status, code), ident
    assert (await client.post(url, headers=await as_user("AUAN"), json={"ident": "AUAD"})).status_code == 403
    assert (await client.post(url, headers=await as_user("RESA"), json={"ident": "AUAD"})).status_code == 404


async def test_authority_scheme_only_for_authorities_and_once(client, as_user, demo):
    staff = await as_user("STAF")
    purpose = {"topics": ["labour"], "registers": ["BEF"]}
    r = await client.post("/v1/authority-schemes", headers=staff,
                          json={"institution_id": await institution_id(demo, 101), "purpose": purpose})
    assert r.status_code == 422 and r.json()["code"] == "not_an_authority"
    r = await client.post("/v1/authority-schemes", headers=staff,
                          json={"institution_id": await institution_id(demo, 201), "purpose": purpose})
    assert r.status_code == 409 and r.json()["code"] == "authority_scheme_exists"
    r = await client.post("/v1/authority-schemes", headers=await as_user("AUAD"),
                          json={"institution_id": await institution_id(demo, 301), "purpose": purpose})
    assert r.status_code == 403
    r = await client.post("/v1/authority-schemes", headers=staff,
                          json={"institution_id": await institution_id(demo, 301), "purpose": {"topics": []}})
    assert r.status_code == 400
    r = await client.post("/v1/authority-schemes", headers=staff,
                          json={"institution_id": await institution_id(demo, 301),
                                "purpose": purpose | {"valid_from": "2001-01-01"}})
    assert r.status_code == 422 and r.json()["code"] == "dates_out_of_order"
    r = await client.post("/v1/authority-schemes", headers=staff,
                          json={"institution_id": await institution_id(demo, 301), "purpose": purpose})
    assert r.status_code == 201 and r.json()["purpose"]["version"] == 1


async def test_purpose_versions_and_no_fixed_period(client, as_user, demo):
    """Issue 16: no one-year period; access follows the newest purpose version while the agreement
    is active, years on; the renewal route is gone."""
    scheme_id, staff = await _scheme(demo), await as_user("STAF")
    url = f"/v1/authority-schemes/{scheme_id}"
    r = await client.post(f"{url}/purposes", headers=await as_user("AUAD"), json={"topics": ["x"], "registers": ["BEF"]})
    assert r.status_code == 403
    r = await client.post(f"{url}/purposes", headers=staff,
                          json={"topics": ["social services"], "registers": ["BEF", "DREAM", "UDDA"]})
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["valid_until"] is None
    view = (await client.get(url, headers=staff)).json()
    assert view["purpose"]["version"] == 2 and view["purpose"]["registers"] == ["BEF", "DREAM", "UDDA"]
    assert [p["valid_until"] for p in view["purposes"]] == [None, None]
    number = view["project"]
    assert (await _decision(client, staff, "AUAN", number))["allowed"] is True
    assert (await client.post(f"{url}/renew", headers=staff)).status_code in (404, 405)
    for bad, code in (({"topics": ["x"], "registers": ["NOSUCH"]}, "unknown_register"),
                      ({"topics": ["x"], "registers": ["BEF", "bef"]}, "duplicate_register")):
        r = await client.post(f"{url}/purposes", headers=staff, json=bad)
        assert (r.status_code, r.json()["code"]) == (422, code)
    clock.travel(timedelta(days=3 * 365))  # three years on the scheme has not lapsed (the user's own
    staff = bearer((await login(client, "STAF"))["access_token"])  # certification has; that is hers)
    codes = {x["code"] for x in (await _decision(client, staff, "AUAN", number))["reasons"]}
    assert "certification_expired" in codes and not codes & {"scheme_period_ended", "project_expired"}
    assert len((await client.get(url, headers=staff)).json()["purposes"]) == 2


async def test_law_model_members(client, as_user, demo):
    await make_user(demo, "LAWN", 301)
    lawr, staff = await as_user("LAWR"), await as_user("STAF")
    view = (await client.get("/v1/law-model", headers=staff)).json()
    assert [m["ident"] for m in view["members"]] == ["LAWM"] and view["rule_set"]["sanction_table"] == "authority"
    assert (await _decision(client, staff, "LAWM", view["project"]))["allowed"] is True
    r = await client.post("/v1/law-model/members", headers=lawr, json={"ident": "LAWN"})
    assert r.status_code == 201 and r.json()["state"] == "active"
    r = await client.post("/v1/law-model/members", headers=lawr, json={"ident": "RESA"})
    assert r.status_code == 422 and r.json()["code"] == "not_associated"
    assert (await client.post("/v1/law-model/members", headers=await as_user("RESA"),
                              json={"ident": "LAWN"})).status_code == 403
    assert (await client.post("/v1/law-model/members", headers=lawr, json={"ident": "LAWN", "x": 1})).status_code == 400
    r = await client.post("/v1/law-model", headers=staff, json={"institution_id": await institution_id(demo, 301)})
    assert r.status_code == 409 and r.json()["code"] == "law_model_exists"
    r = await client.post(f"/v1/projects/{view['project']}/members", headers=staff, json={"ident": "LAWN"})
    assert r.status_code == 409 and r.json()["code"] == "wrong_scheme"
    assert (await client.delete("/v1/law-model/members/LAWN", headers=lawr)).status_code == 204
