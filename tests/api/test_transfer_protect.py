"""'Protect this table' in the transfer gate (issue 20, item 6): a staged table flagged for small
cells is replaced by its protected version, which the researcher looks at and transfers instead."""

from __future__ import annotations

from tests.transfer_helpers import CPR_TABLE, audit_actions, incoming_files, project_no, upload

SMALL_TABLE = ("kommune;koen;antal\n101;M;20\n101;K;1\n102;M;30\n102;K;15\n103;M;2\n103;K;40\n")


async def _flagged(client, headers, number, files):
    r = await upload(client, headers, number, files)
    assert r.status_code == 201, r.text
    body = r.json()
    return body["id"], {f["name"]: f for f in body["files"]}


async def test_a_flagged_table_is_protected_looked_at_and_transferred_instead(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    tid, files = await _flagged(client, resa, number, [("res/tabel.txt", SMALL_TABLE), ("res/cpr.txt", CPR_TABLE)])
    original = files["res/tabel.txt"]
    assert original["verdict"] == "flagged" and original["finding_counts"] == {"small_count": 2}

    r = await client.post(f"/v1/transfers/{tid}/files/{original['id']}/protect", headers=resa,
                          json={"method": "suppress"})
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["file"]["name"] == "res/tabel.protected.txt" and done["file"]["verdict"] == "clean"
    assert done["file"]["note_required"] is False and done["replaces"] == original["id"]
    assert (done["method"], done["min"], done["primary"], done["secondary"]) == ("suppress", 3, 2, 2)
    preview = done["preview"]
    assert preview["header"] == ["kommune", "koen", "antal"] and preview["truncated"] is False
    assert ["101", "K", ".."] in preview["rows"] and ["103", "M", ".."] in preview["rows"]
    assert ["Total", "Total", "108"] in preview["rows"] and ["102", "M", "30"] in preview["rows"]

    # The transfer now shows the original left behind and the protected version staged.
    shown = {f["name"]: f for f in (await client.get(f"/v1/transfers/{tid}", headers=resa)).json()["files"]}
    assert shown["res/tabel.txt"]["state"] == "rejected" and shown["res/tabel.txt"]["reason"] == "replaced_by_protected"
    assert shown["res/tabel.protected.txt"]["state"] == "staged"

    # The researcher can look at it again before the transfer.
    r = await client.get(f"/v1/transfers/{tid}/files/{done['file']['id']}/preview", headers=resa)
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == preview["rows"] and r.json()["name"] == "res/tabel.protected.txt"

    # Transferred instead: the protected version leaves, the original does not.
    r = await client.put(f"/v1/transfers/{tid}/files/{files['res/cpr.txt']['id']}/note", headers=resa,
                         json={"text": "Test file"})
    assert r.status_code == 200
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 200, r.text
    left = {f["name"]: f["reason"] for f in r.json()["not_transferred"]}
    assert left == {"res/tabel.txt": "replaced_by_protected"}
    r = await client.get(f"/v1/transfers/{tid}/files/{done['file']['id']}/content", headers=resa)
    content = r.content.decode()
    assert r.status_code == 200 and "101;K;..\r\n" in content and ";1\r\n" not in content and ";2\r\n" not in content
    assert "transfer.file.protect" in await audit_actions(demo, "transfer_file:")


async def test_aggregation_in_danish_with_a_higher_threshold(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    tid, files = await _flagged(client, resa, number, [("tabel.txt", SMALL_TABLE)])
    r = await client.post(f"/v1/transfers/{tid}/files/{files['tabel.txt']['id']}/protect", headers=resa,
                          json={"method": "aggregate", "min": 5, "lang": "da"})
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["aggregated"] == [{"dimension": "kommune", "categories": ["101", "103"]}]
    assert ["statistisk diskretionering", "K", "41"] in done["preview"]["rows"]
    assert ["I alt", "I alt", "108"] in done["preview"]["rows"]


async def test_what_cannot_be_protected_is_refused_and_nothing_changes(client, as_user, demo, gate):
    number = await project_no(demo)
    resa, resb = await as_user("RESA"), await as_user("RESB")
    bad = "kommune;antal\n101;1\n102;x\n"
    tid, files = await _flagged(client, resa, number, [("tabel.tab", SMALL_TABLE), ("cpr.txt", CPR_TABLE),
                                                       ("bad.txt", bad), ("total.txt", "kommune;antal\n101;1\n102;9\n"
                                                                                       "Total;11\n")])
    url = f"/v1/transfers/{tid}/files/{{}}/protect"
    table = files["tabel.tab"]["id"]
    before = incoming_files(gate.store)

    async def refused(file_id, body, status, code, headers=resa):
        r = await client.post(url.format(file_id), headers=headers, json=body)
        assert r.status_code == status, r.text
        assert r.json()["code"] == code
        return r.json()

    await refused(files["cpr.txt"]["id"], {}, 409, "nothing_to_protect")
    assert "is not a whole number" in (await refused(files["bad.txt"]["id"], {}, 422, "count_not_numeric"))["detail"]
    assert "but its cells sum to 10" in (await refused(files["total.txt"]["id"], {}, 422, "inconsistent_total"))["detail"]
    await refused(table, {"method": "round"}, 422, "invalid_method")
    await refused(table, {"min": 2}, 422, "invalid_min")
    await refused(table, {}, 404, "not_found", headers=resb)
    r = await client.post(url.format(table), headers=resa, json={"colour": "red"})
    assert r.status_code in (400, 422)
    assert incoming_files(gate.store) == before  # nothing half-saved
    shown = {f["name"]: f for f in (await client.get(f"/v1/transfers/{tid}", headers=resa)).json()["files"]}
    assert all(f["state"] == "staged" for f in shown.values()) and len(shown) == 4

    assert (await client.post(url.format(table), headers=resa, json={})).status_code == 201
    await refused(table, {}, 409, "nothing_to_protect")  # already replaced
    r = await client.get(f"/v1/transfers/{tid}/files/{table}/preview", headers=resa)
    assert r.status_code == 409 and r.json()["code"] == "no_preview"


async def test_an_excel_table_is_protected_as_excel(client, as_user, demo, gate):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    for row in (["kommune", "koen", "antal"], [101, "M", 20], [101, "K", 1], [102, "M", 30], [102, "K", 15]):
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    number = await project_no(demo)
    resa = await as_user("RESA")
    tid, files = await _flagged(client, resa, number, [("tabel.xlsx", data.getvalue())])
    assert files["tabel.xlsx"]["verdict"] == "flagged"
    r = await client.post(f"/v1/transfers/{tid}/files/{files['tabel.xlsx']['id']}/protect", headers=resa, json={})
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["file"]["name"] == "tabel.protected.xlsx" and done["file"]["verdict"] == "clean"
    assert ["101", "K", ".."] in done["preview"]["rows"] and ["Total", "Total", "66"] in done["preview"]["rows"]
    r = await client.get(f"/v1/transfers/{tid}/files/{done['file']['id']}/preview", headers=resa)
    assert r.status_code == 200 and ["101", "K", ".."] in r.json()["rows"]
