"""The consulting service's pages (Danish by default): the customer files a request and accepts the
quotation in writing; Research Services clarify, quote, record the contract, start production,
register time and deliver a protected table; the customer sees the delivery and the invoice."""

from __future__ import annotations

from tests.commission_helpers import xlsx_rows

TABLE = "kommune;antal\n101;12\n147;2\n151;25\n"


async def test_a_request_through_the_pages(people):
    customer = await people("RESA")
    home = await customer.get("/")
    assert 'href="/commissions"' in home.text
    page = await customer.get("/commissions")
    assert "Bestilte statistikker" in page.text and "Bed om et tilbud" in page.text

    # An unknown variable is refused on the page, with what was typed kept.
    bad = await customer.post("/commissions", {"title": "Borgere", "description": "Borgere pr. kommune",
                                               "population": "total", "register": "BEF", "variables": "NOSUCH",
                                               "formats": "xlsx"})
    assert bad.status_code == 422 and 'value="Borgere"' in bad.text
    r = await customer.post("/commissions", {"title": "Borgere", "description": "Borgere pr. kommune",
                                             "population": "total", "register": "BEF", "variables": "KOEN",
                                             "formats": "xlsx"})
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    cid = url.rsplit("/", 1)[1]

    staff = await people("STAF")
    queue = await staff.get("/commissions")
    assert f'href="/commissions/{cid}"' in queue.text and "Indsendt" in queue.text
    await staff.get(url)
    for step, form in (("clarification", {"consultant": "STAF", "clarification_hours": "0,5", "data_available": "yes"}),
                       ("quotation", {"kind": "fixed_price", "hours": "20", "tables": "Borgere pr. kommune"})):
        r = await staff.post(f"{url}/{step}", form)
        assert r.status_code == 303, (step, r.text)
    negative = await staff.post(f"{url}/quotation", {"kind": "fixed_price", "hours": "-1", "tables": "A"})
    assert negative.status_code == 422

    quoted = await customer.get(url)
    assert "DKK 29520.00" in quoted.text and "Accepter tilbuddet skriftligt" in quoted.text
    r = await customer.post(f"{url}/accept", {"version": "1", "statement": "Vi accepterer tilbuddet."})
    assert r.status_code == 303

    # Above DKK 25,000: production is refused on the page until the contract is recorded.
    await staff.get(url)
    refused = await staff.post(f"{url}/production", {})
    assert refused.status_code == 409 and "kontrakt" in refused.text.lower()
    for step, form in (("contract", {"reference": "K-7"}), ("production", {}),
                       ("time", {"task": "programming", "minutes": "120"}),
                       ("delivery", {"name": "borgere", "format": "xlsx", "count": "antal", "content": TABLE,
                                     "documentation": "BEF 2024"})):
        r = await staff.post(f"{url}/{step}", form)
        assert r.status_code == 303, (step, r.text)

    delivered = await customer.get(url)
    assert "Leveret" in delivered.text and "DKK 29520.00 ekskl. moms" in delivered.text
    assert f'href="/commissions/{cid}/deliveries/1/files/borgere.xlsx"' in delivered.text
    table = await customer.get(f"{url}/deliveries/1/files/borgere.xlsx")
    assert table.status_code == 200 and ("147", "..") in xlsx_rows(table.content)
    doc = await customer.get(f"{url}/deliveries/1/documentation")
    assert doc.status_code == 200 and "må ikke gives videre til tredjepart" in doc.text
    stranger = await people("RESB")
    assert (await stranger.get(url)).status_code == 404


