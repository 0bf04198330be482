"""Research Services' pages: institutions and agreements, users, audit log, the report."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import text

from boa.kernel import clock
from tests.helpers import Sessions
from tests.sanction_helpers import breach, labour


async def test_staff_create_an_institution_and_an_agreement(people):
    staff = await people("STAF")
    r = await staff.post("/staff/institutions", {"name": "Odense Institute", "authorisation_number": "555",
                                                 "kind": "research_institute", "mail_domains": "odense.example"})
    assert r.status_code == 303
    page = await staff.get(r.headers["location"])
    assert "Odense Institute" in page.text and "Institutionen er oprettet." in page.text
    inst = r.headers["location"].rsplit("/", 1)[1]
    same = await staff.post(f"/staff/institutions/{inst}/agreements", {"schemes": ["researcher"],
                                                                      "responsible": "RESB", "substitutes": "RESB"})
    assert same.status_code == 422 and "Den autorisationsansvarlige må ikke være sin egen stedfortræder." in same.text
    r = await staff.post(f"/staff/institutions/{inst}/agreements", {"schemes": ["researcher"], "responsible": "RESB",
                                                                   "substitutes": "RESA SIGN"})
    assert r.status_code == 303
    page = await staff.get(r.headers["location"])
    assert "Forskerordningen" in page.text and "Autorisationsaftalen er oprettet." in page.text
    dup = await staff.post("/staff/institutions", {"name": "Again", "authorisation_number": "555", "kind": "other"})
    assert dup.status_code == 409 and "Det autorisationsnummer er optaget." in dup.text
    nan = await staff.post("/staff/institutions", {"name": "Again", "authorisation_number": "five", "kind": "other"})
    assert nan.status_code == 422


async def test_staff_pages_are_for_staff_only(people):
    researcher = await people("RESA")
    for path in ("/staff/institutions", "/staff/users", "/staff/audit", "/staff/reports/active-projects"):
        r = await researcher.get(path)
        assert r.status_code == 403, path
    assert "/staff/audit" not in (await researcher.get("/")).text
    assert (await researcher.post("/staff/users", {"name": "X", "email": "x@example.org"})).status_code == 403


async def test_staff_create_a_user(people):
    staff = await people("STAF")
    r = await staff.post("/staff/users", {"name": "Vera Visitor", "email": "vera@example.org"})
    assert r.status_code == 303
    page = await staff.get("/staff/users?q=vera")
    assert re.search(r"Bruger [A-Z]{4} er oprettet; aktiveringskoden er sendt pr. e-mail.", page.text)


async def test_audit_log_and_verification(people, demo):
    staff = await people("SANC")
    page = await staff.get("/staff/audit")
    assert "<code>login.success</code>" in page.text and "Kontrollér hashkæden" in page.text
    ok = await staff.get("/staff/audit?verify=true")
    assert re.search(r"Kæden er intakt: \d+ rækker kontrolleret.", ok.text)
    filtered = await staff.get("/staff/audit?action=institution.create")
    assert filtered.text.count("<code>institution.create</code>") == 3
    async with demo.begin() as conn:
        await conn.execute(text("UPDATE audit_entries SET actor = 'user:EVIL' WHERE seq = 3"))
    broken = await staff.get("/staff/audit?verify=true")
    assert "Kæden er brudt ved række 3 (changed row)" in broken.text


async def test_report_of_active_projects_with_a_chart(people):
    staff = await people("STAF")
    page = await staff.get("/staff/reports/active-projects")
    assert page.status_code == 200
    assert "<svg" in page.text and 'role="img"' in page.text and "<script" not in page.text
    assert "Forskerordningen" in page.text and "Projektdatabaseordningen" in page.text
    assert (await staff.get("/staff/reports/active-projects?first_year=1900")).status_code == 422
    # A year that is not one: the page with the year marked (not the framework's JSON refusal).
    bad = await staff.get("/staff/reports/active-projects?first_year=abc")
    assert bad.status_code == 422 and 'href="#field-first_year"' in bad.text and 'value="abc"' in bad.text
    assert 'aria-invalid="true"' in bad.text and "<svg" in bad.text


async def test_access_history_page_chart_table_and_csv(people, demo, client):
    """A project's access timeline (issue 21 item 5): a chart with the lock marked, the intervals
    with why each began and ended, in Danish by default and in English, and the CSV export."""
    number = await labour(client, await Sessions(client)("STAF"))
    clock.travel(timedelta(days=3))
    r = await client.post("/v1/breaches", json=breach("RESA", number), headers=await Sessions(client)("SANC"))
    assert r.status_code == 201, r.text
    clock.travel(timedelta(days=1))
    staff = await people("STAF")
    page = await staff.get(f"/staff/access-history?project={number}")
    assert page.status_code == 200, page.text
    assert "<svg" in page.text and 'class="lock-mark"' in page.text and "<script" not in page.text
    assert "Forskningsadgang" in page.text and "Adgangen er spærret." in page.text
    assert f"sag {r.json()['id']}" in page.text
    csv_ = await staff.get(f"/staff/access-history?project={number}&export=csv")
    assert csv_.headers["content-type"].startswith("text/csv")
    lines = csv_.text.splitlines()
    assert lines[0] == "ident,project,action,from,to,began_because,ended_because"
    assert any(line.startswith(f"RESA,{number},project_access,") and f"locked(case {r.json()['id']})" in line
               for line in lines), lines
    bad = await staff.get(f"/staff/access-history?project={number}&to=2999-01-01T00:00:00%2B00:00")
    assert bad.status_code == 422
    assert (await staff.get("/staff/access-history")).status_code == 200
    await staff.post("/language", {"lang": "en", "next_page": "/staff/access-history"})
    english = await staff.get(f"/staff/access-history?project={number}")
    assert "Research access" in english.text and "Access is locked." in english.text


async def test_terminating_an_agreement_asks_first_and_keeps_the_reason_typed(people):
    staff = await people("STAF")
    r = await staff.post("/staff/institutions", {"name": "Vejle Institut", "authorisation_number": "559",
                                                 "kind": "research_institute"})
    inst = r.headers["location"].rsplit("/", 1)[1]
    await staff.post(f"/staff/institutions/{inst}/agreements", {"schemes": ["researcher"], "responsible": "RESB",
                                                                "substitutes": "RESA"})
    page = await staff.get(f"/institutions/{inst}")
    (agreement,) = re.findall(r'href="/staff/agreements/(\d+)/terminate"', page.text)
    assert 'action="/staff/agreements/' not in page.text  # nothing ends in one click
    confirm = await staff.get(f"/staff/agreements/{agreement}/terminate")
    assert confirm.status_code == 200
    assert "Opsig autorisationsaftalen med 559 Vejle Institut?" in confirm.text and "Forskerordningen" in confirm.text
    empty = await staff.post(f"/staff/agreements/{agreement}/terminate", {"reason": "   "})
    assert empty.status_code == 422 and 'id="error-summary"' in empty.text and 'aria-invalid="true"' in empty.text
    r = await staff.post(f"/staff/agreements/{agreement}/terminate", {"reason": "Institutionen er lukket."})
    assert r.status_code == 303
    assert "Autorisationsaftalen med 559 Vejle Institut er opsagt." in (await staff.get(r.headers["location"])).text
    assert (await staff.get(f"/staff/agreements/{agreement}/terminate")).status_code == 409
