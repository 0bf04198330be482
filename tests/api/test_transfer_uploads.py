"""Bad input at the transfer gate: wrong and renamed files, damaged containers, odd encodings,
path tricks in folder names, malformed multipart bodies and the size limits while streaming.
Every answer is a verdict on the file or a problem+json with a stable code, never a 500."""

from __future__ import annotations

import codecs

import pytest
from sqlalchemy import select

from boa.kernel.db import transaction
from boa.scanner.filetypes import SAS7BDAT_MAGIC
from boa.transfers.models import Transfer
from tests.transfer_helpers import (
    CLEAN_TABLE,
    CPR_TABLE,
    incoming_files,
    multipart,
    post_raw,
    project_no,
    upload,
)
from tests.unit.scanner_files import (
    PNG_1PX,
    make_dataset,
    make_docx,
    make_xlsx,
    make_zip_bomb_xlsx,
    pdf_bytes,
)

LATIN1 = "navn;fødselsdato;cpr\nSøren Ærø;1961;070761-4285\n"


async def _no_transfers(engine) -> bool:
    async with transaction(engine) as s:
        return (await s.scalars(select(Transfer))).all() == []


def _files(tmp_path) -> list[tuple[str, bytes]]:
    good_xlsx = make_xlsx(tmp_path / "t.xlsx", {"Ark1": [["kommune", "cpr"], [101, "070761-4285"]]}).read_bytes()
    return [
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("tabel.csv", CLEAN_TABLE.encode()),
        ("x.csv.txt", CPR_TABLE.encode()),
        ("figur.txt", PNG_1PX),
        ("rapport.xlsx", pdf_bytes([["Hello"]])),
        ("tom.txt", b""),
        ("bomb.xlsx", make_zip_bomb_xlsx(tmp_path / "bomb.xlsx").read_bytes()),
        ("broken.xlsx", good_xlsx[: len(good_xlsx) // 2]),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage"),
        ("broken.sas7bdat", SAS7BDAT_MAGIC + b"\x00" * 2000),
        ("latin1.txt", LATIN1.encode("latin-1")),
        ("utf16.txt", codecs.BOM_UTF16_LE + LATIN1.encode("utf-16-le")),
        ("long.log", ("x" * 1_500_000 + " cpr 070761-4285 " + "y" * 1_500_000).encode()),
        ("figur.png", PNG_1PX),
        ("tabel.xlsx", good_xlsx),
        ("notat.docx", make_docx(tmp_path / "n.docx", ["Results are aggregated."]).read_bytes()),
        ("rapport.pdf", pdf_bytes([["Table 1: mean income by region"]])),
        ("data.dta", make_dataset(tmp_path / "d.dta", {"pnr": [1, 2, 3], "income": [10, 20, 30]}).read_bytes()),
    ]


EXPECTED = {  # name: (verdict, reason)
    "program.exe": ("rejected", "file_type_not_allowed"),
    "tabel.csv": ("rejected", "file_type_not_allowed"),
    "x.csv.txt": ("flagged", "possible_microdata"),
    "figur.txt": ("rejected", "content_mismatch"),
    "rapport.xlsx": ("rejected", "content_mismatch"),
    "tom.txt": ("rejected", "empty_file"),
    "bomb.xlsx": ("rejected", "archive_too_large"),
    "broken.xlsx": ("rejected", "corrupt_file"),
    "broken.pdf": ("rejected", "corrupt_file"),
    "broken.sas7bdat": ("rejected", "corrupt_file"),
    "latin1.txt": ("flagged", "possible_microdata"),
    "utf16.txt": ("flagged", "possible_microdata"),
    "long.log": ("flagged", "possible_microdata"),
    "figur.png": ("unverifiable", "not_scannable"),
    "tabel.xlsx": ("flagged", "possible_microdata"),
    "notat.docx": ("clean", None),
    "rapport.pdf": ("clean", None),
    "data.dta": ("flagged", "possible_microdata"),
}


async def test_every_kind_of_file_gets_its_verdict_and_only_acceptable_files_leave(client, as_user, demo, gate,
                                                                                    tmp_path):
    number = await project_no(demo)
    resa = await as_user("RESA")
    r = await upload(client, resa, number, _files(tmp_path))
    assert r.status_code == 201, r.text
    body = r.json()
    files = {f["name"]: f for f in body["files"]}
    assert {name: (f["verdict"], f.get("reason")) for name, f in files.items()} == EXPECTED
    assert files["program.exe"]["message"] == "File type not allowed"
    assert all(f["state"] == "rejected" for f in files.values() if f["verdict"] == "rejected")
    cpr = [f for f in files["latin1.txt"]["findings"] if f["kind"] == "cpr_number"]
    assert cpr and cpr[0]["masked_value"] == "070761-****"
    assert any(f["kind"] == "cpr_number" for f in files["utf16.txt"]["findings"])
    assert any(f["location"].get("sheet") == "Ark1" for f in files["tabel.xlsx"]["findings"])
    # rejected files are not kept anywhere; the others wait in incoming/ for the submit
    acceptable = [f for f in files.values() if f["verdict"] != "rejected"]
    assert len(incoming_files(gate.store)) == len(acceptable)

    tid = body["id"]
    for f in acceptable:
        if f["note_required"]:
            r = await client.put(f"/v1/transfers/{tid}/files/{f['id']}/note", headers=resa, json={"text": "Explained."})
            assert r.status_code == 200
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 200, r.text
    done = r.json()
    assert sorted(x["name"] for x in done["not_transferred"]) == sorted(
        n for n, (verdict, _) in EXPECTED.items() if verdict == "rejected")
    states = {f["name"]: f["state"] for f in done["files"]}
    assert {n for n, s in states.items() if s == "transferred"} == {f["name"] for f in acceptable}
    assert sorted(gate.store.blobs()) == sorted({f["sha256"] for f in acceptable})
    assert incoming_files(gate.store) == []


async def test_a_transfer_of_only_rejected_files_cannot_be_submitted(client, as_user, demo, gate):
    resa = await as_user("RESA")
    r = await upload(client, resa, await project_no(demo), [("a.exe", b"MZ"), ("b.txt", b"")])
    assert r.status_code == 201 and {f["verdict"] for f in r.json()["files"]} == {"rejected"}
    r = await client.post(f"/v1/transfers/{r.json()['id']}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "nothing_to_transfer"


async def test_folder_names_are_kept_and_normalised(client, as_user, demo, gate):
    resa = await as_user("RESA")
    body, ctype = multipart([("project", None, (await project_no(demo)).encode()),
                             ("files", "2024/kvartal 1/tabel.txt", CLEAN_TABLE.encode()),
                             ("files", "./noter/./læs mig.txt", b"Tabellerne er aggregerede.\n")])
    r = await post_raw(client, resa, body, ctype)
    assert r.status_code == 201, r.text
    assert sorted(f["name"] for f in r.json()["files"]) == ["2024/kvartal 1/tabel.txt", "noter/læs mig.txt"]
    tid = r.json()["id"]
    note = next(f for f in r.json()["files"] if f["name"] == "noter/læs mig.txt")
    assert (await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})).status_code == 200
    r = await client.get(f"/v1/transfers/{tid}/files/{note['id']}/content", headers=resa)
    assert r.status_code == 200 and r.content == b"Tabellerne er aggregerede.\n"
    assert r.headers["content-disposition"] == "attachment; filename*=utf-8''l%C3%A6s%20mig.txt"


@pytest.mark.parametrize("name", [
    "../x.txt", "a/../../x.txt", "/etc/x.txt", "C:\\temp\\x.txt", "a\\..\\x.txt", "\\\\server\\share\\x.txt",
    "..\\x.txt", "a//x.txt", "", "..", ".../x.txt", "a/ /x.txt", "c:x.txt", "a/",
])
async def test_path_tricks_in_file_names_are_refused(client, as_user, demo, gate, name):
    resa = await as_user("RESA")
    body, ctype = multipart([("project", None, (await project_no(demo)).encode()),
                             ("files", "ok.txt", CLEAN_TABLE.encode()),
                             ("files", name, CLEAN_TABLE.encode())])
    r = await post_raw(client, resa, body, ctype)
    assert r.status_code == 422, (name, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "invalid_file_name"
    assert incoming_files(gate.store) == [] and await _no_transfers(demo)


async def test_path_traversal_through_an_ordinary_client(client, as_user, demo, gate):
    r = await upload(client, await as_user("RESA"), await project_no(demo), [("../../etc/passwd.txt", b"x")])
    assert r.status_code == 422 and r.json()["code"] == "invalid_file_name"


async def test_malformed_uploads_answer_with_stable_codes(client, as_user, demo, gate):
    resa = await as_user("RESA")
    number = (await project_no(demo)).encode()
    cases = [
        ([("files", "a.txt", b"x\n"), ("project", None, number)], "project_first"),
        ([("project", None, number)], "no_files"),
        ([("project", None, number), ("project", None, number), ("files", "a.txt", b"x\n")], "project_first"),
        ([("project", None, number), ("comment", None, b"hi"), ("files", "a.txt", b"x\n")], "unknown_field"),
        ([("project", None, number), ("file", "a.txt", b"x\n")], "unknown_field"),
        ([("project", None, number), ("files", "a.txt", b"x\n"), ("files", "A.TXT", b"y\n")], "duplicate_file_name"),
        ([("project", None, b"x" * 5000), ("files", "a.txt", b"x\n")], "field_too_large"),
        ([("project", None, b"\xff\xfe"), ("files", "a.txt", b"x\n")], "invalid_multipart"),
    ]
    for parts, code in cases:
        body, ctype = multipart(parts)
        r = await post_raw(client, resa, body, ctype)
        assert r.status_code == 422 and r.json()["code"] == code, (code, r.text)
    body, ctype = multipart([("project", None, number), ("files", "a.txt", b"x" * 1000)])
    r = await post_raw(client, resa, body[: len(body) - 40], ctype)  # cut off before the end
    assert r.status_code == 422 and r.json()["code"] == "invalid_multipart"
    r = await post_raw(client, resa, b"garbage", "multipart/form-data")  # no boundary
    assert r.status_code == 422 and r.json()["code"] == "invalid_multipart"
    r = await post_raw(client, resa, b"no multipart here", "multipart/form-data; boundary=zzz")
    assert r.status_code == 422 and r.json()["code"] == "invalid_multipart"
    r = await client.post("/v1/transfers", headers=resa, json={"project": number.decode()})
    assert r.status_code == 422 and r.json()["code"] == "multipart_required"
    assert incoming_files(gate.store) == [] and await _no_transfers(demo)


async def test_notes_on_someone_elses_transfer_are_not_found(client, as_user, demo, gate):
    resa = await as_user("RESA")
    r = await upload(client, resa, await project_no(demo), [("t.txt", CPR_TABLE)])
    tid, fid = r.json()["id"], r.json()["files"][0]["id"]
    other = await upload(client, await as_user("RESB"), await project_no(demo), [("u.txt", CPR_TABLE)])
    for headers, url in [(await as_user("RESB"), f"/v1/transfers/{tid}/files/{fid}/note"),
                         (await as_user("SANC"), f"/v1/transfers/{tid}/files/{fid}/note"),
                         (resa, f"/v1/transfers/{tid}/files/{other.json()['files'][0]['id']}/note"),
                         (resa, f"/v1/transfers/{other.json()['id']}/files/{fid}/note"),
                         (resa, "/v1/transfers/abc/files/1/note"),
                         (resa, f"/v1/transfers/{tid}/files/99999999999999999999999/note")]:
        r = await client.put(url, headers=headers, json={"text": "mine"})
        assert r.status_code == 404, url
    r = await client.put(f"/v1/transfers/{tid}/files/{fid}/note", headers=resa, json={"text": "x" * 4001})
    assert r.status_code == 422 and r.json()["code"] == "note_too_long"
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=await as_user("RESB"), json={"approve": True})
    assert r.status_code == 404


# -- size limits, enforced while the body streams in -----------------------------------------------

async def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(client, as_user, demo, gate):
    store = gate(TRANSFER_MAX_FILE_BYTES=4096, TRANSFER_MAX_BYTES=6144)
    resa, number = await as_user("RESA"), await project_no(demo)
    r = await upload(client, resa, number, [("ok.txt", "a;b\n" * 100), ("big.txt", "a;b\n" * 3000)])
    assert r.status_code == 413 and r.json()["code"] == "file_too_large" and r.json()["file"] == "big.txt"
    assert incoming_files(store) == [] and await _no_transfers(demo)
    r = await upload(client, resa, number, [("a.txt", "a;b\n" * 900), ("b.txt", "c;d\n" * 900)])
    assert r.status_code == 413 and r.json()["code"] == "transfer_too_large"
    assert incoming_files(store) == [] and await _no_transfers(demo)
    r = await upload(client, resa, number, [("a.txt", "a;b\n" * 900)])  # within both limits
    assert r.status_code == 201


async def test_the_limit_stops_reading_a_huge_upload(client, as_user, demo, gate):
    store = gate(TRANSFER_MAX_FILE_BYTES=64 * 1024, TRANSFER_MAX_BYTES=128 * 1024)
    resa, number = await as_user("RESA"), await project_no(demo)
    head, ctype = multipart([("project", None, number.encode())])
    head = head[: head.rfind(b"--gate-boundary-1234--")]
    head += b'--gate-boundary-1234\r\nContent-Disposition: form-data; name="files"; filename="huge.txt"\r\n\r\n'
    sent = []

    async def body():  # 1 GB announced by nothing but the stream itself (chunked, no Content-Length)
        yield head
        for _ in range(1024):
            sent.append(1)
            yield b"a;b\n" * (256 * 1024)

    r = await client.post("/v1/transfers", headers={**resa, "content-type": ctype}, content=body())
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"
    assert len(sent) <= 2  # refused after the first megabyte, not after a gigabyte
    assert incoming_files(store) == [] and await _no_transfers(demo)


async def test_an_announced_length_over_the_limit_is_refused_before_reading(client, as_user, demo, gate):
    gate(TRANSFER_MAX_FILE_BYTES=4096, TRANSFER_MAX_BYTES=4096, TRANSFER_MAX_FILES=1)
    body, ctype = multipart([("project", None, (await project_no(demo)).encode()), ("files", "a.txt", b"x" * 400_000)])
    r = await post_raw(client, await as_user("RESA"), body, ctype)
    assert r.status_code == 413 and r.json()["code"] == "transfer_too_large"


async def test_too_many_files(client, as_user, demo, gate):
    store = gate(TRANSFER_MAX_FILES=2)
    r = await upload(client, await as_user("RESA"), await project_no(demo),
                     [("a.txt", "1\n"), ("b.txt", "2\n"), ("c.txt", "3\n")])
    assert r.status_code == 413 and r.json()["code"] == "too_many_files"
    assert incoming_files(store) == []


async def test_no_transaction_is_held_while_a_file_streams_in(client, as_user, demo, gate):
    """On SQLite an open transaction holds the database's write lock: an upload that is slow to
    arrive must not stop everybody else's requests."""
    import asyncio

    resa, resb, number = await as_user("RESA"), await as_user("RESB"), await project_no(demo)
    head, ctype = multipart([("project", None, number.encode())])
    head = head[: head.rfind(b"--gate-boundary-1234--")]
    head += b'--gate-boundary-1234\r\nContent-Disposition: form-data; name="files"; filename="slow.tab"\r\n\r\n'
    waiting, release = asyncio.Event(), asyncio.Event()

    async def body():
        yield head
        yield CLEAN_TABLE.encode()
        waiting.set()
        await release.wait()
        yield b"104;55\r\n--gate-boundary-1234--\r\n"

    slow = asyncio.create_task(client.post("/v1/transfers", headers={**resa, "content-type": ctype}, content=body()))
    await asyncio.wait_for(waiting.wait(), 10)
    r = await asyncio.wait_for(upload(client, resb, number, [("quick.tab", CLEAN_TABLE)]), 10)
    assert r.status_code == 201
    release.set()
    r = await asyncio.wait_for(slow, 10)
    assert r.status_code == 201 and r.json()["files"][0]["verdict"] == "clean"


async def test_an_empty_file_input_is_skipped_but_an_unnamed_file_is_not(client, as_user, demo, gate):
    """A browser sends a part with an empty file name and no content for a file input left empty."""
    resa = await as_user("RESA")
    number = (await project_no(demo)).encode()
    body, ctype = multipart([("project", None, number), ("files", "", b""), ("files", "ok.txt", CLEAN_TABLE.encode()),
                             ("files", "", b"")])
    r = await post_raw(client, resa, body, ctype)
    assert r.status_code == 201, r.text
    assert [f["name"] for f in r.json()["files"]] == ["ok.txt"]
    body, ctype = multipart([("project", None, number), ("files", "", b"")])
    r = await post_raw(client, resa, body, ctype)
    assert r.status_code == 422 and r.json()["code"] == "no_files"
    body, ctype = multipart([("project", None, number), ("files", "", b"x")])
    r = await post_raw(client, resa, body, ctype)
    assert r.status_code == 422 and r.json()["code"] == "invalid_file_name"


async def test_the_api_accepts_no_csrf_field_before_the_project(client, as_user, demo, gate):
    body, ctype = multipart([("csrf_token", None, b"x"), ("project", None, (await project_no(demo)).encode()),
                             ("files", "ok.txt", CLEAN_TABLE.encode())])
    r = await post_raw(client, await as_user("RESA"), body, ctype)
    assert r.status_code == 422 and r.json()["code"] == "unknown_field"
