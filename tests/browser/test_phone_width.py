"""The pages on a 390 px phone and a 1280 px desktop (issue 18 item 5): every page of each demo
person's menu fits the screen (no sideways scrolling of the page: wide tables scroll inside their
own box), the menu is folded on the phone so the content starts at the top, and open on the
desktop. Screenshots 50-51."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
PHONE = {"width": 390, "height": 844}
PEOPLE = ("RESA", "STAF", "SANC", "RESP", "ADMN", "PDBM")


def _phone(desk, ident: str):  # type: ignore[no-untyped-def]
    context = desk.browser.new_context(viewport=PHONE, base_url=desk.base, locale="da-DK",
                                       timezone_id="Europe/Copenhagen", is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    desk.contexts.append(context)
    page = context.new_page()
    desk.log_in(page, ident)
    return page


@pytest.mark.parametrize("ident", PEOPLE)
def test_every_menu_page_fits_a_phone_and_starts_with_its_content(desk, ident):
    page = _phone(desk, ident)
    menu = page.locator("details.menu")
    expect(menu.locator("summary")).to_be_visible()
    assert not menu.evaluate("m => m.open"), "the menu should be folded on a phone"
    expect(page.locator("nav.side a").first).to_be_hidden()
    links = page.eval_on_selector_all("nav.side a", "links => links.map(a => a.getAttribute('href'))")
    assert links, "no menu"
    too_wide = []
    for href in dict.fromkeys(["/", *links]):
        page.goto(href)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append((href, width))
        top = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
        assert top < 260, f"{href}: the content starts {top:.0f} px down"
    assert too_wide == [], f"pages wider than the phone for {ident}: {too_wide}"
    if ident == "STAF":
        page.goto("/")
        shot(page, "50-phone-staff-home")
        page.click("details.menu summary")
        expect(page.locator("nav.side a").first).to_be_visible()
        shot(page, "51-phone-menu-open")


def test_the_menu_is_open_on_a_desktop(desk):
    page = desk.as_user("RESA")
    page.goto("/")
    expect(page.locator("nav.side a").first).to_be_visible()
    expect(page.locator("details.menu summary")).to_be_hidden()
