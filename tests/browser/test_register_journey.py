"""The register catalogue in a real browser: a visitor without login searches it and opens a
register with its documentation links; Research Services add a register (a mistake shown with
what was typed), release it and close it after the confirmation."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_visitor_searches_the_catalogue_without_logging_in(desk):
    page = desk.new_page()
    page.goto("/registers")
    expect(page.locator("h1")).to_have_text("Dataindhold: registeroversigten")
    expect(page.locator("table.registers tbody tr")).to_have_count(31)
    page.fill("input[name=q]", "dødsårsag")
    page.press("input[name=q]", "Enter")  # a plain form: no JavaScript needed
    expect(page).to_have_url(re.compile(r"/registers\?q="))
    codes = page.locator("table.registers tbody td:first-child")
    expect(codes).to_have_text(["DODSAARS", "DODSAASG"])
    expect(page.locator("table.registers")).to_contain_text("1970–2001")
    page.fill("input[name=q]", "indkomst")
    page.press("input[name=q]", "Enter")
    expect(page.locator("table.registers")).to_contain_text("PERINDKIALT_13")
    shot(page, "40-register-catalogue")
    page.get_by_role("link", name="IND", exact=True).click()
    expect(page.locator("h1")).to_have_text("IND · Indkomst")
    link = page.get_by_role("link", name="Dokumentation af PERINDKIALT_13")
    expect(link).to_have_attribute("href", re.compile(r"^https://www\.dst\.dk/da/TilSalg/Forskningsservice/"
                                                      r"Dokumentation/hoejkvalitetsvariable/indkomst/perindkialt_13$"))
    page.click("button[lang=en]")
    expect(page.locator("h1")).to_have_text("IND · Income")
    expect(page.locator("table.variables")).to_contain_text("Total personal income")


def test_research_services_add_release_and_close_a_register(desk):
    staff = desk.as_user("STAF")
    staff.click("nav.side >> text=Vedligehold registeroversigten")
    expect(staff.locator("h1")).to_have_text("Vedligehold registeroversigten")
    form = staff.locator("section#add form")
    form.locator("input[name=code]").fill("SKOLETRIV")
    form.locator("input[name=name_da]").fill("Trivselsmålingen i folkeskolen")
    form.locator("input[name=name_en]").fill("Well-being survey in schools")
    form.locator("input[name=first_year]").fill("1815")
    form.locator("button").click()
    expect(staff.locator(".error-summary a[href='#field-first_year']")).to_contain_text("Det er ikke et muligt år")
    expect(staff.locator("section#add input[name=first_year]")).to_have_attribute("aria-invalid", "true")
    expect(staff.locator("section#add input[name=name_da]")).to_have_value("Trivselsmålingen i folkeskolen")
    staff.locator("section#add input[name=first_year]").fill("2015")
    staff.locator("section#add button").click()
    expect(staff).to_have_url(re.compile(r"/staff/registers/SKOLETRIV$"))
    expect(staff.locator(".flash.ok")).to_have_text("Register SKOLETRIV er tilføjet.")
    variable = staff.locator("section#variables form.grid")
    variable.locator("input[name=name]").fill("PNR")
    variable.locator("input[name=label_da]").fill("Personnummer (pseudonymiseret)")
    variable.locator("input[name=label_en]").fill("Personal identification number (pseudonymised)")
    variable.locator("input[name=key]").check()
    variable.locator("button").click()
    expect(staff.locator(".flash.ok")).to_have_text("Variabel PNR er tilføjet.")
    staff.click("text=Frigiv registret")
    expect(staff.locator(".flash.ok")).to_have_text("Register SKOLETRIV er frigivet.")
    staff.fill("section#close input[name=last_year]", "2024")
    shot(staff, "41-register-maintain")
    staff.click("section#close button")
    expect(staff.locator("h1")).to_have_text(
        "Luk SKOLETRIV (Trivselsmålingen i folkeskolen) med sidste år 2024?")
    shot(staff, "42-register-close-confirm")
    staff.click("button.danger >> text=Luk registret")
    expect(staff.locator(".flash.ok")).to_have_text("Register SKOLETRIV er lukket med sidste år 2024.")
    expect(staff.locator("section#close")).to_contain_text("Lukket med sidste år 2024.")
    staff.goto("/registers?q=trivsel")
    expect(staff.locator("table.registers tbody td:first-child")).to_have_text(["SKOLETRIV"])
    expect(staff.locator("table.registers")).to_contain_text("2015–2024")
