"""A proposal with real content in a real browser (issue 16): the contact person creates a project,
picks registers, variables and years from the catalogue (plain GET search forms), describes the
population and the external data with an uploaded variable description; the administrator
submits it, the project owner e-mails the price quote (to a real SMTP server, aiosmtpd) and sends
it for signature, the signatory signs and the Head of Division approves it from the queue."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import ROOT, Desk, Server, _free_port, _wait_for, shot
from tests.helpers import smtp  # noqa: F401  (the fixture: aiosmtpd on a free port)

expect = pytest.importorskip("playwright.sync_api").expect

VARIABLES = "variabel;beskrivelse;pseudonymiseres\nCPR;Personnummer;ja\nTRIVSEL;Trivselsscore;nej\n"


@pytest.fixture
def portal(chromium_path, browser, smtp, tmp_path):  # noqa: F811  (smtp is the fixture imported above)
    """The demo server on its own database, sending its mail to the aiosmtpd inbox."""
    var = tmp_path / "var"
    var.mkdir()
    port = _free_port()
    env = {**os.environ, "BOA_VAR_DIR": str(var), "BOA_DATABASE_URL": f"sqlite+aiosqlite:///{var / 'boa.sqlite3'}",
           "BOA_COOKIE_SECURE": "true", "PYTHONPATH": str(ROOT)}  # BOA_SMTP_HOST/PORT: the smtp fixture's
    env.pop("BOA_TEST_DATABASE_URL", None)
    env.pop("BOA_WORKER_IN_PROCESS", None)  # the server delivers its mail itself
    log = var / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "boa.cli", "serve", "--demo", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = Server(f"http://127.0.0.1:{port}")
    base.var = var
    desk = Desk(browser, base)
    try:
        _wait_for(base + "/health", proc, log)
        yield desk
    finally:
        desk.close()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _mail_to(inbox, to: str, subject: str, seconds: float = 60):  # type: ignore[no-untyped-def]
    """The first mail to ``to`` whose subject holds ``subject``, once the server has delivered it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in inbox.messages:
            if message["To"] == to and subject in message["Subject"]:
                return message
        time.sleep(0.5)
    raise AssertionError(f"no mail to {to} about {subject!r}: {[m['Subject'] for m in inbox.messages]}")


def _move(page, to: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"form.transition:has(input[name=to][value={to}]) button").click()


