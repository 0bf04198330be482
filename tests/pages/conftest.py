"""Page tests over HTTP: one cookie jar per person, forms posted as a browser posts them."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from boa.kernel import clock
from tests.helpers import DEMO_USERS, totp_now

BASE = "http://testserver.local"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Person:
    """A browser of one person: keeps cookies, reads the CSRF token from the last page, and names
    that page as the referrer of a form it posts (as a browser does; a refused form comes back in
    place on it)."""

    def __init__(self, app) -> None:
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE,
                                      headers={"accept": "text/html"})
        self.csrf = ""
        self.page = ""

    async def get(self, path: str, **kw) -> httpx.Response:
        r = await self.http.get(path, **kw)
        if found := CSRF.search(r.text):
            self.csrf = found.group(1)
        if r.status_code == 200:
            self.page = str(r.url)
        return r

    async def post(self, path: str, data: dict | None = None, *, csrf: str | None = None, **kw) -> httpx.Response:
        body = {"csrf_token": self.csrf if csrf is None else csrf, **(data or {})}
        if self.page:
            kw["headers"] = {"referer": self.page, **kw.get("headers", {})}
        return await self.http.post(path, data=body, **kw)

    async def login(self, ident: str, *, pin: str | None = None, secret: str | None = None) -> httpx.Response:
        """IDENT + PIN, then the TOTP code; returns the answer to the code (303 to / when it worked)."""
        clock.travel(timedelta(seconds=31))  # a fresh TOTP step, so no code is replayed
        spec = DEMO_USERS.get(ident, {})
        await self.get("/login")
        r = await self.post("/login", {"ident": ident, "pin": pin or spec["pin"], "next_page": "/"})
        if r.status_code != 303:
            return r
        await self.get(r.headers["location"])
        return await self.post("/login/code", {"code": totp_now(secret or spec["totp_secret"]), "method": "totp",
                                               "next_page": "/"})

    async def close(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def people(app, demo):
    app.state.update(app.state.boa_alchemy.create_app_state_items())
    made: list[Person] = []

    async def person(ident: str | None = None) -> Person:
        p = Person(app)
        made.append(p)
        if ident:
            r = await p.login(ident)
            assert r.status_code == 303 and r.headers["location"] == "/", r.text
            await p.get("/")  # the signed-in pages carry the session's CSRF token
        return p

    yield person
    for p in made:
        await p.close()
