"""Errors in place in Chromium (issue 18 item 1): every form of :data:`tests.form_refusals.REFUSALS`
is filled in by its user with bad input and submitted (the browser's own checks switched off, as an
old browser or a pasted value would get past them). The same page comes back, 422, with the error
summary at the top linking to each failing field, each field marked with its message, everything
typed kept; in Danish, and the breach form in English too. Screenshots 70-73: the error summary on
the desktop and on a phone, Danish and English (axe-core checks each)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot
from tests.form_refusals import REFUSALS, Refusal, find, needed, where

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _submit(desk, case: Refusal):  # type: ignore[no-untyped-def]
    page = desk.as_user(case.who) if case.who else desk.new_page()
    found: dict[str, str] = {}
    for name in needed(case):
        who, path = where(name, found)
        finder = desk.as_user(who) if who else page
        finder.goto(path)
        found[name] = find(name, finder.content())
    url, action, choose = case.at(found)
    page.goto(url)
    first = next(iter(case.typed))
    form = page.locator(f"form[method={case.method}][action='{action}']") if case.method == "post" else \
        page.locator(f"form[method=get]:has([name={first}])")
    for name, value in case.typed.items():
        form.locator(f"[name={name}]").first.fill(value)
    for name, value in choose.items():
        field = form.locator(f"[name={name}]").first
        if field.evaluate("f => f.tagName") == "SELECT":
            field.select_option(value)
        else:
            form.locator(f"[name={name}][value='{value}']").check()
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation() as sent:
        form.locator("button").first.click()
    assert sent.value.status == 422, case.name
    return page, form


def _in_place(page, form, case: Refusal, title: str) -> None:  # type: ignore[no-untyped-def]
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("h2")).to_have_text(title)
    for name in case.marked:
        field = form.locator(f"[name={name}]").first
        expect(field).to_have_attribute("aria-invalid", "true")
        field_id = field.get_attribute("id")
        message = page.locator(f"[id='{field.get_attribute('aria-describedby')}']")
        expect(message).not_to_be_empty()
        expect(summary.locator(f"a[href='#{field_id}']")).to_contain_text(message.inner_text())
    for name, value in case.typed.items():
        expect(form.locator(f"[name={name}]").first).to_have_value(value)


@pytest.mark.parametrize("case", REFUSALS, ids=[c.name for c in REFUSALS])
def test_every_form_comes_back_in_place_with_what_was_typed(desk, case):
    page, form = _submit(desk, case)
    _in_place(page, form, case, "Der er et problem")
    expect(page).to_have_title(re.compile(r"^Fejl: "))


def test_the_error_summary_on_a_desktop_and_a_phone_in_both_languages(desk):
    case = next(c for c in REFUSALS if c.name == "breach registration")
    for lang, title, button in (("da", "Der er et problem", "Dansk"), ("en", "There is a problem", "English")):
        page = desk.as_user(case.who)
        page.set_viewport_size(DESKTOP)
        page.goto("/")
        page.get_by_role("button", name=button).click()
        page, form = _submit(desk, case)
        _in_place(page, form, case, title)
        shot(page, f"90-error-summary-{lang}")
        page.set_viewport_size(PHONE)
        shot(page, f"91-error-summary-phone-{lang}")
        # The summary's link takes the reader to the field.
        page.locator(".error-summary a").first.click()
        expect(page).to_have_url(re.compile(r"#field-occurred_at$"))
        page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Dansk").click()
