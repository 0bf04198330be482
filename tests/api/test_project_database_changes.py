"""A project database that changes (SPEC 3.2, seed 003; issue 16 item 4): datasets from the
register catalogue, added by agreement and narrowed, each change a version and an audit row; a
preview of what a narrowing, a closing or an end date affects; a dataset one sub-project alone
uses moved to its own order; the responsible person and the office's assessment."""

from __future__ import annotations

from sqlalchemy import func, select

from boa.kernel.db import transaction
from boa.kernel.models import AuditEntry
from schemes.project_database.models import DatasetVersion, ProjectDatabase


async def _pdb(demo) -> str:
    async with transaction(demo) as s:
        return str(await s.scalar(select(ProjectDatabase.id)))


async def _rows(demo) -> tuple[int, int]:
    async with transaction(demo) as s:
        return (await s.scalar(select(func.count()).select_from(DatasetVersion)) or 0,
                await s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def test_add_and_narrow_with_the_preview(client, as_user, demo):
    staff, pdbm = await as_user("STAF"), await as_user("PDBM")
    url = f"/v1/project-databases/{await _pdb(demo)}"
    sub = (await client.get(url, headers=staff)).json()["sub_projects"][0]["number"]
    start = (await client.get(f"{url}/datasets", headers=pdbm)).json()
    assert start["version"] == 1 and [d["dataset"] for d in start["datasets"]] == ["BEF", "IDAP", "UDDA", "LPR"]
    assert next(d for d in start["datasets"] if d["dataset"] == "BEF")["sub_projects"] == [sub]

    # The preview names what a narrowing affects and the refusal it would meet; nothing changes.
    p = (await client.get(f"{url}/preview?action=narrow&datasets=BEF,LPR", headers=pdbm)).json()
    assert p["refused"] == "dataset_in_use" and [s["number"] for s in p["sub_projects"]] == [sub]
    assert p["sub_projects"][0]["datasets"] == ["BEF"] and p["users"] == ["PDBM", "RESB"]
    p = (await client.get(f"{url}/preview?action=narrow&datasets=LPR", headers=staff)).json()
    assert p["refused"] is None and p["sub_projects"] == [] and p["users"] == ["PDBM"]

    before = await _rows(demo)
    r = await client.post(f"{url}/narrow", headers=staff, json={"datasets": ["BEF", "LPR"], "reason": "unused"})
    assert (r.status_code, r.json()["code"]) == (409, "dataset_in_use")
    assert r.json()["sub_projects"] == {"BEF": [sub]} and sub in r.json()["detail"]
    for body, status, code in (({"datasets": ["NOSUCH"], "reason": "x"}, 422, "unknown_register"),
                               ({"datasets": ["LPR", "lpr"], "reason": "x"}, 422, "duplicate_dataset"),
                               ({"datasets": ["AKM"], "reason": "x"}, 422, "dataset_not_in_database"),
                               ({"datasets": [], "reason": "x"}, 422, "datasets_required")):
        r = await client.post(f"{url}/narrow", headers=staff, json=body)
        assert (r.status_code, r.json()["code"]) == (status, code), body
    assert (await client.post(f"{url}/narrow", headers=pdbm, json={"datasets": ["LPR"], "reason": "x"})).status_code == 403
    assert await _rows(demo) == before  # nothing half-saved

    r = await client.post(f"{url}/datasets", headers=staff, json={"datasets": ["akm", "DODSAARS"],
                                                                   "agreement": "Agreed 30 Nov with the managers"})
    assert r.status_code == 201 and r.json()["version"] == 2
    for body, status, code in (({"datasets": ["BEF"], "agreement": "x"}, 409, "dataset_present"),
                               ({"datasets": ["FIRM", "FIRM"], "agreement": "x"}, 422, "duplicate_dataset"),
                               ({"datasets": ["XYZ"], "agreement": "x"}, 422, "unknown_register")):
        r = await client.post(f"{url}/datasets", headers=staff, json=body)
        assert (r.status_code, r.json()["code"]) == (status, code), body
    r = await client.post(f"{url}/narrow", headers=staff, json={"datasets": ["LPR"], "reason": "Not used"})
    assert r.status_code == 200
    after = r.json()
    assert [d["dataset"] for d in after["datasets"]] == ["BEF", "IDAP", "UDDA", "AKM", "DODSAARS"]
    assert [(v["version"], v["change"], v["added"], v["removed"]) for v in after["versions"]] == [
        (1, "created", ["BEF", "IDAP", "UDDA", "LPR"], []), (2, "added", ["AKM", "DODSAARS"], []),
        (3, "narrowed", [], ["LPR"])]
    assert after["versions"][2]["reason"] == "Not used" and after["versions"][2]["changed_by"] == "user:STAF"
    main = (await client.get(url, headers=staff)).json()["main_project"]
    main_datasets = (await client.get(f"/v1/projects/{main}", headers=staff)).json()["datasets"]
    assert main_datasets == [d["dataset"] for d in after["datasets"]]  # the main project holds what it holds
    audit = (await client.get("/v1/audit?action=project_database.narrow", headers=staff))
    assert audit.status_code == 200 and "LPR" in audit.text


async def test_a_dataset_one_sub_project_uses_moves_to_its_own_order(client, as_user, demo):
    staff = await as_user("STAF")
    url = f"/v1/project-databases/{await _pdb(demo)}"
    sub = (await client.get(url, headers=staff)).json()["sub_projects"][0]["number"]
    r = await client.post(f"{url}/datasets/UDDA/move-to-sub-project", headers=staff, json={"reason": "x"})
    assert (r.status_code, r.json()["code"]) == (409, "not_single_use")  # no sub-project uses it
    r = await client.post(f"{url}/datasets/IDAP/move-to-sub-project", headers=staff,
                          json={"reason": "Only the education sub-project uses it"})
    assert r.status_code == 200, r.text
    view = r.json()
    assert "IDAP" not in [d["dataset"] for d in view["datasets"]] and view["own_orders"] == {sub: ["IDAP"]}
    assert view["versions"][-1]["change"] == "moved" and view["versions"][-1]["sub_project"] == sub
    assert (await client.get(f"/v1/projects/{sub}", headers=staff)).json()["datasets"] == ["BEF", "IDAP"]
    report = (await client.get(f"{url}/minimisation-report", headers=staff)).json()
    assert "IDAP" not in [d["dataset"] for d in report["datasets"]]
    r = await client.post(f"{url}/datasets/IDAP/move-to-sub-project", headers=staff, json={"reason": "again"})
    assert (r.status_code, r.json()["code"]) == (422, "dataset_not_in_database")


async def test_preview_of_closing_and_an_end_date(client, as_user, demo):
    staff = await as_user("STAF")
    url = f"/v1/project-databases/{await _pdb(demo)}"
    view = (await client.get(url, headers=staff)).json()
    p = (await client.get(f"{url}/preview?action=close", headers=staff)).json()
    assert p["refused"] is None and p["users"] == ["PDBM", "RESB"] and len(p["sub_projects"]) == 1
    assert p["datasets"] == ["BEF", "IDAP", "UDDA", "LPR"]
    p = (await client.get(f"{url}/preview?action=end_date&end_date=2099-01-01", headers=staff)).json()
    assert p["refused"] is None and p["end_date"] == "2099-01-01" and p["users"] == ["PDBM", "RESB"]
    p = (await client.get(f"{url}/preview?action=end_date&end_date={view['end_date']}", headers=staff)).json()
    assert p["refused"] == "dates_out_of_order"
    for query, code in (("action=end_date", "end_date_required"), ("action=explode", "unknown_action"),
                        ("action=narrow&datasets=NOSUCH", "unknown_register")):
        r = await client.get(f"{url}/preview?{query}", headers=staff)
        assert (r.status_code, r.json()["code"]) == (422, code), query
    r = await client.get(f"{url}/preview?action=end_date&end_date=not-a-date", headers=staff)
    assert r.status_code == 400
    assert (await client.get(f"{url}/preview?action=close", headers=await as_user("RESB"))).status_code == 404


async def test_responsible_person_and_assessment(client, as_user, demo):
    staff = await as_user("STAF")
    url = f"/v1/project-databases/{await _pdb(demo)}"
    r = await client.put(f"{url}/responsible", headers=staff, json={"ident": "RESA"})
    assert (r.status_code, r.json()["code"]) == (422, "not_staff")
    r = await client.put(f"{url}/responsible", headers=staff, json={"ident": "STAF"})
    assert r.status_code == 200 and r.json()["responsible"] == "STAF"
    assert (await client.put(f"{url}/responsible", headers=await as_user("PDBM"),
                             json={"ident": "STAF"})).status_code == 403
    r = await client.put(f"{url}/assessment", headers=staff, json={"overlap": " ", "growth": "x"})
    assert (r.status_code, r.json()["code"]) == (422, "assessment_required")
    r = await client.put(f"{url}/assessment", headers=staff, json={
        "overlap": "Five projects share BEF and IDAP.", "growth": "Two new sub-projects a year."})
    assert r.status_code == 200
    assessment = r.json()["assessment"]
    assert assessment["overlap"] == "Five projects share BEF and IDAP." and assessment["assessed_by"] == "user:STAF"
