"""A new user's first minutes in Chromium: Research Services create the user on the staff page, the
activation mail's link opens the activation page, the PIN (a mismatch first, kept on the page),
SMS as the second factor with the code typed back, the login, and the home page's onboarding
checklist. Screenshots 16-19."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def test_a_new_user_activates_and_sees_what_is_missing(desk, boa_server):
    staff = desk.as_user("STAF")
    staff.goto("/staff/users")
    staff.fill("form[action='/staff/users'] input[name=name]", "Nora Ny")
    staff.fill("form[action='/staff/users'] input[name=email]", "nora@uni.example")
    staff.click("form[action='/staff/users'] button")
    staff.wait_for_load_state()

    deadline = time.monotonic() + 30  # the mail is delivered by the server's own worker
    mail = None
    while mail is None and time.monotonic() < deadline:
        mail = next((m for m in boa_server.outbox("mail") if m["to"] == "nora@uni.example"), None)
        time.sleep(0.3)
    assert mail is not None, "no activation mail"
    link = re.search(r"(/activate\?\S+)", mail["body"]).group(1)
    ident = re.search(r"ident=([A-Z]+)", link).group(1)

    page = desk.new_page()
    page.goto(link)
    assert page.locator("#pin-rules").is_visible()
    page.fill("input[name=pin]", "5831")
    page.fill("input[name=pin_again]", "5813")
    page.click("form[action='/activate'] button")
    assert page.locator("text=De to PIN-koder er ikke ens").is_visible()
    assert page.input_value("input[name=ident]") == ident  # what was typed is kept
    shot(page, "16-activation-pin")
    page.fill("input[name=pin]", "5831")
    page.fill("input[name=pin_again]", "5831")
    page.click("form[action='/activate'] button")
    assert page.locator("figure.qr-code svg").is_visible()
    shot(page, "17-activation-second-factor")

    page.fill("form[action='/activate/sms'] input[name=mobile]", "+45 20 30 40 59")
    page.click("form[action='/activate/sms'] button")
    sms = [m for m in boa_server.outbox("sms") if m["to"] == "+4520304059"][-1]
    page.fill("input[name=code]", re.search(r"\b(\d{6})\b", sms["text"]).group(1))
    page.click("form[action='/activate/confirm'] button")
    assert page.locator("text=Din adgang er aktiveret.").is_visible()
    shot(page, "18-activation-done")

    page.click("a.button.primary")
    page.fill("input[name=ident]", ident)
    page.fill("input[name=pin]", "5831")
    page.click("form[action='/login'] button")
    page.wait_for_url("**/login/code**")
    sms = [m for m in boa_server.outbox("sms") if m["to"] == "+4520304059"][-1]
    page.fill("input[name=code]", re.search(r"\b(\d{6})\b", sms["text"]).group(1))
    page.click("form[action='/login/code'] button")
    page.wait_for_url(desk.base + "/")
    checklist = page.locator("section.onboarding")
    assert checklist.is_visible()
    assert checklist.locator("li").count() == 3  # the user agreement, the certification, the association
    assert ident in checklist.inner_text()
    shot(page, "19-onboarding-checklist")
    # Project work answers with what is missing.
    page.goto("/me/transfers")
    assert page.locator("text=Adgang nægtet").is_visible()
