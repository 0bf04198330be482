"""'Protect this table' on the researcher's transfer page (issue 20, item 6): the button on a
table flagged for small cells, the protected version shown on the page, transferred instead."""

from __future__ import annotations

import html

from tests.pages.test_transfer_pages import file_id, files, uploaded
from tests.transfer_helpers import project_no

SMALL_TABLE = "kommune;koen;antal\n101;M;20\n101;K;1\n102;M;30\n102;K;15\n103;M;2\n103;K;40\n"


async def _table_on_its_page(people, demo, table: str):
    """RESA uploads ``table`` as tabel.txt: (the person, the transfer, its page, the file's id)."""
    me = await people("RESA")
    await me.get("/me/transfers")
    tid = await uploaded(me, await project_no(demo), files(("tabel.txt", table)))
    page = await me.get(f"/me/transfers/{tid}")
    return me, tid, page, file_id(page.text, "tabel.txt")


async def test_a_researcher_protects_a_table_looks_at_it_and_transfers_it(people, demo, gate):
    me, tid, page, original = await _table_on_its_page(people, demo, SMALL_TABLE)
    action = f'formaction="/me/transfers/{tid}/files/{original}/protect"'
    assert page.text.count(action) == 2
    assert "Beskyt denne tabel: undertryk de små celler" in page.text
    assert "Tabellen har celler med færre end 3 observationer." in page.text

    r = await me.post(f"/me/transfers/{tid}/files/{original}/protect", {"method": "suppress"})
    assert r.status_code == 303, r.text
    page = await me.get(r.headers["location"].split("#")[0])
    text = html.unescape(page.text)
    assert "tabel.txt er erstattet af sin beskyttede udgave tabel.protected.txt: se den nedenfor." in text
    assert "Erstattet af sin beskyttede udgave; denne fil overføres ikke." in text
    assert action not in page.text  # nothing more to protect
    protected = file_id(page.text, "tabel.protected.txt")
    preview = text[text.index('<table class="preview"'):]
    preview = preview[:preview.index("</table>")]
    assert "<td>101</td><td>K</td><td>..</td>" in preview and "<td>I alt</td><td>I alt</td><td>108</td>" in preview
    assert "<td>1</td>" not in preview and "<td>2</td>" not in preview

    r = await me.post(f"/me/transfers/{tid}/submit", {"approve": "yes"})
    assert r.status_code == 303, r.text
    results = html.unescape((await me.get(r.headers["location"])).text)
    assert "tabel.protected.txt" in results
    assert protected


async def test_the_page_refuses_with_the_reason(people, demo, gate):
    me, tid, _, original = await _table_on_its_page(people, demo, "kommune;antal\n101;1\n102;x\n")
    r = await me.post(f"/me/transfers/{tid}/files/{original}/protect", {"method": "suppress"})
    text = html.unescape(r.text)
    # In place on the transfer's page (issue 18 item 1), in the code's words.
    assert r.status_code == 422 and "Et antal i tabellen er ikke et helt tal." in text and 'class="error-summary"' in text
