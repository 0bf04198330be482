"""Commissioned statistics, the rest of issue 20: the delivered files in every format the seed names
(read back with openpyxl, pyreadstat and a PX parser: no suppressed count anywhere), the delivery's
documentation with the contract's terms of use, sub-invoices of a long service, a customer without
a BOA user who follows their commission through a secret link, and an update that starts from the
earlier delivery."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.commissions.models import Commission, Invoice
from boa.kernel import clock
from boa.kernel.models import AuditEntry
from boa.kernel.outbox import deliver_due
from tests.commission_helpers import xlsx_rows

# municipality × sex; 101/K (2) and 151/M (1) are below 3, so they and two partners are suppressed.
TABLE = "kommune;koen;antal\n101;M;120\n101;K;2\n147;M;85\n147;K;90\n151;M;1\n151;K;40\n"
TRUE = {("101", "M"): 120, ("101", "K"): 2, ("147", "M"): 85, ("147", "K"): 90, ("151", "M"): 1, ("151", "K"): 40}
SMALL = {2, 1}
REQUEST = {"title": "Employed by municipality", "description": "Employed persons by municipality and sex, 2024.",
           "population": "total", "registers": [{"code": "BEF", "variables": ["KOEN"]}], "periods": ["2024"]}


async def _commissioned(client, customer, staff, *, kind="fixed_price", hours=4, link=None, cid=None) -> str:
    if cid is None:
        r = await client.post("/v1/commissions", headers=customer, json=REQUEST)
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
    r = await client.post(f"/v1/commissions/{cid}/clarification", headers=staff,
                          json={"clarification_hours": 0.5, "consultant": "STAF"})
    assert r.status_code == 200, r.text
    quote = {"kind": kind, "hours": hours, "tables": ["Employed"]} if kind == "fixed_price" else \
        {"kind": kind, "hours": hours, "hour_ceiling": hours}
    r = await client.post(f"/v1/commissions/{cid}/quotations", headers=staff, json=quote)
    assert r.status_code == 201, r.text
    if link is None:
        r = await client.post(f"/v1/commissions/{cid}/quotations/1/accept", headers=customer,
                              json={"statement": "We accept."})
    else:
        r = await client.post(f"/v1/commission-links/{cid}/quotations/1/accept", headers=link,
                              json={"statement": "We accept. Gitte Guest"})
    assert r.status_code == 200, r.text
    r = await client.post(f"/v1/commissions/{cid}/production", headers=staff)
    assert r.status_code == 200, r.text
    return str(cid)


def _published(rows) -> dict[tuple[str, str], object]:  # type: ignore[no-untyped-def]
    """(municipality, sex) → the published value, inner cells only."""
    return {(str(k), str(s)): v for k, s, v, *_ in rows if (str(k), str(s)) in TRUE}


def _assert_protected(published: dict[tuple[str, str], object], hidden: object) -> None:
    """Every small cell is hidden, at least two more cells with them, and every other is its count."""
    assert set(published) == set(TRUE)
    suppressed = {cell for cell, v in published.items() if v == hidden or (isinstance(v, float) and math.isnan(v))}
    assert {("101", "K"), ("151", "M")} <= suppressed and len(suppressed) >= 4
    for cell, value in published.items():
        if cell not in suppressed:
            assert value == TRUE[cell]
    assert not any(v in SMALL for v in published.values())


def _px(text: str) -> tuple[dict[str, str], list[str]]:
    keywords: dict[str, str] = {}
    head, _, data = text.partition("DATA=")
    for match in re.finditer(r'([A-Z0-9-]+(?:\("[^"]*"\))?)=(.*?);\r\n', head):
        keywords.setdefault(match.group(1), match.group(2))
    return keywords, data.rstrip().rstrip(";").split()


async def test_every_format_is_made_from_the_protected_table(client, as_user, demo, tmp_path: Path):
    import pyreadstat

    customer, staff = await as_user("RESA"), await as_user("STAF")
    cid = await _commissioned(client, customer, staff)
    formats = ("xlsx", "pivot", "pcaxis", "sas", "spss", "csv")
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "BEF 2024, all residents.",
        "tables": [{"name": f"employed {f}", "content": TABLE, "format": f, "count": "antal"} for f in formats]})
    assert r.status_code == 201, r.text
    files = r.json()["deliveries"][0]["files"]
    assert [f["file_name"] for f in files] == ["employed xlsx.xlsx", "employed pivot.xlsx", "employed pcaxis.px",
                                               "employed sas.xpt", "employed spss.sav", "employed csv.csv"]
    assert r.json()["deliveries"][0]["third_party_use"] is False

    async def get(name: str):  # type: ignore[no-untyped-def]
        got = await client.get(f"/v1/commissions/{cid}/deliveries/1/files/{name}", headers=customer)
        assert got.status_code == 200, got.text
        assert got.headers["content-disposition"] == f'attachment; filename="{name}"'
        return got

    # Excel: the rows with the margins (Danish: the customer reads Danish), a documentation sheet.
    got = await get("employed xlsx.xlsx")
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(got.content)
    assert rows[0] == ("kommune", "koen", "antal") and ("I alt", "I alt", 338) in rows
    _assert_protected(_published(rows[1:]), "..")
    doc = "\n".join(str(r[0]) for r in xlsx_rows(got.content, 1))
    assert "må ikke gives videre til tredjepart" in doc and "..: statistisk diskretionering" in doc

    # Pivot: a wide table, sex across.
    rows = xlsx_rows((await get("employed pivot.xlsx")).content)
    assert rows[1] == ("kommune", "M", "K", "I alt")
    wide = {(str(r[0]), s): v for r in rows[2:] for s, v in zip(("M", "K"), r[1:3], strict=True)}
    _assert_protected({k: v for k, v in wide.items() if k in TRUE}, "..")

    # PC-Axis: the keywords, the values, the dot code for suppressed cells.
    text = (await get("employed pcaxis.px")).content.decode("utf-8")
    keywords, data = _px(text)
    assert keywords['CODEPAGE'] == '"utf-8"' and keywords["STUB"] == '"kommune"' and keywords["HEADING"] == '"koen"'
    assert keywords['VALUES("kommune")'] == '"101","147","151","I alt"' and keywords["DATASYMBOL2"] == '".."'
    assert {"MATRIX", "SUBJECT-CODE", "SUBJECT-AREA", "DECIMALS", "TITLE", "CONTENTS", "UNITS"} <= set(keywords)
    assert len(data) == 4 * 3
    cells = {(k, s): data[i * 3 + j] for i, k in enumerate(("101", "147", "151")) for j, s in enumerate(("M", "K"))}
    _assert_protected({c: ('".."' if v == '".."' else int(v)) for c, v in cells.items()}, '".."')

    # SAS (XPORT) and SPSS: suppressed counts are missing, flagged "..".
    for name, reader in (("employed sas.xpt", pyreadstat.read_xport), ("employed spss.sav", pyreadstat.read_sav)):
        path = tmp_path / name
        path.write_bytes((await get(name)).content)
        frame, meta = reader(str(path))
        assert list(frame.columns) == ["kommune", "koen", "antal", "sdc"]
        rows = list(frame.itertuples(index=False, name=None))
        _assert_protected(_published(rows), None)
        assert all((flag == "..") == math.isnan(n) for *_, n, flag in rows)
    assert "Tabellerne må ikke gives videre til tredjepart (ikke med i kontrakten)." in meta.notes

    # Semicolon-separated.
    text = (await get("employed csv.csv")).content.decode("utf-8")
    _assert_protected(_published([*row[:2], row[2] if row[2] == ".." else int(row[2])]
                                 for row in (line.split(";") for line in text.splitlines()[1:])), "..")
    assert "151;M;..\n" in text.replace("\r\n", "\n")

    # The delivery's documentation: each table's method, the terms, the symbol.
    got = await client.get(f"/v1/commissions/{cid}/deliveries/1/documentation", headers=customer)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/plain")
    assert "- employed pcaxis.px: celleundertrykkelse, mindste antal pr. celle 3, 4 undertrykte celler" in got.text
    assert "BEF (KOEN)" in got.text and "Tabellerne må ikke offentliggøres i rå form" in got.text

    # Names: without the extension, a wrong extension, another delivery, a stranger.
    assert (await client.get(f"/v1/commissions/{cid}/deliveries/1/files/employed csv", headers=customer)
            ).status_code == 200
    for path in ("deliveries/1/files/employed csv.xlsx", "deliveries/2/files/employed csv.csv",
                 "deliveries/2/documentation"):
        assert (await client.get(f"/v1/commissions/{cid}/{path}", headers=customer)).status_code == 404
    stranger = await as_user("RESB")
    assert (await client.get(f"/v1/commissions/{cid}/deliveries/1/files/employed csv.csv",
                             headers=stranger)).status_code == 404


async def test_bad_tables_and_names_are_refused_and_nothing_is_delivered(client, as_user, demo):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    cid = await _commissioned(client, customer, staff)
    good = {"name": "t", "content": TABLE, "count": "antal"}
    bad = {**good, "name": "u"}
    for table, code in (({**good, "name": "../etc/passwd"}, "invalid_table_name"),
                        ({**good, "name": 'a"b'}, "invalid_table_name"),
                        ({**bad, "format": "docx"}, "validation_failed"),
                        ({**bad, "content": "kommune;koen\n101;M\n"}, "no_count_column"),
                        ({**bad, "content": "kommune;antal\n101;x\n"}, "count_not_numeric"),
                        ({**bad, "content": "kommune;antal\n101;-4\n"}, "count_negative"),
                        ({**bad, "content": "kommune;antal\n101;4\n147;5\nI alt;10\n"}, "inconsistent_total")):
        r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff,
                              json={"documentation": "d", "tables": [good, table] if code != "invalid_table_name"
                                    else [table]})
        assert r.status_code == 422 and r.json()["code"] == code, (code, r.text)
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff,
                          json={"documentation": "d", "tables": [good, {**good, "format": "csv"}]})
    assert (r.status_code, r.json()["code"]) == (422, "duplicate_table")
    shown = (await client.get(f"/v1/commissions/{cid}", headers=staff)).json()
    assert shown["state"] == "in_production" and shown["deliveries"] == [] and shown["invoices"] == []


async def test_a_long_service_is_sub_invoiced_and_the_final_invoice_subtracts_it(client, as_user, demo, smtp):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    cid = await _commissioned(client, customer, staff, kind="framework", hours=10)
    await client.post(f"/v1/commissions/{cid}/time", headers=staff, json={"task": "programming", "minutes": 240})
    # Within the first month: not a long service yet.
    r = await client.post(f"/v1/commissions/{cid}/sub-invoices", headers=staff)
    assert (r.status_code, r.json()["code"]) == (409, "sub_invoice_too_soon")
    r = await client.post(f"/v1/commissions/{cid}/sub-invoices", headers=customer)
    assert r.status_code == 403

    clock.travel(timedelta(days=31))
    customer, staff = await as_user.__class__(client)("RESA"), await as_user.__class__(client)("STAF")
    r = await client.post(f"/v1/commissions/{cid}/sub-invoices", headers=staff)
    assert r.status_code == 201, r.text
    sub = r.json()["invoices"]
    assert [(i["kind"], i["minutes"], i["amount_dkk"], i["delivery"]) for i in sub] == [("sub", 240, "5904.00", None)]
    assert sub[0]["due_on"] == (clock.now().date() + timedelta(days=30)).isoformat()
    # Nothing new registered: nothing to invoice (after another month).
    clock.travel(timedelta(days=31))
    staff = await as_user.__class__(client)("STAF")
    r = await client.post(f"/v1/commissions/{cid}/sub-invoices", headers=staff)
    assert (r.status_code, r.json()["code"]) == (409, "nothing_to_invoice")

    # Delivery: 7 hours in all (4 + 3); the final invoice is 7 h less the 4 h sub-invoiced.
    await client.post(f"/v1/commissions/{cid}/time", headers=staff, json={"task": "tables", "minutes": 180})
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "d", "tables": [{"name": "t", "content": TABLE, "count": "antal"}]})
    assert r.status_code == 201, r.text
    invoices = r.json()["invoices"]
    assert [(i["kind"], i["amount_dkk"], i["delivery"]) for i in invoices] == [
        ("sub", "5904.00", None), ("final", "4428.00", 1)]
    # No sub-invoice after delivery.
    r = await client.post(f"/v1/commissions/{cid}/sub-invoices", headers=staff)
    assert (r.status_code, r.json()["code"]) == (409, "not_in_production")

    await deliver_due(demo)
    mails = [m for m in smtp.messages if m["Subject"] == f"Delfaktura for opgave {cid}: {REQUEST['title']}"]
    assert len(mails) == 1 and "5904.00 kr. ekskl. moms" in mails[0].get_content()
    async with AsyncSession(demo) as s:
        audited = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "commission.sub_invoice"))).all()
    assert [(e.subject, e.summary["after"]["amount_ore"]) for e in audited] == [(f"commission:{cid}", 590400)]


def _link(smtp, address: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    mail = [m for m in smtp.messages if address in m["X-Rcpt"] and "/follow/" in m.get_content()][-1]
    found = re.search(r"/follow/(\d+)/([A-Za-z0-9_-]+)", mail.get_content())
    assert found
    return found.group(1), found.group(2)


async def test_a_customer_without_a_boa_user_follows_the_commission_by_its_link(client, as_user, demo, smtp):
    guest = {"name": "Gitte Guest", "contact_email": "Gitte@Example.org", **REQUEST, "language": "en"}
    # Bad input: an address that is not one, an update or an own list, unknown fields.
    for body, status, code in (({**guest, "contact_email": "not-an-address"}, 422, "validation_failed"),
                               ({**guest, "population": "own_list"}, 422, "guest_not_allowed"),
                               ({**guest, "registers": [{"code": "NOPE", "variables": ["X"]}]}, 422,
                                "validation_failed"),
                               ({**guest, "kind": "update"}, 400, None)):
        r = await client.post("/v1/commission-requests", json=body)
        assert r.status_code == status and (code is None or r.json()["code"] == code), r.text
    r = await client.post("/v1/commission-requests", json=guest)
    assert r.status_code == 202, r.text
    assert r.json() == {"id": r.json()["id"], "contact_email": "Gitte@example.org", "confirmed": False}
    await deliver_due(demo)
    cid, secret = _link(smtp, "Gitte@example.org")
    assert cid == r.json()["id"]
    link = {"X-Commission-Link": secret}
    async with AsyncSession(demo) as s:
        stored = await s.scalar(select(Commission.guest_token_hash))
    assert stored and secret not in stored and len(stored) == 64

    # Not confirmed: not in the office's queue, not clarified.
    staff = await as_user("STAF")
    assert cid not in [c["id"] for c in (await client.get("/v1/commissions", headers=staff)).json()["items"]]
    r = await client.post(f"/v1/commissions/{cid}/clarification", headers=staff,
                          json={"clarification_hours": 0.5, "consultant": "STAF"})
    assert (r.status_code, r.json()["code"]) == (409, "not_confirmed")
    # A wrong secret, none, another commission's id, a signed-in stranger: 404 / 400 / 401.
    for headers, path in (({"X-Commission-Link": secret[:-1] + ("A" if secret[-1] != "A" else "B")}, cid),
                          (link, str(int(cid) + 1)), (link, "x")):
        assert (await client.get(f"/v1/commission-links/{path}", headers=headers)).status_code == 404
    assert (await client.get(f"/v1/commission-links/{cid}")).status_code == 400
    assert (await client.get(f"/v1/commissions/{cid}", headers=await as_user("RESB"))).status_code == 404

    r = await client.post(f"/v1/commission-links/{cid}/confirm", headers=link)
    assert r.status_code == 200 and r.json()["guest_confirmed_at"], r.text
    staff = await as_user("STAF")
    queue = (await client.get("/v1/commissions", headers=staff)).json()["items"]
    assert cid in [c["id"] for c in queue]
    await _commissioned(client, None, staff, link=link, cid=cid)
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "BEF 2024", "tables": [{"name": "employed", "content": TABLE, "count": "antal"}]})
    assert r.status_code == 201, r.text

    shown = (await client.get(f"/v1/commission-links/{cid}", headers=link)).json()
    assert shown["state"] == "delivered" and shown["invoices"][0]["amount_dkk"] == "5904.00"
    got = await client.get(f"/v1/commission-links/{cid}/deliveries/1/files/employed.xlsx", headers=link)
    assert got.status_code == 200
    rows = xlsx_rows(got.content)
    _assert_protected(_published(rows[1:]), "..")
    assert ("Total", "Total", 338) in rows  # the guest reads English
    got = await client.get(f"/v1/commission-links/{cid}/deliveries/1/documentation", headers=link)
    assert "may not be passed on to third parties" in got.text
    r = await client.post(f"/v1/commission-links/{cid}/errors", headers=link, json={"description": "151 is wrong"})
    assert r.status_code == 200 and r.json()["state"] == "reopened"

    await deliver_due(demo)
    subjects = [m["Subject"] for m in smtp.messages if "Gitte@example.org" in m["X-Rcpt"]]
    assert f"Quotation for service {cid}: {REQUEST['title']}" in subjects
    assert any(s.startswith(f"Delivery 1 of service {cid}") for s in subjects)
    async with AsyncSession(demo) as s:
        entries = (await s.execute(select(AuditEntry.action, AuditEntry.actor).where(
            AuditEntry.subject == f"commission:{cid}"))).all()
    assert ("commission.guest_request", f"guest:commission:{cid}") in entries
    assert ("commission.guest_confirm", f"guest:commission:{cid}") in entries
    assert ("commission.accept", f"guest:commission:{cid}") in entries


async def test_requests_without_a_user_are_limited(client, demo):
    body = {"name": "Flood", "contact_email": "flood@example.org", **REQUEST}
    for _ in range(3):
        assert (await client.post("/v1/commission-requests", json=body)).status_code == 202
    r = await client.post("/v1/commission-requests", json=body)
    assert (r.status_code, r.json()["code"]) == (429, "too_many_requests")
    async with AsyncSession(demo) as s:
        assert await s.scalar(select(func.count()).select_from(Commission)) == 3
    # Another address may still ask; after a day the first may again.
    assert (await client.post("/v1/commission-requests", json={**body, "contact_email": "b@example.org"})
            ).status_code == 202
    clock.travel(timedelta(days=1, minutes=1))
    assert (await client.post("/v1/commission-requests", json=body)).status_code == 202


async def test_an_update_starts_from_the_earlier_delivery(client, as_user, demo):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    cid = await _commissioned(client, customer, staff)
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "d", "tables": [{"name": "employed", "content": TABLE, "count": "antal", "format": "pcaxis"}]})
    assert r.status_code == 201
    r = await client.post("/v1/commissions", headers=customer, json={**REQUEST, "kind": "update", "previous_id": cid})
    assert r.status_code == 201, r.text
    update = r.json()
    assert update["previous_delivery"] == 1
    assert [(f["name"], f["format"], f["file_name"]) for f in update["previous_tables"]] == [
        ("employed", "pcaxis", "employed.px")]


@pytest.mark.parametrize("method", ["aggregate"])
async def test_an_aggregated_table_is_delivered_with_its_category(client, as_user, demo, method):
    customer, staff = await as_user("RESA"), await as_user("STAF")
    cid = await _commissioned(client, customer, staff)
    content = "kommune;antal\n101;40\n147;1\n151;2\n153;30\n"
    r = await client.post(f"/v1/commissions/{cid}/deliveries", headers=staff, json={
        "documentation": "d", "tables": [{"name": "t", "content": content, "count": "antal", "method": method}]})
    assert r.status_code == 201, r.text
    rows = xlsx_rows((await client.get(f"/v1/commissions/{cid}/deliveries/1/files/t.xlsx", headers=customer)).content)
    assert ("statistisk diskretionering", 3) in rows and not any(r[1] in (1, 2) for r in rows[1:])
    async with AsyncSession(demo) as s:
        assert await s.scalar(select(func.count()).select_from(Invoice)) == 1
