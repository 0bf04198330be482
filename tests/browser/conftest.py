"""Browser tests: headless Chromium (Debian's) through Playwright, against a real uvicorn server.

The server is ``boa serve --demo`` in a subprocess with its own var directory and its own
SQLite file, migrated and seeded with the demo. It uses SQLite in both CI runs (also when
``BOA_TEST_DATABASE_URL`` points the rest of the suite at PostgreSQL): these tests exercise the
pages, the PostgreSQL behaviour is covered by the API and integration tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest

from tests.helpers import DEMO_USERS

CHROMIUM = Path(os.environ.get("BOA_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
# Each server's environment (its var directory and database) by its base URL, for a helper that
# prepares data beside it (tests/browser/newcomer.py).
SERVER_ENVIRONMENTS: dict[str, dict[str, str]] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the BOA server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (our own local server)
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the BOA server did not answer in {seconds} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium ({CHROMIUM}) is not installed: apt-get install chromium")
    return CHROMIUM


class Server(str):
    """The server's base URL; ``var`` is its var directory (its mail and SMS outbox files)."""

    var: Path

    def outbox(self, name: str) -> list[dict]:
        path = self.var / "outbox" / f"{name}.jsonl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@contextmanager
def demo_server(var: Path) -> Iterator[Server]:
    """``boa serve --demo`` on a SQLite file in ``var``, delivering its own mail (to the SMTP server
    that BOA_SMTP_HOST names, else to ``<var>/outbox``); stopped on leaving."""
    port = _free_port()
    env = {**os.environ, "BOA_VAR_DIR": str(var), "BOA_DATABASE_URL": f"sqlite+aiosqlite:///{var / 'boa.sqlite3'}",
           "BOA_COOKIE_SECURE": "true", "PYTHONPATH": str(ROOT)}  # Chromium keeps Secure cookies on 127.0.0.1
    env.pop("BOA_TEST_DATABASE_URL", None)
    env.pop("BOA_WORKER_IN_PROCESS", None)  # as `make run`: the server delivers its mail itself
    log = var / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "boa.cli", "serve", "--demo", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = Server(f"http://127.0.0.1:{port}")
    base.var = var
    SERVER_ENVIRONMENTS[base] = env
    try:
        _wait_for(base + "/health", proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def boa_server(chromium_path, tmp_path_factory) -> Iterator[Server]:
    with demo_server(tmp_path_factory.mktemp("boa-browser-server")) as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(chromium_path),
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


class Desk:
    """Browser contexts per person, each signed in once through the login pages."""

    def __init__(self, browser, base: str) -> None:
        self.browser, self.base = browser, base
        self.logins: dict[str, int] = {}
        self.pages: dict[str, object] = {}
        self.contexts: list = []

    def new_page(self):  # type: ignore[no-untyped-def]
        context = self.browser.new_context(viewport=VIEWPORT, base_url=self.base, locale="da-DK",
                                           timezone_id="Europe/Copenhagen")
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def code(self, ident: str) -> str:
        """The TOTP code for this person's next login: a code is accepted once, so a second login
        uses the next time step (the server accepts one step ahead)."""
        n = self.logins.get(ident, 0)
        if n >= 2:
            time.sleep(31)
            self.logins[ident] = n = 1
        self.logins[ident] = n + 1
        return pyotp.TOTP(DEMO_USERS[ident]["totp_secret"]).at(time.time() + 30 * n)

    def log_in(self, page, ident: str) -> None:  # type: ignore[no-untyped-def]
        page.goto("/login")
        page.fill("input[name=ident]", ident)
        page.fill("input[name=pin]", DEMO_USERS[ident]["pin"])
        page.click("form[action='/login'] button")
        page.wait_for_url("**/login/code**")
        page.fill("input[name=code]", self.code(ident))
        page.click("form[action='/login/code'] button")
        page.wait_for_url(self.base + "/")

    def as_user(self, ident: str):  # type: ignore[no-untyped-def]
        if ident not in self.pages:
            page = self.new_page()
            self.log_in(page, ident)
            self.pages[ident] = page
        return self.pages[ident]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="module")
def desk(browser, boa_server):
    d = Desk(browser, boa_server)
    yield d
    d.close()


# What counts: WCAG 2.0/2.1 A and AA (the level the Danish web accessibility act asks of public bodies).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical WCAG 2.1 AA violations on the page, each as "rule: target"."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [f"{v['id']}: {node['target']}" for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical") for node in v["nodes"]]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot of the visible page (1280x800) for docs/screenshots/: written when missing or
    when ``BOA_SCREENSHOTS=refresh`` (``make screenshots``), so a test run does not churn the
    committed images (times and numbers differ from run to run). Every page shot is also checked
    by axe-core: a serious or critical WCAG 2.1 AA violation fails the journey there."""
    problems = axe_violations(page)
    assert problems == [], f"{name} ({page.url}): {problems}"
    target = SCREENSHOTS / f"{name}.png"
    if target.exists() and os.environ.get("BOA_SCREENSHOTS") != "refresh":
        page.screenshot()  # still taken, not kept
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
