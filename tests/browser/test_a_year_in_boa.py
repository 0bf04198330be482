"""A year in BOA through the pages in Chromium: the twin of tests/life/test_a_year_in_boa.py (issue
14 item 8), lived as the people live it, from an empty database (migrations only, no demo data).

The clock must move in the server, so the server runs in this process: uvicorn with
``create_app()`` in a thread of its own, on a free port, on a fresh database (a SQLite file, or
with ``BOA_TEST_DATABASE_URL`` at PostgreSQL a database of its own, ``<test database>_year``).
Mail goes through a real SMTP server (aiosmtpd) and SMS through a real local HTTP gateway; the
test runs the worker's delivery and reminders itself (on the server's event loop) after moving
the clock, as the API twin does.

The first Research Services member is made with the CLI; every other step is a page: staff create
the institution, its people and its agreement; the responsible person assigns the administrator
and the signatory; the administrator requests a user; staff approve; the mail's link, the PIN (a
mismatch first, what was typed kept), SMS as the second factor, the login with a code by SMS, the
onboarding checklist, the user agreement, three failed certification attempts and the fourth
refused for the day, a pass the next day, the association asked and approved, the proposal moved
to approval, research access on "My projects". +11 months: the reminder arrives once. +12 months:
the home page tells that the certification has expired while the portal opens; a renewal on the
certification page restores access. At the end the office and the responsible person open the
project's access history, which shows exactly the year's intervals. Screenshots 24-29, 70-74."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from admin_ui.templating import day_text
from boa.kernel import clock
from boa.kernel.jobs import run_delivery, run_reminders
from boa.kernel.settings import get_settings
from boa.people import certification_rules as rules
from tests.browser.conftest import ROOT, Desk, shot
from tests.helpers import fresh_pg_database

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
uvicorn = pytest.importorskip("uvicorn")

PIN = "5831"
RIGHT = {q.id: q.answer for q in rules.bank().questions}


# -- the server, in this process ---------------------------------------------------------------

class InProcessServer:
    """uvicorn serving ``create_app()`` on its own event loop in a thread of this process, so that
    :func:`clock.travel` moves the server's clock; :meth:`call` runs a coroutine of the engine on
    the server's loop (asyncpg's connections belong to the loop that made them)."""

    def __init__(self) -> None:
        from boa.app import create_app

        self.app = create_app()
        self.config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(self.config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._serve(),),
                                       name="boa-year-server", daemon=True)

    async def _serve(self) -> None:
        try:
            await self.server.serve()
        finally:
            await self.app.state.boa_engine.dispose()

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process BOA server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def call(self, job):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(job(self.app.state.boa_engine), self.loop).result(120)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.loop.close()


@pytest.fixture
def year_server(smtp, sms_gateway, monkeypatch, tmp_path):
    """A fresh, migrated database (``boa db upgrade``, as an operator) and the server on it."""
    test_url = os.environ.get("BOA_TEST_DATABASE_URL", "")
    postgres = test_url.startswith("postgresql")

    def pg_database(create: bool) -> str:
        # Playwright's sync API holds this thread's event loop: the database is made in a thread of its own.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, fresh_pg_database(test_url, "_year", create=create)).result(120)

    url = pg_database(create=True) if postgres else f"sqlite+aiosqlite:///{tmp_path / 'year.sqlite3'}"
    monkeypatch.setenv("BOA_DATABASE_URL", url)
    monkeypatch.setenv("BOA_COOKIE_SECURE", "true")  # Chromium keeps Secure cookies on 127.0.0.1
    monkeypatch.setenv("BOA_WORKER_IN_PROCESS", "false")  # the test runs the jobs after moving the clock
    get_settings.cache_clear()
    run = subprocess.run([sys.executable, "-m", "boa.cli", "db", "upgrade"], cwd=ROOT, env=dict(os.environ),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    clock.reset()
    server = InProcessServer()
    base = server.start()
    try:
        yield server, base
    finally:
        server.stop()
        clock.reset()
        get_settings.cache_clear()
        if postgres:
            pg_database(create=False)


# -- the people --------------------------------------------------------------------------------

class Year(Desk):
    """The browser's people (each a context of its own, as :class:`Desk`) and what the test sees of
    BOA's peers: the SMTP server's inbox and the SMS gateway."""

    def __init__(self, browser, server: InProcessServer, base: str, inbox, gateway) -> None:
        super().__init__(browser, base)
        self.server, self.inbox, self.gateway = server, inbox, gateway

    def deliver(self) -> None:
        """The worker's delivery round: the outbox's mail to the SMTP server."""
        self.server.call(run_delivery)

    def mail_to(self, address: str, subject: str) -> str:
        self.deliver()
        for message in reversed(self.inbox.messages):
            if address in message["X-Rcpt"] and subject in message["Subject"]:
                return message.get_content()
        raise AssertionError(f"no mail to {address} about {subject!r}: "
                             f"{[(m['X-Rcpt'], m['Subject']) for m in self.inbox.messages]}")

    def sms_code(self, number: str, after: int) -> str:
        """The code of the SMS to ``number`` once more than ``after`` have arrived at the gateway."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            messages = [m for m in list(self.gateway.messages) if m["to"] == number]
            if len(messages) > after:
                return re.search(r"\b(\d{6})\b", messages[-1]["text"]).group(1)
            time.sleep(0.1)
        raise AssertionError(f"no SMS to {number}")

    def sms_count(self, number: str) -> int:
        return sum(1 for m in list(self.gateway.messages) if m["to"] == number)


