"""Changing an open transfer through the pages (issue 18 item 7): the forms' tokens (the added files'
from the stream, before the first file), the discard's confirmation page, and the refusals that
change nothing, in the reader's words."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from boa.kernel.db import transaction
from boa.transfers.models import Transfer, TransferFile
from tests.pages.test_transfer_pages import file_id, files, uploaded
from tests.transfer_helpers import CLEAN_TABLE, incoming_files, project_no


async def _count(engine) -> tuple[int, int]:
    async with transaction(engine) as s:
        return (await s.scalar(select(func.count(Transfer.id))), await s.scalar(select(func.count(TransferFile.id))))


async def add(person, tid: str, items, *, csrf: str | None = None):
    """The add-files form as a browser sends it: csrf_token, then the files."""
    token = person.csrf if csrf is None else csrf
    return await person.http.post(f"/me/transfers/{tid}/files", data={"csrf_token": token} if token else {},
                                  files=items)


async def test_files_are_added_and_removed_with_the_forms_token(people, demo, gate):
    me = await people("RESA")
    number = await project_no(demo)
    await me.get("/me/transfers")
    tid = await uploaded(me, number, files(("a.tab", CLEAN_TABLE)))
    page = await me.get(f"/me/transfers/{tid}")
    assert f'action="/me/transfers/{tid}/files"' in page.text and 'accept=".ado,' in page.text
    before = await _count(demo)
    for token in ("", "wrong"):
        r = await add(me, tid, files(("b.tab", CLEAN_TABLE)), csrf=token)
        assert r.status_code == 403 and "Formularen er udløbet" in r.text
    assert await _count(demo) == before and len(incoming_files(gate.store)) == 1

    r = await add(me, tid, files(("A.TAB", CLEAN_TABLE)))  # the name is taken: shown on the transfer's page
    assert r.status_code == 422 and "To filer har samme navn." in r.text and "a.tab" in r.text
    assert await _count(demo) == before

    r = await add(me, tid, files(("b.tab", CLEAN_TABLE + "9;9\n")))
    assert r.status_code == 303 and r.headers["location"] == f"/me/transfers/{tid}"
    page = await me.get(r.headers["location"])
    assert f"Tilføjet til din overførsel til projekt {number} Labour market" in html.unescape(page.text)
    assert "og kontrolleret: b.tab." in html.unescape(page.text)
    fid = file_id(page.text, "a.tab")
    assert (await me.post(f"/me/transfers/{tid}/files/{fid}/remove", {}, csrf="x")).status_code == 403
    r = await me.post(f"/me/transfers/{tid}/files/{fid}/remove", {})
    assert r.status_code == 303
    page = await me.get(r.headers["location"])
    assert f"a.tab er fjernet fra din overførsel til projekt {number} Labour market" in html.unescape(page.text)
    assert 'class="file-name">a.tab<' not in page.text and 'class="file-name">b.tab<' in page.text


async def test_the_discard_asks_first_and_only_for_a_transfer_with_nothing_to_transfer(people, demo, gate):
    me, other = await people("RESA"), await people("RESB")
    number = await project_no(demo)
    await me.get("/me/transfers")
    keep = await uploaded(me, number, files(("a.tab", CLEAN_TABLE)))
    r = await me.get(f"/me/transfers/{keep}/discard")
    assert r.status_code == 409 and "stadig filer, der kan overføres" in html.unescape(r.text)
    assert (await me.post(f"/me/transfers/{keep}/discard", {})).status_code == 409

    tid = await uploaded(me, number, files(("x.exe", b"MZ"), ("tom.txt", b"")))
    page = await me.get(f"/me/transfers/{tid}")
    text = html.unescape(page.text)
    assert "Ingen af dem kan overføres: alle filer blev afvist." in text and "Intet at overføre" in text
    for contradiction in ("modtaget og kontrolleret", "Godkend overførsel", "de andre filer kan overføres"):
        assert contradiction not in text, contradiction
    listing = html.unescape((await me.get("/me/transfers")).text)
    assert f'href="/me/transfers/{tid}/discard"' in listing
    assert listing.index("Intet at overføre") < listing.index(f'href="/me/transfers/{tid}"')

    confirm = await me.get(f"/me/transfers/{tid}/discard")
    assert confirm.status_code == 200
    shown = html.unescape(confirm.text)
    assert f"Kassér overførsel {tid} til projekt {number} Labour market" in shown
    assert "x.exe · Filtype ikke tilladt" in shown and "tom.txt · Filen er tom" in shown
    assert f'action="/me/transfers/{tid}/discard"' in confirm.text
    await other.get("/me/transfers")
    assert (await other.get(f"/me/transfers/{tid}/discard")).status_code == 404
    assert (await other.post(f"/me/transfers/{tid}/discard", {})).status_code == 404
    before = await _count(demo)
    assert (await me.post(f"/me/transfers/{tid}/discard", {}, csrf="x")).status_code == 403
    assert await _count(demo) == before

    r = await me.post(f"/me/transfers/{tid}/discard", {})
    assert r.status_code == 303 and r.headers["location"] == "/me/transfers"
    listing = html.unescape((await me.get("/me/transfers")).text)
    assert f"Din overførsel til projekt {number} Labour market" in listing and "er kasseret" in listing
    assert f'href="/me/transfers/{tid}"' not in listing
    assert (await me.get(f"/me/transfers/{tid}")).status_code == 404
