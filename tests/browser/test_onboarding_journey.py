"""The onboarding in a real browser: a new user (activated, with an authenticator app, nothing else
done) logs in, reads and accepts the user agreement, fails the certification by one answer, then
passes it."""

from __future__ import annotations

import re
import subprocess
import sys

import pyotp
import pytest

from boa.people import certification_rules as rules
from tests.browser.conftest import ROOT, SERVER_ENVIRONMENTS, shot
from tests.onboarding_helpers import PIN

expect = pytest.importorskip("playwright.sync_api").expect
IDENT = "NYBR"


def _log_in(page, secret: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=ident]", IDENT)
    page.fill("input[name=pin]", PIN)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/login/code**")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("form[action='/login/code'] button")
    expect(page.locator("h1")).to_have_text(f"Velkommen, New {IDENT}")


def _answer(page, wrong: int) -> None:  # type: ignore[no-untyped-def]
    """Ticks the right option of every question but the first ``wrong`` ones."""
    right = {q.id: q.answer for q in rules.bank().questions}
    ids = [i.removeprefix("question-") for i in page.eval_on_selector_all("fieldset.question", "els => els.map(e => e.id)")]
    assert len(ids) == 10
    for n, qid in enumerate(ids):
        options = page.eval_on_selector_all(f"#question-{qid} input[type=radio]", "els => els.map(e => e.value)")
        choice = right[qid] if n >= wrong else next(o for o in options if o != right[qid])
        page.check(f"#question-{qid} input[value='{choice}']")


def test_a_new_user_accepts_the_agreement_fails_then_passes_the_certification(desk):
    secret = pyotp.random_base32()
    subprocess.run([sys.executable, "-m", "tests.browser.newcomer", IDENT, secret], cwd=ROOT, check=True,
                   env=SERVER_ENVIRONMENTS[desk.base], capture_output=True, timeout=120)
    page = desk.new_page()
    _log_in(page, secret)
    expect(page.locator("section.onboarding")).to_contain_text("Læs og acceptér brugeraftalen")

    page.click("nav.side >> text=Brugeraftale")
    expect(page.locator("h1")).to_have_text("Brugeraftale")
    expect(page.locator("section.card h2")).to_have_text("Brugeraftale for adgang til mikrodata")
    expect(page.locator(".agreement-text")).to_contain_text("Aldrig at hjemtage mikrodata")
    shot(page, "20-user-agreement")
    page.click("text=Jeg accepterer brugeraftalen, version 1")
    expect(page.locator("p.flash[role=status]")).to_have_text("Du har accepteret brugeraftalen.")
    expect(page.locator("main")).to_contain_text("Du accepterede version 1")

    page.click("nav.side >> text=Sikkerhedscertificering")
    expect(page.locator("main")).to_contain_text("3 af 3")
    page.click("text=Start testen")
    expect(page).to_have_url(re.compile(r"/me/certification/\d+$"))
    expect(page.locator("fieldset.question")).to_have_count(10)
    _answer(page, wrong=1)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "21-certification-attempt")
    page.click("text=Indsend svarene")
    expect(page.locator("main .flash").first).to_contain_text("Ikke bestået: 9 af 10 svar rigtige.")
    expect(page.locator("dl.facts")).to_contain_text("2 af 3")
    shot(page, "22-certification-failed")

    page.click("text=Start testen")
    expect(page.locator("fieldset.question")).to_have_count(10)
    _answer(page, wrong=0)
    page.click("text=Indsend svarene")
    expect(page.locator("main .flash").first).to_contain_text("Bestået: 10 af 10 svar rigtige.")
    expect(page.locator("main")).to_contain_text("Du kan forny din certificering fra")
    expect(page.get_by_role("button", name="Start testen")).to_have_count(0)
    shot(page, "23-certification-passed")
