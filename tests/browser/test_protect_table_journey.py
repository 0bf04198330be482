"""'Protect this table' in a real browser (issue 20, item 6): a researcher uploads a count table
with small cells, presses "protect this table", looks at the protected version on the page and
transfers it instead of the original."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import shot

expect = pytest.importorskip("playwright.sync_api").expect

TABLE = b"kommune;koen;antal\n101;M;20\n101;K;1\n102;M;30\n102;K;15\n103;M;2\n103;K;40\n"


def test_researcher_protects_a_table_and_transfers_the_protected_version(desk):
    researcher = desk.as_user("RESA")
    researcher.click("nav.side >> text=Overfør resultater")
    researcher.locator("form.upload input[name=files]:not([webkitdirectory])").set_input_files(
        files=[{"name": "tabel.txt", "mimeType": "text/plain", "buffer": TABLE}])
    researcher.click("text=Upload og kontrollér")
    expect(researcher).to_have_url(re.compile(r"/me/transfers/\d+$"))
    card = researcher.locator("section.file", has_text="tabel.txt")
    expect(card).to_contain_text("Tabellen har celler med færre end 3 observationer.")

    card.get_by_role("button", name="Beskyt denne tabel: undertryk de små celler").click()
    expect(researcher.locator(".flash.ok")).to_have_text(
        "tabel.txt er erstattet af sin beskyttede udgave tabel.protected.txt: se den nedenfor.")
    protected = researcher.locator("section.file", has_text="tabel.protected.txt")
    preview = protected.locator("table.preview")
    expect(preview.locator("tr", has_text="101")).to_contain_text(["..", ".."])
    expect(preview.locator("tbody tr").last).to_have_text(re.compile(r"I alt\s*I alt\s*108"))
    expect(researcher.locator("section.file", has_text="Erstattet af sin beskyttede udgave")).to_be_visible()
    expect(researcher.get_by_role("button", name=re.compile("Beskyt denne tabel"))).to_have_count(0)
    shot(researcher, "50-transfer-protected-table")

    researcher.check("input[name=approve]")
    researcher.click("button.primary >> text=Overfør")
    expect(researcher).to_have_url(re.compile(r"/projects/\d+/results$"))
    expect(researcher.locator(".flash.ok")).to_contain_text("Filer overført: 1.")
    row = researcher.locator("table.results tr", has_text="tabel.protected.txt")
    with researcher.expect_download() as info:
        row.get_by_role("link", name="Hent").click()
    content = Path(info.value.path()).read_text(encoding="utf-8")
    assert "101;K;.." in content and "103;M;.." in content and "I alt;I alt;108" in content
    expect(researcher.locator("table.results")).not_to_contain_text("tabel.txt ")
