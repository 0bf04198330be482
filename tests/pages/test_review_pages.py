"""Research Services' review pages over HTTP: the queue with paging and filters, a file's details
and download, marking OK or a suspected breach; staff without the review role are refused."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from admin_ui.pages import review as review_pages
from boa.kernel import extensions
from tests.pages.test_transfer_pages import CPR_TEXT, file_id, files, uploaded
from tests.transfer_helpers import project_no


async def _transferred(people, demo, names: list[str]) -> tuple[str, dict[str, str]]:
    """RESA transfers a flagged file per name (noted); returns the transfer id and file ids."""
    me = await people("RESA")
    await me.get("/me/transfers")
    tid = await uploaded(me, await project_no(demo), files(*[(name, CPR_TEXT) for name in names]))
    page = (await me.get(f"/me/transfers/{tid}")).text
    ids = {name: file_id(page, name) for name in names}
    notes = {f"note-{fid}": f"Fiktive numre i {name}." for name, fid in ids.items()}
    r = await me.post(f"/me/transfers/{tid}/submit", {**notes, "approve": "yes"})
    assert r.status_code == 303, r.text
    return tid, ids


async def test_a_reviewer_marks_a_file_ok(people, demo, gate):
    tid, ids = await _transferred(people, demo, ["cpr.txt"])
    fid = ids["cpr.txt"]
    sanc = await people("SANC")
    home = await sanc.get("/")
    assert 'href="/staff/review"' in home.text and "Outputkontrol" in home.text
    queue = await sanc.get("/staff/review")
    assert queue.status_code == 200 and f'href="/staff/review/{fid}"' in queue.text
    assert "RESA" in queue.text and "Markeret: mulige mikrodata" in queue.text and "CPR-nummer: 1" in queue.text
    page = await sanc.get(f"/staff/review/{fid}")
    assert "Fiktive numre i cpr.txt." in page.text and "010190-****" in page.text and "linje 2" in page.text
    assert "Gem kontrollen" in page.text and f"overførsel {tid}" in page.text and "tekst" in page.text
    link = f"/transfers/{tid}/files/{fid}/content"
    assert f'href="{link}"' in page.text
    assert (await sanc.http.get(link)).content == CPR_TEXT.encode()

    refused = await sanc.post(f"/staff/review/{fid}", {"outcome": "suspected_breach", "comment": ""})
    assert refused.status_code == 422 and "Beskriv det formodede brud i kommentaren." in refused.text
    odd = await sanc.post(f"/staff/review/{fid}", {"outcome": "maybe"})
    assert odd.status_code == 422 and "Vælg OK, diskretionering eller mistanke om brud." in odd.text
    r = await sanc.post(f"/staff/review/{fid}", {"outcome": "ok", "comment": "Fiktive numre."})
    assert r.status_code == 303 and r.headers["location"] == "/staff/review"
    queue = await sanc.get("/staff/review")
    assert "cpr.txt er markeret OK." in queue.text and f'href="/staff/review/{fid}"' not in queue.text
    done = await sanc.get("/staff/review?state=ok")
    assert f'href="/staff/review/{fid}"' in done.text
    page = await sanc.get(f"/staff/review/{fid}")
    assert "Fiktive numre." in page.text and "Gem kontrollen" not in page.text
    again = await sanc.post(f"/staff/review/{fid}", {"outcome": "ok"})
    assert again.status_code == 409 and "Filen er allerede kontrolleret." in again.text


async def test_a_suspected_breach_opens_a_case_through_the_hook(people, demo, gate, monkeypatch):
    async def open_case(session, actor, target, comment):
        return "case-7"

    monkeypatch.setattr(extensions, "_installed", replace(extensions.current(), on_suspected_breach=(open_case,)))
    _, ids = await _transferred(people, demo, ["a.txt"])
    sanc = await people("SANC")
    await sanc.get(f"/staff/review/{ids['a.txt']}")
    r = await sanc.post(f"/staff/review/{ids['a.txt']}", {"outcome": "suspected_breach",
                                                           "comment": "Ligner rigtige personnumre."})
    assert r.status_code == 303
    queue = await sanc.get("/staff/review?state=suspected_breach")
    assert "a.txt er markeret som mistanke om brud; brudsag case-7 er oprettet." in queue.text
    page = await sanc.get(f"/staff/review/{ids['a.txt']}")
    assert "case-7" in page.text and "Mistanke om brud" in page.text


async def test_the_queue_pages(people, demo, gate, monkeypatch):
    monkeypatch.setattr(review_pages, "PAGE_SIZE", 2)
    await _transferred(people, demo, ["a.txt", "b.txt", "c.txt"])
    sanc = await people("SANC")
    first = await sanc.get("/staff/review")
    assert first.text.count('href="/staff/review/') == 2
    nxt = re.search(r'href="\?state=pending&amp;cursor=(\w+)"', first.text).group(1)
    second = await sanc.get(f"/staff/review?state=pending&cursor={nxt}")
    assert second.text.count('href="/staff/review/') == 1 and "c.txt" in second.text
    assert (await sanc.get("/staff/review?state=bogus")).status_code == 422


@pytest.mark.parametrize("ident", ["STAF", "RESA"])
async def test_review_needs_the_review_role(people, demo, gate, ident):
    _, ids = await _transferred(people, demo, ["cpr.txt"])
    who = await people(ident)
    assert 'href="/staff/review"' not in (await who.get("/")).text
    for path in ("/staff/review", f"/staff/review/{ids['cpr.txt']}"):
        assert (await who.get(path)).status_code == 403
    r = await who.post(f"/staff/review/{ids['cpr.txt']}", {"outcome": "ok"})
    assert r.status_code == 403
    if ident == "STAF":
        assert "Kun medarbejdere i Forskningsservice med ret til outputkontrol" in r.text