class Person:
    """One person at one browser: activates from the mail's link, signs in with a code by SMS."""

    def __init__(self, year: Year, name: str, email: str, mobile: str) -> None:
        self.year, self.name, self.email, self.mobile = year, name, email, mobile
        self.number = mobile.replace(" ", "")
        self.ident = ""
        self.page = year.new_page()

    def activate(self, *, mismatch: bool = False, shots: str | None = None) -> None:
        """The activation mail's link, the PIN, SMS as the second factor, then the login."""
        body = self.year.mail_to(self.email, "Aktivér din adgang")
        link = re.search(r"(/activate\?ident=[A-Z]+&code=[A-Z0-9]+)", body).group(1)
        self.ident = re.search(r"ident=([A-Z]+)", link).group(1)
        page = self.page
        page.goto(link)
        expect(page.locator("#pin-rules")).to_be_visible()
        if mismatch:
            page.fill("input[name=pin]", PIN)
            page.fill("input[name=pin_again]", PIN[::-1])
            page.click("form[action='/activate'] button")
            expect(page.locator("text=De to PIN-koder er ikke ens")).to_be_visible()
            assert page.input_value("input[name=ident]") == self.ident  # what was typed is kept
        page.fill("input[name=pin]", PIN)
        page.fill("input[name=pin_again]", PIN)
        page.click("form[action='/activate'] button")
        expect(page.locator("form[action='/activate/sms']")).to_be_visible()
        sent = self.year.sms_count(self.number)
        page.fill("form[action='/activate/sms'] input[name=mobile]", self.mobile)
        page.click("form[action='/activate/sms'] button")
        expect(page.locator("form[action='/activate/confirm']")).to_be_visible()
        page.fill("form[action='/activate/confirm'] input[name=code]", self.year.sms_code(self.number, sent))
        page.click("form[action='/activate/confirm'] button")
        expect(page.locator("text=Din adgang er aktiveret.")).to_be_visible()
        if shots:
            shot(page, shots)
        self.sign_in()

    def sign_in(self) -> None:
        """The login pages: IDENT and PIN, then the code the gateway delivered by SMS."""
        page = self.page
        page.goto("/login")
        sent = self.year.sms_count(self.number)
        page.fill("input[name=ident]", self.ident)
        page.fill("input[name=pin]", PIN)
        page.click("form[action='/login'] button")
        page.wait_for_url("**/login/code**")
        page.fill("input[name=code]", self.year.sms_code(self.number, sent))
        page.click("form[action='/login/code'] button")
        expect(page.locator("h1")).to_have_text(f"Velkommen, {self.name}")

    def accept_agreement(self) -> None:
        page = self.page
        page.goto("/me/user-agreement")
        page.click("text=Jeg accepterer brugeraftalen, version 1")
        expect(page.locator("p.flash[role=status]")).to_have_text("Du har accepteret brugeraftalen.")

    def attempt(self, *, wrong: int) -> None:
        """One certification attempt from the certification page: all right but ``wrong`` answers."""
        page = self.page
        page.goto("/me/certification")
        page.get_by_role("button", name=re.compile("start testen", re.IGNORECASE)).click()
        expect(page).to_have_url(re.compile(r"/me/certification/\d+$"))
        expect(page.locator("fieldset.question")).to_have_count(10)
        ids = [i.removeprefix("question-")
               for i in page.eval_on_selector_all("fieldset.question", "els => els.map(e => e.id)")]
        for n, qid in enumerate(ids):
            options = page.eval_on_selector_all(f"#question-{qid} input[type=radio]", "els => els.map(e => e.value)")
            choice = RIGHT[qid] if n >= wrong else next(o for o in options if o != RIGHT[qid])
            page.check(f"#question-{qid} input[value='{choice}']")
        page.click("text=Indsend svarene")
        verdict = "Bestået: 10 af 10" if not wrong else f"Ikke bestået: {10 - wrong} af 10"
        expect(page.locator("main .flash").first).to_contain_text(verdict)

    def onboard(self) -> None:
        self.accept_agreement()
        self.attempt(wrong=0)

    def move(self, number: str, to: str, comment: str | None = None) -> None:
        """A transition button on the project's page."""
        page = self.page
        page.goto(f"/projects/{number}")
        form = page.locator(f"form.transition:has(input[name=to][value={to}])")
        if comment:
            form.locator("input[name=comment]").fill(comment)
        form.locator("button").click()
        expect(page.locator("p.flash[role=status]")).to_contain_text(f"Projekt {number} er nu:")


