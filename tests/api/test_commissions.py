"""Commissioned statistics through the API (SPEC 9, seed 001): a request walked through quotation,
written acceptance, contract, production, protected delivery, invoice, advice and a correction
within 30 days; the bad inputs refused with a code and nothing saved; the customer's data deleted
by the worker's round three years after delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from boa.commissions.models import Commission, CustomerData, Quotation
from boa.kernel import clock, jobs
from boa.kernel.models import AuditEntry
from boa.kernel.outbox import deliver_due
from tests.commission_helpers import xlsx_rows

# A small frequency table: municipality × sex, with small cells.
TABLE = "kommune;koen;antal\n101;M;120\n101;K;2\n147;M;85\n147;K;90\n151;M;1\n151;K;40\n"

REQUEST = {
    "title": "Young people in employment by municipality",
    "description": "Persons aged 16-29 in employment, by municipality and sex, 2020-2023.",
    "population": "delimited", "population_note": "Aged 16-29, employed",
    "registers": [{"code": "BEF", "variables": ["KOEN", "ALDER"], "groupings": "age 16-29"},
                  {"code": "AKM", "variables": ["SOCIO13"]}],
    "periods": ["2020", "2021", "2022", "2023"], "formats": ["xlsx", "csv"], "deadline": "2027-02-01",
    "budget_ore": 5_000_000,
}


async def _count(db, model) -> int:
    from sqlalchemy.ext.asyncio import AsyncSession
    async with AsyncSession(db) as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _new(client, customer) -> str:
    r = await client.post("/v1/commissions", headers=customer, json=REQUEST)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _clarify(client, staff, cid, hours=0.5, **more):
    r = await client.post(f"/v1/commissions/{cid}/clarification", headers=staff, json={
        "consultant": "STAF", "clarification_hours": hours, "last_update": "BEF 2023 released March 2024",
        "answers": {"data_available": True, "delimitation_possible": True, "matching_problems": False,
                    "disclosure_control_needed": True}, **more})
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_commission_from_request_to_correction(client, as_user, demo, smtp):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    cid = await _new(client, customer)

    # Staff record the clarification and assign the consultant; an hour and a half of
    # clarification offers an initial survey with a non-binding estimate first.
    shown = await _clarify(client, staff, cid, hours=1.5)
    assert shown["state"] == "clarifying" and shown["consultant"] == "STAF"
    assert shown["clarification"]["answers"]["disclosure_control_needed"] is True
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff, json={
        "kind": "initial_survey", "hours": 2, "estimate_ore": 4_000_000})
    assert r.status_code == 201, r.text

    # The quotation: 20 hours of a fixed price at DKK 1,476 is DKK 29,520 excl. VAT (above 25,000);
    # revised to 22.5 hours, the first kept as superseded.
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff, json={
        "kind": "fixed_price", "hours": 20, "tables": ["Employed by municipality and sex"]})
    assert r.status_code == 201, r.text
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff, json={
        "kind": "fixed_price", "hours": 22.5, "tables": ["Employed by municipality and sex"]})
    quotes = r.json()["quotations"]
    assert [(q["version"], q["kind"], q["state"]) for q in quotes] == [
        (1, "initial_survey", "superseded"), (2, "fixed_price", "superseded"), (3, "fixed_price", "open")]
    assert (quotes[1]["price_dkk"], quotes[2]["price_dkk"], quotes[2]["price_incl_vat_dkk"]) == (
        "29520.00", "33210.00", "41512.50")
    assert quotes[2]["contract_required"] is True

    # Production before the written acceptance is refused; the superseded version cannot be accepted.
    r = await client.post(f"/v1/commissions/{cid}/production", headers=staff)
    assert (r.status_code, r.json()["code"]) == (409, "not_commissioned")
    r = await client.post(f"/v1/commissions/{cid}/quotations/2/accept", headers=customer,
                          json={"statement": "We accept."})
    assert (r.status_code, r.json()["code"]) == (409, "quotation_not_open")
    r = await client.post(f"/v1/commissions/{cid}/quotations/3/accept", headers=staff,
                          json={"statement": "Accepted on their behalf"})
    assert r.status_code == 403
    r = await client.post(f"/v1/commissions/{cid}/quotations/3/accept", headers=customer,
                          json={"statement": "We accept quotation 3 as offered. Rikke Researcher"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "commissioned" and r.json()["contract_required"] is True

    # Above DKK 25,000: no production without the contract.
    r = await client.post(f"/v1/commissions/{cid}/production", headers=staff)
    assert (r.status_code, r.json()["code"]) == (409, "contract_required")
    assert (await client.get(f"/v1/commissions/{cid}", headers=staff)).json()["state"] == "commissioned"
    r = await client.post(f"/v1/commissions/{cid}/contract", headers=staff,
                          json={"reference": "K-2026-114", "third_party_use": False, "publish_raw": True})
    assert r.status_code == 200 and r.json()["publish_raw"] is True
    r = await client.post(f"/v1/commissions/{cid}/production", headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["target_date"] == (clock.now().date() + timedelta(days=21)).isoformat()

    # Time per task.
    for task, minutes in (("programming", 600), ("disclosure_control", 90), ("documentation", 60)):
        r = await client.post(f"/v1/commissions/{cid}/time", headers=staff, json={"task": task, "minutes": minutes})
        assert r.status_code == 201, r.text
    assert r.json()["total_minutes"] == 750

    # A table that cannot be protected is refused with its failing categories, nothing delivered.
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "BEF and AKM 2020-2023", "tables": [
            {"name": "tiny", "content": "kommune;antal\n101;1\n147;1\n", "method": "aggregate"}]})
    assert r.status_code == 422 and r.json()["code"] == "cannot_protect", r.text
    assert r.json()["failing"]
    assert (await client.get(f"/v1/commissions/{cid}", headers=staff)).json()["deliveries"] == []

    # The protected delivery: small cells suppressed (with secondary suppression), invoiced.
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "Registers BEF and AKM, 2020-2023; population aged 16-29 in employment.",
        "tables": [{"name": "employed", "content": TABLE, "format": "xlsx", "count": "antal"}]})
    assert r.status_code == 201, r.text
    shown = r.json()
    assert shown["state"] == "delivered"
    f = shown["deliveries"][0]["files"][0]
    assert (f["method"], f["primary"]) == ("suppress", 2) and f["secondary"] >= 2
    inv = shown["invoices"][0]
    assert (inv["amount_dkk"], inv["total_dkk"]) == ("33210.00", "41512.50")
    assert inv["due_on"] == (clock.now().date() + timedelta(days=30)).isoformat()
    r = await client.get(f"/v1/commissions/{cid}/deliveries/1/files/employed.xlsx", headers=customer)
    assert r.status_code == 200 and r.headers["content-disposition"] == 'attachment; filename="employed.xlsx"'
    rows = xlsx_rows(r.content)
    assert rows[0] == ("kommune", "koen", "antal")
    assert ("101", "K", "..") in rows and ("151", "M", "..") in rows
    assert not any(row[2] in (1, 2) for row in rows[1:])

    # The customer got the quotation and the delivery with the invoice by mail (real SMTP).
    await deliver_due(demo)
    subjects = [m["Subject"] for m in smtp.messages if "resa@demo.boa.example" in m["X-Rcpt"]]
    assert any(s.startswith(f"Tilbud på opgave {cid}") for s in subjects), subjects
    delivered = [m for m in smtp.messages if m["Subject"].startswith(f"Levering 1 af opgave {cid}")]
    assert delivered and "33210.00 kr. ekskl. moms" in delivered[0].get_content()

    # Advice: 10 + 5 minutes, the customer told when the 15 are used; more is refused.
    r = await client.post(f"/v1/commissions/{cid}/advice", headers=staff, json={"minutes": 10})
    assert r.status_code == 201 and r.json()["advice_minutes_left"] == 5
    r = await client.post(f"/v1/commissions/{cid}/advice", headers=staff, json={"minutes": 5, "note": "Margins"})
    assert r.status_code == 201
    r = await client.post(f"/v1/commissions/{cid}/advice", headers=staff, json={"minutes": 1})
    assert (r.status_code, r.json()["code"]) == (409, "advice_used")
    await deliver_due(demo)
    assert any(m["Subject"] == f"Den inkluderede rådgivning på opgave {cid} er brugt" for m in smtp.messages)

    # An error found 20 days later reopens the delivery; the correction is delivered, not invoiced again.
    clock.travel(timedelta(days=20))
    customer, staff = await as_user.__class__(client)("RESA"), None
    staff = await as_user.__class__(client)("STAF")
    r = await client.post(f"/v1/commissions/{cid}/errors", headers=customer,
                          json={"description": "Municipality 151 has the wrong total."})
    assert r.status_code == 200 and r.json()["state"] == "reopened", r.text
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "Corrected municipality 151.",
        "tables": [{"name": "employed", "content": TABLE.replace("151;K;40", "151;K;41"), "count": "antal"}]})
    assert r.status_code == 201, r.text
    shown = r.json()
    assert shown["state"] == "delivered" and [d["number"] for d in shown["deliveries"]] == [1, 2]
    assert shown["deliveries"][0]["error_description"] == "Municipality 151 has the wrong total."
    assert len(shown["invoices"]) == 1

    # A request to update the earlier delivery names it.
    r = await client.post("/v1/commissions", headers=customer, json={**REQUEST, "kind": "update", "previous_id": cid,
                                                                     "periods": ["2024"]})
    assert r.status_code == 201 and r.json()["previous_id"] == cid and r.json()["kind"] == "update", r.text

    # After 30 days an error no longer reopens it.
    clock.travel(timedelta(days=31))
    customer = await as_user.__class__(client)("RESA")
    r = await client.post(f"/v1/commissions/{cid}/errors", headers=customer, json={"description": "Late"})
    assert (r.status_code, r.json()["code"]) == (409, "correction_period_over")

    # Every step is in the audit log.
    from sqlalchemy.ext.asyncio import AsyncSession
    async with AsyncSession(demo) as s:
        actions = set(await s.scalars(select(AuditEntry.action).where(AuditEntry.subject == f"commission:{cid}")))
    assert {"commission.request", "commission.clarify", "commission.quote", "commission.accept",
            "commission.contract", "commission.production", "commission.time", "commission.deliver",
            "commission.advice", "commission.error_reported"} <= actions


async def test_bad_input_is_refused_and_nothing_is_saved(client, as_user, demo):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    # Unknown register or variable: 422, no commission.
    for registers in ([{"code": "NOPE", "variables": ["X"]}], [{"code": "BEF", "variables": ["NOSUCH"]}]):
        r = await client.post("/v1/commissions", headers=customer, json={**REQUEST, "registers": registers})
        assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), r.text
    # The customer's own list without the agreed terms.
    r = await client.post("/v1/commissions", headers=customer, json={**REQUEST, "population": "own_list",
                                                                     "own_list_agreed": True})
    assert (r.status_code, r.json()["code"]) == (422, "own_list_terms")
    assert await _count(demo, Commission) == 0

    cid = await _new(client, customer)
    # An update of a service that was never delivered.
    r = await client.post("/v1/commissions", headers=customer, json={**REQUEST, "kind": "update", "previous_id": cid})
    assert (r.status_code, r.json()["code"]) == (409, "not_delivered")
    # Delivery before commission.
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "x", "tables": [{"name": "t", "content": TABLE, "count": "antal"}]})
    assert (r.status_code, r.json()["code"]) == (409, "not_commissioned")
    await _clarify(client, staff, cid)
    # Negative hours; a survey that was not needed.
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                          json={"kind": "fixed_price", "hours": -3, "tables": ["A"]})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_hours")
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                          json={"kind": "initial_survey", "hours": 1, "estimate_ore": 1})
    assert (r.status_code, r.json()["code"]) == (409, "survey_not_needed")
    assert await _count(demo, Quotation) == 0
    # A customer cannot quote, and another customer does not see it.
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=customer,
                          json={"kind": "framework", "hours": 5, "hour_ceiling": 5})
    assert r.status_code == 403
    assert (await client.get(f"/v1/commissions/{cid}", headers=await as_user("RESB"))).status_code == 404

    # Acceptance of an expired quotation.
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                          json={"kind": "framework", "hours": 5, "hour_ceiling": 5, "valid_days": 30})
    assert r.status_code == 201
    clock.travel(timedelta(days=31))
    customer = await as_user.__class__(client)("RESA")
    r = await client.post(f"/v1/commissions/{cid}/quotations/1/accept", headers=customer,
                          json={"statement": "We accept"})
    assert (r.status_code, r.json()["code"]) == (409, "quotation_expired")
    shown = (await client.get(f"/v1/commissions/{cid}", headers=customer)).json()
    assert shown["state"] == "quoted" and shown["quotations"][0]["expired"] is True
    # The customer may withdraw it before commission; then nothing more is quoted.
    r = await client.post(f"/v1/commissions/{cid}/withdraw", headers=customer)
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    staff = await as_user.__class__(client)("STAF")
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                          json={"kind": "framework", "hours": 5, "hour_ceiling": 5})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


async def test_framework_ceiling_and_special_terms_need_a_contract(client, as_user, demo, smtp):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    cid = await _new(client, customer)
    # A small service on special terms (passing on to a third party) still needs a contract.
    await _clarify(client, staff, cid, special_terms="The tables are passed on to the municipality.")
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                          json={"kind": "framework", "hours": 2, "hour_ceiling": 2})
    assert r.json()["quotations"][0]["price_dkk"] == "2952.00"
    await client.post(f"/v1/commissions/{cid}/quotations/1/accept", headers=customer, json={"statement": "OK"})
    r = await client.post(f"/v1/commissions/{cid}/production", headers=staff)
    assert (r.status_code, r.json()["code"]) == (409, "contract_required")
    await client.post(f"/v1/commissions/{cid}/contract", headers=staff, json={"reference": "K-1",
                                                                              "third_party_use": True})
    assert (await client.post(f"/v1/commissions/{cid}/production", headers=staff)).status_code == 200
    # Two hours included: told once, when they are used.
    await client.post(f"/v1/commissions/{cid}/time", headers=staff, json={"task": "programming", "minutes": 90})
    await client.post(f"/v1/commissions/{cid}/time", headers=staff, json={"task": "tables", "minutes": 45})
    await client.post(f"/v1/commissions/{cid}/time", headers=staff, json={"task": "tests", "minutes": 15})
    await deliver_due(demo)
    told = [m for m in smtp.messages if m["Subject"] == f"Den aftalte tid på opgave {cid} er brugt"]
    assert len(told) == 1 and "2.00 timer" in told[0].get_content()

    # Overdue after three weeks: listed, and the consultant and the office reminded by the worker.
    clock.travel(timedelta(days=23))
    staff = await as_user.__class__(client)("STAF")
    queue = (await client.get("/v1/commissions?overdue=true", headers=staff)).json()["items"]
    assert [c["id"] for c in queue] == [cid] and queue[0]["overdue"] is True
    await jobs.run_reminders(demo)
    await deliver_due(demo)
    overdue = [m for m in smtp.messages if m["Subject"] == f"Opgave {cid} er forsinket"]
    assert {"staf@demo.boa.example", "research-services@localhost"} <= {m["X-Rcpt"] for m in overdue}
    # Invoiced on delivery at the hours spent (2.5 h) up to the ceiling (2 h).
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "d", "tables": [{"name": "t", "content": TABLE, "count": "antal", "format": "csv"}]})
    assert r.json()["invoices"][0]["amount_dkk"] == "2952.00"


@pytest.mark.parametrize("retention", [None, 5])
async def test_customer_data_deleted_after_delivery_by_the_worker(client, as_user, demo, retention):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    r = await client.post("/v1/commissions", headers=customer, json={
        **REQUEST, "population": "own_list", "own_list_agreed": True, "encrypted_submission": True,
        "dpa_reference": "DBA-2026-7", "dpa_retention_years": retention})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = await client.post(f"/v1/commissions/{cid}/customer-data", headers=customer,
                          json={"name": "population.csv", "content": "cpr\n0101901234\n0202905678\n"})
    assert r.status_code == 201, r.text
    await _clarify(client, staff, cid)
    await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                      json={"kind": "fixed_price", "hours": 4, "tables": ["T"]})
    await client.post(f"/v1/commissions/{cid}/quotations/1/accept", headers=customer, json={"statement": "Yes"})
    await client.post(f"/v1/commissions/{cid}/production", headers=staff)
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "d", "tables": [{"name": "t", "content": TABLE, "count": "antal"}]})
    assert r.status_code == 201, r.text
    years = retention or 3

    from sqlalchemy.ext.asyncio import AsyncSession

    async def stored() -> bytes | None:
        async with AsyncSession(demo) as s:
            return await s.scalar(select(CustomerData.content))

    clock.travel(timedelta(days=365 * years - 2))
    await jobs.run_reminders(demo)
    assert await stored() == b"cpr\n0101901234\n0202905678\n"
    clock.travel(timedelta(days=3))
    await jobs.run_reminders(demo)
    assert await stored() is None
    async with AsyncSession(demo) as s:
        deleted = (await s.scalars(select(AuditEntry).where(
            AuditEntry.action == "commission.customer_data_deleted"))).all()
    assert [(e.subject, e.actor) for e in deleted] == [(f"commission:{cid}", "system:boa")]


async def test_numbers_beyond_the_columns_are_refused_not_a_500(client, as_user, demo):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    r = await client.post("/v1/commissions", headers=customer, json={**REQUEST, "budget_ore": 10**18})
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    cid = await _new(client, customer)
    await _clarify(client, staff, cid, hours=2)
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                          json={"kind": "initial_survey", "hours": 1, "estimate_ore": 10**18})
    assert (r.status_code, r.json()["code"]) == (422, "estimate_required")
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff,
                          json={"kind": "fixed_price", "hours": 1e300, "tables": ["A"]})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_hours")
    r = await client.post(f"/v1/commissions/{cid}/quotations/{2**40}/accept", headers=customer,
                          json={"statement": "yes"})
    assert r.status_code in (404, 409)
    r = await client.get(f"/v1/commissions/{cid}/deliveries/{2**40}/files/x", headers=customer)
    assert r.status_code == 404