def test_a_proposal_from_creation_to_the_head_of_divisions_approval(portal, smtp, tmp_path):  # noqa: F811
    resa = portal.as_user("RESA")
    resa.click("nav.side >> text=Mine projekter")
    resa.click("text=Opret et projektforslag")
    resa.fill("input[name=title]", "Trivsel og indkomst")
    resa.fill("textarea[name=purpose]", "Hvordan hænger trivsel i skolen sammen med senere indkomst?")
    resa.click("form[action='/me/projects/new'] button")
    expect(resa.locator(".flash.ok")).to_contain_text("er oprettet: beskriv dets data")
    number = re.search(r"/projects/(\d+)/proposal", resa.url).group(1)

    # The register picker: a plain search form, then "Add"; the variables and years of each.
    resa.fill("section#registers input[name=q]", "indkomst")
    resa.press("section#registers input[name=q]", "Enter")
    resa.click("button:has-text('Tilføj IND')")
    expect(resa.locator(".flash.ok")).to_contain_text("IND er tilføjet")
    picker = resa.locator("form#register-IND")
    picker.locator("input[value=PNR]").check()
    picker.locator("input[value=PERINDKIALT_13]").check()
    picker.locator("input[name=year_from]").fill("2015")
    picker.locator("input[name=year_to]").fill("2020")
    picker.locator("button[value=save]").click()
    expect(resa.locator(".flash.ok")).to_have_text("IND er gemt.")
    resa.fill("section#registers input[name=q]", "BEF")
    resa.press("section#registers input[name=q]", "Enter")
    resa.click("button:has-text('Tilføj BEF')")
    picker = resa.locator("form#register-BEF")
    for name in ("PNR", "KOEN", "ALDER"):
        picker.locator(f"input[value={name}]").check()
    picker.locator("input[name=year_from]").fill("2015")
    picker.locator("input[name=year_to]").fill("2015")
    picker.locator("button[value=save]").click()
    expect(resa.locator(".flash.ok")).to_have_text("BEF er gemt.")
    # An unreleased register is refused on a researcher project.
    resa.fill("section#registers input[name=q]", "dagtilbud")
    resa.press("section#registers input[name=q]", "Enter")
    resa.click("button:has-text('Tilføj DAGTILBUD')")
    expect(resa.locator("main")).to_contain_text("endnu ikke er frigivet")
    resa.goto(f"/projects/{number}/proposal")

    resa.locator("input[name=segment_name]").first.fill("Elever i 9. klasse 2015")
    resa.locator("textarea[name=segment_delimitation]").first.fill("Elever i 9. klasse i skoleåret 2014/15.")
    resa.click("section#purpose button")
    expect(resa.locator(".flash.ok")).to_have_text("Projektforslaget er gemt.")

    csv = tmp_path / "variabelbeskrivelse.csv"
    csv.write_text(VARIABLES, encoding="utf-8")
    resa.fill("section#external-data textarea[name=description]", "Trivselsmålingen fra skolernes egen undersøgelse.")
    resa.set_input_files("section#external-data input[name=data]", str(csv))
    resa.click("section#external-data form[enctype] button")
    expect(resa.locator(".flash.ok")).to_have_text("Variabelbeskrivelsen er indlæst.")
    expect(resa.locator("table.external-variables")).to_contain_text("TRIVSEL")
    resa.locator("section#registers").scroll_into_view_if_needed()
    shot(resa, "60-proposal-edit-registers")

    resa.goto(f"/projects/{number}")
    expect(resa.locator("section#proposal")).to_contain_text("PNR, PERINDKIALT_13")
    expect(resa.locator("section#proposal")).to_contain_text("2015–2020")
    _move(resa, "sent_to_administrator")

    admin = portal.as_user("ADMN")
    admin.goto(f"/projects/{number}")
    _move(admin, "sent_to_office")
    owner_ident = admin.locator("dt:text-is('Projektejer') + dd").inner_text().strip()
    assert owner_ident in ("STAF", "SANC", "DIRG")

    owner = portal.as_user(owner_ident)
    owner.goto(f"/projects/{number}")
    owner.fill("form.quote input[name=amount]", "12.500,00")
    owner.fill("form.quote input[name=valid_until]", "2099-06-30")
    shot(owner, "61-proposal-quote")
    owner.click("form.quote button")
    expect(owner.locator(".flash.ok")).to_have_text("Prisoverslaget er sendt til kontaktpersonen.")
    quote = _mail_to(smtp, "resa@demo.boa.example", f"Projekt {number}: prisoverslag")
    assert "12.500,00 kr." in quote.get_content() and "30. juni 2099" in quote.get_content()
    _move(owner, "sent_for_signature")

    sign = portal.as_user("SIGN")
    sign.goto(f"/projects/{number}")
    sign.click("text=Underskriv for institutionen")
    expect(sign.locator(".flash.ok")).to_have_text("Projektforslaget er underskrevet for institutionen.")
    _mail_to(smtp, "chef@demo.boa.example", "klar til godkendelse")

    chef = portal.as_user("CHEF")
    chef.click("nav.side >> text=Projektforslag til godkendelse")
    row = chef.locator(f"table.approvals tr:has(a:text-is('{number}'))")
    expect(row).to_contain_text("SIGN")
    expect(row).to_contain_text("IND, BEF")
    shot(chef, "62-approval-queue")
    row.locator("form.transition:has(input[value=approved]) button").click()
    expect(chef.locator(".flash.ok")).to_contain_text("Godkendt")
    chef.goto(f"/projects/{number}")
    expect(chef.locator("section#proposal")).to_contain_text("Godkendt af kontorchefen (CHEF).")
    _mail_to(smtp, "resa@demo.boa.example", f"Projekt {number}: godkendt")
