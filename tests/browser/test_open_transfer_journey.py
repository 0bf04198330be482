"""An open transfer in a real browser, on a 1280 px desktop in Danish and a 390 px phone in English
(issue 18 item 7): the allowed file types are listed before the upload and the file picker offers
only them; a transfer whose files were all rejected says so, with no word of files checked and
waiting for approval, and is discarded after a confirmation page; a forgotten file is added and
checked; a file is taken out again. Screenshots 70-74; 75 is a confirmation page (ending an
association) on a phone in English."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

TABLE = b"kommune;antal\n101;12\n102;40\n103;37\n"

# What the researcher reads, in each language.
WORDS = {
    "da": {
        "menu": "Overfør resultater", "types": "Tilladte filtyper:", "upload": "Upload og kontrollér",
        "all_rejected": "Filer modtaget: 2. Ingen af dem kan overføres: alle filer blev afvist.",
        "nothing": "Intet at overføre", "discard": "Kassér overførslen",
        "discarded": re.compile(r"Din overførsel til projekt \d+ .+ er kasseret; ingen af dens filer blev overført\."),
        "received": "Filer modtaget og kontrolleret: 1.", "add": "Tilføj og kontrollér",
        "added": re.compile(r"Tilføjet til din overførsel til projekt \d+ .+ og kontrolleret: glemt\.tab\."),
        "remove": "Fjern antal.tab fra denne overførsel",
        "removed": re.compile(r"antal\.tab er fjernet fra din overførsel til projekt \d+ .+\."),
        "contradictions": ("modtaget og kontrolleret", "Venter på din godkendelse", "de andre filer kan overføres"),
        "checking": re.compile(r"(Filer modtaget: \d+|Tilføjet til .+: .+)\. De bliver kontrolleret\."),
        "verifying": "Bliver kontrolleret",
    },
    "en": {
        "menu": "Transfer results", "types": "Allowed file types:", "upload": "Upload and check",
        "all_rejected": "Files received: 2. None of them can be transferred: every file was rejected.",
        "nothing": "Nothing to transfer", "discard": "Discard the transfer",
        "discarded": re.compile(r"Your transfer to project \d+ .+ is discarded; none of its files was transferred\."),
        "received": "Files received and checked: 1.", "add": "Add and check",
        "added": re.compile(r"Added to your transfer to project \d+ .+ and checked: glemt\.tab\."),
        "remove": "Remove antal.tab from this transfer",
        "removed": re.compile(r"antal\.tab is removed from your transfer to project \d+ .+\."),
        "contradictions": ("received and checked", "Waiting for your approval", "the other files can be"),
        "checking": re.compile(r"(Files received: \d+|Added to .+: .+)\. They are being checked\."),
        "verifying": "Being checked",
    },
}
SCREENS = [(1280, "da", "desktop"), (390, "en", "phone-english")]


def _page(desk, width: int, ident: str = "RESA"):  # type: ignore[no-untyped-def]
    if width == 1280:
        return desk.as_user(ident)
    context = desk.browser.new_context(viewport={"width": width, "height": 844}, base_url=desk.base,
                                       locale="en-GB", timezone_id="Europe/Copenhagen", is_mobile=True,
                                       has_touch=True)
    context.set_default_timeout(15_000)
    desk.contexts.append(context)
    page = context.new_page()
    desk.log_in(page, ident)
    return page


def _fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} is wider than {width} px"


def _send(page, w: dict, button: str, message: str | re.Pattern[str]) -> None:  # type: ignore[no-untyped-def]
    """Uploads or adds files and reads the message: the verdicts at once, or, on a busy machine,
    'being checked', and the page reloads itself until every verdict is in (it may already have
    reloaded, without the message, when it is read)."""
    with page.expect_navigation():
        page.click(f"text={button}")
    flashes = [t.strip() for t in page.locator(".flash.ok").all_inner_texts()]
    if flashes and not w["checking"].fullmatch(flashes[0]):
        expect(page.locator(".flash.ok")).to_have_text(message)
    expect(page.locator("dl.facts")).not_to_contain_text(w["verifying"], timeout=120_000)


def _choose(page, scope: str, files: list[tuple[str, bytes]]) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"{scope} input[name=files]:not([webkitdirectory])").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data} for name, data in files])


@pytest.mark.parametrize(("width", "lang", "label"), SCREENS)
def test_an_open_transfer_says_what_it_holds_and_changes_before_it_goes(desk, width, lang, label):
    w = WORDS[lang]
    page = _page(desk, width)
    page.goto("/me/transfers")
    page.click(f"form.language button[value={lang}]")
    expect(page.locator("h1")).to_have_text(w["menu"])

    # The allowed types are said before the file pickers, and the picker offers only them.
    hint = page.locator("#upload-types")
    expect(hint).to_contain_text(w["types"])
    expect(hint).to_contain_text("xlsx")
    picker = page.locator("form.upload input[name=files]:not([webkitdirectory])")
    accept = picker.get_attribute("accept") or ""
    assert {".xlsx", ".pdf", ".txt", ".sas7bdat"} <= set(accept.split(",")) and ".exe" not in accept
    assert hint.evaluate("(h, p) => !!(h.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING)",
                         picker.element_handle())
    _fits(page, width)
    shot(page, f"80-transfer-types-{label}")

    # Every file rejected: the page says so and nothing that contradicts it.
    _choose(page, "form.upload", [("program.exe", b"MZ\x90\x00"), ("tom.txt", b"")])
    _send(page, w, w["upload"], re.compile(re.escape(w["all_rejected"])))
    expect(page).to_have_url(re.compile(r"/me/transfers/\d+$"))
    rejected_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("section.nothing h2")).to_have_text(w["nothing"])
    expect(page.locator("dl.facts")).to_contain_text(w["nothing"])
    main = page.locator("main").inner_text()
    for words in w["contradictions"]:
        assert words not in main, f"the all-rejected transfer says {words!r}"
    _fits(page, width)
    shot(page, f"81-transfer-all-rejected-{label}")

    # Discarded after a confirmation page that names it and says what happens.
    page.click(f"a.button >> text={w['discard']}")
    expect(page).to_have_url(re.compile(rf"/me/transfers/{rejected_id}/discard$"))
    expect(page.locator("h1")).to_contain_text(rejected_id)
    expect(page.locator("main")).to_contain_text("program.exe")
    _fits(page, width)
    shot(page, f"82-transfer-discard-confirmation-{label}")
    page.click(f"button.danger >> text={w['discard']}")
    expect(page).to_have_url(re.compile(r"/me/transfers$"))
    expect(page.locator(".flash.ok")).to_have_text(w["discarded"])
    expect(page.locator(f"a[href='/me/transfers/{rejected_id}']")).to_have_count(0)

    # A forgotten file is added to an open transfer and checked; another is taken out.
    _choose(page, "form.upload", [("antal.tab", TABLE)])
    _send(page, w, w["upload"], w["received"])
    expect(page.locator("#add-types")).to_contain_text(w["types"])
    _choose(page, "section#add", [("glemt.tab", TABLE + b"104;55\n")])
    _send(page, w, w["add"], w["added"])
    expect(page.locator("section.file h3.file-name")).to_have_text(["antal.tab", "glemt.tab"])
    _fits(page, width)
    shot(page, f"83-transfer-file-added-{label}")
    page.click(f"button >> text={w['remove']}")
    expect(page.locator(".flash.ok")).to_have_text(w["removed"])
    expect(page.locator("section.file h3.file-name")).to_have_text(["glemt.tab"])
    _fits(page, width)
    shot(page, f"84-transfer-file-removed-{label}")
    if lang != "da":
        page.click("form.language button[value=da]")  # the person's language as the other journeys expect it


def test_a_confirmation_page_on_a_phone_in_english(desk):
    """Issue 18's screenshots: a confirmation page (ending an association) at 390 px, in English."""
    page = _page(desk, 390, "RESP")
    page.click("form.language button[value=en]")
    page.click("details.menu summary")
    page.click("nav.side >> text=Associated users")
    row = page.locator("tr", has_text="RESB")
    row.get_by_role("link", name=re.compile("End the association")).click()
    expect(page.locator("h1")).to_have_text(
        re.compile(r"^End .+ \(RESB\)'s association with 101 Aarhus Research University\?$"))
    _fits(page, 390)
    shot(page, "85-association-end-confirmation-phone-english")
    page.get_by_role("link", name=re.compile("Keep it and go back")).click()
    expect(page.locator("tr", has_text="RESB")).to_be_visible()
    page.click("form.language button[value=da]")
