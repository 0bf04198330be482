"""Scanning off the request (issue 17 item 2): an upload is stored and answered at once, the files
``verifying``; the verdicts arrive from the budgeted scanner processes; submit waits for every
verdict; a file over its CPU-time or memory budget becomes ``unverifiable`` (a person reviews it)
without costing the server its memory or its other requests; a scan whose scanner died is taken
over by the worker's sweep."""

from __future__ import annotations

import asyncio
import resource
import time
from datetime import timedelta
from io import BytesIO

import openpyxl
from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.kernel.jobs import run_sweeps
from boa.transfers.models import Transfer, TransferFile
from tests.transfer_helpers import CLEAN_TABLE, CPR_TABLE, audit_actions, project_no, upload


async def _until_ready(client, headers, transfer_id: str, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = await client.get(f"/v1/transfers/{transfer_id}", headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["state"] != "verifying":
            return r.json()
        await asyncio.sleep(0.1)  # the scans run on this event loop's tasks and the scanner's threads
    raise AssertionError(f"transfer {transfer_id} still verifying after {seconds} s")


def _many_sheets(sheets: int, rows: int) -> bytes:
    """An ordinary-looking workbook that costs seconds of CPU to read."""
    book = openpyxl.Workbook(write_only=True)
    for s in range(sheets):
        sheet = book.create_sheet(f"Ark{s + 1}")
        sheet.append(["kommune", "antal"])
        for i in range(rows):
            sheet.append([f"k{i % 50}", 5 + i % 1000])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _big_mht(text_bytes: int) -> bytes:
    """An MHT page of one long table: the MHT reader holds the whole message, several times its
    size (OOXML parts are streamed and no longer do: a 25 MB docx part is read in bounded memory)."""
    row = "<tr><td>Region</td><td>1234</td></tr>\n"
    return ("MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<html><body><table>"
            + row * (text_bytes // len(row)) + "</table></body></html>\n").encode()


async def test_an_upload_answers_verifying_and_the_verdicts_arrive(client, as_user, demo, gate):
    gate(SCAN_WAIT_SECONDS=0)
    me = await as_user("RESA")
    r = await upload(client, me, await project_no(demo), [("udtraek.txt", CPR_TABLE), ("tabel.txt", CLEAN_TABLE)])
    assert r.status_code == 201, r.text
    answered = r.json()
    assert answered["state"] == "verifying"
    assert {f["verdict"] for f in answered["files"]} <= {"pending", "flagged", "clean"}

    early = await client.post(f"/v1/transfers/{answered['id']}/submit", headers=me, json={"approve": True})
    if early.status_code == 409:  # the usual case: the scans are still running
        assert early.json()["code"] in ("still_verifying", "note_required"), early.text

    done = await _until_ready(client, me, answered["id"])
    verdicts = {f["name"]: f for f in done["files"]}
    assert done["state"] == "ready"
    assert verdicts["udtraek.txt"]["verdict"] == "flagged"
    assert any(x["kind"] == "cpr_number" for x in verdicts["udtraek.txt"]["findings"])
    assert verdicts["tabel.txt"]["verdict"] == "clean"
    assert (await audit_actions(demo, f"transfer:{answered['id']}"))[:2] == ["transfer.upload", "transfer.scanned"]

    flagged = verdicts["udtraek.txt"]["id"]
    r = await client.put(f"/v1/transfers/{answered['id']}/files/{flagged}/note", headers=me,
                         json={"text": "Kontroludtræk; CPR-kolonnen fjernes."})
    assert r.status_code == 200, r.text
    r = await client.post(f"/v1/transfers/{answered['id']}/submit", headers=me, json={"approve": True})
    assert r.status_code == 200, r.text


async def test_small_files_come_back_with_their_verdicts(client, as_user, demo, gate):
    """Within BOA_SCAN_WAIT_SECONDS the upload answers with the verdicts, as before."""
    gate(SCAN_WAIT_SECONDS=30)
    me = await as_user("RESA")
    r = await upload(client, me, await project_no(demo), [("tabel.txt", CLEAN_TABLE)])
    assert r.status_code == 201 and r.json()["state"] == "ready", r.text
    assert r.json()["files"][0]["verdict"] == "clean"


async def test_a_file_over_its_cpu_budget_is_unverifiable_and_the_server_answers_meanwhile(client, as_user, demo,
                                                                                            gate):
    gate(SCAN_WAIT_SECONDS=0, SCAN_CPU_SECONDS=1)
    me = await as_user("RESA")
    workbook = _many_sheets(8, 30000)
    r = await upload(client, me, await project_no(demo), [("tabeller.xlsx", workbook), ("tabel.txt", CLEAN_TABLE)])
    assert r.status_code == 201, r.text
    someone_else = await as_user("RESB")  # logged in first: the login's Argon2 is not the measured wait
    started = time.monotonic()
    other = await client.get("/v1/me", headers=someone_else)
    assert other.status_code == 200
    assert time.monotonic() - started < 1.0, "another person's request waited for the scan"
    done = await _until_ready(client, me, r.json()["id"])
    verdicts = {f["name"]: f for f in done["files"]}
    assert verdicts["tabeller.xlsx"]["verdict"] == "unverifiable"
    assert verdicts["tabeller.xlsx"]["reason"] == "scan_budget"
    assert verdicts["tabel.txt"]["verdict"] == "clean"
    # An unverifiable file can be transferred and goes to a person's review.
    r = await client.post(f"/v1/transfers/{done['id']}/submit", headers=me, json={"approve": True})
    assert r.status_code == 200, r.text
    queue = await client.get("/v1/review/queue", headers=await as_user("SANC"))
    assert any(item["name"] == "tabeller.xlsx" for item in queue.json()["items"]), queue.text


async def test_a_file_over_its_memory_budget_costs_the_server_nothing(client, as_user, demo, gate):
    gate(SCAN_WAIT_SECONDS=0, SCAN_MEMORY_MB=160)
    me = await as_user("RESA")
    page = _big_mht(30_000_000)  # ~150 MB to read whole
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = await upload(client, me, await project_no(demo), [("rapport.mht", page)])
    assert r.status_code == 201, r.text
    done = await _until_ready(client, me, r.json()["id"])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert done["files"][0]["verdict"] == "unverifiable", done["files"][0]
    assert grown_mb < 60, f"the server's own memory grew by {grown_mb:.0f} MB"


async def test_a_scan_whose_scanner_died_is_taken_over_by_the_sweep(client, as_user, demo, gate):
    """The server was killed while it scanned: the file is still ``verifying`` with an old claim.
    The worker's sweep (every minute) scans it and the transfer becomes ready."""
    store = gate(SCAN_WAIT_SECONDS=30)
    me = await as_user("RESA")
    r = await upload(client, me, await project_no(demo), [("tabel.txt", CLEAN_TABLE)])
    transfer_id = int(r.json()["id"])
    incoming = store.receive("txt")
    incoming.write(CPR_TABLE.encode())
    incoming.finish()
    async with transaction(demo) as s:
        transfer = await s.get(Transfer, transfer_id)
        orphan = Transfer(project_id=transfer.project_id, project_number=transfer.project_number,
                          user_id=transfer.user_id, state="verifying", file_count=1, total_bytes=incoming.size)
        s.add(orphan)
        await s.flush()
        s.add(TransferFile(transfer_id=orphan.id, name="udtraek.txt", size=incoming.size, sha256=incoming.sha256,
                           verdict="pending", state="verifying", staged_key=incoming.key,
                           scan_started_at=clock.now() - timedelta(hours=1)))
        orphan_id = orphan.id
    assert (await run_sweeps(demo)) == {"rescan_stale": 1}
    async with transaction(demo) as s:
        f = await s.scalar(select(TransferFile).where(TransferFile.transfer_id == orphan_id))
        assert (f.state, f.verdict) == ("staged", "flagged")
        assert (await s.get(Transfer, orphan_id)).state == "ready"
    assert (await run_sweeps(demo)) == {"rescan_stale": 0}  # done once


async def test_a_transfer_left_verifying_after_its_last_verdict_is_finished_by_the_sweep(client, as_user, demo,
                                                                                         gate):
    """The scanner recorded the last verdict and died before it finished the transfer."""
    gate(SCAN_WAIT_SECONDS=30)
    me = await as_user("RESA")
    r = await upload(client, me, await project_no(demo), [("tabel.txt", CLEAN_TABLE)])
    transfer_id = int(r.json()["id"])
    async with transaction(demo) as s:
        transfer = await s.get(Transfer, transfer_id)
        transfer.state = "verifying"
        transfer.created_at = clock.now() - timedelta(hours=1)
    assert (await client.get(f"/v1/transfers/{transfer_id}", headers=me)).json()["state"] == "verifying"
    await run_sweeps(demo)
    assert (await client.get(f"/v1/transfers/{transfer_id}", headers=me)).json()["state"] == "ready"
