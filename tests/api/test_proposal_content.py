"""A proposal with real content over HTTP (issue 16 items 2 and 3): catalogue registers with
variables and years, a population, external data with a variable description; the signatory's
signature, the Head of Division's approval, the price quote by mail, the delivery with the invoice."""

from __future__ import annotations

import asyncio
import io
import os

import openpyxl
import pytest

from tests.helpers import mails
from tests.schemes_helpers import institution_id

postgres_only = pytest.mark.skipif(
    not os.environ.get("BOA_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="SQLite serialises every writer, so real concurrency is only tested on PostgreSQL")

REGISTERS = [{"code": "BEF", "variables": ["PNR", "KOEN", "ALDER", "KOM"], "years": [2015, 2016, 2017, 2018]},
             {"code": "ind", "variables": ["pnr", "PERINDKIALT_13"], "years": [2016, 2017]}]
POPULATION = [{"name": "Graduates 2015", "delimitation": "Persons who completed a master's degree in 2015 (UDDA)."}]
VARIABLE_CSV = "variabel;beskrivelse;pseudonymiseres\nCPR;Personnummer;ja\nSVAR_1;Svar på spørgsmål 1;nej\n"


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _create(client, as_user, demo, **content) -> str:
    body = {"institution_id": await institution_id(demo, 101), "scheme": "researcher", "title": "Graduates' careers",
            "purpose": "How the careers of graduates develop.", "population": POPULATION, "registers": REGISTERS,
            "external_data": {"description": "A survey of the graduates, 2016."}} | content
    r = await client.post("/v1/projects", headers=await as_user("RESA"), json=body)
    assert r.status_code == 201, r.text
    return r.json()["number"]


async def _move(client, headers, number, to, comment=None, **extra):
    body = {"to": to} | ({"comment": comment} if comment else {}) | extra
    return await client.post(f"/v1/projects/{number}/transitions", headers=headers, json=body)


async def _proposal(client, as_user, number) -> dict:
    return (await client.get(f"/v1/projects/{number}", headers=await as_user("RESA"))).json()["proposals"][-1]


async def test_a_proposal_from_creation_to_approval_and_the_quote_mail(client, as_user, demo):
    number = await _create(client, as_user, demo)
    resa, admin = await as_user("RESA"), await as_user("ADMN")
    shown = await _proposal(client, as_user, number)
    assert [(r["code"], r["variables"], r["years"]) for r in shown["registers"]] == [
        ("BEF", ["PNR", "KOEN", "ALDER", "KOM"], [2015, 2016, 2017, 2018]), ("IND", ["PNR", "PERINDKIALT_13"], [2016, 2017])]
    assert shown["datasets"] == ["BEF", "IND"] and shown["population"][0]["name"] == "Graduates 2015"
    assert shown["external_data"] == {"description": "A survey of the graduates, 2016.", "variable_description": None}

    r = await client.post(f"/v1/projects/{number}/proposal/variable-description", headers=resa,
                          files={"data": ("variables.csv", VARIABLE_CSV.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    described = r.json()["external_data"]["variable_description"]
    assert [(v["name"], v["pseudonymise"]) for v in described["variables"]] == [("CPR", True), ("SVAR_1", False)]
    assert described["columns"] == ["variabel", "beskrivelse", "pseudonymiseres"]

    assert (await _move(client, resa, number, "sent_to_administrator")).status_code == 200
    r = await _move(client, admin, number, "sent_to_office")
    assert r.status_code == 200
    owner_ident = r.json()["project_owner"]
    assert owner_ident in ("STAF", "SANC", "DIRG")  # never the Head of Division, who approves
    owner = await as_user(owner_ident)

    # The project owner e-mails the price quote to the contact person.
    r = await client.post(f"/v1/projects/{number}/proposal/quotes", headers=owner,
                          json={"amount": "12500.50", "valid_until": "2099-03-31", "note": "Incl. the survey linkage."})
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == "12500.50" and r.json()["sent_to"] == "resa@demo.boa.example"
    quote = [m for m in await mails() if m["to"] == "resa@demo.boa.example" and "prisoverslag" in m["subject"]]
    assert quote and "12.500,50 kr." in quote[-1]["body"] and "31. marts 2099" in quote[-1]["body"]
    # Only the owner sends one.
    r = await client.post(f"/v1/projects/{number}/proposal/quotes", headers=await as_user("CHEF"),
                          json={"amount": "1", "valid_until": "2099-03-31"})
    assert r.status_code == 403 and r.json()["code"] == "not_project_owner"

    assert (await _move(client, owner, number, "sent_for_signature")).status_code == 200
    chef = await as_user("CHEF")
    r = await _move(client, chef, number, "approved")
    assert r.status_code == 409 and r.json()["code"] == "signature_missing"
    queue = (await client.get("/v1/proposals/approval-queue", headers=chef)).json()["items"]
    assert [(q["number"], q["signed"]) for q in queue if q["number"] == number] == [(number, False)]

    r = await client.post(f"/v1/projects/{number}/proposal/signature", headers=await as_user("SIGN"))
    assert r.status_code == 200 and r.json()["signatory"] == "SIGN" and r.json()["state"] == "sent_for_signature"
    assert any(m["to"] == "chef@demo.boa.example" and "klar til godkendelse" in m["subject"] for m in await mails())
    r = await client.post(f"/v1/projects/{number}/proposal/signature", headers=await as_user("SIGN"))
    assert r.status_code == 409 and r.json()["code"] == "already_signed"
    queue = (await client.get("/v1/proposals/approval-queue", headers=chef)).json()["items"]
    assert [(q["number"], q["signed"], q["signatory"]) for q in queue if q["number"] == number] == [(number, True, "SIGN")]
    detail = (await client.get(f"/v1/projects/{number}", headers=chef)).json()
    assert detail["next_states"] == ["approved", "under_review"]

    r = await _move(client, chef, number, "approved")
    assert r.status_code == 200 and r.json()["approved"] is True
    project = (await client.get(f"/v1/projects/{number}", headers=resa)).json()
    assert project["datasets"] == ["BEF", "IND"] and project["proposals"][-1]["approved_by"] == "CHEF"
    approved = [m["to"] for m in await mails() if m["subject"].endswith(": godkendt")]
    assert {"resa@demo.boa.example", "admn@demo.boa.example", f"{owner_ident.lower()}@demo.boa.example"} <= set(approved)

    # The delivery records the invoice; only with data_delivered.
    r = await _move(client, owner, number, "data_delivered", invoice={"number": "F-2026-0042", "amount": "12500.50"})
    assert r.status_code == 200 and r.json()["state"] == "data_delivered"
    shown = await _proposal(client, as_user, number)
    assert shown["invoice"] == {"number": "F-2026-0042", "amount": "12500.50"} and shown["delivered_by"] == owner_ident
    assert shown["quotes"][0]["amount"] == "12500.50"
    audit = (await client.get(f"/v1/audit?subject=project:{number}&limit=200", headers=owner)).json()["items"]
    actions = [e["action"] for e in audit]
    for action in ("proposal.create", "proposal.variable_description", "proposal.quote", "proposal.sign"):
        assert action in actions
    delivered = [e for e in audit if e["action"] == "proposal.transition"
                 and e["summary"]["after"]["state"] == "data_delivered"]
    assert delivered[0]["summary"]["invoice"] == {"number": "F-2026-0042", "amount_ore": 1250050}


async def test_the_head_of_division_returns_a_signed_proposal_to_the_contact_person(client, as_user, demo):
    number = await _create(client, as_user, demo)
    r = await _move(client, await as_user("ADMN"), number, "sent_to_office")
    owner = await as_user(r.json()["project_owner"])
    await _move(client, owner, number, "sent_for_signature")
    await client.post(f"/v1/projects/{number}/proposal/signature", headers=await as_user("SIGN"))
    r = await _move(client, await as_user("CHEF"), number, "under_review", "Name the survey's legal basis.")
    assert r.status_code == 200 and r.json()["state"] == "under_review"
    shown = await _proposal(client, as_user, number)
    assert shown["signatory"] is None and shown["office_signed_by"] is None
    assert any(m["to"] == "resa@demo.boa.example" and "Name the survey's legal basis." in m["body"]
               for m in await mails())
    # Approving needs the right: the project owner and the signatory may not.
    r = await _move(client, await as_user("SIGN"), number, "approved")
    assert r.status_code == 409
    r = await client.get("/v1/proposals/approval-queue", headers=await as_user("STAF"))
    assert r.status_code == 403 and r.json()["code"] == "proposal_approval_required"


@pytest.mark.parametrize(("registers", "code", "field"), [
    ([{"code": "NOPE", "variables": [], "years": []}], "validation_failed", "registers[0].code"),
    ([{"code": "BEF", "variables": ["PNR", "SHOE_SIZE"], "years": [2018]}], "validation_failed", "registers[0].variables"),
    ([{"code": "BEF", "variables": ["PNR"], "years": [1980, 2018]}], "years_outside_span", "registers[0].years"),
    ([{"code": "DODSAARS", "variables": ["PNR"], "years": [2001, 2002]}], "years_outside_span", "registers[0].years"),
    ([{"code": "BEF", "variables": ["PNR"], "years": [2018]}, {"code": "DAGTILBUD", "variables": ["PNR"], "years": [2020]}],
     "unreleased_data", "registers[1].code"),
])
async def test_bad_registers_are_refused_and_nothing_is_saved(client, as_user, demo, registers, code, field):
    resa = await as_user("RESA")
    before = (await client.get("/v1/projects?limit=200", headers=resa)).json()["items"]
    body = {"institution_id": await institution_id(demo, 101), "scheme": "researcher", "title": "Bad data",
            "registers": registers}
    r = await client.post("/v1/projects", headers=resa, json=body)
    assert r.status_code == 422 and r.json()["code"] == code and r.json()["field"] == field, r.text
    assert len((await client.get("/v1/projects?limit=200", headers=resa)).json()["items"]) == len(before)
    # The same on an edit: the proposal keeps what it had.
    number = await _create(client, as_user, demo)
    r = await client.patch(f"/v1/projects/{number}/proposal", headers=resa,
                           json={"registers": registers, "purpose": "Changed"})
    assert r.status_code == 422 and r.json()["code"] == code
    shown = await _proposal(client, as_user, number)
    assert shown["purpose"] == "How the careers of graduates develop." and shown["datasets"] == ["BEF", "IND"]


async def test_unreleased_data_may_be_ordered_for_a_project_database_sub_project(client, as_user, demo):
    pdbm = await as_user("PDBM")
    sub = next(p for p in (await client.get("/v1/projects?limit=200", headers=pdbm)).json()["items"]
               if p["kind"] == "sub")
    r = await _move(client, await as_user("STAF"), sub["number"], "data_delivered")
    assert r.status_code == 200
    body = {"title": "Day care", "description": "Adds day care", "registers": [
        {"code": "DAGTILBUD", "variables": ["PNR", "DAGTILBUD_TYPE"], "years": [2020, 2021]}]}
    r = await client.post(f"/v1/projects/{sub['number']}/proposals", headers=pdbm, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["registers"][0]["code"] == "DAGTILBUD"


@pytest.mark.parametrize(("name", "data", "code"), [
    ("variables.csv", b"name;label\nCPR;Personnummer\n", "variable_description_columns"),
    ("variables.xlsx", _xlsx([["Kolonne", "Tekst"], ["CPR", "Personnummer"]]), "variable_description_columns"),
    ("variables.csv", b"variable;pseudonymise\nCPR;maybe\n", "variable_description_invalid"),
    ("variables.csv", b"variable;pseudonymise\nCPR;nej\nALDER;nej\n", "no_variable_to_pseudonymise"),
    ("variables.csv", b"variable;pseudonymise\n", "variable_description_invalid"),
    ("variables.xlsx", b"PK\x03\x04 not a workbook", "content_mismatch"),
    ("variables.pdf", b"%PDF-1.4", "file_type_not_allowed"),
])
async def test_a_variable_description_that_does_not_match_is_refused(client, as_user, demo, name, data, code):
    number = await _create(client, as_user, demo)
    resa = await as_user("RESA")
    r = await client.post(f"/v1/projects/{number}/proposal/variable-description", headers=resa,
                          files={"data": (name, data, "application/octet-stream")})
    assert r.status_code == 422 and r.json()["code"] in (code, "corrupt_file"), r.text
    assert (await _proposal(client, as_user, number))["external_data"]["variable_description"] is None
    audit = (await client.get(f"/v1/audit?subject=project:{number}&limit=50", headers=await as_user("STAF"))).json()
    assert "proposal.variable_description" not in [e["action"] for e in audit["items"]]


async def test_an_xlsx_variable_description_and_who_may_upload_it(client, as_user, demo):
    number = await _create(client, as_user, demo)
    workbook = _xlsx([["Variable", "Label", "Pseudonymise"], ["CPR", "Person", "yes"], ["CVR", "Firm", "x"],
                      ["SCORE", "Score", "no"]])
    files = {"data": ("survey.xlsx", workbook, "application/octet-stream")}
    url = f"/v1/projects/{number}/proposal/variable-description"
    assert (await client.post(url, headers=await as_user("RESB"), files=files)).status_code in (403, 404)
    r = await client.post(url, headers=await as_user("RESA"), files=files)
    assert r.status_code == 200, r.text
    marked = [v["name"] for v in r.json()["external_data"]["variable_description"]["variables"] if v["pseudonymise"]]
    assert marked == ["CPR", "CVR"]
    r = await client.post(url, headers=await as_user("RESA"), json={"data": "x"})
    assert r.status_code == 422 and r.json()["code"] == "multipart_required"


async def test_a_re_proposal_restates_everything_and_shows_what_changed(client, as_user, demo):
    number = await _create(client, as_user, demo)
    resa = await as_user("RESA")
    await client.post(f"/v1/projects/{number}/proposal/variable-description", headers=resa,
                      files={"data": ("variables.csv", VARIABLE_CSV.encode(), "text/csv")})
    r = await _move(client, await as_user("ADMN"), number, "sent_to_office")
    owner = await as_user(r.json()["project_owner"])
    await _move(client, owner, number, "sent_for_signature")
    await client.post(f"/v1/projects/{number}/proposal/signature", headers=await as_user("SIGN"))
    assert (await _move(client, await as_user("CHEF"), number, "approved")).status_code == 200

    changed_segment = [{"name": "Graduates 2015", "delimitation": "Every graduate of 2015 and 2016."}]
    body = {"title": "Graduates' careers", "description": "More years", "purpose": "How the careers of graduates develop.",
            "population": changed_segment, "registers": REGISTERS}
    r = await client.post(f"/v1/projects/{number}/proposals", headers=resa, json=body)
    assert r.status_code == 422 and r.json()["code"] == "population_segment_changed"
    r = await client.post(f"/v1/projects/{number}/proposals", headers=resa,
                          json={"title": "Graduates' careers", "description": "Nothing"})
    assert r.status_code == 422 and r.json()["code"] == "data_not_stated"

    extended = [{"name": "Graduates 2015", "delimitation": POPULATION[0]["delimitation"],
                 "appendices": ["Also the graduates of 2016, with the same register extraction."]}]
    registers = [{"code": "BEF", "variables": ["PNR", "KOEN", "ALDER", "KOM", "CIVST"], "years": [2016, 2017, 2018, 2019]},
                 {"code": "UDDA", "variables": ["PNR", "HFAUDD"], "years": [2015]}]
    body = body | {"population": extended, "registers": registers, "title": "Graduates' careers II"}
    r = await client.post(f"/v1/projects/{number}/proposals", headers=resa, json=body)
    assert r.status_code == 201 and r.json()["version"] == 2
    changes = (await client.get(f"/v1/projects/{number}/proposals/2/changes", headers=resa)).json()
    assert changes["against"] == 1 and changes["title_changed"] and not changes["purpose_changed"]
    by_code = {c["code"]: c for c in changes["registers"]}
    assert by_code["BEF"]["change"] == "changed" and by_code["BEF"]["variables_added"] == ["CIVST"]
    assert by_code["BEF"]["years_added"] == [2019] and by_code["BEF"]["years_removed"] == [2015]
    assert by_code["IND"]["change"] == "removed" and by_code["UDDA"]["change"] == "added"
    assert changes["population"] == [{"name": "Graduates 2015", "change": "appendices_added",
                                      "appendices_added": extended[0]["appendices"]}]
    assert changes["external_data"]["change"] == "removed"  # not restated: the re-proposal has none
    first = (await client.get(f"/v1/projects/{number}/proposals/1/changes", headers=resa)).json()
    assert first["against"] is None and {c["change"] for c in first["registers"]} == {"added"}
    r = await client.get(f"/v1/projects/{number}/proposals/9/changes", headers=resa)
    assert r.status_code == 404


async def test_a_departed_project_owner_is_replaced(client, as_user, demo, db):
    from sqlalchemy import select

    from boa.kernel.db import transaction
    from boa.people.models import User
    from schemes.researcher.reminders import departed_project_owners

    number = await _create(client, as_user, demo)
    r = await _move(client, await as_user("ADMN"), number, "sent_to_office")
    old = r.json()["project_owner"]
    async with transaction(db) as s:
        user = await s.scalar(select(User).where(User.ident == old))
        user.staff_roles = [r for r in user.staff_roles if r != "staff"]  # left Research Services
    async with transaction(db) as s:
        assert await departed_project_owners(s, None) >= 1  # type: ignore[arg-type]  # now is not read
    new = (await client.get(f"/v1/projects/{number}", headers=await as_user("RESA"))).json()["project_owner"]
    assert new not in (None, old, "CHEF")
    assert any(m["to"] == f"{new.lower()}@demo.boa.example" and "ny projektejer" in m["subject"]
               for m in await mails())
    async with transaction(db) as s:
        assert await departed_project_owners(s, None) == 0  # type: ignore[arg-type]  # now is not read


@postgres_only
async def test_fifty_concurrent_re_proposals_one_wins(client, as_user, demo):
    staff = await as_user("STAF")
    approved = next(p for p in (await client.get("/v1/projects", headers=staff)).json()["items"]
                    if p["title"].startswith("Labour market"))
    number, resa = approved["number"], await as_user("RESA")
    body = {"title": "Labour market II", "description": "More years",
            "registers": [{"code": "BEF", "variables": ["PNR"], "years": [2019]}]}
    answers = await asyncio.gather(*(client.post(f"/v1/projects/{number}/proposals", headers=resa, json=body)
                                     for _ in range(50)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * 49, codes
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"proposal_in_progress"}
    versions = [p["version"] for p in (await client.get(f"/v1/projects/{number}", headers=resa)).json()["proposals"]]
    assert versions == [1, 2]
