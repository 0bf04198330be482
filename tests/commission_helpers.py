"""A commission walked to its first delivery over the API (the permission matrix's world, the pages' tests)."""

from __future__ import annotations

TABLE = "kommune;antal\n101;12\n147;40\n151;25\n"


async def delivered_commission(client, customer: dict[str, str], staff: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    r = await client.post("/v1/commissions", headers=customer, json={
        "title": "Residents by municipality", "description": "Residents by municipality, 2024.",
        "population": "total", "registers": [{"code": "BEF", "variables": ["KOEN"]}]})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    steps = [("clarification", staff, {"clarification_hours": 0.5, "consultant": "STAF"}),
             ("quotations", staff, {"kind": "fixed_price", "hours": 1, "tables": ["Residents"]}),
             ("quotations/1/accept", customer, {"statement": "We accept."}),
             ("production", staff, None),
             ("deliveries", staff, {"documentation": "BEF 2024", "tables": [
                 {"name": "t", "content": TABLE, "count": "antal"}]})]
    for path, who, body in steps:
        r = await client.post(f"/v1/commissions/{cid}/{path}", headers=who, json=body)
        assert r.status_code in (200, 201), (path, r.text)
    return str(cid)


def xlsx_rows(content: bytes, sheet: int = 0) -> list[tuple]:  # type: ignore[type-arg]
    """The rows of a delivered workbook's sheet, as values."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
