"""The transfer gate over HTTP: upload → verify → note → approve → transfer → portal → download →
review, the access decision at submit, delete, and who sees what."""

from __future__ import annotations

import hashlib
import stat
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, update

from boa.kernel import clock, extensions
from boa.kernel.db import transaction
from boa.people.models import User
from boa.transfers.models import Transfer, TransferFile
from schemes.projects.models import Project
from tests.transfer_helpers import (
    CLEAN_TABLE,
    CPR_TABLE,
    RAW_CPR,
    audit_actions,
    incoming_files,
    project_no,
    set_member_state,
    upload,
)


async def _uploaded(client, headers, number, files):
    r = await upload(client, headers, number, files)
    assert r.status_code == 201, r.text
    body = r.json()
    return body, {f["name"]: f for f in body["files"]}


async def test_the_whole_walk_from_upload_to_review(client, as_user, demo, gate):
    store = gate.store
    number = await project_no(demo)
    resa, resb = await as_user("RESA"), await as_user("RESB")

    # Upload: a table with a CPR number in a folder, and a clean count table.
    r = await upload(client, resa, number, [("resultater/tabel1.txt", CPR_TABLE), ("resultater/antal.tab", CLEAN_TABLE)])
    assert r.status_code == 201, r.text
    assert RAW_CPR not in r.text  # only masked values leave the scanner
    body = r.json()
    assert body["state"] == "ready" and body["project"] == number and body["owner"] == "RESA"
    files = {f["name"]: f for f in body["files"]}
    flagged, clean = files["resultater/tabel1.txt"], files["resultater/antal.tab"]
    assert flagged["verdict"] == "flagged" and flagged["reason"] == "possible_microdata"
    assert flagged["sha256"] == hashlib.sha256(CPR_TABLE.encode()).hexdigest()
    cpr = next(f for f in flagged["findings"] if f["kind"] == "cpr_number")
    assert cpr["masked_value"] == "070761-****" and cpr["confidence"] > 0.5
    assert cpr["location"] == {"file": "resultater/tabel1.txt", "line": 2, "row": 1, "column": 2, "column_name": "cpr"}
    assert flagged["note_required"] is True and clean["verdict"] == "clean" and clean["findings"] == []
    tid, fid = body["id"], flagged["id"]
    assert list(store.blobs()) == []  # nothing leaves before the submit

    # Submit needs approval and a note on the flagged file.
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": False})
    assert r.status_code == 422 and r.json()["code"] == "approval_required"
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "note_required"
    assert r.json()["files"] == [{"id": fid, "name": "resultater/tabel1.txt"}]

    # Only the owner writes notes: another member of the project gets 404.
    note = {"text": "Aggregated table; the cpr column is empty except for one test row we removed."}
    r = await client.put(f"/v1/transfers/{tid}/files/{fid}/note", headers=resb, json=note)
    assert r.status_code == 404
    r = await client.put(f"/v1/transfers/{tid}/files/{fid}/note", headers=resa, json={"text": "   "})
    assert r.status_code == 422 and r.json()["code"] == "note_empty"
    r = await client.put(f"/v1/transfers/{tid}/files/{fid}/note", headers=resa, json=note)
    assert r.status_code == 200 and r.json()["note"] == note["text"] and r.json()["note_required"] is False

    # Another member does not see the transfer before it is transferred.
    assert (await client.get(f"/v1/transfers/{tid}", headers=resb)).status_code == 404
    assert (await client.get(f"/v1/transfers/{tid}", headers=resa)).status_code == 200

    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "transferred" and done["approved"] is True and done["not_transferred"] == []
    assert {f["state"] for f in done["files"]} == {"transferred"}
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "already_transferred"
    r = await client.put(f"/v1/transfers/{tid}/files/{fid}/note", headers=resa, json=note)
    assert r.status_code == 409

    # Stored immutably under the SHA-256, read-only, nothing left in incoming/.
    sha = flagged["sha256"]
    blob = store.blob_path(sha)
    assert blob.read_bytes() == CPR_TABLE.encode() and stat.S_IMODE(blob.stat().st_mode) == 0o444
    assert sorted(store.blobs()) == sorted({sha, clean["sha256"]}) and incoming_files(store) == []

    # Portal: members and staff, grouped by date, with notes.
    for who in ("RESB", "STAF"):
        r = await client.get(f"/v1/transfers?project={number}", headers=await as_user(who))
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["project"] == number and page["next_cursor"] is None
        [day] = page["items"]
        assert day["date"] == clock.now().date().isoformat()
        [shown] = day["transfers"]
        assert shown["id"] == tid and shown["owner"] == "RESA"
        portal_files = {f["name"]: f for f in shown["files"]}
        assert portal_files["resultater/tabel1.txt"]["note"] == note["text"]
        assert "review" not in portal_files["resultater/tabel1.txt"]

    # Download streams the stored bytes.
    r = await client.get(f"/v1/transfers/{tid}/files/{fid}/content", headers=resb)
    assert r.status_code == 200 and r.content == CPR_TABLE.encode()
    assert r.headers["x-content-sha256"] == sha and 'filename="tabel1.txt"' in r.headers["content-disposition"]

    # Review: the flagged file is in the queue, the clean one is not (sample rate 0 in this test).
    sanc = await as_user("SANC")
    r = await client.get("/v1/review/queue", headers=sanc)
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item["id"] == fid and item["review"]["reason"] == "flagged" and item["review"]["state"] == "pending"
    assert item["owner"] == "RESA" and item["project"] == number and item["note"] == note["text"]
    assert (await client.get(item["content_url"], headers=sanc)).content == CPR_TABLE.encode()
    r = await client.post(f"/v1/review/files/{fid}", headers=sanc, json={"outcome": "ok", "comment": "Aggregated."})
    assert r.status_code == 200 and r.json()["review"]["state"] == "ok"
    r = await client.post(f"/v1/review/files/{fid}", headers=sanc, json={"outcome": "ok"})
    assert r.status_code == 409 and r.json()["code"] == "already_reviewed"
    assert (await client.get("/v1/review/queue", headers=sanc)).json()["items"] == []
    r = await client.get("/v1/review/queue?state=ok", headers=sanc)
    assert [i["id"] for i in r.json()["items"]] == [fid]

    actions = await audit_actions(demo, "transfer")
    for action in ("transfer.upload", "transfer.note", "transfer.file.store", "transfer.submit",
                   "transfer.file.download", "transfer.review"):
        assert action in actions, action


