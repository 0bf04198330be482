"""Changing an open transfer over HTTP (issue 18 item 7): add forgotten files (checked as the first
ones were), remove a file before the submit, discard a transfer whose files were all rejected; and
the bad input that must change nothing: another person's transfer, a submitted transfer, a transfer
that still has something to transfer."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from boa.kernel.db import transaction
from boa.kernel.models import AuditEntry
from boa.transfers.models import Transfer, TransferFile
from tests.transfer_helpers import (
    CLEAN_TABLE,
    CPR_TABLE,
    as_files,
    audit_actions,
    incoming_files,
    multipart,
    project_no,
    upload,
)


async def _uploaded(client, headers, number, files):
    r = await upload(client, headers, number, files)
    assert r.status_code == 201, r.text
    return r.json()


async def _add(client, headers, tid, files):
    return await client.post(f"/v1/transfers/{tid}/files", headers=headers, files=as_files(files))


def _names(body) -> dict[str, dict]:
    return {f["name"]: f for f in body["files"]}


async def _snapshot(engine, tid: str) -> tuple:
    """What a refused request must leave as it was: the transfer, its files and the audit log's length."""
    async with transaction(engine) as s:
        t = await s.get(Transfer, int(tid))
        files = sorted((f.name, f.state, f.staged_key) for f in await s.scalars(
            select(TransferFile).where(TransferFile.transfer_id == int(tid))))
        audited = await s.scalar(select(func.count(AuditEntry.seq)))
        return (t.state, t.file_count, t.total_bytes) if t else None, files, audited


