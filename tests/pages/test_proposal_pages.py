"""The proposal pages (issue 16): editing with the register and variable pickers (plain GET
search forms), the external data's upload, the signature, the Head of Division's queue, the quote."""

from __future__ import annotations

import re

from tests.helpers import mails
from tests.schemes_helpers import institution_id


async def _new_project(people, demo) -> str:
    resa = await people("RESA")
    r = await resa.http.post("/v1/projects", headers={"x-csrf-token": resa.csrf},
                             json={"institution_id": await institution_id(demo, 101), "scheme": "researcher",
                                   "title": "Pickers"})
    assert r.status_code == 201, r.text
    return r.json()["number"]


async def test_the_contact_person_picks_registers_variables_and_years_without_javascript(people, demo):
    number = await _new_project(people, demo)
    resa = await people("RESA")
    page = await resa.get(f"/projects/{number}")
    assert "Redigér projektforslaget" in page.text
    page = await resa.get(f"/projects/{number}/proposal?q=indkomst")
    assert page.status_code == 200 and "<code>IND</code>" in page.text and "Tilføj IND" in page.text
    r = await resa.post(f"/projects/{number}/proposal/registers", {"code": "IND"})
    assert r.status_code == 303
    page = await resa.get(f"/projects/{number}/proposal?vq=perind")
    assert "IND er tilføjet" in page.text
    assert 'value="PERINDKIALT_13"' in page.text and 'value="LOENMV_13"' not in page.text  # the variable search
    r = await resa.post(f"/projects/{number}/proposal/registers/IND",
                        {"variable": ["PNR", "PERINDKIALT_13"], "year_from": "2015", "year_to": "2018", "action": "save"})
    assert r.status_code == 303
    r = await resa.post(f"/projects/{number}/proposal/registers/IND",
                        {"variable": ["PNR"], "year_from": "1970", "year_to": "1975", "action": "save"})
    assert r.status_code == 422 and "uden for de år, registret dækker" in r.text
    r = await resa.post(f"/projects/{number}/proposal",
                        {"title": "Pickers", "description": "", "purpose": "Income mobility.",
                         "segment_name": ["Adults 2015"], "segment_delimitation": ["Residents aged 18-65 on 1 January 2015."],
                         "segment_appendices": [""]})
    assert r.status_code == 303
    r = await resa.post(f"/projects/{number}/proposal/variable-description",
                        {"description": "Survey answers."},
                        files={"data": ("vars.csv", b"variabel;pseudonymiseres\nCPR;ja\nSVAR;nej\n", "text/csv")})
    assert r.status_code == 303, r.text
    page = await resa.get(f"/projects/{number}")
    assert "PNR, PERINDKIALT_13" in page.text and "2015–2018" in page.text and "Adults 2015" in page.text
    assert "Variabelbeskrivelse: vars.csv" in page.text and "<code>CPR</code>" in page.text
    # An unreleased register is refused on a researcher project; nothing changes.
    r = await resa.post(f"/projects/{number}/proposal/registers", {"code": "DAGTILBUD"})
    assert r.status_code == 422 and "endnu ikke er frigivet" in r.text
    r = await resa.post(f"/projects/{number}/proposal/variable-description", {"description": "x"},
                        files={"data": ("vars.csv", b"name;label\nCPR;x\n", "text/csv")})
    assert r.status_code == 422 and "kolonner passer ikke" in r.text
    page = await resa.get(f"/projects/{number}")
    assert "Variabelbeskrivelse: vars.csv" in page.text and "DAGTILBUD" not in page.text


async def test_signature_queue_approval_and_quote_pages(people, demo):
    number = await _new_project(people, demo)
    resa = await people("RESA")
    await resa.post(f"/projects/{number}/proposal/registers", {"code": "BEF"})
    admin = await people("ADMN")
    await admin.get(f"/projects/{number}")
    r = await admin.post(f"/projects/{number}/transitions", {"to": "sent_to_office"})
    assert r.status_code == 303
    staff = await people("STAF")
    page = await staff.get(f"/projects/{number}")
    owner = re.search(r"<dt>Projektejer</dt><dd>(\w+)</dd>", page.text).group(1)
    owner_browser = staff if owner == "STAF" else await people(owner)
    page = await owner_browser.get(f"/projects/{number}")
    assert "Send et prisoverslag til kontaktpersonen" in page.text
    r = await owner_browser.post(f"/projects/{number}/proposal/quotes",
                                 {"amount": "12.500,50", "valid_until": "2099-06-30", "note": ""})
    assert r.status_code == 303
    quote = [m for m in await mails() if m["to"] == "resa@demo.boa.example" and "prisoverslag" in m["subject"]]
    assert quote and "12.500,50 kr." in quote[-1]["body"]
    r = await owner_browser.post(f"/projects/{number}/transitions", {"to": "sent_for_signature"})
    assert r.status_code == 303

    chef = await people("CHEF")
    queue = await chef.get("/staff/approvals")
    assert queue.status_code == 200 and number in queue.text and "Venter på den tegningsberettigede" in queue.text
    sign = await people("SIGN")
    page = await sign.get(f"/projects/{number}")
    assert "Underskriv for institutionen" in page.text and "Godkend (kontorchef)" not in page.text
    assert (await sign.post(f"/projects/{number}/proposal/signature")).status_code == 303
    queue = await chef.get("/staff/approvals")
    assert "Godkend (kontorchef)" in queue.text
    r = await chef.post(f"/projects/{number}/transitions", {"to": "approved", "back": "/staff/approvals"})
    assert r.status_code == 303 and r.headers["location"] == "/staff/approvals"
    page = await chef.get(f"/projects/{number}")
    assert "Godkendt af kontorchefen (CHEF)." in page.text
    # The queue is the Head of Division's only.
    assert (await staff.get("/staff/approvals")).status_code == 403
    assert "Projektforslag til godkendelse" not in (await staff.get("/")).text
    assert "Projektforslag til godkendelse" in (await chef.get("/")).text
