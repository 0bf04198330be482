"""A breach case in a real browser: Research Services register a breach against a researcher who
is signed in elsewhere; the researcher's next page load and next login are refused with the
reason; the responsible person submits the report and plan in the standard template; Research
Services judge it adequate, preview and prepare a severe sanction; the Director General decides it,
and the office sees the locks."""

from __future__ import annotations

import re

import pytest

from tests.browser.breaches import register_breach
from tests.browser.conftest import shot
from tests.helpers import DEMO_USERS

expect = pytest.importorskip("playwright.sync_api").expect

SUSPENDED = "Adgangen er suspenderet, indtil brudsagen er afgjort."


def test_a_breach_quarantines_the_researcher_until_the_sanction_is_decided(desk):
    # RESA is signed in before the breach is registered, in a browser context of her own.
    resa = desk.as_user("RESA")
    resa.click("nav.side >> text=Mine projekter")
    number = resa.locator("tr", has_text="Labour market careers").locator("td").first.inner_text().strip()
    assert re.fullmatch(r"\d+", number)

    # SANC registers the breach on the approved project through the page.
    sanc = desk.as_user("SANC")
    sanc.click("nav.side >> text=Brudsager")
    expect(sanc.locator("h1")).to_have_text("Brudsager")
    case_id = register_breach(sanc, "RESA", number, warning_ignored="yes", transfer_tool_used="no")
    expect(sanc.locator(".flash.ok")).to_have_text(
        f"Brudsag {case_id} er registreret; brugeren og projektet er suspenderet.")
    expect(sanc.locator("table.locks")).to_contain_text("Midlertidig suspension")

    # RESA's open session: the next page load is refused with the reason and the case.
    resa.reload()
    expect(resa.locator("h1")).to_have_text("Adgang nægtet")
    expect(resa.locator("ul.reasons")).to_contain_text(SUSPENDED)
    expect(resa.locator("ul.reasons")).to_contain_text(f"sag {case_id}")

    # A new login with the correct PIN and code is refused with the reason.
    fresh = desk.new_page()
    fresh.goto("/login")
    fresh.fill("input[name=ident]", "RESA")
    fresh.fill("input[name=pin]", DEMO_USERS["RESA"]["pin"])
    fresh.click("form[action='/login'] button")
    fresh.wait_for_url("**/login/code**")
    fresh.fill("input[name=code]", desk.code("RESA"))
    fresh.click("form[action='/login/code'] button")
    expect(fresh.locator("h1")).to_have_text("Adgang nægtet")
    expect(fresh.locator("main")).to_contain_text("Du kan ikke bruge BOA nu")
    expect(fresh.locator("ul.reasons")).to_contain_text(SUSPENDED)
    assert not any(c["name"] == "boa_session" for c in fresh.context.cookies())

    # RESP, responsible for authorisation at the institution, submits the report and plan.
    resp = desk.as_user("RESP")
    resp.click("nav.side >> text=Brudsager")
    resp.locator("tr", has_text="RESA").get_by_role("link", name=f"sag {case_id}").click()
    expect(resp.locator("h1")).to_contain_text(f"Brudsag {case_id}")
    resp.fill("textarea[name=report]", "The researcher copied a raw table instead of using the transfer tool.")
    resp.fill("textarea[name=scope]", "One table with 40 rows; deleted from the PC and the mailbox the same day.")
    resp.fill("textarea[name=current_rules]", "Every user takes the security course before access.")
    resp.fill("textarea[name=actions_taken]", "The head of department met the researcher on the day after.")
    resp.fill("textarea[name=user_consequences]", "The researcher retook the course.")
    resp.fill("textarea[name=plan]", "Everyone at the department retakes the security course this month.")
    resp.fill("input[name=measure_what_1]", "Two-person review of every transfer")
    resp.fill("input[name=measure_who_1]", "Head of department")
    resp.fill("input[name=measure_when_1]", "From 1 March")
    resp.fill("input[name=measure_target_group_1]", "All users of the department")
    shot(resp, "29-breach-report-template")
    resp.get_by_role("button", name="Indsend redegørelse og plan").click()
    expect(resp.locator(".flash.ok")).to_have_text("Redegørelsen og planen er sendt til Forskningsservice.")
    expect(resp.locator("#report")).to_contain_text("Redegørelse indsendt")

    # SANC judges the report adequate, previews a severe sanction, sees the locks it would create, and
    # prepares the case for the Director General.
    sanc.goto(f"/staff/breaches/{case_id}")
    expect(sanc.locator("#report")).to_contain_text("The researcher copied a raw table")
    expect(sanc.locator("table.measures")).to_contain_text("Two-person review of every transfer")
    sanc.get_by_role("button", name="Godkend redegørelsen").click()
    expect(sanc.locator(".flash.ok")).to_have_text("Redegørelsen er godkendt.")
    expect(sanc.locator(".stage")).to_have_text("Redegørelse tilstrækkelig; skal forelægges")
    sanc.select_option("form.preview-form select[name=severity]", "severe")
    sanc.get_by_role("button", name="Forhåndsvis sanktionen").click()
    preview = sanc.locator(".preview")
    expect(preview.locator("h3")).to_have_text("Forhåndsvisning: Alvorligt brud")
    expect(preview.locator("table.locks tbody tr")).to_have_count(2)
    expect(preview.locator(".termination")).to_be_visible()
    preview.scroll_into_view_if_needed()
    shot(sanc, "30-breach-case-preview")
    expect(preview.get_by_role("button", name="Afgør: Alvorligt brud")).to_have_count(0)  # not the preparer's
    preview.locator("input[name=conscious]").check()
    preview.locator("textarea[name=note]").fill("The transfer tool's warning was ignored; a raw table.")
    preview.get_by_role("button", name="Forelæg: Alvorligt brud").click()
    expect(sanc.locator(".flash.ok")).to_have_text("Sagen er forelagt bestyrelsen og rigsstatistikeren.")

    # The Director General reads the preparation, previews and decides.
    dirg = desk.as_user("DIRG")
    dirg.click("nav.side >> text=Brudsager")
    dirg.locator("tr", has_text="RESA").get_by_role("link", name=f"sag {case_id}").click()
    expect(dirg.locator(".preparation")).to_contain_text("The transfer tool's warning was ignored")
    dirg.select_option("form.preview-form select[name=severity]", "severe")
    dirg.get_by_role("button", name="Forhåndsvis sanktionen").click()
    decide = dirg.locator("form.decide")
    decide.locator("textarea[name=comment]").fill("A conscious transfer of microdata; the warning was ignored.")
    decide.locator("input[name=supervisory_board]").fill("Informed at its meeting.")
    shot(dirg, "30b-breach-case-decision")
    decide.get_by_role("button", name="Afgør: Alvorligt brud").click()
    expect(dirg.locator(".flash.ok")).to_contain_text("Sanktionen er afgjort: 2 spærringer")
    sanc.goto(f"/staff/breaches/{case_id}")
    expect(sanc.locator(".decision")).to_contain_text("Alvorligt brud")
    expect(sanc.locator(".decision")).to_contain_text("Dorthe Direktør")
    locks = sanc.locator("table.locks")
    expect(locks.locator("tr", has_text="I kraft")).to_have_count(2)
    expect(locks.locator("tr", has_text="Midlertidig suspension")).to_contain_text(["Ophævet eller udløbet"] * 2)
    shot(sanc, "31-breach-case")

    sanc.click("nav.side >> text=Aktive spærringer")
    expect(sanc.locator("h1")).to_have_text("Aktive spærringer")
    rows = sanc.locator("table.locks tbody tr", has_text=f"sag {case_id}")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Sanktion")
    expect(rows.first.get_by_role("link", name="Ophæv spærringen…")).to_be_visible()
    shot(sanc, "32-active-locks")

    # Lifting asks first: whom the lock closes, its case, what happens; a missing comment is shown in place.
    rows.first.get_by_role("link", name="Ophæv spærringen…").click()
    expect(sanc.locator("h1")).to_contain_text("Ophæv spærringen af")
    expect(sanc.locator(".confirm")).to_contain_text(f"sag {case_id}")
    sanc.fill("#lift-comment", " ")
    sanc.get_by_role("button", name="Ophæv spærringen").click()
    expect(sanc.locator("#error-summary")).to_be_visible()
    shot(sanc, "32b-lift-a-lock-confirmation")
    sanc.get_by_role("link", name="Behold den og gå tilbage").click()
    expect(sanc.locator("table.locks tbody tr", has_text=f"sag {case_id}")).to_have_count(2)  # nothing lifted
