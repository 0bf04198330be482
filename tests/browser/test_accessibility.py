"""WCAG 2.1 AA on every page (issue 18 item 8): axe-core in Chromium on every page of each demo
person's menu (and the public pages), at 1280 px and on a 390 px phone, in Danish and English:
no serious or critical violation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PEOPLE = ("RESA", "STAF", "SANC", "RESP", "ADMN", "PDBM", "DIRG")
PUBLIC = ("/login", "/registers", "/accessibility")


def _menu(page) -> list[str]:  # type: ignore[no-untyped-def]
    links = page.eval_on_selector_all("nav.side a", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(["/", *links]))


@pytest.mark.parametrize("ident", PEOPLE)
def test_every_menu_page_passes_axe_on_a_desktop_and_a_phone_in_both_languages(desk, ident):
    page = desk.as_user(ident)
    found: dict[str, list[str]] = {}
    for lang, width in (("da", 1280), ("en", 390)):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto("/")
        page.click(f"form.language button[value={lang}]")
        for href in _menu(page):
            page.goto(href)
            for problem in axe_violations(page):
                found.setdefault(problem, []).append(f"{href} ({lang}, {width} px)")
    page.goto("/")
    page.click("form.language button[value=da]")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert found == {}, "\n".join(f"{p}: {', '.join(where[:4])}" for p, where in found.items())


def test_the_public_pages_pass_axe(desk):
    page = desk.new_page()
    found = {href: axe_violations(page) for href in PUBLIC if page.goto(href) is not None}
    assert {href: v for href, v in found.items() if v} == {}


def _tab_to(page, selector: str, most: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Presses Tab until the element ``selector`` has the focus, as a keyboard user moves; fails if
    it cannot be reached (a trap or an element out of the tab order)."""
    target = page.locator(selector).first
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            visible = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert visible != "none", f"{selector} has the focus but shows no outline"
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_login_and_a_transfer_with_the_keyboard_alone(desk):
    """No click: Tab, typing, Space and Enter, from the login to the transferred file in the portal."""
    import pyotp

    from tests.browser.conftest import DEMO_USERS

    page = desk.new_page()
    page.goto("/login")
    _tab_to(page, "input[name=ident]")
    page.keyboard.type("RESB")
    _tab_to(page, "input[name=pin]")
    page.keyboard.type(DEMO_USERS["RESB"]["pin"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/code**")
    _tab_to(page, "input[name=code]")
    page.keyboard.type(pyotp.TOTP(DEMO_USERS["RESB"]["totp_secret"]).now())
    page.keyboard.press("Enter")
    page.wait_for_url(desk.base + "/")

    _tab_to(page, "nav.side a[href='/me/transfers']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/transfers")
    _tab_to(page, "form.upload input[name=files]:not([webkitdirectory])")
    # The file dialog is the system's, not the page's: the file goes into the input the keyboard
    # reached, as the dialog would put it there (Space opening the dialog is the browser's own).
    page.locator(":focus").set_input_files(files=[{"name": "tastatur.txt", "mimeType": "text/plain",
                                                   "buffer": b"kommune;antal\n101;120\n102;400\n"}])
    _tab_to(page, "form.upload button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/transfers/*")
    _tab_to(page, "input[name=approve]")
    page.keyboard.press("Space")
    assert page.locator("input[name=approve]").is_checked()
    _tab_to(page, "button.primary")
    page.keyboard.press("Enter")
    page.wait_for_url("**/results")
    assert "tastatur.txt" in page.locator("table.results").inner_text()
    assert axe_violations(page) == []
