"""A proposal with real content in a real browser (issue 16): the contact person creates a project,
picks registers, variables and years from the catalogue (plain GET search forms), describes the
population and the external data with an uploaded variable description; the administrator
submits it, the project owner e-mails the price quote (to a real SMTP server, aiosmtpd) and sends
it for signature, the signatory signs and the Head of Division approves it from the queue."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import Desk, demo_server, shot
from tests.helpers import smtp  # noqa: F401  (the fixture: aiosmtpd on a free port)

expect = pytest.importorskip("playwright.sync_api").expect

VARIABLES = "variabel;beskrivelse;pseudonymiseres\nCPR;Personnummer;ja\nTRIVSEL;Trivselsscore;nej\n"


@pytest.fixture
def portal(chromium_path, browser, smtp, tmp_path):  # noqa: F811  (smtp is the fixture imported above)
    """The demo server on its own database, sending its mail to the aiosmtpd inbox (the smtp
    fixture set BOA_SMTP_HOST and BOA_SMTP_PORT)."""
    with demo_server(tmp_path) as base:
        desk = Desk(browser, base)
        try:
            yield desk
        finally:
            desk.close()


def _mail_to(inbox, to: str, subject: str, seconds: float = 60):  # type: ignore[no-untyped-def]
    """The first mail to ``to`` whose subject holds ``subject``, once the server has delivered it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in inbox.messages:
            if message["To"] == to and subject in message["Subject"]:
                return message
        time.sleep(0.5)
    raise AssertionError(f"no mail to {to} about {subject!r}: {[m['Subject'] for m in inbox.messages]}")


def _pick(page, query: str, code: str, variables: tuple[str, ...], first: str, last: str) -> None:  # type: ignore[no-untyped-def]
    """Search the catalogue, add the register, tick its variables, give its years, save it."""
    page.fill("section#registers input[name=q]", query)
    page.press("section#registers input[name=q]", "Enter")
    page.click(f"button:has-text('Tilføj {code}')")
    expect(page.locator(".flash.ok")).to_contain_text(f"{code} er tilføjet")
    picker = page.locator(f"form#register-{code}")
    for name in variables:
        picker.locator(f"input[value={name}]").check()
    picker.locator("input[name=year_from]").fill(first)
    picker.locator("input[name=year_to]").fill(last)
    picker.locator("button[value=save]").click()
    expect(page.locator(".flash.ok")).to_have_text(f"{code} er gemt.")


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
    _pick(resa, "indkomst", "IND", ("PNR", "PERINDKIALT_13"), "2015", "2020")
    _pick(resa, "BEF", "BEF", ("PNR", "KOEN", "ALDER"), "2015", "2015")
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
    shot(resa, "64-proposal-edit-registers")

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
    shot(owner, "65-proposal-quote")
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
    shot(chef, "66-approval-queue")
    row.locator("form.transition:has(input[value=approved]) button").click()
    expect(chef.locator(".flash.ok")).to_contain_text("Godkendt")
    chef.goto(f"/projects/{number}")
    expect(chef.locator("section#proposal")).to_contain_text("Godkendt af kontorchefen (CHEF).")
    _mail_to(smtp, "resa@demo.boa.example", f"Projekt {number}: godkendt")