def _send(page, action: str, *, tick: tuple[str, str] | None = None, **fields: str) -> None:  # type: ignore[no-untyped-def]
    """Fills the form that posts to ``action`` as a person would (each field by its name; a select
    by its option; ``tick`` a checkbox by name and value) and sends it."""
    form = page.locator(f"form[action='{action}']")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if tick:
        form.locator(f"input[name={tick[0]}][value={tick[1]}]").check()
    form.locator("button").click()


def _first_staff_member() -> None:
    """The installation's first Research Services member, made with the CLI as an operator would."""
    run = subprocess.run([sys.executable, "-m", "boa.cli", "users", "create", "Stine Staff", "stine@dst.example",
                          "--staff", "staff", "--staff", "sanctions", "--staff", "review",
                          "--staff", "proposal_approval"],
                         cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def _api_session(year: Year, person: Person) -> httpx.Client:
    """The same person through the API over the same server (the login with a code by SMS)."""
    api = httpx.Client(base_url=year.base, timeout=30)
    sent = year.sms_count(person.number)
    r = api.post("/v1/auth/login", json={"ident": person.ident, "pin": PIN})
    assert r.status_code == 200, r.text
    r = api.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"],
                                          "code": year.sms_code(person.number, sent)})
    assert r.status_code == 200, r.text
    api.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return api


# -- the year ----------------------------------------------------------------------------------

def test_a_year_in_boa_through_the_pages(browser, year_server, smtp, sms_gateway):
    server, base = year_server
    year = Year(browser, server, base, smtp, sms_gateway)
    try:
        _a_year(year)
    finally:
        year.close()


