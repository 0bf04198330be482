"""The consulting service's pages (Danish by default): the customer files a request and accepts the
quotation in writing; Research Services clarify, quote, record the contract, start production,
register time and deliver a protected table; the customer sees the delivery and the invoice."""

from __future__ import annotations

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
    table = await customer.get(f"{url}/deliveries/1/files/borgere")
    assert table.status_code == 200 and "147;.." in table.text
    stranger = await people("RESB")
    assert (await stranger.get(url)).status_code == 404
