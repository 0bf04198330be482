"""Crash safety (issue 8 item 4) and the "breach counted once" races (item 3).

The crash tests run ``boa serve`` as a subprocess on its own var directory and SIGKILL its
process group in the middle of an upload, of a submit and of a sanction decision, restart it on the
same var directory and database, and check what the restarted server and the database show:

* a killed upload leaves no transfer, no file and no blob; a leftover under ``incoming/`` is
  listed nowhere (no ``staged_key`` names it), and a new upload and submit work;
* a killed submit leaves the transfer either transferred with every blob present and matching
  its SHA-256, or not transferred at all (and then it can be submitted again) -- never a
  transferred record without its blob; in the end every blob is referenced;
* a killed decision leaves the case either prepared with its suspension locks active and no decision
  locks, or decided with exactly the decision locks and the suspension lifted;
* the audit chain verifies after every restart (``boa audit verify``).

The subprocess uses a SQLite file in its var directory, or, when ``BOA_TEST_DATABASE_URL`` points
at PostgreSQL, a fresh PostgreSQL database of its own (``<test database>_srv``), so the CI run on
PostgreSQL checks that PostgreSQL's commit is atomic too.

The window between the blob's rename into the store and the commit of the submit is a few
microseconds wide, too narrow to hit with a kill; the in-process test
``test_a_submit_rolled_back_after_the_blob_moved_can_be_submitted_again`` puts the store in exactly
that state (rename done, transaction rolled back).

The races (50 concurrent decisions of one case, 50 concurrent suspected-breach reviews of one
file) run in-process on PostgreSQL only: SQLite serialises every writer."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from boa.kernel.db import transaction
from boa.sanctions.models import BreachCase, Lock
from boa.transfers.models import TransferFile
from tests.integration.test_scheme_concurrency import postgres_only
from tests.sanction_helpers import adequate, breach, labour, prepare, register, report, template
from tests.server import Server, login_over_http
from tests.transfer_helpers import CLEAN_TABLE, project_no, upload

ROOT = Path(__file__).resolve().parents[2]
RACE = 50
BOUNDARY = "crash-boundary-7391"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("boa-crash"))
    srv.start()
    srv.headers = {ident: login_over_http(srv.base, ident) for ident in ("RESA", "RESP", "SANC", "DIRG")}  # type: ignore[attr-defined]
    srv.project = _project_number(srv)  # type: ignore[attr-defined]
    try:
        yield srv
    finally:
        srv.stop()


def _project_number(srv: Server) -> str:
    rows = srv.rows("SELECT number FROM projects WHERE title LIKE :t AND state = 'approved'", t="Labour market%")
    assert rows, "the demo's approved project is missing"
    return str(rows[0][0])


# -- the transfer gate ---------------------------------------------------------------------------

def _multipart_head(project: str, name: str) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"project\"\r\n\r\n{project}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()


def _upload(srv: Server, files: list[tuple[str, bytes]]) -> dict:
    r = httpx.post(srv.base + "/v1/transfers", headers=srv.headers["RESA"],  # type: ignore[attr-defined]
                   data={"project": srv.project}, timeout=30,  # type: ignore[attr-defined]
                   files=[("files", (n, d, "application/octet-stream")) for n, d in files])
    assert r.status_code == 201, r.text
    return r.json()


def _submit(srv: Server, transfer_id: str) -> httpx.Response:
    return httpx.post(f"{srv.base}/v1/transfers/{transfer_id}/submit", headers=srv.headers["RESA"],  # type: ignore[attr-defined]
                      json={"approve": True}, timeout=30)


def _check_store(srv: Server) -> None:
    """Every transferred file holds a blob that is there and has its SHA-256; every blob is held
    by a file and has its ``transfer_blobs`` row; no staged key names a missing file unless its blob
    is already in place (a submit that moved it and then died)."""
    rows = srv.rows("SELECT id, state, sha256, content_key, staged_key FROM transfer_files")
    blobs = set(srv.store.blobs())
    held = {content for _, state, sha, content, _ in rows if content}
    for fid, state, sha, content, staged in rows:
        if state == "transferred":
            assert content == sha, f"file {fid} is transferred without holding its blob"
            assert srv.store.verify(sha), f"file {fid} is transferred but its blob is missing or damaged"
        if state == "staged":
            assert content is None
            assert (srv.store.incoming_path(staged).is_file() or sha in blobs), f"file {fid} lost its content"
    staged_shas = {sha for _, state, sha, _, _ in rows if state == "staged"}
    assert blobs - held <= staged_shas, f"blobs held by nobody: {blobs - held - staged_shas}"
    assert held <= blobs
    assert {r[0] for r in srv.rows("SELECT sha256 FROM transfer_blobs")} == held


def _check_incoming(srv: Server) -> None:
    """A key a file record names is under incoming/, unless that staged file's blob is already in
    place (a submit moved it and was killed before its commit: it can be submitted again); a
    leftover under incoming/ is listed nowhere: no file record names it."""
    rows = srv.rows("SELECT staged_key, state, sha256 FROM transfer_files WHERE staged_key IS NOT NULL")
    named = {key for key, _, _ in rows}
    leftovers = {p.name for p in srv.store.incoming_dir.iterdir()}
    blobs = set(srv.store.blobs())
    for key, state, sha in rows:
        assert key in leftovers or (state == "staged" and sha in blobs), f"{key} names no received file"
    for name in leftovers - named:
        assert srv.rows("SELECT count(*) FROM transfer_files WHERE staged_key = :k", k=name) == [(0,)]


def _check_audit(srv: Server) -> None:
    """The chain verifies (GET /v1/audit/verify as staff; the CLI is run once, at the end)."""
    r = httpx.get(srv.base + "/v1/audit/verify", headers=srv.headers["SANC"], timeout=30)  # type: ignore[attr-defined]
    assert r.status_code == 200 and r.json()["ok"] is True, r.text


def test_a_killed_upload_counts_nothing_and_the_gate_works_after_restart(server):
    before = server.rows("SELECT count(*) FROM transfers")[0][0]
    size = 8 << 20  # announced; only part of it is sent before the kill
    head = _multipart_head(server.project, "big.tab")
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    sock = server.connect()
    request = ["POST /v1/transfers HTTP/1.1", f"Host: 127.0.0.1:{server.port}",
               f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
               f"Content-Length: {len(head) + size + len(tail)}",
               f"Authorization: {server.headers['RESA']['Authorization']}"]
    sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode() + head)
    row = b"kommune;antal\n" + b"101;12\n" * 9000  # ~63 KB of a valid table
    sent = 0
    deadline = time.monotonic() + 20
    receiving: list[Path] = []
    while sent < 3 << 20 or not receiving:  # a few MB, slowly, until the server has written some of it
        sock.sendall(row)
        sent += len(row)
        time.sleep(0.002)
        receiving = [p for p in server.store.incoming_dir.iterdir() if p.stat().st_size > 0]
        assert time.monotonic() < deadline, "the server never started writing the upload"
    server.kill()  # mid-upload
    sock.close()
    server.start()

    assert server.rows("SELECT count(*) FROM transfers")[0][0] == before
    assert server.rows("SELECT count(*) FROM transfer_files WHERE name = 'big.tab'") == [(0,)]
    _check_incoming(server)
    _check_store(server)
    r = httpx.get(f"{server.base}/v1/transfers?project={server.project}", headers=server.headers["RESA"])
    assert r.status_code == 200 and "big.tab" not in r.text

    # The gate works: a new upload and its submit.
    body = _upload(server, [("after-crash.tab", CLEAN_TABLE.encode())])
    r = _submit(server, body["id"])
    assert r.status_code == 200 and r.json()["state"] == "transferred", r.text
    sha = hashlib.sha256(CLEAN_TABLE.encode()).hexdigest()
    assert server.store.verify(sha)
    _check_incoming(server)
    _check_store(server)
    _check_audit(server)


@pytest.mark.parametrize("delay", [0.0, 0.05])
def test_a_killed_submit_is_all_or_nothing(server, delay):
    content = f"kommune;antal\n101;{int(delay * 1000) + 13}\n".encode() + b"102;40\n" * 2000
    body = _upload(server, [(f"submit-{delay}.tab", content), (f"second-{delay}.tab", content + b"103;37\n")])
    tid = body["id"]
    payload = json.dumps({"approve": True}).encode()
    sock = server.send_raw("POST", f"/v1/transfers/{tid}/submit",
                           {"Content-Type": "application/json", **server.headers["RESA"]}, payload)
    time.sleep(delay)
    server.kill()
    sock.close()
    server.start()

    state = server.rows("SELECT state FROM transfers WHERE id = :i", i=int(tid))[0][0]
    files = server.rows("SELECT state, sha256, content_key FROM transfer_files WHERE transfer_id = :i", i=int(tid))
    print(f"submit killed after {delay} s: the transfer is {state}")
    if state == "transferred":
        assert {f[0] for f in files} == {"transferred"}
        assert all(f[2] == f[1] and server.store.verify(f[1]) for f in files)
    else:
        assert state == "ready" and {f[0] for f in files} == {"staged"} and all(f[2] is None for f in files)
    _check_store(server)
    _check_incoming(server)
    _check_audit(server)
    if state != "transferred":  # not transferred at all: the owner submits again, and it works
        r = _submit(server, tid)
        assert r.status_code == 200 and r.json()["state"] == "transferred", r.text
    for f in server.rows("SELECT sha256 FROM transfer_files WHERE transfer_id = :i", i=int(tid)):
        assert server.store.verify(f[0])
        r = httpx.get(f"{server.base}/v1/transfers/{tid}", headers=server.headers["RESA"])
        assert r.status_code == 200
    blobs, held = set(server.store.blobs()), {r[0] for r in server.rows(
        "SELECT content_key FROM transfer_files WHERE content_key IS NOT NULL")}
    assert blobs == held


# -- a sanction decision -------------------------------------------------------------------------

def _case_state(srv: Server, case_id: int) -> tuple[str, list[tuple[str, bool]]]:
    state = srv.rows("SELECT state FROM breach_cases WHERE id = :i", i=case_id)[0][0]
    locks = [(source, lifted is not None) for source, lifted in srv.rows(
        "SELECT source, lifted_at FROM locks WHERE case_id = :i ORDER BY id", i=case_id)]
    return state, locks


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.05])
def test_a_killed_decision_is_all_or_nothing(server, delay):
    sanc, resp, dirg = server.headers["SANC"], server.headers["RESP"], server.headers["DIRG"]
    r = httpx.post(server.base + "/v1/breaches", headers=sanc, json=breach("RESB", server.project))
    assert r.status_code == 201, r.text
    case_id = int(r.json()["id"])
    suspension = [lk for lk in _case_state(server, case_id)[1]]
    assert suspension and all(source == "suspension" and not lifted for source, lifted in suspension)
    for url, headers, body in (
            (f"/v1/breaches/{case_id}/report", resp, template()),
            (f"/v1/breaches/{case_id}/report-assessment", sanc, {"adequate": True}),
            (f"/v1/breaches/{case_id}/preparation", sanc, {"severity": "minor", "conscious": False,
                                                          "self_detected": False, "note": "Prepared."})):
        r = httpx.post(server.base + url, headers=headers, json=body)
        assert r.status_code == 200, r.text
    preview = httpx.get(f"{server.base}/v1/breaches/{case_id}/sanction-preview?severity=minor", headers=sanc)
    assert preview.status_code == 200, preview.text
    planned = len(preview.json()["locks"])
    payload = json.dumps({"severity": "minor", "comment": "Decided."}).encode()
    sock = server.send_raw("POST", f"/v1/breaches/{case_id}/decision",
                           {"Content-Type": "application/json", **dirg}, payload)
    time.sleep(delay)
    server.kill()
    sock.close()
    server.start()

    state, locks = _case_state(server, case_id)
    print(f"decision killed after {delay} s: the case is {state}")
    suspension = [lifted for source, lifted in locks if source == "suspension"]
    decision = [lifted for source, lifted in locks if source == "decision"]
    if state == "prepared":
        assert suspension and not any(suspension) and decision == [], locks
        decided = server.rows("SELECT decided_at, severity FROM breach_cases WHERE id = :i", i=case_id)[0]
        assert decided == (None, None)
    else:
        assert state == "decided", state
        assert suspension and all(suspension) and len(decision) == planned, locks
        assert server.rows("SELECT severity FROM breach_cases WHERE id = :i", i=case_id)[0][0] == "minor"
    _check_audit(server)
    if state == "prepared":  # the decision can still be made, once
        r = httpx.post(f"{server.base}/v1/breaches/{case_id}/decision", headers=dirg,
                       json={"severity": "minor", "comment": "Decided after the restart."})
        assert r.status_code == 200, r.text
        state, locks = _case_state(server, case_id)
        assert state == "decided" and len([s for s, _ in locks if s == "decision"]) == planned


def test_the_audit_chain_verifies_with_the_cli_after_all_the_kills(server):
    server.stop()  # the CLI reads the database the killed servers wrote
    result = server.audit_verify()
    assert result["ok"] is True and result["checked"] > 0, result


# -- the window between the blob's rename and the commit -----------------------------------------

async def test_a_submit_rolled_back_after_the_blob_moved_can_be_submitted_again(client, as_user, demo, gate,
                                                                                monkeypatch):
    """A crash (here: a failure) after the received file was renamed into the store but before the
    commit leaves the blob in place and the file still staged: the next submit must transfer it,
    not fail because the received file is no longer under incoming/."""
    from boa.kernel import audit

    store = gate.store
    number, resa = await project_no(demo), await as_user("RESA")
    r = await upload(client, resa, number, [("window.tab", CLEAN_TABLE)])
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    real = audit.record

    async def crash_at_the_commit(session, **kw):  # type: ignore[no-untyped-def]
        if kw.get("action") == "transfer.submit":
            raise RuntimeError("simulated crash before the commit")
        return await real(session, **kw)

    monkeypatch.setattr(audit, "record", crash_at_the_commit)
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 500  # the transaction was rolled back
    monkeypatch.setattr(audit, "record", real)
    sha = hashlib.sha256(CLEAN_TABLE.encode()).hexdigest()
    assert store.has(sha) and list(store.incoming_dir.iterdir()) == []  # moved, not committed
    async with transaction(demo) as s:
        f = await s.scalar(select(TransferFile).where(TransferFile.transfer_id == int(tid)))
        assert (f.state, f.content_key) == ("staged", None)

    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 200 and r.json()["state"] == "transferred", r.text
    assert store.verify(sha)
    async with transaction(demo) as s:
        f = await s.scalar(select(TransferFile).where(TransferFile.transfer_id == int(tid)))
        assert (f.state, f.content_key, f.staged_key) == ("transferred", sha, None)


# -- races on PostgreSQL: a breach counted once ----------------------------------------------------

@postgres_only
async def test_fifty_concurrent_decisions_decide_once(client, as_user, demo):
    sanc, resp, dirg = await as_user("SANC"), await as_user("RESP"), await as_user("DIRG")
    case = await register(client, sanc, breach("RESB", await labour(client, sanc)))
    await report(client, resp, case["id"])
    await adequate(client, sanc, case["id"])
    await prepare(client, sanc, case["id"], "minor")
    answers = await asyncio.gather(*(
        client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg,
                    json={"severity": "minor", "comment": f"Decision {i}."}) for i in range(RACE)))
    codes = Counter(r.status_code for r in answers)
    assert codes == {200: 1, 409: RACE - 1}, codes
    winner = next(r.json() for r in answers if r.status_code == 200)
    async with transaction(demo) as s:
        locks = list(await s.scalars(select(Lock).where(Lock.case_id == int(case["id"]))))
        decided = [lk for lk in locks if lk.source == "decision"]
        assert len(decided) == len(winner["locks"]) and {str(lk.id) for lk in decided} == {
            lk["id"] for lk in winner["locks"]}
        assert all(lk.lifted_at is not None for lk in locks if lk.source == "suspension")
        decided_rows = await s.scalar(select(func.count()).select_from(text("audit_entries")).where(
            text("action = 'breach.decided'")))
        assert decided_rows == 1


@postgres_only
async def test_fifty_concurrent_suspected_breach_reviews_open_one_case(client, as_user, demo, gate):
    number, resa, sanc = await project_no(demo), await as_user("RESA"), await as_user("SANC")
    r = await upload(client, resa, number, [("row-level.tab", CLEAN_TABLE)])
    tid, fid = r.json()["id"], r.json()["files"][0]["id"]
    assert (await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})).status_code == 200
    answers = await asyncio.gather(*(
        client.post(f"/v1/review/files/{fid}", headers=sanc,
                    json={"outcome": "suspected_breach", "comment": f"Row-level data ({i})."}) for i in range(RACE)))
    codes = Counter(r.status_code for r in answers)
    assert codes == {200: 1, 409: RACE - 1}, codes
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"already_reviewed"}
    async with transaction(demo) as s:
        cases = list(await s.scalars(select(BreachCase).where(BreachCase.transfer_file_id == int(fid))))
        assert len(cases) == 1
        f = await s.get(TransferFile, int(fid))
        assert f.breach_case_id == str(cases[0].id)
        # One suspension, not fifty: the user's and the project's locks of this one case only.
        sources = list(await s.scalars(select(Lock.source).join(BreachCase, BreachCase.id == Lock.case_id)))
        assert sources and set(sources) == {"suspension"} and len(sources) == len(set(
            await s.scalars(select(Lock.scope).where(Lock.case_id == cases[0].id))))
