"""The project database scheme over HTTP (SPEC 3.2, seed 003)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from schemes.project_database.models import ProjectDatabase
from tests.helpers import bearer, login
from tests.schemes_helpers import institution_id, make_user


async def _pdb_id(demo) -> str:
    async with transaction(demo) as s:
        return str(await s.scalar(select(ProjectDatabase.id)))


async def _decision(client, staff, ident, number, action="project_access"):
    r = await client.get(f"/v1/access/decision?ident={ident}&action={action}&project={number}", headers=staff)
    return r.json()


async def test_demo_project_database_and_manager_access(client, as_user, demo):
    pdb_id, staff = await _pdb_id(demo), await as_user("STAF")
    view = (await client.get(f"/v1/project-databases/{pdb_id}", headers=await as_user("PDBM"))).json()
    assert view["managers"] == ["PDBM"] and len(view["sub_projects"]) == 1
    end = clock.now().date()
    assert view["end_date"] == end.replace(year=end.year + 2).isoformat()
    main = view["main_project"]
    assert (await _decision(client, staff, "PDBM", main))["allowed"] is True
    assert (await _decision(client, staff, "RESB", main))["reasons"][0]["code"] == "not_member"
    assert (await _decision(client, staff, "PDBM", main, "transfer"))["reasons"][0]["code"] == "no_research_on_project"
    sub = view["sub_projects"][0]["number"]
    assert (await _decision(client, staff, "RESB", sub, "transfer"))["allowed"] is True
    assert (await client.get(f"/v1/project-databases/{pdb_id}", headers=await as_user("RESB"))).status_code == 404
    r = await client.post(f"/v1/projects/{main}/members", headers=staff, json={"ident": "RESA"})
    assert r.status_code == 409 and r.json()["code"] == "wrong_scheme"


async def test_a_manager_creates_a_sub_project_and_others_cannot(client, as_user, demo):
    pdb_id = await _pdb_id(demo)
    pdbm = await as_user("PDBM")
    r = await client.post(f"/v1/project-databases/{pdb_id}/sub-projects", headers=pdbm,
                          json={"title": "Income mobility", "datasets": ["BEF", "UDDA"]})
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["scheme"] == "project_database" and sub["kind"] == "sub" and sub["billed_as"] == "researcher"
    assert sub["state"] == "created" and sub["contact_person"] == "PDBM" and sub["datasets"] == ["BEF", "UDDA"]
    for who in ("RESA", "ADMN", "STAF"):
        r = await client.post(f"/v1/project-databases/{pdb_id}/sub-projects", headers=await as_user(who),
                              json={"title": "Not mine", "datasets": ["BEF"]})
        assert r.status_code in (403, 404), (who, r.text)
    r = await client.post(f"/v1/project-databases/{pdb_id}/sub-projects", headers=pdbm,
                          json={"title": "Outside", "datasets": ["XYZ"]})
    assert r.status_code == 422 and r.json()["code"] == "dataset_not_in_database"
    r = await client.post(f"/v1/project-databases/{pdb_id}/sub-projects", headers=pdbm, json={"title": "x"})
    assert r.status_code == 400
    report = (await client.get(f"/v1/project-databases/{pdb_id}/minimisation-report", headers=pdbm)).json()
    assert report["ok"] is False
    assert {v["dataset"] for v in report["violations"]} == {"IDAP", "UDDA", "LPR"}
    assert next(d for d in report["datasets"] if d["dataset"] == "BEF")["count"] == 2


async def test_one_project_database_per_institution_and_eligibility(client, as_user, demo):
    staff = await as_user("STAF")
    r = await client.post("/v1/project-databases", headers=staff,
                          json={"institution_id": await institution_id(demo, 101), "manager_idents": ["PDBM"]})
    assert r.status_code == 409 and r.json()["code"] in ("project_database_exists", "not_eligible")
    r = await client.post("/v1/project-databases", headers=await as_user("ADMN"),
                          json={"institution_id": await institution_id(demo, 101), "manager_idents": ["PDBM"]})
    assert r.status_code == 403
    r = await client.post("/v1/project-databases", headers=staff,
                          json={"institution_id": await institution_id(demo, 201), "manager_idents": ["AUAD"]})
    assert r.status_code == 409 and r.json()["code"] == "no_agreement"


async def test_manager_sets(client, as_user, demo):
    pdb_id, staff = await _pdb_id(demo), await as_user("STAF")
    for ident in ("MGRA", "MGRB", "MGRC"):
        await make_user(demo, ident, 101)
    await make_user(demo, "OTHR", 201)
    url = f"/v1/project-databases/{pdb_id}/managers"
    for idents, code in (([], "managers_required"), (["PDBM", "MGRA", "MGRB", "MGRC"], "too_many_managers"),
                         (["PDBM", "OTHR"], "not_associated")):
        r = await client.put(url, headers=staff, json={"manager_idents": idents})
        assert r.status_code == 422 and r.json()["code"] == code, (idents, r.text)
    assert (await client.get(f"/v1/project-databases/{pdb_id}", headers=staff)).json()["managers"] == ["PDBM"]
    assert (await client.put(url, headers=await as_user("PDBM"), json={"manager_idents": ["PDBM"]})).status_code == 403
    # Issue 16: no manager need be an administrator of the institution (the seeds have no such rule).
    r = await client.put(url, headers=staff, json={"manager_idents": ["MGRA", "MGRB"]})
    assert r.status_code == 200 and r.json()["managers"] == ["MGRA", "MGRB"]
    r = await client.put(url, headers=staff, json={"manager_idents": ["MGRA", "ADMN", "MGRB"]})
    assert r.status_code == 200 and r.json()["managers"] == ["MGRA", "ADMN", "MGRB"]
    main = r.json()["main_project"]
    assert (await _decision(client, staff, "PDBM", main))["reasons"][0]["code"] == "not_member"
    assert (await _decision(client, staff, "ADMN", main))["allowed"] is True


async def test_extend_and_close(client, as_user, demo):
    pdb_id, staff = await _pdb_id(demo), await as_user("STAF")
    view = (await client.get(f"/v1/project-databases/{pdb_id}", headers=staff)).json()
    later = (clock.now() + timedelta(days=3 * 365)).date().isoformat()
    url = f"/v1/project-databases/{pdb_id}"
    assert (await client.post(f"{url}/extend", headers=await as_user("PDBM"), json={"end_date": later})).status_code == 403
    r = await client.post(f"{url}/extend", headers=staff, json={"end_date": view["end_date"]})
    assert r.status_code == 422 and r.json()["code"] == "dates_out_of_order"
    r = await client.post(f"{url}/extend", headers=staff, json={"end_date": later})
    assert r.status_code == 200 and r.json()["end_date"] == later
    main = (await client.get(f"/v1/projects/{view['main_project']}", headers=staff)).json()
    assert main["end_date"] == later
    clock.travel(timedelta(days=800))  # past the original two years, inside the extension
    staff = bearer((await login(client, "STAF"))["access_token"])
    d = await _decision(client, staff, "PDBM", view["main_project"])
    assert "scheme_period_ended" not in [x["code"] for x in d["reasons"]]
    r = await client.post(f"{url}/close", headers=staff, json={"reason": "Not used in proportion to its data."})
    assert r.status_code == 200 and r.json()["state"] == "closed"
    d = await _decision(client, staff, "PDBM", view["main_project"])
    assert "project_closed" in [x["code"] for x in d["reasons"]]
    d = await _decision(client, staff, "RESB", view["sub_projects"][0]["number"])
    assert "scheme_period_ended" in [x["code"] for x in d["reasons"]]
    assert (await client.post(f"{url}/close", headers=staff, json={"reason": "again"})).status_code == 409


async def test_period_end_without_extension_denies_access(client, as_user, demo):
    pdb_id = await _pdb_id(demo)
    view = (await client.get(f"/v1/project-databases/{pdb_id}", headers=await as_user("STAF"))).json()
    clock.travel(timedelta(days=2 * 366 + 1))
    staff = bearer((await login(client, "STAF"))["access_token"])
    d = await _decision(client, staff, "RESB", view["sub_projects"][0]["number"])
    assert "scheme_period_ended" in [x["code"] for x in d["reasons"]]
