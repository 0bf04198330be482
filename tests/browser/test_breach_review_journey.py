"""Issue 15 in a real browser, on one server:

- the disclosure-control review: a reviewer marks three transferred tables with a small cell as
  disclosure-control breaches; the user gets the guidance letter and keeps every access (no lock);
  on the third within two years the office sees the institution flagged;
- the suspended portal: after a suspending case on a project, another member opening the
  project's results portal is refused with the reason, in Danish and in English;
- the report's documentation: the responsible person attaches a DOCX, sees a refused file named
  in place, and the office downloads the document from the case page."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.browser.breaches import register_breach
from tests.browser.conftest import shot
from tests.sanction_helpers import docx

expect = pytest.importorskip("playwright.sync_api").expect

SMALL_CELL = "kommune;antal\n101;2\n102;40\n103;37\n"
TABLES = ("t1.txt", "t2.txt", "t3.txt")
COMMENT = "Kommune 101 har en celle med 2 observationer."
SUSPENDED_DA = "Adgangen er suspenderet, indtil brudsagen er afgjort."
SUSPENDED_EN = "Access is suspended until the breach case is decided."
MINUTES = docx("Referat af institutmødet 5. marts\nBeslutning: to personer gennemgår hver overførsel")

# The case the portal test registers, for the documentation test after it.
CASE: dict[str, str] = {}


def _labour_number(page) -> str:  # type: ignore[no-untyped-def]
    page.click("nav.side >> text=Mine projekter")
    number = page.locator("tr", has_text="Labour market careers").locator("td").first.inner_text().strip()
    assert re.fullmatch(r"\d+", number)
    return number


def _mails_to(boa_server, to: str, template_words: str, at_least: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """The mails to ``to`` whose subject has ``template_words``, once there are ``at_least`` (the
    server's own worker delivers a moment after the page answered)."""
    deadline = time.monotonic() + 30
    found: list[dict] = []
    while time.monotonic() < deadline:
        found = [m for m in boa_server.outbox("mail") if m["to"] == to and template_words in m["subject"]]
        if len(found) >= at_least:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{len(found)} mails '{template_words}' to {to}")


def test_disclosure_control_gives_guidance_no_lock_and_the_third_is_flagged(desk, boa_server):
    # RESA transfers three tables, each with a cell of 2 observations (the transfer page asks for notes).
    resa = desk.as_user("RESA")
    resa.click("nav.side >> text=Overfør resultater")
    resa.locator("form.upload input[name=files]:not([webkitdirectory])").set_input_files(files=[
        {"name": name, "mimeType": "text/plain", "buffer": SMALL_CELL.replace("40", str(40 + i)).encode()}
        for i, name in enumerate(TABLES)])
    resa.click("text=Upload og kontrollér")
    expect(resa.locator(".flash.ok")).to_have_text("Filer modtaget og kontrolleret: 3.")
    for note in resa.locator("form.transfer textarea").all():
        note.fill("En optælling pr. kommune.")
    resa.check("input[name=approve]")
    resa.click("button.primary >> text=Overfør")
    expect(resa.locator(".flash.ok")).to_have_text("Filer overført: 3.")

    # SANC reviews each table: a disclosure-control breach, not a suspected breach.
    sanc = desk.as_user("SANC")
    for i, name in enumerate(TABLES, start=1):
        sanc.click("nav.side >> text=Outputkontrol")
        sanc.locator("table.queue tr", has_text=name).get_by_role("link", name=name).click()
        expect(sanc.locator("h1")).to_have_text(name)
        sanc.check("input[name=outcome][value=disclosure_control]")
        sanc.fill("textarea[name=comment]", COMMENT)
        if i == 1:
            shot(sanc, "33-review-disclosure-control")
        sanc.click("text=Gem kontrollen")
        expect(sanc.locator(".flash.ok")).to_have_text(
            f"{name} er et brud på diskretioneringsreglerne: brugeren får vejledning; ingen suspension.")
        # No lock: RESA's open session goes on.
        resa.click("nav.side >> text=Mine projekter")
        expect(resa.locator("h1")).to_have_text("Mine projekter")
        expect(resa.locator("main")).not_to_contain_text("Adgang nægtet")

    # The guidance letter, once a table, to the user in her language: the rule and the file.
    letters = _mails_to(boa_server, "resa@demo.boa.example", "Vejledning om statistisk diskretionering", 3)
    assert "t1.txt" in letters[0]["body"] and COMMENT in letters[0]["body"]
    assert "din adgang berøres ikke" in letters[0]["body"]
    to_office = [m for m in boa_server.outbox("mail") if "Gentagne brud på diskretioneringsreglerne" in m["subject"]]
    assert to_office, "the office hears of the third"

    # The office: three guidance cases, the third flagged; the institution can be taken further.
    sanc.click("nav.side >> text=Brudsager")
    sanc.click("p.filters >> text=Gentagne brud på diskretioneringsreglerne")
    rows = sanc.locator("table.cases tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Diskretionering (lille celle)")
    expect(rows.first).to_contain_text("gentaget")
    expect(rows.first).to_contain_text("Vejledning givet")
    shot(sanc, "34-breach-cases-flagged")
    rows.first.get_by_role("link").first.click()
    flagged = sanc.locator("dl.case")
    expect(flagged).to_contain_text("Nummer 3")
    expect(flagged.locator(".flagged")).to_have_text(
        "Gentaget: kontoret kan åbne en almindelig sag mod institutionen")
    expect(sanc.locator("table.locks")).to_contain_text("Ingen spærringer.")
    sanc.click("form.language button[value=en]")
    expect(sanc.locator("dl.case .flagged")).to_have_text(
        "Repeated: the office may open an ordinary case on the institution")
    expect(sanc.locator("dl.case")).to_contain_text("Disclosure control (small cell)")
    expect(sanc.locator("dl.case")).to_contain_text("Guidance given")
    shot(sanc, "35-breach-case-flagged-english")
    sanc.click("form.language button[value=da]")


def test_a_suspended_projects_portal_refuses_another_member(desk):
    resb = desk.as_user("RESB")
    number = _labour_number(resb)
    resb.goto(f"/projects/{number}/results")
    expect(resb.locator("h1")).not_to_have_text("Adgang nægtet")

    # SANC registers a breach by RESA on the project: RESA and the project are suspended.
    sanc = desk.as_user("SANC")
    sanc.click("nav.side >> text=Brudsager")
    CASE["id"] = register_breach(sanc, "RESA", number)

    # RESB, another member, is not suspended, but the project's portal is.
    resb.goto(f"/projects/{number}/results")
    expect(resb.locator("h1")).to_have_text("Adgang nægtet")
    expect(resb.locator("main")).to_contain_text("Det er ikke tilladt nu af disse grunde:")
    reasons = resb.locator("ul.reasons")
    expect(reasons).to_contain_text(SUSPENDED_DA)
    expect(reasons).to_contain_text("projekt")
    expect(reasons).to_contain_text(f"sag {CASE['id']}")
    shot(resb, "36-results-portal-suspended")
    resb.click("form.language button[value=en]")
    expect(resb.locator("h1")).to_have_text("Access denied")
    expect(resb.locator("main")).to_contain_text("This is not allowed now, for these reasons:")
    expect(resb.locator("ul.reasons")).to_contain_text(SUSPENDED_EN)
    expect(resb.locator("ul.reasons")).to_contain_text(f"case {CASE['id']}")
    shot(resb, "37-results-portal-suspended-english")
    resb.click("form.language button[value=da]")
    # The rest of BOA still answers RESB.
    resb.click("nav.side >> text=Mine projekter")
    expect(resb.locator("h1")).to_have_text("Mine projekter")

    # The office still sees the portal.
    sanc.goto(f"/projects/{number}/results")
    expect(sanc.locator("h1")).not_to_have_text("Adgang nægtet")
    expect(sanc.locator("main")).to_contain_text("t1.txt")


def test_the_report_documentation_is_attached_and_the_office_downloads_it(desk, tmp_path):
    case_id = CASE.get("id")
    if case_id is None:
        pytest.skip("needs the case of the portal test")
    resp = desk.as_user("RESP")
    resp.click("nav.side >> text=Brudsager")
    resp.locator("tr", has_text="RESA").get_by_role("link", name=f"sag {case_id}").click()
    docs = resp.locator("#documentation")
    expect(docs).to_contain_text("Der er ikke vedhæftet dokumentation.")

    # A plain-text file is refused in place, named, with why; nothing is listed.
    docs.locator("input[name=document]").set_input_files(
        files=[{"name": "noter.txt", "mimeType": "text/plain", "buffer": b"Referat i ren tekst"}])
    docs.get_by_role("button", name="Vedhæft dokumentet").click()
    expect(resp.locator("#documentation [role=alert]")).to_have_text(
        "noter.txt er ikke vedhæftet: kun PDF- og DOCX-dokumenter kan vedhæftes.")
    expect(resp.locator("#documentation ul.attachments")).to_have_count(0)

    # The minutes as a DOCX are taken and listed.
    minutes = tmp_path / "referat.docx"
    minutes.write_bytes(MINUTES)
    resp.locator("#documentation input[name=document]").set_input_files(minutes)
    resp.locator("#documentation").get_by_role("button", name="Vedhæft dokumentet").click()
    expect(resp.locator(".flash.ok")).to_have_text("referat.docx er vedhæftet.")
    expect(resp.locator("#documentation ul.attachments li")).to_have_count(1)
    expect(resp.locator("#documentation ul.attachments")).to_contain_text("referat.docx")

    # One with CPR numbers in it is refused as microdata.
    cprs = docx("cpr;beloeb\n070761-4285;100\n010190-1234;200")
    resp.locator("#documentation input[name=document]").set_input_files(
        files=[{"name": "udtraek.docx", "mimeType": "application/octet-stream", "buffer": cprs}])
    resp.locator("#documentation").get_by_role("button", name="Vedhæft dokumentet").click()
    expect(resp.locator("#documentation [role=alert]")).to_contain_text(
        "udtraek.docx er ikke vedhæftet: det ser ud til at indeholde mikrodata")
    resp.locator("#documentation").scroll_into_view_if_needed()
    shot(resp, "38-breach-documentation-refused")
    expect(resp.locator("#documentation ul.attachments li")).to_have_count(1)

    # The office sees the documentation on the case page and downloads it as it was attached.
    sanc = desk.as_user("SANC")
    sanc.goto(f"/staff/breaches/{case_id}")
    link = sanc.locator("#documentation ul.attachments").get_by_role("link", name="referat.docx")
    expect(link).to_be_visible()
    expect(sanc.locator("#documentation input[name=document]")).to_have_count(0)
    sanc.locator("#documentation").scroll_into_view_if_needed()
    shot(sanc, "39-breach-documentation-office")
    with sanc.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "referat.docx"
    assert Path(download.path()).read_bytes() == MINUTES