def _a_year(year: Year) -> None:  # noqa: PLR0915 (one story, told in order)
    _first_staff_member()
    stine = Person(year, "Stine Staff", "stine@dst.example", "+45 20 00 00 01")
    stine.activate()
    # Office staff need no certification, agreement or association: the office's work opens at once.
    expect(stine.page.locator("section.onboarding")).to_have_count(0)

    # Research Services create the institution on the staff page ...
    page = stine.page
    page.goto("/staff/institutions")
    _send(page, "/staff/institutions", name="Aarhus Research University", authorisation_number="101",
          kind="university", mail_domains="uni.example")
    expect(page.locator("p.flash[role=status]")).to_have_text("Institutionen er oprettet.")
    institution = re.search(r"/institutions/([^/?#]+)", page.url).group(1)

    # ... its people on the users page (each gets an IDENT and an activation mail) ...
    rasmus = Person(year, "Rasmus Responsible", "resp@uni.example", "+45 20 00 00 02")
    anders = Person(year, "Anders Admin", "admn@uni.example", "+45 20 00 00 03")
    sofie = Person(year, "Sofie Substitute", "subs@uni.example", "+45 20 00 00 04")
    for person in (rasmus, anders, sofie):
        page.goto("/staff/users")
        _send(page, "/staff/users", name=person.name, email=person.email)
        expect(page.locator("p.flash[role=status]")).to_contain_text("er oprettet")
        person.ident = re.search(r"Bruger (\w+) er oprettet", page.locator("p.flash[role=status]").inner_text()).group(1)

    # ... and its authorisation agreement on the institution's page.
    page.goto(f"/institutions/{institution}")
    _send(page, f"/staff/institutions/{institution}/agreements", tick=("schemes", "researcher"),
          responsible=rasmus.ident, substitutes=sofie.ident)
    expect(page.locator("p.flash[role=status]")).to_have_text("Autorisationsaftalen er oprettet.")
    expect(page.locator("main table").first).to_contain_text(rasmus.ident)
    shot(page, "24-staff-institution-agreement")

    # The responsible person activates; until onboarded, the home page shows what is missing.
    rasmus.activate()
    expect(rasmus.page.locator("section.onboarding li")).to_have_count(2)  # the agreement and the certification
    rasmus.onboard()
    page = rasmus.page
    for person, role in ((anders, "administrator"), (sofie, "signatory")):
        page.goto(f"/institutions/{institution}/roles")
        _send(page, f"/institutions/{institution}/roles", ident=person.ident, role=role)
        expect(page.locator("p.flash[role=status]")).to_contain_text(f"({person.ident}) er nu ")  # names the person
    expect(page.locator("main table")).to_contain_text("Anders Admin")

    anders.activate()
    anders.onboard()
    sofie.activate()
    sofie.onboard()

    # The administrator asks for a new user on the institution's page ...
    page = anders.page
    page.goto(f"/institutions/{institution}/user-requests")
    _send(page, f"/institutions/{institution}/user-requests", name="Nina Newcomer", email="nina@uni.example")
    expect(page.locator("p.flash[role=status]")).to_have_text("Anmodningen er sendt til Forskningsservice.")
    expect(page.locator("main table")).to_contain_text("nina@uni.example")
    shot(page, "25-user-request")

    # ... and Research Services approve it; the user is created and mailed.
    page = stine.page
    page.goto("/staff/user-requests")
    row = page.locator("tr", has_text="nina@uni.example")
    expect(row).to_be_visible()
    shot(page, "26-staff-user-requests")
    row.locator("form[action$='/approve'] button").click()
    expect(page.locator("p.flash[role=status]")).to_have_text("Anmodningen er godkendt; brugeren er oprettet.")

    # The newcomer: the mail's link, a mismatched PIN (what was typed kept), SMS, the login.
    nina = Person(year, "Nina Newcomer", "nina@uni.example", "+45 20 30 40 50")
    nina.activate(mismatch=True)
    page = nina.page
    checklist = page.locator("section.onboarding")
    expect(checklist.locator("li")).to_have_count(3)  # the user agreement, the certification, the association
    expect(checklist).to_contain_text(nina.ident)
    page.goto("/me/transfers")
    expect(page.locator("main")).to_contain_text("Adgang nægtet")  # project work waits for the onboarding

    nina.accept_agreement()
    # A second tab holds the certification page from before the third attempt (a person does that).
    stale = page.context.new_page()
    for n in range(3):
        if n == 2:
            stale.goto("/me/certification")
            expect(stale.get_by_role("button", name="Start testen")).to_be_visible()
        nina.attempt(wrong=1)  # one wrong answer fails an attempt; the score is told, not the answer
    expect(page.locator("dl.facts")).to_contain_text("0 af 3")
    expect(page.locator("main")).to_contain_text("Du har brugt dagens 3 forsøg. Du kan prøve igen i morgen")
    expect(page.get_by_role("button", name="Start testen")).to_have_count(0)
    shot(page, "27-certification-no-attempts-left")
    stale.get_by_role("button", name="Start testen").click()  # the fourth attempt, refused by the server
    expect(stale.locator("main")).to_contain_text("Du har brugt dagens forsøg. Prøv igen i morgen.")
    stale.close()

    clock.travel(timedelta(days=1))  # the next Copenhagen day: yesterday's sessions have ended
    nina.sign_in()
    nina.attempt(wrong=0)
    expect(page.locator("dl.facts")).to_contain_text("Gyldig til")

    # The association: asked by the administrator, approved by the responsible person.
    anders.sign_in()
    page = anders.page
    page.goto(f"/institutions/{institution}/users")
    _send(page, f"/institutions/{institution}/associations", ident=nina.ident)
    expect(page.locator("p.flash[role=status]")).to_contain_text(f"{nina.ident} er tilknyttet og afventer")
    rasmus.sign_in()
    page = rasmus.page
    page.goto(f"/institutions/{institution}/associations")
    row = page.locator("tr", has_text=nina.ident)
    row.get_by_role("button", name="Godkend").click()
    expect(page.locator("p.flash[role=status]")).to_contain_text(f"({nina.ident}) er nu tilknyttet")
    nina.page.goto("/")
    expect(nina.page.locator("section.onboarding")).to_have_count(0)  # nothing is missing any more

    # A proposal. No page writes a proposal or adds a member yet (the researchers' proposal form is
    # the API's, POST /v1/projects and /members): Nina does those two steps through the API of
    # the same server; every decision after that is a button on the project's page.
    began = clock.now()  # the project's year starts here (the timeline is asked from this moment)
    api = _api_session(year, nina)
    try:
        r = api.post("/v1/projects", json={
            "institution_id": institution, "scheme": "researcher", "title": "Careers after higher education",
            "datasets": ["BEF", "UDDA"], "end_date": (clock.now().date() + timedelta(days=3 * 365)).isoformat()})
        assert r.status_code == 201, r.text
        number = str(r.json()["number"])
        r = api.post(f"/v1/projects/{number}/members", json={"ident": nina.ident})
        assert r.status_code == 201, r.text
    finally:
        api.close()
    nina.move(number, "sent_to_administrator")
    anders.move(number, "sent_to_office")
    stine.sign_in()
    stine.page.goto("/staff/proposals")
    expect(stine.page.locator("main table")).to_contain_text("Careers after higher education")
    stine.move(number, "sent_for_signature")
    sofie.sign_in()
    sofie.page.goto(f"/projects/{number}")
    sofie.page.click("text=Underskriv for institutionen")
    expect(sofie.page.locator("p.flash[role=status]")).to_contain_text("underskrevet for institutionen")
    approved = clock.now()
    stine.move(number, "approved")  # the Head of Division (Stine holds proposal_approval)
    expect(stine.page.locator("main")).to_contain_text("Godkendt")

    # Research access: "My projects" says yes.
    page = nina.page
    page.goto("/me/projects")
    row = page.locator("tr", has_text="Careers after higher education")
    expect(row.locator("td").last).to_have_text("Ja")
    shot(page, "28-my-projects-access")

    # +11 months: the certification expires in about 30 days; the worker's hourly run reminds Nina.
    clock.travel(timedelta(days=335))
    year.server.call(run_reminders)
    reminder = year.mail_to("nina@uni.example", "sikkerhedscertificering")
    assert "Nina Newcomer" in reminder
    year.server.call(run_reminders)  # a second run (another worker, another machine) sends nothing more
    year.deliver()
    assert sum("nina@uni.example" in m["X-Rcpt"] and "sikkerhedscertificering" in m["Subject"]
               for m in year.inbox.messages) == 1

    # +12 months: the portal opens; the home page tells that the certification has expired.
    clock.travel(timedelta(days=31))
    nina.sign_in()
    checklist = page.locator("section.onboarding")
    expect(checklist.locator("li")).to_have_count(1)
    expect(checklist).to_contain_text("Din sikkerhedscertificering udløb")
    shot(page, "29-certification-expired-home")
    page.goto("/me/projects")
    expect(page.locator("tr", has_text="Careers after higher education")).to_contain_text("Nej")
    page.goto("/me/certification")
    expect(page.locator("dl.facts")).to_contain_text("Udløb")
    nina.attempt(wrong=0)  # the renewal
    page.goto("/me/projects")
    expect(page.locator("tr", has_text="Careers after higher education").locator("td").last).to_have_text("Ja")
    page.goto("/")
    expect(page.locator("section.onboarding")).to_have_count(0)

    _the_years_timeline(year, stine, rasmus, nina, number, began, approved)


