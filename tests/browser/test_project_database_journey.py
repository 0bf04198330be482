"""A project database that changes and an authority scheme without a fixed period, in a real
browser (issue 16 items 4-6): Research Services add datasets by agreement, try to narrow away a
dataset a sub-project uses (the confirmation page names the sub-project and offers no button),
narrow an unused one after the confirmation, and move a dataset one sub-project alone uses to its
own order; the authority's administrator tells of changed needs and Research Services answer
with a new purpose version."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot

expect = pytest.importorskip("playwright.sync_api").expect


def test_research_services_change_the_datasets_of_a_project_database(desk):
    manager = desk.as_user("PDBM")
    manager.click("nav.side >> text=Projektdatabase")
    expect(manager.locator("h1")).to_have_text("Projektdatabase")
    url = manager.url
    expect(manager.locator("form#add-datasets")).to_have_count(0)  # a manager does not change the datasets

    staff = desk.as_user("STAF")
    staff.goto(url)
    add = staff.locator("form#add-datasets")
    add.locator("input[name=datasets]").fill("AKM FIRM")
    add.locator("textarea[name=agreement]").fill("Aftalt med projektdatabasegruppen 30/11")
    add.locator("button").click()
    expect(staff.locator(".flash.ok")).to_have_text("Tilføjet: AKM, FIRM (version 2).")
    expect(staff.locator("table.versions tbody tr").first).to_contain_text("Tilføjet: AKM, FIRM")

    narrow = staff.locator("form#narrow")
    narrow.locator("input[value=BEF]").check()
    narrow.locator("input[value=LPR]").check()
    narrow.locator("textarea[name=reason]").fill("Not used in proportion to its data")
    narrow.locator("button").click()
    expect(staff.locator("h1")).to_have_text("Fjern BEF, LPR fra projektdatabasen?")
    expect(staff.locator("[role=alert]")).to_contain_text("Underprojekter bruger et datasæt")
    expect(staff.locator("table.affected")).to_contain_text("Education and employment (sub-project)")
    expect(staff.locator(".users")).to_have_text("PDBM, RESB")
    expect(staff.locator("button.danger")).to_have_count(0)
    shot(staff, "60-project-database-narrow-refused")

    staff.goto(url)
    narrow = staff.locator("form#narrow")
    narrow.locator("input[value=LPR]").check()
    narrow.locator("textarea[name=reason]").fill("Not used in proportion to its data")
    narrow.locator("button").click()
    expect(staff.locator("h1")).to_have_text("Fjern LPR fra projektdatabasen?")
    expect(staff.locator("section.card")).to_contain_text("Intet aktivt underprojekt bruger dem.")
    shot(staff, "61-project-database-narrow-confirm")
    staff.click("button.danger >> text=Fjern datasættene")
    expect(staff.locator(".flash.ok")).to_have_text("Fjernet: LPR (version 3).")

    row = staff.locator("table.datasets tr", has_text="IDAP")
    row.locator("input[name=reason]").fill("Only the education sub-project uses it")
    row.locator("button").click()
    expect(staff.locator(".flash.ok")).to_have_text("IDAP er flyttet til underprojektets egen bestilling.")
    expect(staff.locator("table.versions tbody tr").first).to_contain_text(re.compile(r"Flyttet til 70\d{4}s egen"))
    expect(staff.locator("table.datasets")).not_to_contain_text("IDAP")
    shot(staff, "62-project-database-datasets-and-versions")


def test_the_authority_tells_of_changed_needs_and_a_new_purpose_version_follows(desk):
    admin = desk.as_user("AUAD")
    admin.click("nav.side >> text=Myndighedsordningen")
    expect(admin.locator("h1")).to_have_text("Myndighedsordningen")
    expect(admin.locator("dd.agreement")).to_have_text("Aktiv")
    admin.locator("form#tell-need textarea").fill("Vi analyserer nu også uddannelse og har brug for UDDA.")
    admin.locator("form#tell-need button").click()
    expect(admin.locator(".flash.ok")).to_have_text("Forskningsservice er orienteret om de ændrede behov.")
    expect(admin.locator("ul.needs")).to_contain_text("venter på en ny version")
    url = admin.url

    staff = desk.as_user("STAF")
    staff.goto(url)
    form = staff.locator("form#new-purpose")
    form.locator("input[name=topics]").fill("social services, housing, education")
    form.locator("input[name=registers]").fill("BEF BOL DREAM UDDA")
    form.locator("button").click()
    expect(staff.locator(".flash.ok")).to_have_text("Formålsbeskrivelse version 2.")
    expect(staff.locator("ul.needs")).to_contain_text("besvaret af version 2")
    expect(staff.locator("table.purposes tbody tr").first).to_contain_text("2 (gældende)")
    shot(staff, "63-authority-scheme")
    staff.click("button[lang=en]")
    expect(staff.locator("p.hint")).to_contain_text("No fixed period: access lasts while the agreement is active.")
    staff.locator("form#agreement input[name=reason]").fill("The authority ended the agreement")
    staff.click("form#agreement >> text=Terminate the agreement")
    expect(staff.locator(".flash.ok")).to_have_text("The agreement is now: Terminated.")
    expect(staff.locator("dd.agreement")).to_have_text("Terminated")
    expect(staff.locator("form#agreement")).to_have_count(0)
