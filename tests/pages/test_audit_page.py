"""The audit log as a person reads it: filters as people type them, names instead of keys, details
as fields (before → after), refusals in place with what was typed, an empty state, the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from boa.kernel import clock


async def test_filters_as_people_type_them_and_names_instead_of_keys(people):
    staff = await people("STAF")
    mine = await staff.get("/staff/audit?who=staf")  # lower case, no "user:"
    assert mine.status_code == 200
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", mine.text, flags=re.S)
    assert rows and all("Sofie Staff" in row and "(STAF)" in row for row in rows)
    assert "user:STAF" not in mine.text

    aarhus = await staff.get("/staff/audit?institution=101&action=institution.create")
    assert aarhus.status_code == 200
    assert "101 Aarhus Research University" in aarhus.text and "institution:1<" not in aarhus.text
    assert re.search(r"<dt>authorisation_number</dt><dd>101</dd>", aarhus.text)
    assert aarhus.text.count("<code>institution.create</code>") == 1

    project = await staff.get("/staff/audit?project=700001&action=project.member.add")
    assert project.text.count("<code>project.member.add</code>") >= 1
    assert re.search(r"<dt>state</dt><dd>– → active</dd>", project.text)  # a change as before → after


async def test_danish_letters_are_letters_and_a_day_range_narrows(people):
    staff = await people("STAF")
    made = await staff.post("/staff/institutions", {"name": "Københavns Ø-institut", "authorisation_number": "556",
                                                    "kind": "research_institute"})
    assert made.status_code == 303
    today = clock.now().astimezone(clock.OFFICE_TZ).date()
    page = await staff.get(f"/staff/audit?institution=556&from={today}&to={today}")
    assert "556 Københavns Ø-institut" in page.text and "\\u00f8" not in page.text
    tomorrow = today + timedelta(days=1)
    later = await staff.get(f"/staff/audit?institution=556&from={tomorrow}")
    assert later.status_code == 200 and "Ingen rækker i loggen passer til filteret." in later.text
    assert "<code>institution.create</code>" not in later.text


async def test_a_refused_filter_is_shown_in_place_with_what_was_typed(people):
    staff = await people("STAF")
    cases = [("who=R3SA", "Skriv et IDENT på tre eller fire bogstaver", "who", "R3SA", 422),
             ("institution=999", "Ingen institution har det autorisationsnummer.", "institution", "999", 404),
             ("project=70000x", "Skriv nummeret med cifre alene.", "project", "70000x", 422),
             ("project=700001&institution=101", "Søg på ét af projekt, institution eller emne ad gangen.",
              "subject", "700001", 422),
             ("from=2026-13-01", "Skriv dagen som år-måned-dag", "from", "2026-13-01", 422),
             ("from=2026-11-30&to=2026-11-01", "Den sidste dag ligger før den første.", "to", "2026-11-01", 422),
             ("from=1066-10-14", "Skriv dagen som år-måned-dag", "from", "1066-10-14", 422),
             ("action=nothing.at.all", "Vælg en handling fra listen.", "action", None, 422)]
    for query, message, field, typed, status in cases:
        page = await staff.get(f"/staff/audit?{query}")
        assert page.status_code == status, query
        assert 'id="error-summary"' in page.text and message in page.text, query
        if typed is not None:
            assert f'value="{typed}"' in page.text, query  # what was typed is kept
        if field != "subject":
            assert re.search(rf'id="filter-{field}"[^>]*aria-invalid="true"', page.text), query
        assert "<tr><td>" not in page.text, query  # no rows under a refused filter


async def test_the_filtered_rows_as_csv(people):
    staff = await people("STAF")
    await staff.post("/staff/institutions", {"name": "=HYPERLINK(\"http://evil.example\")", "kind": "other",
                                             "authorisation_number": "557"})
    await staff.post("/staff/institutions", {"name": "Ærø Æbleinstitut", "kind": "other",
                                             "authorisation_number": "558"})
    page = await staff.get("/staff/audit?action=institution.create")
    assert "/staff/audit/export.csv?action=institution.create" in page.text
    export = await staff.get("/staff/audit/export.csv?action=institution.create")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    assert export.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["seq", "time_utc", "who", "who_name", "action"]
    assert {row[4] for row in rows[1:]} == {"institution.create"} and len(rows) == 1 + 5  # the demo's three + two
    assert any("Ærø Æbleinstitut" in row[7] for row in rows[1:])
    evil = [row for row in rows[1:] if "HYPERLINK" in row[7]]
    assert evil and all(not cell.startswith(("=", "+", "-", "@")) for cell in evil[0])
    refused = await staff.get("/staff/audit/export.csv?who=R3SA")
    assert refused.status_code == 422
    researcher = await people("RESA")
    assert (await researcher.get("/staff/audit/export.csv")).status_code == 403
