"""A researcher's transfer pages over HTTP: choose a project, upload files or a folder, see the
verdicts and findings, write the notes, approve, transfer; the portal, download, delete; the
refusals shown in the reader's language."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from boa.kernel.db import transaction
from boa.transfers.models import Transfer
from tests.transfer_helpers import CLEAN_TABLE, multipart, project_no, set_member_state

CPR_TEXT = "Udtræk til kontrol\ncpr 010190-1234 er med\n"
TRANSFER_URL = re.compile(r"^/me/transfers/(\d+)$")


def files(*items: tuple[str, str | bytes]) -> list:
    return [("files", (name, data.encode() if isinstance(data, str) else data, "application/octet-stream"))
            for name, data in items]


async def upload(person, number: str, items, *, csrf: str | None = None):
    """The upload form as a browser sends it: csrf_token, project, then the files."""
    token = person.csrf if csrf is None else csrf
    fields = ({"csrf_token": token} if token else {}) | {"project": number}
    return await person.http.post("/me/transfers", data=fields, files=items)


async def browser_upload(person, number: str, items: list[tuple[str, bytes]]):
    """As Chromium sends it, with a file part named "" for each file input left empty."""
    parts = [("csrf_token", None, person.csrf.encode()), ("project", None, number.encode())]
    body, ctype = multipart(parts + [("files", name, data) for name, data in items])
    return await person.http.post("/me/transfers", content=body, headers={"content-type": ctype})


async def uploaded(person, number: str, items) -> str:
    r = await upload(person, number, items)
    assert r.status_code == 303, r.text
    found = TRANSFER_URL.match(r.headers["location"])
    assert found, r.headers["location"]
    return found.group(1)


def file_id(page: str, name: str) -> str:
    return re.search(r'id="file-(\d+)">\s*<h3 class="file-name">' + re.escape(name) + "</h3>", page).group(1)


async def test_the_whole_walk_for_a_researcher(people, demo, gate):
    me = await people("RESA")
    home = await me.get("/")
    assert 'href="/me/transfers"' in home.text
    page = await me.get("/me/transfers")
    number = await project_no(demo)
    assert page.status_code == 200 and f'<option value="{number}"' in page.text
    assert "Projektet er ikke godkendt." in page.text  # the other project: no transfer, and why
    assert 'webkitdirectory' in page.text and 'enctype="multipart/form-data"' in page.text
    assert page.text.index('name="csrf_token"', page.text.index('action="/me/transfers"')) < page.text.index(
        'name="project"') < page.text.index('name="files"')

    tid = await uploaded(me, number, files(("cpr.txt", CPR_TEXT), ("tabel.tab", CLEAN_TABLE), ("x.exe", b"MZ")))
    page = await me.get(f"/me/transfers/{tid}")
    assert "Filer modtaget og kontrolleret: 3." in page.text
    assert "Markeret: mulige mikrodata" in page.text and "CPR-nummer" in page.text
    assert "010190-****" in page.text and "010190-1234" not in page.text
    assert "linje 2" in page.text and "85 %" in page.text
    assert "Ingen fund" in page.text and "Filtype ikke tilladt" in page.text
    assert "Godkend overførsel" in page.text and "fortrolighedspolitikken" in page.text
    cpr = file_id(page.text, "cpr.txt")

    # Not ticked: refused, and the note written with it is kept.
    r = await me.post(f"/me/transfers/{tid}/submit", {f"note-{cpr}": "Fiktivt nummer i en eksempeltekst."})
    assert r.status_code == 422 and "Sæt flueben ved 'Godkend overførsel'" in html.unescape(r.text)
    assert "Fiktivt nummer i en eksempeltekst." in (await me.get(f"/me/transfers/{tid}")).text

    r = await me.post(f"/me/transfers/{tid}/submit", {"approve": "yes"})
    assert r.status_code == 303 and r.headers["location"] == f"/projects/{number}/results"
    portal = await me.get(r.headers["location"])
    assert "Filer overført: 2. Afviste filer blev tilbage: 1." in portal.text
    assert "Fiktivt nummer i en eksempeltekst." in portal.text and "tabel.tab" in portal.text
    assert "x.exe" not in portal.text
    link = re.search(rf'href="(/transfers/{tid}/files/{cpr}/content)"', portal.text).group(1)
    content = await me.http.get(link)
    assert content.status_code == 200 and content.content == CPR_TEXT.encode()
    assert "attachment" in content.headers["content-disposition"]

    # A member of the project sees it too; someone who is not gets "not found".
    other = await people("RESB")
    assert "Fiktivt nummer i en eksempeltekst." in (await other.get(f"/projects/{number}/results")).text
    admin = await people("ADMN")
    assert (await admin.get(f"/projects/{number}/results")).status_code == 404
    assert (await admin.get(f"/me/transfers/{tid}")).status_code == 404

    # Delete with a confirmation: the content goes, the record stays.
    confirm = await me.get(f"/transfers/{tid}/files/{cpr}/delete")
    assert confirm.status_code == 200 and "Slet cpr.txt?" in confirm.text
    r = await me.post(f"/transfers/{tid}/files/{cpr}/delete")
    assert r.status_code == 303
    portal = await me.get(r.headers["location"])
    assert "cpr.txt er slettet; oplysningerne om den bevares." in portal.text and "Slettet" in portal.text
    assert (await me.http.get(link)).status_code == 410
    again = await me.post(f"/transfers/{tid}/files/{cpr}/delete")
    assert again.status_code == 409 and "Filen er allerede slettet." in again.text
    resubmit = await me.post(f"/me/transfers/{tid}/submit", {"approve": "yes"})
    assert resubmit.status_code == 409 and "Overførslen er allerede gennemført." in resubmit.text


async def test_a_flagged_file_needs_a_note_and_notes_can_be_saved_first(people, demo, gate):
    me = await people("RESA")
    await me.get("/me/transfers")
    tid = await uploaded(me, await project_no(demo), files(("cpr.txt", CPR_TEXT)))
    page = await me.get(f"/me/transfers/{tid}")
    cpr = file_id(page.text, "cpr.txt")
    r = await me.post(f"/me/transfers/{tid}/submit", {"approve": "yes"})
    assert r.status_code == 409
    assert "Alle markerede filer skal have en note" in r.text and "Denne fil skal have en note." in r.text
    assert "missing-note" in r.text
    r = await me.post(f"/me/transfers/{tid}/notes", {f"note-{cpr}": "Et fiktivt eksempel."})
    assert r.status_code == 303 and r.headers["location"] == f"/me/transfers/{tid}"
    page = await me.get(r.headers["location"])
    assert "Noterne er gemt." in page.text and "Et fiktivt eksempel." in page.text
    waiting = await me.get("/me/transfers")
    assert f'href="/me/transfers/{tid}"' in waiting.text  # still waiting for approval
    long = await me.post(f"/me/transfers/{tid}/notes", {f"note-{cpr}": "x" * 3000})
    assert long.status_code == 303  # a note may be longer than the pages' other fields
    too_long = await me.post(f"/me/transfers/{tid}/notes", {f"note-{cpr}": "x" * 4001})
    assert too_long.status_code == 422 and "En note må højst have 4000 tegn." in too_long.text
    assert (await me.post(f"/me/transfers/{tid}/submit", {"approve": "yes"})).status_code == 303


async def test_a_folder_keeps_its_relative_names(people, demo, gate):
    me = await people("RESA")
    await me.get("/me/transfers")
    r = await browser_upload(me, await project_no(demo), [("", b""),  # the files input, left empty
                                                          ("resultater/tabel1.tab", CLEAN_TABLE.encode()),
                                                          ("resultater/bilag/tabel2.tab", CLEAN_TABLE.encode())])
    assert r.status_code == 303, r.text
    page = await me.get(r.headers["location"])
    assert "resultater/tabel1.tab" in page.text and "resultater/bilag/tabel2.tab" in page.text
    assert "Filer modtaget og kontrolleret: 2." in page.text


async def test_refusals_are_shown_with_the_reasons(people, demo, gate):
    me = await people("RESA")
    await me.get("/me/transfers")
    number = await project_no(demo)
    not_approved = await project_no(demo, "Health and income")
    r = await upload(me, not_approved, files(("a.tab", CLEAN_TABLE)))
    assert r.status_code == 403 and "Adgang nægtet" in r.text and "Projektet er ikke godkendt." in r.text

    tid = await uploaded(me, number, files(("a.tab", CLEAN_TABLE)))
    await set_member_state(demo, number, "RESA", "pending")
    await me.get(f"/me/transfers/{tid}")
    r = await me.post(f"/me/transfers/{tid}/submit", {"approve": "yes"})
    assert r.status_code == 403
    assert "Overførslen er ikke tilladt nu" in r.text and "Medlemskabet venter på, at din fysiske token" in r.text
    await set_member_state(demo, number, "RESA", "active")

    nothing = await browser_upload(me, number, [("", b""), ("", b"")])
    assert nothing.status_code == 422 and "Vælg en eller flere filer." in nothing.text
    gate(TRANSFER_MAX_FILE_BYTES=64)
    big = await upload(me, number, files(("big.tab", CLEAN_TABLE * 10)))
    assert big.status_code == 413 and "Filen er større end tilladt" in big.text
    dup = await upload(me, number, files(("a.tab", CLEAN_TABLE), ("A.tab", CLEAN_TABLE)))
    assert dup.status_code == 422 and "To filer har samme navn." in dup.text
    assert (await me.get("/me/transfers/999999")).status_code == 404


async def test_the_upload_checks_the_forms_token_from_the_stream(people, demo, gate):
    me = await people("RESA")
    await me.get("/me/transfers")
    number = await project_no(demo)
    for token in ("", "wrong"):
        r = await upload(me, number, files(("a.tab", CLEAN_TABLE)), csrf=token)
        assert r.status_code == 403 and "Formularen er udløbet" in r.text
    late = await me.http.post("/me/transfers", data={"project": number, "csrf_token": me.csrf},
                              files=files(("a.tab", CLEAN_TABLE)))
    assert late.status_code == 403
    async with transaction(demo) as s:
        assert (await s.scalars(select(Transfer))).all() == []
    assert list(gate.store.incoming_dir.iterdir()) == []
    # The other forms still need the token as usual.
    tid = await uploaded(me, number, files(("a.tab", CLEAN_TABLE)))
    assert (await me.post(f"/me/transfers/{tid}/submit", {"approve": "yes"}, csrf="x")).status_code == 403


async def test_refusals_in_english(people, demo, gate):
    me = await people("RESA")
    await me.post("/language", {"lang": "en", "next_page": "/me/transfers"})
    page = await me.get("/me/transfers")
    assert "Upload and check" in page.text
    tid = await uploaded(me, await project_no(demo), files(("x.exe", b"MZ"), ("y.tab", CLEAN_TABLE)))
    page = await me.get(f"/me/transfers/{tid}")
    assert "File type not allowed" in page.text and "Approve transfer" in page.text
    r = await me.post(f"/me/transfers/{tid}/submit", {})
    assert r.status_code == 422 and "Tick 'approve transfer'" in html.unescape(r.text)


async def test_the_menu_shows_transfers_to_project_members_only(people):
    resb = await people("RESB")
    assert 'href="/me/transfers"' in (await resb.get("/")).text
    staff = await people("STAF")
    assert 'href="/me/transfers"' not in (await staff.get("/")).text
    responsible = await people("RESP")
    assert 'href="/me/transfers"' not in (await responsible.get("/")).text


async def test_the_api_takes_a_cookie_sessions_csrf_token_from_the_header_only(people, demo, gate):
    """A signed-in browser's upload to the API without the header is refused before its body is
    read (the guard would otherwise parse the whole form to look for the token); with the header
    it goes through."""
    me = await people("RESA")
    number = await project_no(demo)
    body, ctype = multipart([("csrf_token", None, me.csrf.encode()), ("project", None, number.encode()),
                             ("files", "t.csv", CLEAN_TABLE.encode())])
    r = await me.http.post("/v1/transfers", content=body, headers={"content-type": ctype})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed", r.text
    assert "X-CSRF-Token" in r.json()["detail"]
    body, ctype = multipart([("project", None, number.encode()), ("files", "t.csv", CLEAN_TABLE.encode())])
    r = await me.http.post("/v1/transfers", content=body, headers={"content-type": ctype, "x-csrf-token": me.csrf})
    assert r.status_code == 201, r.text


async def test_the_transfer_page_shows_the_checking_and_then_the_verdicts(people, demo, gate):
    """Files still being checked: the page says how far the checking is and reloads itself; the
    verdicts appear when the scans are done, and only then the approval."""
    import asyncio

    gate(SCAN_WAIT_SECONDS=0)
    me = await people("RESA")
    transfer_id = await uploaded(me, await project_no(demo), files(("udtraek.txt", CPR_TEXT), ("tabel.txt", CLEAN_TABLE)))
    page = (await me.get(f"/me/transfers/{transfer_id}")).text
    if "Kontrollerer filerne" in page:  # the scans may already be done on a fast machine
        assert '<meta http-equiv="refresh" content="2">' in page
        assert "<progress" in page and 'name="approve"' not in page
    for _ in range(600):
        page = (await me.get(f"/me/transfers/{transfer_id}")).text
        if "Kontrollerer filerne" not in page:
            break
        await asyncio.sleep(0.1)
    assert 'http-equiv="refresh"' not in page
    assert 'name="approve"' in page and "CPR-nummer" in page
