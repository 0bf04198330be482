"""The lists the admin pages share with the API: searchable, paged associations; user requests;
projects by state; the audit log by action; the report of active projects per scheme per year."""

from __future__ import annotations

from tests.schemes_helpers import institution_id


async def test_associations_are_searched_and_paged(client, as_user, demo):
    admin = await as_user("ADMN")
    inst = await institution_id(demo, 101)
    r = await client.get(f"/v1/institutions/{inst}/associations?state=approved&limit=2", headers=admin)
    assert r.status_code == 200, r.text
    first = r.json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (await client.get(f"/v1/institutions/{inst}/associations?state=approved&limit=2"
                             f"&cursor={first['next_cursor']}", headers=admin)).json()
    seen = [a["ident"] for a in first["items"] + rest["items"]]
    assert len(seen) == len(set(seen)) and {"RESA", "RESB", "ADMN", "PDBM"} <= set(seen)
    found = (await client.get(f"/v1/institutions/{inst}/associations?q=resb", headers=admin)).json()
    assert [a["ident"] for a in found["items"]] == ["RESB"]
    by_name = (await client.get(f"/v1/institutions/{inst}/associations?q=rikke", headers=admin)).json()
    assert [a["ident"] for a in by_name["items"]] == ["RESA"]
    bad = await client.get(f"/v1/institutions/{inst}/associations?state=sleeping", headers=admin)
    assert bad.status_code == 422
    # A plain user of the institution does not list its associations.
    assert (await client.get(f"/v1/institutions/{inst}/associations",
                             headers=await as_user("RESB"))).status_code == 404


async def test_staff_list_user_requests_by_state(client, as_user, demo):
    admin = await as_user("ADMN")
    inst = await institution_id(demo, 101)
    r = await client.post(f"/v1/institutions/{inst}/user-requests", headers=admin,
                          json={"name": "Nina New", "email": "nina@demo.boa.example"})
    assert r.status_code == 201, r.text
    staff = await as_user("STAF")
    pending = (await client.get("/v1/user-requests?state=pending", headers=staff)).json()["items"]
    assert [x["name"] for x in pending] == ["Nina New"]
    assert (await client.get("/v1/user-requests?state=approved", headers=staff)).json()["items"] == []
    assert (await client.get("/v1/user-requests?state=odd", headers=staff)).status_code == 422
    assert (await client.get("/v1/user-requests", headers=admin)).status_code == 403
    mine = (await client.get(f"/v1/institutions/{inst}/user-requests", headers=admin)).json()["items"]
    assert [x["name"] for x in mine] == ["Nina New"]
    # Both lists are pages like every other list.
    await client.post(f"/v1/institutions/{inst}/user-requests", headers=admin,
                      json={"name": "Otto Other", "email": "otto@demo.boa.example"})
    first = (await client.get(f"/v1/institutions/{inst}/user-requests?limit=1", headers=admin)).json()
    assert [x["name"] for x in first["items"]] == ["Nina New"] and first["next_cursor"]
    rest = (await client.get(f"/v1/institutions/{inst}/user-requests?limit=1&cursor={first['next_cursor']}",
                             headers=admin)).json()
    assert [x["name"] for x in rest["items"]] == ["Otto Other"] and rest["next_cursor"] is None
    page = (await client.get("/v1/user-requests?state=pending&limit=1", headers=staff)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]


async def test_projects_are_filtered_by_state(client, as_user, demo):
    staff = await as_user("STAF")
    created = (await client.get("/v1/projects?state=created", headers=staff)).json()["items"]
    assert created and {p["state"] for p in created} == {"created"}
    approved = (await client.get("/v1/projects?state=approved&scheme=researcher", headers=staff)).json()["items"]
    assert [p["title"] for p in approved] == ["Labour market careers after higher education"]


async def test_audit_log_filters_by_action(client, as_user, demo):
    staff = await as_user("STAF")
    r = (await client.get("/v1/audit?action=institution.create", headers=staff)).json()
    assert len(r["items"]) == 3 and {e["action"] for e in r["items"]} == {"institution.create"}


async def test_report_of_active_projects_per_scheme_per_year(client, as_user, demo):
    staff = await as_user("STAF")
    r = await client.get("/v1/reports/active-projects", headers=staff)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["schemes"] == ["researcher", "project_database", "authority", "law_model"]
    (row,) = body["rows"]
    # The approved researcher project, the project database's main project and its approved sub-project,
    # the authority scheme, the law model.
    assert row["counts"] == {"researcher": 1, "project_database": 2, "authority": 1, "law_model": 1}
    assert row["total"] == 5
    wider = (await client.get(f"/v1/reports/active-projects?first_year={row['year'] - 2}", headers=staff)).json()
    assert [x["total"] for x in wider["rows"]] == [0, 0, 5]
    assert (await client.get("/v1/reports/active-projects?first_year=1900", headers=staff)).status_code == 422
    assert (await client.get("/v1/reports/active-projects", headers=await as_user("ADMN"))).status_code == 403
