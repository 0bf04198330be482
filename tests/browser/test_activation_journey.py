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
expect = pytest.importorskip("playwright.sync_api").expect


def _wait_for_message(boa_server, box: str, to: str, after: int = 0) -> dict:  # type: ignore[no-untyped-def]
    """The newest message to ``to`` once there are more than ``after`` of them: the server's own
    worker delivers, so a message arrives a moment after the page answered."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        messages = [m for m in boa_server.outbox(box) if m["to"] == to]
        if len(messages) > after:
            return messages[-1]
        time.sleep(0.2)
    raise AssertionError(f"no {box} message to {to}")


def _count(boa_server, box: str, to: str) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for m in boa_server.outbox(box) if m["to"] == to)


def test_a_new_user_activates_and_sees_what_is_missing(desk, boa_server):
    staff = desk.as_user("STAF")
    staff.goto("/staff/users")
    staff.fill("form[action='/staff/users'] input[name=name]", "Nora Ny")
    staff.fill("form[action='/staff/users'] input[name=email]", "nora@uni.example")
    staff.click("form[action='/staff/users'] button")
    staff.wait_for_load_state()

    mail = _wait_for_message(boa_server, "mail", "nora@uni.example")
    link = re.search(r"(/activate\?\S+)", mail["body"]).group(1)
    ident = re.search(r"ident=([A-Z]+)", link).group(1)

    page = desk.new_page()
    page.goto(link)
    expect(page.locator("#pin-rules")).to_be_visible()
    page.fill("input[name=pin]", "5831")
    page.fill("input[name=pin_again]", "5813")
    page.click("form[action='/activate'] button")
    expect(page.locator("text=De to PIN-koder er ikke ens")).to_be_visible()
    assert page.input_value("input[name=ident]") == ident  # what was typed is kept
    shot(page, "16-activation-pin")
    page.fill("input[name=pin]", "5831")
    page.fill("input[name=pin_again]", "5831")
    page.click("form[action='/activate'] button")
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    shot(page, "17-activation-second-factor")

    page.fill("form[action='/activate/sms'] input[name=mobile]", "+45 20 30 40 59")
    page.click("form[action='/activate/sms'] button")
    sms = _wait_for_message(boa_server, "sms", "+4520304059")
    page.fill("input[name=code]", re.search(r"\b(\d{6})\b", sms["text"]).group(1))
    page.click("form[action='/activate/confirm'] button")
    expect(page.locator("text=Din adgang er aktiveret.")).to_be_visible()
    shot(page, "18-activation-done")

    page.click("a.button.primary")
    sent = _count(boa_server, "sms", "+4520304059")
    page.fill("input[name=ident]", ident)
    page.fill("input[name=pin]", "5831")
    page.click("form[action='/login'] button")
    page.wait_for_url("**/login/code**")
    sms = _wait_for_message(boa_server, "sms", "+4520304059", after=sent)
    page.fill("input[name=code]", re.search(r"\b(\d{6})\b", sms["text"]).group(1))
    page.click("form[action='/login/code'] button")
    page.wait_for_url(desk.base + "/")
    checklist = page.locator("section.onboarding")
    expect(checklist).to_be_visible()
    expect(checklist.locator("li")).to_have_count(3)  # the user agreement, the certification, the association
    assert ident in checklist.inner_text()
    shot(page, "19-onboarding-checklist")
    # Project work answers with what is missing.
    page.goto("/me/transfers")
    expect(page.locator("text=Adgang nægtet")).to_be_visible()
