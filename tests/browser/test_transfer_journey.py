"""The transfer gate in a real browser: a researcher uploads a file with a CPR number, sees the
finding, writes the note, approves, transfers, finds it in the portal and downloads it; a folder
keeps its sub-folders; Research Services reviews the file and marks it OK."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import shot

expect = pytest.importorskip("playwright.sync_api").expect

CPR_TEXT = b"Udtraek til kontrol af slusen\ncpr 010190-1234 (fiktivt eksempel)\n"
NOTE = "Et fiktivt CPR-nummer i en eksempeltekst; ingen rigtige personer."


def test_researcher_uploads_notes_approves_transfers_and_downloads(desk):
    researcher = desk.as_user("RESA")
    researcher.click("nav.side >> text=Overfør resultater")
    expect(researcher.locator("h1")).to_have_text("Overfør resultater")
    expect(researcher.locator("table.projects")).to_contain_text("Projektet er ikke godkendt.")
    shot(researcher, "15-transfer-choose-project")
    researcher.locator("form.upload input[name=files]:not([webkitdirectory])").set_input_files(
        files=[{"name": "cpr.txt", "mimeType": "text/plain", "buffer": CPR_TEXT}])
    researcher.click("text=Upload og kontrollér")
    expect(researcher).to_have_url(re.compile(r"/me/transfers/\d+$"))
    expect(researcher.locator(".flash.ok")).to_have_text("Filer modtaget og kontrolleret: 1.")
    card = researcher.locator("section.file", has_text="cpr.txt")
    expect(card).to_contain_text("Markeret: mulige mikrodata")
    expect(card.locator("table.findings")).to_contain_text("CPR-nummer")
    expect(card.locator("table.findings")).to_contain_text("010190-****")
    expect(card.locator("table.findings")).to_contain_text("linje 2")
    expect(researcher.locator("main")).not_to_contain_text("010190-1234")
    card.locator("textarea").fill(NOTE)
    shot(researcher, "12-transfer-upload-result")

    researcher.click("button.primary >> text=Overfør")  # not ticked: refused, the note kept
    expect(researcher.locator(".flash.error")).to_contain_text("Sæt flueben ved 'Godkend overførsel'")
    expect(researcher.locator("section.file textarea")).to_have_value(NOTE)
    researcher.check("input[name=approve]")
    researcher.click("button.primary >> text=Overfør")
    expect(researcher).to_have_url(re.compile(r"/projects/\d+/results$"))
    expect(researcher.locator(".flash.ok")).to_have_text("Filer overført: 1.")
    row = researcher.locator("table.results tr", has_text="cpr.txt")
    expect(row).to_contain_text(NOTE)
    shot(researcher, "13-results-portal")
    with researcher.expect_download() as info:
        row.get_by_role("link", name="Hent").click()
    download = info.value
    assert download.suggested_filename == "cpr.txt"
    assert Path(download.path()).read_bytes() == CPR_TEXT


def test_a_folder_upload_keeps_its_sub_folders(desk, tmp_path):
    folder = tmp_path / "resultater"
    (folder / "bilag").mkdir(parents=True)
    (folder / "tabel1.tab").write_text("kommune;antal\n101;12\n102;40\n", encoding="utf-8")
    (folder / "bilag" / "tabel2.tab").write_text("kommune;antal\n103;37\n104;55\n", encoding="utf-8")
    researcher = desk.as_user("RESA")
    researcher.click("nav.side >> text=Overfør resultater")
    researcher.locator("form.upload input[webkitdirectory]").set_input_files(folder)
    researcher.click("text=Upload og kontrollér")
    expect(researcher.locator(".flash.ok")).to_have_text("Filer modtaget og kontrolleret: 2.")
    names = researcher.locator("section.file h3.file-name")
    expect(names).to_have_text(["resultater/bilag/tabel2.tab", "resultater/tabel1.tab"])


def test_research_services_review_the_file_and_mark_it_ok(desk):
    staff = desk.as_user("SANC")
    staff.click("nav.side >> text=Outputkontrol")
    expect(staff.locator("h1")).to_have_text("Outputkontrol")
    row = staff.locator("table.queue tr", has_text="cpr.txt")
    expect(row).to_contain_text("RESA")
    expect(row).to_contain_text("CPR-nummer: 1")
    shot(staff, "14-review-queue")
    row.get_by_role("link", name="cpr.txt").click()
    expect(staff.locator("main")).to_contain_text(NOTE)
    expect(staff.locator("table.findings")).to_contain_text("010190-****")
    staff.check("input[name=outcome][value=ok]")
    staff.fill("textarea[name=comment]", "Fiktivt eksempel; i orden.")
    staff.click("text=Gem kontrollen")
    expect(staff.locator(".flash.ok")).to_have_text("cpr.txt er markeret OK.")
    expect(staff.locator("table.queue")).not_to_contain_text("cpr.txt")
