"""The login pages: IDENT + PIN, the code, lockout, denial with reasons, logout, CSRF, cookies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.people.models import User


async def test_login_with_totp_sets_a_secure_session_cookie_and_shows_the_landing_page(people):
    me = await people()
    r = await me.get("/login")
    assert r.status_code == 200 and "Log ind" in r.text  # Danish by default
    assert "boa_form=" in r.headers["set-cookie"]
    r = await me.login("RESA")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("boa_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    home = await me.get("/")
    assert home.status_code == 200 and "Velkommen, Rikke Researcher" in home.text
    assert "Mine projekter" in home.text
    assert home.headers["content-security-policy"].startswith("default-src 'none'")


async def test_a_wrong_pin_says_so_and_five_failures_say_wait_30_minutes(people):
    me = await people()
    r = await me.login("RESB", pin="1111")
    assert r.status_code == 401 and "IDENT eller PIN-kode er forkert." in r.text
    for _ in range(3):
        r = await me.login("RESB", pin="1111")
    r = await me.login("RESB", pin="1111")
    assert r.status_code == 423
    assert "Vent 30 minutter" in r.text
    # Even the right PIN is refused while locked.
    assert (await me.login("RESB")).status_code == 423


async def test_an_unknown_ident_answers_like_a_wrong_pin(people):
    me = await people()
    r = await me.login("ZZZZ", pin="1234")
    assert r.status_code == 401 and "IDENT eller PIN-kode er forkert." in r.text


async def test_a_wrong_code_keeps_the_code_page(people):
    me = await people()
    await me.get("/login")
    r = await me.post("/login", {"ident": "RESA", "pin": "7391"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login/code?method=totp")
    await me.get(r.headers["location"])
    r = await me.post("/login/code", {"code": "000000", "method": "totp"})
    assert r.status_code == 401 and "Koden er forkert eller allerede brugt." in r.text


async def test_an_expired_certification_keeps_the_portal_and_closes_project_work(people, demo):
    """SPEC 2, two gates: the portal opens (to renew the certification); project work shows why not."""
    expired = clock.now() - timedelta(days=2)
    async with transaction(demo) as s:
        await s.execute(update(User).where(User.ident == "RESB").values(certification_expires_at=expired))
    me = await people()
    r = await me.login("RESB")
    assert r.status_code == 303
    assert (await me.get("/me")).status_code == 200
    r = await me.get("/me/transfers")
    assert r.status_code == 403
    assert "Adgang nægtet" in r.text and "Din sikkerhedscertificering er udløbet." in r.text
    assert "Indtil" in r.text


async def test_a_session_that_becomes_denied_shows_the_reasons_on_the_next_page(people, demo):
    me = await people("RESB")
    assert (await me.get("/me/transfers")).status_code == 200
    async with transaction(demo) as s:
        await s.execute(update(User).where(User.ident == "RESB").values(certification_expires_at=clock.now()))
    r = await me.get("/me/transfers")
    assert r.status_code == 403 and "Din sikkerhedscertificering er udløbet." in r.text
    assert (await me.get("/me")).status_code == 200


async def test_pages_redirect_to_login_when_not_signed_in(people):
    me = await people()
    r = await me.get("/me/projects")
    assert r.status_code == 303 and r.headers["location"] == "/login?next_page=%2Fme%2Fprojects"
    assert (await me.get("/")).headers["location"] == "/login"
    r = await me.post("/me", {"email": "x@example.org"})
    assert r.status_code == 303 and r.headers["location"] == "/login"


async def test_forms_need_the_csrf_token(people):
    me = await people("RESA")
    r = await me.post("/me", {"email": "new@example.org"}, csrf="forged")
    assert r.status_code == 403 and "Formularen er udløbet" in r.text
    r = await me.post("/me", {"email": "new@example.org"}, csrf="")
    assert r.status_code == 403
    anonymous = await people()
    await anonymous.get("/login")
    r = await anonymous.post("/login", {"ident": "RESA", "pin": "7391"}, csrf="forged")
    assert r.status_code == 403


async def test_logout_ends_the_session(people):
    me = await people("RESA")
    r = await me.post("/logout")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    login = await me.get("/login")
    assert "Du er logget ud." in login.text
    assert (await me.get("/me")).status_code == 303


async def test_unknown_pages_are_html_for_browsers_and_problems_for_the_api(people):
    me = await people("RESA")
    r = await me.get("/no/such/page")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    api = await me.http.get("/v1/nothing", headers={"accept": "application/json"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")


async def test_after_login_the_reader_lands_on_the_page_they_asked_for(people):
    from tests.helpers import DEMO_USERS, totp_now

    me = await people()
    r = await me.get("/me/projects?x=1")
    page = await me.get(r.headers["location"])
    assert 'name="next_page" value="/me/projects?x=1"' in page.text
    clock.travel(timedelta(seconds=31))
    r = await me.post("/login", {"ident": "RESA", "pin": "7391", "next_page": "/me/projects?x=1"})
    await me.get(r.headers["location"])
    r = await me.post("/login/code", {"code": totp_now(DEMO_USERS["RESA"]["totp_secret"]), "method": "totp",
                                      "next_page": "/me/projects?x=1"})
    assert r.status_code == 303 and r.headers["location"] == "/me/projects?x=1"


def test_only_local_paths_are_followed():
    from admin_ui.forms import safe_path

    assert safe_path("/me/projects?x=1") == "/me/projects?x=1"
    for bad in ("https://evil.example/", "//evil.example", "/\t/evil.example", "/\\evil", "me", "", None,
                "javascript:alert(1)", "/\n/evil"):
        assert safe_path(bad) == "/", bad