async def test_a_forgotten_file_is_added_and_checked_like_the_first(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    body = await _uploaded(client, resa, number, [("antal.tab", CLEAN_TABLE)])
    tid = body["id"]

    r = await _add(client, resa, tid, [("glemt/tabel.txt", CPR_TABLE), ("program.exe", b"MZ")])
    assert r.status_code == 201, r.text
    after = r.json()
    files = _names(after)
    assert after["state"] == "ready" and after["file_count"] == 3
    assert set(files) == {"antal.tab", "glemt/tabel.txt", "program.exe"}
    added = files["glemt/tabel.txt"]
    assert added["verdict"] == "flagged" and added["note_required"] is True  # scanned as an upload is
    assert any(x["kind"] == "cpr_number" for x in added["findings"])
    assert files["program.exe"]["verdict"] == "rejected" and files["program.exe"]["reason"] == "file_type_not_allowed"
    assert after["total_bytes"] == len(CLEAN_TABLE) + len(CPR_TABLE) + 2
    assert "transfer.files.add" in await audit_actions(demo, f"transfer:{tid}")
    async with transaction(demo) as s:
        row = await s.scalar(select(AuditEntry).where(AuditEntry.action == "transfer.files.add"))
        assert {f["name"] for f in row.summary["files"]} == {"glemt/tabel.txt", "program.exe"}

    # The added flagged file needs its note like any other before the transfer goes.
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "note_required"
    await client.put(f"/v1/transfers/{tid}/files/{added['id']}/note", headers=resa, json={"text": "Aggregated."})
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 200, r.text
    assert {f["name"] for f in r.json()["files"] if f["state"] == "transferred"} == {"antal.tab", "glemt/tabel.txt"}


async def test_adding_keeps_the_transfers_rules(client, as_user, demo, gate):
    gate(TRANSFER_MAX_FILES="3")
    number = await project_no(demo)
    resa = await as_user("RESA")
    tid = (await _uploaded(client, resa, number, [("a.tab", CLEAN_TABLE), ("b.tab", CLEAN_TABLE)]))["id"]
    before = await _snapshot(demo, tid)

    # A name the transfer already holds (any case), a project field, a third and fourth file: refused whole.
    r = await _add(client, resa, tid, [("A.TAB", CLEAN_TABLE)])
    assert r.status_code == 422 and r.json()["code"] == "duplicate_file_name"
    body, ctype = multipart([("project", None, number.encode()), ("files", "c.tab", CLEAN_TABLE.encode())])
    r = await client.post(f"/v1/transfers/{tid}/files", headers={**resa, "content-type": ctype}, content=body)
    assert r.status_code == 422 and r.json()["code"] == "unknown_field"
    r = await _add(client, resa, tid, [("c.tab", CLEAN_TABLE), ("d.tab", CLEAN_TABLE)])
    assert r.status_code == 413 and r.json()["code"] == "too_many_files"
    r = await client.post(f"/v1/transfers/{tid}/files", headers=resa, json={"files": []})
    assert r.status_code == 422 and r.json()["code"] == "multipart_required"
    assert await _snapshot(demo, tid) == before
    assert len(incoming_files(gate.store)) == 2


async def test_a_file_is_removed_from_an_open_transfer(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    body = await _uploaded(client, resa, number, [("a.tab", CLEAN_TABLE), ("b.tab", CLEAN_TABLE + "9;9\n")])
    tid, files = body["id"], _names(body)
    assert len(incoming_files(gate.store)) == 2

    r = await client.delete(f"/v1/transfers/{tid}/files/{files['b.tab']['id']}", headers=resa)
    assert r.status_code == 204, r.text
    r = await client.get(f"/v1/transfers/{tid}", headers=resa)
    assert [f["name"] for f in r.json()["files"]] == ["a.tab"]
    assert r.json()["file_count"] == 1 and r.json()["total_bytes"] == len(CLEAN_TABLE)
    assert len(incoming_files(gate.store)) == 1  # its received copy is gone
    async with transaction(demo) as s:
        row = await s.scalar(select(AuditEntry).where(AuditEntry.action == "transfer.file.remove"))
        assert row.summary["name"] == "b.tab" and row.summary["project"] == number
        assert row.summary["sha256"] == hashlib.sha256((CLEAN_TABLE + "9;9\n").encode()).hexdigest()

    # Its name is free again: the corrected file goes in under the same name.
    r = await _add(client, resa, tid, [("b.tab", CLEAN_TABLE + "8;8\n")])
    assert r.status_code == 201 and sorted(_names(r.json())) == ["a.tab", "b.tab"]


async def test_bad_changes_to_a_transfer_change_nothing(client, as_user, demo, gate):
    number = await project_no(demo)
    resa, resb = await as_user("RESA"), await as_user("RESB")
    open_ = await _uploaded(client, resa, number, [("a.tab", CLEAN_TABLE), ("b.tab", CLEAN_TABLE + "9;9\n")])
    tid, fid = open_["id"], open_["files"][0]["id"]
    other = await _uploaded(client, resa, number, [("z.tab", CLEAN_TABLE)])
    before = await _snapshot(demo, tid)

    # Another member of the project: the transfer does not exist for them.
    assert (await client.delete(f"/v1/transfers/{tid}/files/{fid}", headers=resb)).status_code == 404
    assert (await _add(client, resb, tid, [("c.tab", CLEAN_TABLE)])).status_code == 404
    assert (await client.delete(f"/v1/transfers/{tid}", headers=resb)).status_code == 404
    # A transfer with something to transfer is not discarded.
    r = await client.delete(f"/v1/transfers/{tid}", headers=resa)
    assert r.status_code == 409 and r.json()["code"] == "transferable_files"
    assert {f["name"] for f in r.json()["files"]} == {"a.tab", "b.tab"}
    # A file of another transfer, and ids that are not ids.
    r = await client.delete(f"/v1/transfers/{tid}/files/{other['files'][0]['id']}", headers=resa)
    assert r.status_code == 404
    r = await client.delete(f"/v1/transfers/{tid}/files/x1", headers=resa)
    assert r.status_code in (404, 422) and "code" in r.json()
    assert await _snapshot(demo, tid) == before

    # Once submitted, nothing is added, removed or discarded.
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 200
    submitted = await _snapshot(demo, tid)
    r = await _add(client, resa, tid, [("c.tab", CLEAN_TABLE)])
    assert r.status_code == 409 and r.json()["code"] == "already_transferred"
    r = await client.delete(f"/v1/transfers/{tid}", headers=resa)
    assert r.status_code == 409 and r.json()["code"] == "already_transferred"
    assert await _snapshot(demo, tid) == submitted


async def test_an_all_rejected_transfer_is_discarded(client, as_user, demo, gate):
    number = await project_no(demo)
    resa, resb = await as_user("RESA"), await as_user("RESB")
    body = await _uploaded(client, resa, number, [("a.exe", b"MZ"), ("b.txt", b"")])
    tid = body["id"]
    assert {f["verdict"] for f in body["files"]} == {"rejected"}
    assert incoming_files(gate.store) == []
    assert (await client.delete(f"/v1/transfers/{tid}", headers=resb)).status_code == 404

    r = await client.delete(f"/v1/transfers/{tid}", headers=resa)
    assert r.status_code == 204, r.text
    assert (await client.get(f"/v1/transfers/{tid}", headers=resa)).status_code == 404
    assert (await client.delete(f"/v1/transfers/{tid}", headers=resa)).status_code == 404
    async with transaction(demo) as s:
        assert await s.get(Transfer, int(tid)) is None
        row = await s.scalar(select(AuditEntry).where(AuditEntry.action == "transfer.discard"))
        assert row.subject == f"transfer:{tid}" and row.summary["project"] == number
        assert {(f["name"], f["reason"]) for f in row.summary["files"]} == {
            ("a.exe", "file_type_not_allowed"), ("b.txt", "empty_file")}


async def test_removing_the_last_transferable_file_leaves_a_transfer_to_discard(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    body = await _uploaded(client, resa, number, [("a.tab", CLEAN_TABLE), ("b.exe", b"MZ")])
    tid, files = body["id"], _names(body)
    r = await client.delete(f"/v1/transfers/{tid}", headers=resa)
    assert r.status_code == 409 and r.json()["code"] == "transferable_files"
    assert (await client.delete(f"/v1/transfers/{tid}/files/{files['a.tab']['id']}", headers=resa)).status_code == 204
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "nothing_to_transfer"
    assert (await client.delete(f"/v1/transfers/{tid}", headers=resa)).status_code == 204
    assert incoming_files(gate.store) == []
