"""Commissioned statistics in a real browser: a customer requests tables, Research Services clarify
and quote, the customer accepts in writing, the office is stopped without the contract a service
above DKK 25,000 needs, records it, produces and delivers a protected table; the customer sees the
delivery and the invoice, in Danish and in English, and downloads the workbook (no suppressed count
in it). A person without a BOA user asks through the public form and follows the commission through
the link mailed to them."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot
from tests.browser.test_activation_journey import _wait_for_message
from tests.commission_helpers import xlsx_rows

expect = pytest.importorskip("playwright.sync_api").expect

TABLE = "kommune;antal\n101;12\n147;2\n151;25\n"


def test_a_commission_from_request_to_invoice(desk):
    customer = desk.as_user("RESA")
    customer.click("nav.side >> text=Bestilte statistikker")
    expect(customer.locator("h1")).to_have_text("Bestilte statistikker")
    form = customer.locator("section#request form")
    form.locator("input[name=title]").fill("Borgere pr. kommune")
    form.locator("textarea[name=description]").fill("Antal borgere pr. kommune, 2024.")
    form.locator("input[name=register]").fill("BEF")
    form.locator("input[name=variables]").fill("KOEN ALDER")
    form.locator("input[name=periods]").fill("2024")
    form.locator("button").click()
    expect(customer).to_have_url(re.compile(r"/commissions/\d+$"))
    url = customer.url
    expect(customer.locator("#state")).to_have_text("Indsendt")

    staff = desk.as_user("STAF")
    staff.goto("/commissions")
    staff.get_by_role("link", name="Borgere pr. kommune").first.click()
    staff.locator("section#clarification input[name=consultant]").fill("STAF")
    staff.locator("section#clarification input[name=data_available]").check()
    staff.locator("section#clarification button").click()
    expect(staff.locator("#state")).to_have_text("Under afklaring")
    quotation = staff.locator("section#quotation form")
    quotation.locator("select[name=kind]").select_option("fixed_price")
    quotation.locator("input[name=hours]").fill("20")
    quotation.locator("textarea[name=tables]").fill("Borgere pr. kommune og køn")
    quotation.locator("button").click()
    expect(staff.locator("section#quotations")).to_contain_text("DKK 29520.00")

    customer.goto(url)
    expect(customer.locator("section#quotations")).to_contain_text("DKK 36900.00")  # incl. VAT
    customer.locator("textarea[name=statement]").fill("Vi accepterer tilbud 1. Rikke")
    customer.get_by_role("button", name="Accepter tilbuddet skriftligt").click()
    expect(customer.locator("#state")).to_have_text("Bestilt")

    staff.goto(url)
    expect(staff.locator("section#contract")).to_contain_text("Der kræves en kontrakt")
    staff.get_by_role("button", name="Start produktionen").click()
    expect(staff.locator(".error-summary")).to_be_visible()  # refused in place: no contract yet
    staff.locator("section#contract input[name=reference]").fill("K-2026-3")
    staff.get_by_role("button", name="Registrer den underskrevne kontrakt").click()
    staff.get_by_role("button", name="Start produktionen").click()
    expect(staff.locator("#state")).to_have_text("I produktion")
    delivery = staff.locator("section#delivery form")
    delivery.locator("input[name=name]").fill("borgere")
    delivery.locator("input[name=count]").fill("antal")
    delivery.locator("textarea[name=content]").fill(TABLE)
    delivery.locator("textarea[name=documentation]").fill("BEF 2024, hele befolkningen.")
    delivery.locator("button").click()
    expect(staff.locator("#state")).to_have_text("Leveret")
    shot(staff, "60-commission-office")

    customer.goto(url)
    expect(customer.locator("section#deliveries")).to_contain_text("borgere")
    expect(customer.locator("section#invoices")).to_contain_text("DKK 29520.00 ekskl. moms")
    shot(customer, "61-commission-customer")
    expect(customer.locator("section#deliveries .terms")).to_contain_text("må ikke gives videre til tredjepart")
    with customer.expect_download() as got:
        customer.get_by_role("link", name="borgere.xlsx").click()
    download = got.value
    assert download.suggested_filename == "borgere.xlsx"
    rows = xlsx_rows(open(download.path(), "rb").read())  # noqa: SIM115 (Playwright's temporary file)
    assert rows[0] == ("kommune", "antal") and ("147", "..") in rows and ("101", "..") in rows
    assert not any(value == 2 for _, value in rows[1:])
    customer.click("button[lang=en]")
    expect(customer.locator("#state")).to_have_text("Delivered")
    expect(customer.locator("section#invoices")).to_contain_text("DKK 29520.00 excl. VAT")


def test_a_person_without_a_user_requests_and_follows_the_link(desk, boa_server):
    guest = desk.new_page()
    guest.goto("/commission-request")
    expect(guest.locator("h1")).to_have_text("Bed om et tilbud")
    form = guest.locator("section#request form")
    form.locator("input[name=name]").fill("Gitte Gæst")
    form.locator("input[name=contact_email]").fill("gitte@kommune.example")
    form.locator("input[name=title]").fill("Ledige pr. kommune")
    form.locator("textarea[name=description]").fill("Ledige pr. kommune, 2024.")
    form.locator("input[name=register]").fill("BEF")
    form.locator("input[name=variables]").fill("KOEN")
    form.locator("button").click()
    expect(guest.locator("#sent")).to_contain_text("gitte@kommune.example")

    mail = _wait_for_message(boa_server, "mail", "gitte@kommune.example")
    link = re.search(r"http://[^/]+(/follow/\d+/\S+)", mail["body"]).group(1)
    guest.goto(link)
    guest.get_by_role("button", name="Bekræft min forespørgsel").click()
    expect(guest.locator(".flash")).to_be_visible()
    expect(guest.locator("#state")).to_have_text("Indsendt")

    staff = desk.as_user("STAF")
    staff.goto("/commissions")
    staff.get_by_role("link", name="Ledige pr. kommune").first.click()
    expect(staff.locator("#guest")).to_contain_text("Gitte Gæst (gitte@kommune.example), uden BOA-bruger")
    staff.locator("section#clarification input[name=consultant]").fill("STAF")
    staff.locator("section#clarification button").click()
    quotation = staff.locator("section#quotation form")
    quotation.locator("select[name=kind]").select_option("fixed_price")
    quotation.locator("input[name=hours]").fill("4")
    quotation.locator("textarea[name=tables]").fill("Ledige pr. kommune")
    quotation.locator("button").click()
    expect(staff.locator("#state")).to_have_text("Tilbud givet")

    guest.goto(link)
    expect(guest.locator("section#quotations")).to_contain_text("DKK 7380.00")  # 4 h incl. VAT
    guest.locator("textarea[name=statement]").fill("Vi accepterer tilbud 1. Gitte Gæst")
    guest.get_by_role("button", name="Accepter tilbuddet skriftligt").click()
    expect(guest.locator("#state")).to_have_text("Bestilt")
    shot(guest, "62-commission-guest")
