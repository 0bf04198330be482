"""A researcher's own pages, the project database, the language switch."""

from __future__ import annotations

import re

from sqlalchemy import select

from boa.people.models import User
from tests.helpers import DEMO_USERS, totp_now


async def test_researcher_edits_contact_details(people, demo):
    me = await people("RESA")
    r = await me.post("/me", {"email": "rikke@example.org", "mobile": "20 30 40 50", "street": "Vestergade 2",
                              "postal_code": "8000", "city": "Aarhus C", "country": "DK"})
    assert r.status_code == 303
    page = await me.get("/me")
    assert "Dine kontaktoplysninger er gemt." in page.text
    # The mobile number at once; the new address once the link sent to it is opened.
    assert 'value="resa@demo.boa.example"' in page.text and 'value="+4520304050"' in page.text
    assert "Vi har sendt et link til rikke@example.org" in page.text
    bad = await me.post("/me", {"email": "not-an-address"})
    assert bad.status_code == 422


async def test_researcher_sees_projects_and_whether_there_is_access_now(people):
    me = await people("RESA")
    page = await me.get("/me/projects")
    assert "Labour market careers after higher education" in page.text
    assert "Health and income in Danish municipalities" in page.text
    assert "Projektet er ikke godkendt." in page.text  # the proposal still in progress


async def test_researcher_requests_a_physical_token_and_switches_to_sms(people):
    me = await people("RESB")
    page = await me.get("/me/token")
    assert "Autentificeringsapp" in page.text
    refused = await me.post("/me/token/physical", {"attention": "Bo Researcher", "street": "Vestergade 2",
                                                   "postal_code": "8000", "city": "Aarhus C", "country": "DK",
                                                   "reason": "convenience", "justification": "I like it better."})
    assert refused.status_code == 422 and "En fysisk token kræver en begrundelse" in refused.text
    r = await me.post("/me/token/physical", {"attention": "Bo Researcher", "street": "Vestergade 2",
                                             "postal_code": "8000", "city": "Aarhus C", "country": "DK",
                                             "reason": "travel_sms_delay",
                                             "justification": "Field work in Greenland for six months."})
    assert r.status_code == 303
    page = await me.get("/me/token")
    assert "Din fysiske token er bestilt." in page.text and "Anmodet" in page.text
    r = await me.post("/me/token/sms", {"mobile": "+45 20304050"})
    assert r.status_code == 303
    page = await me.get("/me/token")
    assert "Vi har sendt en kode til +4520304050" in page.text
    await _type_back_the_sms_code(me, page.text)
    assert "Din token er aktiv." in (await me.get("/me/token")).text


async def _type_back_the_sms_code(me, token_page: str) -> None:
    import json

    from boa.kernel.settings import get_settings

    last = (get_settings().outbox_dir / "sms.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    code = re.search(r"\b(\d{6})\b", json.loads(last)["text"]).group(1)
    token_id = re.findall(r'action="/me/token/(\d+)/activate"', token_page)[-1]
    r = await me.post(f"/me/token/{token_id}/activate", {"code": code})
    assert r.status_code == 303, r.text


async def test_researcher_activates_an_authenticator_app_with_its_first_code(people, demo):

    from boa.kernel.db import transaction
    from tokens.kinds import token_secret
    from tokens.service import enrol

    me = await people("RESB")
    async with transaction(demo) as s:
        user = await s.scalar(select(User).where(User.ident == "RESB"))
        from boa.kernel import clock
        from boa.kernel.actor import Actor

        token, uri = await enrol(s, actor=Actor(user=user, verified_at=clock.now()), ident="RESB", kind="totp")
        secret = token_secret(token)
    page = await me.get("/me/token")
    assert f'action="/me/token/{token.id}/activate"' in page.text
    assert (await me.post(f"/me/token/{token.id}/activate", {"code": "000000"})).status_code == 422
    r = await me.post(f"/me/token/{token.id}/activate", {"code": totp_now(secret)})  # the app's clock
    assert r.status_code == 303 and "Din token er aktiv." in (await me.get("/me/token")).text
    assert uri.startswith("otpauth://") and DEMO_USERS["RESB"]["totp_secret"] != secret
    assert totp_now(secret)


async def test_manager_creates_a_sub_project_and_sees_the_minimisation_report(people):
    manager = await people("PDBM")
    home = await manager.get("/")
    pdb = re.search(r'href="/project-databases/(\d+)"', home.text).group(1)
    page = await manager.get(f"/project-databases/{pdb}")
    assert "Opret et underprojekt" in page.text and "Dataminimering" in page.text
    r = await manager.post(f"/project-databases/{pdb}/sub-projects", {"title": "Education outcomes",
                                                                      "datasets": ["BEF", "UDDA"]})
    assert r.status_code == 303
    after = await manager.get(r.headers["location"])
    assert re.search(r"Underprojekt 70\d{4} er oprettet.", after.text) and "Education outcomes" in after.text
    outside = await manager.post(f"/project-databases/{pdb}/sub-projects", {"title": "X", "datasets": ["ZZZ"]})
    assert outside.status_code == 422
    # The administrator sees the project database but is not a manager: no form; a forced post is refused.
    admin = await people("ADMN")
    view = await admin.get(f"/project-databases/{pdb}")
    assert view.status_code == 200 and "Opret et underprojekt" not in view.text
    assert (await admin.post(f"/project-databases/{pdb}/sub-projects", {"title": "Y", "datasets": ["BEF"]})
            ).status_code == 403
    assert (await admin.post(f"/project-databases/{pdb}/extend", {"end_date": "2040-01-01"})).status_code == 403


async def test_the_language_switch_changes_the_page_and_is_remembered(people, demo):
    anonymous = await people()
    page = await anonymous.get("/login")
    assert "Log ind" in page.text and 'lang="da"' in page.text
    r = await anonymous.post("/language", {"lang": "en", "next_page": "/login"})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert "Log in with your IDENT and PIN" in (await anonymous.get("/login")).text

    me = await people("RESA")
    r = await me.post("/language", {"lang": "en", "next_page": "/me"})
    assert r.status_code == 303
    assert "My profile" in (await me.get("/me")).text
    from boa.kernel.db import transaction

    async with transaction(demo) as s:
        assert (await s.scalar(select(User.language).where(User.ident == "RESA"))) == "en"
    # A new browser without the cookie gets the profile's language after login.
    other = await people("RESA")
    assert "Welcome, Rikke Researcher" in (await other.get("/")).text
    assert (await me.post("/language", {"lang": "xx", "next_page": "https://evil.example/"})).headers[
        "location"] == "/"


async def test_after_switching_to_sms_the_login_asks_for_the_code_sent_by_sms(people):
    import json
    from datetime import timedelta

    from boa.kernel import clock
    from boa.kernel.settings import get_settings

    me = await people("RESB")
    assert (await me.post("/me/token/sms", {"mobile": "+45 20304050"})).status_code == 303
    await _type_back_the_sms_code(me, (await me.get("/me/token")).text)
    assert (await me.post("/logout")).status_code == 303
    clock.travel(timedelta(seconds=31))
    await me.get("/login")
    r = await me.post("/login", {"ident": "RESB", "pin": "7391", "next_page": "/"})
    assert r.headers["location"].startswith("/login/code?method=sms")
    page = await me.get(r.headers["location"])
    assert "Vi har sendt en kode pr. SMS" in page.text
    last = (get_settings().outbox_dir / "sms.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    message = json.loads(last)
    assert message["to"] == "+4520304050"
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    r = await me.post("/login/code", {"code": code, "method": "sms", "next_page": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