async def test_a_customer_without_a_user_requests_and_follows_through_the_link(people, smtp, demo):
    import re as regex

    from boa.kernel.outbox import deliver_due

    guest = await people()
    page = await guest.get("/commission-request")
    assert page.status_code == 200 and "Bed om et tilbud" in page.text
    form = {"name": "Gitte Gæst", "contact_email": "gitte@example.org", "title": "Borgere pr. kommune",
            "description": "Antal borgere pr. kommune, 2024.", "population": "total", "register": "BEF",
            "variables": "KOEN", "formats": "pivot"}
    bad = await guest.post("/commission-request", {**form, "contact_email": "gitte"})
    assert bad.status_code == 422 and 'value="Gitte Gæst"' in bad.text
    sent = await guest.post("/commission-request", form)
    assert sent.status_code == 202 and "gitte@example.org" in sent.text
    await deliver_due(demo)
    body = next(m for m in smtp.messages if m["X-Rcpt"] == "gitte@example.org").get_content()
    path = regex.search(r"http://[^/]+(/follow/\d+/\S+)", body).group(1)
    cid = path.split("/")[2]

    staff = await people("STAF")
    assert f'href="/commissions/{cid}"' not in (await staff.get("/commissions")).text
    assert (await guest.get(path[:-2] + "xx")).status_code == 404
    followed = await guest.get(path)
    assert "Bekræft min forespørgsel" in followed.text
    assert (await guest.post(f"{path}/confirm", {})).status_code == 303
    assert f'href="/commissions/{cid}"' in (await staff.get("/commissions")).text
    office = await staff.get(f"/commissions/{cid}")
    assert "Gitte Gæst (gitte@example.org), uden BOA-bruger" in office.text
    for step, data in (("clarification", {"consultant": "STAF", "clarification_hours": "0,5"}),
                       ("quotation", {"kind": "fixed_price", "hours": "4", "tables": "Borgere"})):
        assert (await staff.post(f"/commissions/{cid}/{step}", data)).status_code == 303
    await guest.get(path)
    assert (await guest.post(f"{path}/accept", {"version": "1", "statement": "Vi accepterer. Gitte"})
            ).status_code == 303
    await staff.get(f"/commissions/{cid}")
    for step, data in (("production", {}), ("delivery", {"name": "borgere", "format": "pivot", "count": "antal",
                                                         "content": TABLE, "documentation": "BEF 2024"})):
        assert (await staff.post(f"/commissions/{cid}/{step}", data)).status_code == 303, step
    delivered = await guest.get(path)
    assert f'href="{path}/deliveries/1/files/borgere.xlsx"' in delivered.text
    wide = xlsx_rows((await guest.get(f"{path}/deliveries/1/files/borgere.xlsx")).content)
    assert wide[:2] == [("kommune", "101", "147", "151", "I alt"), ("antal", "..", "..", 25, 39)]


async def test_an_update_starts_from_the_earlier_request_and_tables(people, demo, client, as_user):
    from tests.commission_helpers import delivered_commission

    cid = await delivered_commission(client, await as_user("RESA"), await as_user("STAF"))
    customer = await people("RESA")
    page = await customer.get(f"/commissions/{cid}")
    assert f'href="/commissions?update={cid}#request"' in page.text
    form = await customer.get(f"/commissions?update={cid}")
    assert 'value="Residents by municipality"' in form.text and 'name="previous_id"' in form.text
    assert f'href="/commissions/{cid}/deliveries/1/files/t.xlsx"' in form.text
    r = await customer.post("/commissions", {"previous_id": cid, "title": "Residents 2025", "description": "Again",
                                             "population": "total", "register": "BEF", "variables": "KOEN",
                                             "formats": "xlsx"})
    assert r.status_code == 303, r.text
    update = await customer.get(r.headers["location"])
    assert f"Opdatering af opgave {cid}" in update.text and "t.xlsx" in update.text


async def test_the_office_sub_invoices_a_long_service_on_the_page(people, demo):
    from datetime import timedelta

    from boa.kernel import clock

    customer = await people("RESA")
    await customer.get("/commissions")
    r = await customer.post("/commissions", {"title": "Lang opgave", "description": "d", "population": "total",
                                             "register": "BEF", "variables": "KOEN", "formats": "xlsx"})
    url = r.headers["location"]
    staff = await people("STAF")
    await staff.get(url)
    for step, data in (("clarification", {"consultant": "STAF", "clarification_hours": "0,5"}),
                       ("quotation", {"kind": "framework", "hours": "10", "hour_ceiling": "10"})):
        assert (await staff.post(f"{url}/{step}", data)).status_code == 303
    await customer.get(url)
    await customer.post(f"{url}/accept", {"version": "1", "statement": "Ja"})
    for step, data in (("production", {}), ("time", {"task": "programming", "minutes": "120"})):
        assert (await staff.post(f"{url}/{step}", data)).status_code == 303
    too_soon = await staff.post(f"{url}/sub-invoice", {})
    assert too_soon.status_code == 409 and "højst én om måneden" in too_soon.text
    clock.travel(timedelta(days=31))
    staff = await people("STAF")
    await staff.get(url)
    assert (await staff.post(f"{url}/sub-invoice", {})).status_code == 303
    customer = await people("RESA")
    assert "Delfaktura: DKK 2952.00 ekskl. moms" in (await customer.get(url)).text