def _timeline(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The intervals the access history page shows, row by row:
    person, project, access, from, to, why it began, why it ended."""
    expect(page.locator("table.access-history")).to_be_visible()
    expect(page.locator("svg.chart")).to_be_visible()
    return page.eval_on_selector_all("table.access-history tbody tr", "rows => rows.map(r => "
                                     "[...r.querySelectorAll('td')].map(td => td.innerText.trim()))")


def _ask(page, number: str, since: str) -> None:  # type: ignore[no-untyped-def]
    """The project and the start of the period typed into the page's form, as a person does."""
    page.fill("#history-project", number)
    page.fill("#history-from", since)
    page.get_by_role("button", name=re.compile("^(Vis|Show)$")).click()


def _the_years_timeline(year: Year, stine: Person, rasmus: Person, nina: Person, number: str,  # noqa: PLR0913
                        began, approved) -> None:  # type: ignore[no-untyped-def]
    """The journey ends where the office and the institution look back (issue 21): the project's
    access timeline shows exactly the year's events, for Research Services and for the
    institution's responsible person, in Danish and English, on a desktop and a phone. Nina could
    reach the project from its approval until her certification expired, and again since she
    renewed it; research access and transfer rights alike; nobody else was on it."""
    since = began.astimezone(ZoneInfo("Europe/Copenhagen")).isoformat(timespec="seconds")
    renewed = clock.now()

    def exactly(rows: list[list[str]], lang: str) -> None:
        words = {"da": ("Forskningsadgang", "Ret til overførsel", "Projektet er ikke godkendt.",
                        "Din sikkerhedscertificering er udløbet.", "stadig åben"),
                 "en": ("Research access", "Transfer rights", "The project is not approved.",
                        "Your security certification has expired.", "still open")}[lang]
        research, transfer, not_approved, expired, still_open = words
        shown = [(r[0], r[1], r[2], r[5], r[6], r[4] == still_open) for r in rows]
        assert shown == [(nina.ident, number, access, why_began, why_ended, open_)
                         for access in (research, transfer)
                         for why_began, why_ended, open_ in ((not_approved, expired, False), (expired, "", True))], rows
        for first, second in (rows[0:2], rows[2:4]):
            assert first[3].startswith(day_text(approved, lang)), first  # from the approval ...
            assert first[4] != still_open and second[3].startswith(day_text(renewed, lang)), second  # ... the renewal

    # Research Services: the office's menu item, the form, the timeline.
    stine.sign_in()
    page = stine.page
    page.locator("nav.side").get_by_role("link", name="Adgangshistorik").click()
    _ask(page, number, since)
    exactly(_timeline(page), "da")
    expect(page.locator("svg.chart .lock-mark")).to_have_count(0)  # no lock this year
    shot(page, "70-access-history-project-office")

    # The responsible person: the same page through the institution's menu, the same intervals.
    rasmus.sign_in()
    rasmus.attempt(wrong=0)  # his certification, too, has expired in the year: he renews it first
    page = rasmus.page
    page.goto("/")
    page.locator("nav.side").get_by_role("link", name="Adgangshistorik").click()
    expect(page.locator("p.scope")).to_contain_text("101 Aarhus Research University")
    # A time in the future comes back to the form, with what was typed and why.
    future = (clock.now() + timedelta(days=7)).astimezone(ZoneInfo("Europe/Copenhagen")).isoformat(timespec="seconds")
    page.fill("#history-to", future)
    _ask(page, number, since)
    expect(page.locator("#error-summary")).to_contain_text("Tidspunktet ligger i fremtiden")
    expect(page.locator("#history-to")).to_have_value(future)
    expect(page.locator("#history-to")).to_have_attribute("aria-invalid", "true")
    shot(page, "71-access-history-refused-in-place")
    page.fill("#history-to", "")
    _ask(page, number, since)
    exactly(_timeline(page), "da")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its own box
    exactly(_timeline(page), "da")
    shot(page, "72-access-history-project-phone")

    # In English, on the phone and on the desktop.
    page.get_by_role("button", name="English").click()
    _ask(page, number, since)
    exactly(_timeline(page), "en")
    shot(page, "73-access-history-project-phone-english")
    page.set_viewport_size({"width": 1280, "height": 800})
    exactly(_timeline(page), "en")
    shot(page, "74-access-history-project-english")