async def test_a_refused_user_is_stopped_at_submit_and_nothing_leaves(client, as_user, demo, gate):
    number = await project_no(demo)
    resa, resb = await as_user("RESA"), await as_user("RESB")
    body, _ = await _uploaded(client, resb, number, [("antal.tab", CLEAN_TABLE)])

    # RESB's membership ends between upload and submit: the transfer decision says not_member.
    await set_member_state(demo, number, "RESB", "ended")
    r = await client.post(f"/v1/transfers/{body['id']}/submit", headers=resb, json={"approve": True})
    assert r.status_code == 403, r.text
    problem = r.json()
    assert problem["code"] == "access_denied" and [x["code"] for x in problem["reasons"]] == ["not_member"]
    assert list(gate.store.blobs()) == []
    assert "access.denied.transfer" in await audit_actions(demo)  # the denial is kept
    async with transaction(demo) as s:
        assert (await s.get(Transfer, int(body["id"]))).state == "ready"

    # An expired certification (quarantine-like: the user is refused everywhere, the gate too).
    body, _ = await _uploaded(client, resa, number, [("antal.tab", CLEAN_TABLE)])
    async with transaction(demo) as s:
        await s.execute(update(User).where(User.ident == "RESA")
                        .values(certification_expires_at=clock.now() - timedelta(minutes=1)))
    r = await client.post(f"/v1/transfers/{body['id']}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    assert "certification_expired" in [x["code"] for x in r.json()["reasons"]]
    assert list(gate.store.blobs()) == []


async def test_a_quarantined_user_and_a_locked_project_are_refused_at_submit(client, as_user, demo, gate):
    number = await project_no(demo)
    resa, resb, sanc = await as_user("RESA"), await as_user("RESB"), await as_user("SANC")
    mine, _ = await _uploaded(client, resa, number, [("antal.tab", CLEAN_TABLE)])
    theirs, _ = await _uploaded(client, resb, number, [("antal.tab", CLEAN_TABLE)])

    # A breach case against RESB on this project: RESB is quarantined, the project is locked.
    r = await client.post("/v1/breaches", headers=sanc, json={
        "ident": "RESB", "project": number, "kind": "credential_sharing", "description": "Shared a login.",
        "occurred_at": (clock.now() - timedelta(hours=2)).isoformat()})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]

    r = await client.post(f"/v1/transfers/{theirs['id']}/submit", headers=resb, json={"approve": True})
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    assert {(x["scope"], x["case_id"]) for x in r.json()["reasons"]} == {("user", case_id)}

    # RESA still logs in, but the gate refuses the locked project, naming the lock and the case.
    r = await client.post(f"/v1/transfers/{mine['id']}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    [reason] = r.json()["reasons"]
    assert (reason["code"], reason["scope"], reason["case_id"]) == ("locked", "project", case_id)
    assert list(gate.store.blobs()) == []
    async with transaction(demo) as s:
        assert {(await s.get(Transfer, int(t["id"]))).state for t in (mine, theirs)} == {"ready"}


async def test_an_ended_project_refuses_the_transfer(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    body, _ = await _uploaded(client, resa, number, [("antal.tab", CLEAN_TABLE)])
    async with transaction(demo) as s:
        await s.execute(update(Project).where(Project.number == int(number))
                        .values(end_date=(clock.now() - timedelta(days=2)).date()))
    r = await client.post(f"/v1/transfers/{body['id']}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 403 and [x["code"] for x in r.json()["reasons"]] == ["project_expired"]


async def test_only_members_upload_and_staff_do_not_upload_on_behalf(client, as_user, demo, gate):
    number = await project_no(demo)
    files = [("antal.tab", CLEAN_TABLE)]
    r = await upload(client, await as_user("ADMN"), number, files)  # the institution's administrator
    assert r.status_code == 403 and [x["code"] for x in r.json()["reasons"]] == ["not_member"]
    r = await upload(client, await as_user("STAF"), number, files)
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    resa = await as_user("RESA")
    r = await upload(client, resa, await project_no(demo, "Health and income"), files)
    assert r.status_code == 403 and [x["code"] for x in r.json()["reasons"]] == ["project_not_approved"]
    assert (await upload(client, await as_user("LAWM"), number, files)).status_code == 404  # cannot see it
    assert (await upload(client, resa, "709998", files)).status_code == 404
    r = await upload(client, resa, "12345", files)
    assert r.status_code == 422 and r.json()["code"] == "malformed_project_number"
    assert incoming_files(gate.store) == []
    async with transaction(demo) as s:
        assert (await s.scalars(select(Transfer))).all() == []


async def test_portal_and_download_are_for_members_and_staff_only(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    body, files = await _uploaded(client, resa, number, [("a/antal.tab", CLEAN_TABLE)])
    fid = files["a/antal.tab"]["id"]
    assert (await client.post(f"/v1/transfers/{body['id']}/submit", headers=resa, json={"approve": True})).status_code == 200
    admn = await as_user("ADMN")
    for url in (f"/v1/transfers?project={number}", f"/v1/transfers/{body['id']}",
                f"/v1/transfers/{body['id']}/files/{fid}/content"):
        r = await client.get(url, headers=admn)
        assert r.status_code == 404 and r.json()["code"] == "not_found", url
    assert (await client.get("/v1/transfers?project=709998", headers=admn)).status_code == 404
    assert (await client.get("/v1/transfers", headers=resa)).status_code == 422
    for bad in ("x", "-1", "9" * 30):
        r = await client.get(f"/v1/transfers?project={number}&cursor={bad}", headers=resa)
        assert r.status_code == 422 and r.json()["code"] == "validation_failed"
    r = await client.get(f"/v1/review/queue?cursor={'9' * 30}", headers=await as_user("SANC"))
    assert r.status_code == 422
    assert (await client.get(f"/v1/transfers/{body['id']}/files/999999/content", headers=resa)).status_code == 404
    assert (await client.get(f"/v1/transfers/nonsense/files/{fid}/content", headers=resa)).status_code == 404
    assert (await client.delete(f"/v1/transfers/{body['id']}/files/{fid}", headers=admn)).status_code == 404

    # A second transfer; the portal pages newest first.
    second, _ = await _uploaded(client, resa, number, [("b.tab", CLEAN_TABLE + "104;55\n")])
    await client.post(f"/v1/transfers/{second['id']}/submit", headers=resa, json={"approve": True})
    r = await client.get(f"/v1/transfers?project={number}&limit=1", headers=resa)
    page = r.json()
    assert page["items"][0]["transfers"][0]["id"] == second["id"] and page["next_cursor"]
    r = await client.get(f"/v1/transfers?project={number}&limit=1&cursor={page['next_cursor']}", headers=resa)
    assert r.json()["items"][0]["transfers"][0]["id"] == body["id"] and r.json()["next_cursor"] is None


async def test_delete_removes_content_keeps_the_record_and_shares_blobs(client, as_user, demo, gate):
    store = gate.store
    number = await project_no(demo)
    resa, resb = await as_user("RESA"), await as_user("RESB")
    ids = []
    for who in (resa, resb):  # the same content transferred twice
        body, files = await _uploaded(client, who, number, [("antal.tab", CLEAN_TABLE)])
        assert (await client.post(f"/v1/transfers/{body['id']}/submit", headers=who, json={"approve": True})).status_code == 200
        ids.append((body["id"], files["antal.tab"]["id"]))
    sha = hashlib.sha256(CLEAN_TABLE.encode()).hexdigest()
    assert list(store.blobs()) == [sha]

    (t1, f1), (t2, f2) = ids
    r = await client.delete(f"/v1/transfers/{t1}/files/{f1}", headers=resb)  # a member of the project may delete
    assert r.status_code == 204
    assert store.has(sha)  # RESB's file still holds the blob
    r = await client.get(f"/v1/transfers/{t1}/files/{f1}/content", headers=resa)
    assert r.status_code == 410 and r.json()["code"] == "content_deleted"
    assert (await client.delete(f"/v1/transfers/{t1}/files/{f1}", headers=resa)).json()["code"] == "already_deleted"
    assert (await client.get(f"/v1/transfers/{t2}/files/{f2}/content", headers=resa)).content == CLEAN_TABLE.encode()

    assert (await client.delete(f"/v1/transfers/{t2}/files/{f2}", headers=resb)).status_code == 204
    assert not store.has(sha) and list(store.blobs()) == [] and not any(store.trash_dir.iterdir())

    r = await client.get(f"/v1/transfers?project={number}", headers=resa)
    shown = [f for day in r.json()["items"] for t in day["transfers"] for f in t["files"]]
    assert {f["state"] for f in shown} == {"deleted"} and all(f["deleted_at"] for f in shown)
    assert all(f["sha256"] == sha for f in shown)  # the record stays
    assert (await audit_actions(demo)).count("transfer.file.delete") == 2


async def test_a_file_awaiting_review_keeps_its_content_for_the_reviewer(client, as_user, demo, gate):
    store = gate(REVIEW_SAMPLE_RATE="1.0")  # every clean file is sampled
    number = await project_no(demo)
    resa, sanc = await as_user("RESA"), await as_user("SANC")
    body, files = await _uploaded(client, resa, number, [("antal.tab", CLEAN_TABLE)])
    fid = files["antal.tab"]["id"]
    await client.post(f"/v1/transfers/{body['id']}/submit", headers=resa, json={"approve": True})
    assert (await client.delete(f"/v1/transfers/{body['id']}/files/{fid}", headers=resa)).status_code == 204
    assert (await client.get(f"/v1/transfers/{body['id']}/files/{fid}/content", headers=resa)).status_code == 410
    [item] = (await client.get("/v1/review/queue", headers=sanc)).json()["items"]
    assert item["review"]["reason"] == "sample" and item["review"]["content_available"] is True
    r = await client.get(item["content_url"], headers=sanc)
    assert r.status_code == 200 and r.content == CLEAN_TABLE.encode()
    r = await client.post(f"/v1/review/files/{fid}", headers=sanc, json={"outcome": "ok"})
    assert r.status_code == 200 and r.json()["review"]["content_available"] is False
    assert list(store.blobs()) == []


async def test_a_suspected_breach_opens_a_case_through_the_hook(client, as_user, demo, gate, monkeypatch):
    gate(REVIEW_SAMPLE_RATE="1.0")
    number = await project_no(demo)
    resa, sanc = await as_user("RESA"), await as_user("SANC")
    body, files = await _uploaded(client, resa, number, [("a.tab", CLEAN_TABLE), ("b.tab", CLEAN_TABLE + "9;9\n")])
    await client.post(f"/v1/transfers/{body['id']}/submit", headers=resa, json={"approve": True})
    fa, fb = files["a.tab"]["id"], files["b.tab"]["id"]

    # The sanctions area's hook opens a breach case linked to the file and suspends the user.
    r = await client.post(f"/v1/review/files/{fa}", headers=sanc, json={"outcome": "suspected_breach"})
    assert r.status_code == 422 and r.json()["code"] == "comment_required"
    r = await client.post(f"/v1/review/files/{fa}", headers=sanc,
                          json={"outcome": "suspected_breach", "comment": "Row-level data."})
    assert r.status_code == 200 and r.json()["review"]["state"] == "suspected_breach"
    case_id = r.json()["review"]["breach_case_id"]
    case = (await client.get(f"/v1/breaches/{case_id}", headers=sanc)).json()
    assert (case["ident"], case["project"], case["kind"], case["transfer_file_id"]) == (
        "RESA", number, "microdata_transfer", fa)
    assert case["transfer_tool_used"] is True and "Row-level data." in case["description"]
    assert {lk["scope"] for lk in case["locks"]} == {"user", "project"}
    assert (await client.get("/v1/me", headers=resa)).status_code == 403
    r = await client.post(f"/v1/breaches/{case_id}/dismiss", headers=sanc, json={"comment": "Aggregates after all."})
    assert r.status_code == 200

    calls = []

    async def open_case(session, actor, file, comment):
        calls.append((actor.label, file.id, comment))
        return "case-42"

    async def no_case(session, actor, file, comment):
        return None

    monkeypatch.setattr(extensions, "_installed",
                        replace(extensions.current(), on_suspected_breach=(no_case, open_case)))
    r = await client.post(f"/v1/review/files/{fb}", headers=sanc,
                          json={"outcome": "suspected_breach", "comment": "Counts below 3."})
    assert r.status_code == 200 and r.json()["review"]["breach_case_id"] == "case-42"
    assert calls == [("user:SANC", int(fb), "Counts below 3.")]
    # The content of a suspected breach stays, even when the user deletes the file.
    assert (await client.delete(f"/v1/transfers/{body['id']}/files/{fb}", headers=resa)).status_code == 204
    async with transaction(demo) as s:
        kept = await s.get(TransferFile, int(fb))
        assert kept.content_key == kept.sha256 and kept.breach_case_id == "case-42"
    assert gate.store.has(kept.sha256)
    assert (await client.get(f"/v1/transfers/{body['id']}/files/{fb}/content", headers=sanc)).status_code == 200


async def test_review_needs_review_rights_and_pages(client, as_user, demo, gate):
    gate(REVIEW_SAMPLE_RATE="1.0")
    number = await project_no(demo)
    resa = await as_user("RESA")
    body, files = await _uploaded(client, resa, number, [("a.tab", CLEAN_TABLE), ("b.tab", CLEAN_TABLE + "9;9\n")])
    staged_id = files["a.tab"]["id"]
    sanc = await as_user("SANC")
    r = await client.post(f"/v1/review/files/{staged_id}", headers=sanc, json={"outcome": "ok"})
    assert r.status_code == 409 and r.json()["code"] == "not_transferred"
    await client.post(f"/v1/transfers/{body['id']}/submit", headers=resa, json={"approve": True})
    for who in ("STAF", "RESA"):
        headers = await as_user(who)
        assert (await client.get("/v1/review/queue", headers=headers)).status_code == 403
        r = await client.post(f"/v1/review/files/{staged_id}", headers=headers, json={"outcome": "ok"})
        assert r.status_code == 403
    r = await client.get("/v1/review/queue?limit=1", headers=sanc)
    first = r.json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    r = await client.get(f"/v1/review/queue?limit=1&cursor={first['next_cursor']}", headers=sanc)
    assert len(r.json()["items"]) == 1 and r.json()["next_cursor"] is None
    assert (await client.get("/v1/review/queue?state=bogus", headers=sanc)).status_code == 422
    r = await client.post(f"/v1/review/files/{staged_id}", headers=sanc, json={"outcome": "maybe"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_outcome"
    assert (await client.post("/v1/review/files/99999999999999999999", headers=sanc,
                              json={"outcome": "ok"})).status_code == 404
    r = await client.post(f"/v1/review/files/{staged_id}", headers=sanc, json={"outcome": "ok", "extra": 1})
    assert r.status_code == 400


async def test_a_reviewer_reads_one_transferred_file(client, as_user, demo, gate):
    number = await project_no(demo)
    resa = await as_user("RESA")
    body, files = await _uploaded(client, resa, number, [("cpr.txt", CPR_TABLE)])
    fid = files["cpr.txt"]["id"]
    sanc = await as_user("SANC")
    assert (await client.get(f"/v1/review/files/{fid}", headers=sanc)).status_code == 404  # not transferred yet
    await client.put(f"/v1/transfers/{body['id']}/files/{fid}/note", headers=resa, json={"text": "Aggregated."})
    await client.post(f"/v1/transfers/{body['id']}/submit", headers=resa, json={"approve": True})
    r = await client.get(f"/v1/review/files/{fid}", headers=sanc)
    assert r.status_code == 200
    item = r.json()
    assert item["note"] == "Aggregated." and item["owner"] == "RESA" and item["review"]["state"] == "pending"
    assert "cpr_number" in {f["kind"] for f in item["findings"]} and RAW_CPR not in r.text
    assert (await client.get(f"/v1/review/files/{fid}", headers=resa)).status_code == 403
    assert (await client.get("/v1/review/files/nope", headers=sanc)).status_code == 404
