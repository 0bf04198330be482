"""The admin pages in a real browser: the journeys of issue 7 that exist so far."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot

expect = pytest.importorskip("playwright.sync_api").expect


def test_login_with_totp_shows_what_the_person_may_do(desk):
    page = desk.new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("h1")).to_have_text("Log ind")
    shot(page, "01-login")
    desk.log_in(page, "ADMN")
    expect(page.locator("h1")).to_have_text("Velkommen, Anders Administrator")
    session = next(c for c in page.context.cookies() if c["name"] == "boa_session")
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Lax"
    expect(page.locator("nav.side")).to_contain_text("Tilknyttede brugere")
    expect(page.locator("nav.side")).not_to_contain_text("Revisionslog")
    shot(page, "02-landing-administrator")
    desk.pages["ADMN"] = page


def test_lockout_tells_the_user_to_wait_30_minutes(desk):
    page = desk.new_page()
    for _ in range(5):
        page.goto("/login")
        page.fill("input[name=ident]", "QQQ")
        page.fill("input[name=pin]", "2580")
        page.click("form[action='/login'] button")
    expect(page.locator("main")).to_contain_text("Vent 30 minutter")


def test_administrator_associates_a_user_and_the_responsible_person_approves(desk):
    admin = desk.as_user("ADMN")
    admin.click("nav.side >> text=Tilknyttede brugere")
    expect(admin.locator("h1")).to_have_text("Tilknyttede brugere")
    admin.fill("form[action$='/associations'] input[name=ident]", "auan")
    admin.click("form[action$='/associations'] button")
    expect(admin.locator(".flash.ok")).to_contain_text("AUAN er tilknyttet og afventer godkendelse")
    expect(admin.locator("table")).to_contain_text("Arne Authority Analyst")
    expect(admin.get_by_role("button", name="Godkend")).to_have_count(0)

    resp = desk.as_user("RESP")
    resp.click("nav.side >> text=Anmodninger om tilknytning")
    row = resp.locator("tr", has_text="AUAN")
    shot(resp, "03-association-requests")
    row.get_by_role("button", name="Godkend").click()
    expect(resp.locator(".flash.ok")).to_have_text("Arne Authority Analyst (AUAN) er nu tilknyttet 101 Aarhus Research University.")
    expect(resp.locator("table")).not_to_contain_text("AUAN")

    admin.click("nav.side >> text=Tilknyttede brugere")
    admin.fill("input[name=q]", "AUAN")
    admin.click("form.search button")
    expect(admin.locator("table")).to_contain_text("Arne Authority Analyst")
    shot(admin, "04-associated-users")


def test_administrator_submits_a_proposal_from_the_institution_projects(desk):
    admin = desk.as_user("ADMN")
    admin.click("nav.side >> text=Projekter og projektforslag")
    row = admin.locator("tr", has_text="Health and income in Danish municipalities")
    expect(row).to_contain_text("Oprettet")
    shot(admin, "10-institution-projects")
    row.get_by_role("button", name="Send til Forskningsservice").click()
    expect(admin.locator(".flash.ok")).to_contain_text("er nu: Sendt til Forskningsservice.")
    admin.locator("tr", has_text="Health and income").get_by_role("link").first.click()
    expect(admin.locator("h1")).to_contain_text("Health and income in Danish municipalities")
    expect(admin.get_by_role("link", name="Godkend sletningen…")).to_be_visible()
    shot(admin, "11-project")
    admin.get_by_role("link", name="Godkend sletningen…").click()  # asks first; going back changes nothing
    expect(admin.locator("h1")).to_contain_text("Godkend sletningen af projekt")
    shot(admin, "11b-approve-deletion-confirmation")
    admin.get_by_role("link", name="Behold projektet og gå tilbage").click()
    expect(admin.get_by_role("link", name="Godkend sletningen…")).to_be_visible()


def test_manager_creates_a_sub_project(desk):
    manager = desk.as_user("PDBM")
    manager.click("nav.side >> text=Projektdatabase")
    expect(manager.locator("h1")).to_have_text("Projektdatabase")
    manager.fill("input[name=title]", "Education and health (sub-project)")
    manager.check("input[name=datasets][value=BEF]")
    manager.check("input[name=datasets][value=LPR]")
    manager.click("text=Opret underprojektet")
    expect(manager.locator(".flash.ok")).to_contain_text(re.compile(r"Underprojekt 70\d{4} er oprettet."))
    expect(manager.locator("table.sub-projects")).to_contain_text("Education and health (sub-project)")
    shot(manager, "05-project-database")


def test_the_language_switch_changes_the_page(desk):
    page = desk.new_page()
    page.goto("/login")
    expect(page.locator("h1")).to_have_text("Log ind")
    page.click("form.language button[value=en]")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("main")).to_contain_text("Log in with your IDENT and PIN.")
    page.click("form.language button[value=da]")
    expect(page.locator("h1")).to_have_text("Log ind")


def test_staff_view_the_audit_log_and_verify_it(desk):
    staff = desk.as_user("STAF")
    expect(staff.locator("nav.side")).to_contain_text("Projektforslag hos Forskningsservice")
    staff.click("nav.side >> text=Projektforslag hos Forskningsservice")
    expect(staff.locator("table")).to_contain_text("Health and income in Danish municipalities")
    staff.click("nav.side >> text=Revisionslog")
    expect(staff.locator("table.audit")).to_contain_text("association.approved")
    staff.click("text=Kontrollér hashkæden")
    expect(staff.locator(".verify .flash.ok")).to_contain_text(re.compile(r"Kæden er intakt: \d+ rækker kontrolleret."))
    shot(staff, "06-audit-log")


def test_staff_see_the_report_chart(desk):
    staff = desk.as_user("STAF")
    staff.click("nav.side >> text=Aktive projekter pr. ordning")
    chart = staff.locator("svg.chart")
    expect(chart).to_be_visible()
    assert chart.locator("rect[fill]").count() >= 4
    expect(staff.locator("table")).to_contain_text("Forskerordningen")
    shot(staff, "07-report-active-projects")


def test_researcher_pages_in_english(desk):
    researcher = desk.as_user("RESA")
    researcher.click("form.language button[value=en]")
    researcher.click("nav.side >> text=My projects")
    expect(researcher.locator("h1")).to_have_text("My projects")
    expect(researcher.locator("table")).to_contain_text("The project is not approved.")
    shot(researcher, "08-my-projects-english")
    researcher.click("nav.side >> text=My token")
    expect(researcher.locator("h1")).to_have_text("My token")
    shot(researcher, "09-my-token-english")
