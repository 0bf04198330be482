"""The access history's page for an institution's responsible person (issue 21 item 5): the same
page as the office's, scoped as the API scopes the question (the projects of their institution;
people who have been associated with or held a role there, only that institution's projects), in
the institution's menu; and a question that cannot be answered is answered in place: the form
again with what was typed and the refusal in the reader's words."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select

from boa.kernel import clock
from boa.people.models import Institution
from tests.helpers import Sessions
from tests.pages.inplace import value_of
from tests.sanction_helpers import breach, labour


def _q(moment) -> str:  # type: ignore[no-untyped-def]
    return quote(moment.isoformat())


async def _locked_project(client) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The labour project (institution 101) with RESA locked out by a breach case three days in."""
    number = await labour(client, await Sessions(client)("STAF"))
    clock.travel(timedelta(days=3))
    r = await client.post("/v1/breaches", json=breach("RESA", number), headers=await Sessions(client)("SANC"))
    assert r.status_code == 201, r.text
    clock.travel(timedelta(days=1))
    return number, str(r.json()["id"])


async def test_the_responsible_person_reads_their_institutions_history_on_the_page(people, demo, client):
    number, case = await _locked_project(client)
    resp = await people("RESP")  # responsible at 101 Aarhus Research University
    home = await resp.get("/")
    menu = home.text.split('<nav class="side"', 1)[1].split("</nav>", 1)[0]
    assert menu.count('href="/access-history"') == 1  # in the institution's menu, once
    page = await resp.get(f"/access-history?project={number}")
    assert page.status_code == 200, page.text
    assert "101 Aarhus Research University" in page.text  # whose history they see
    assert "<svg" in page.text and 'class="lock-mark"' in page.text and "<script" not in page.text
    assert "RESA · Forskningsadgang" in page.text  # the chart's lanes in the reader's words
    assert "Adgangen er spærret." in page.text and f"sag {case}" in page.text
    csv_ = await resp.get(f"/access-history?project={number}&export=csv")
    assert csv_.headers["content-type"].startswith("text/csv")
    assert any(line.startswith(f"RESA,{number},project_access,") and f"locked(case {case})" in line
               for line in csv_.text.splitlines()), csv_.text
    person = await resp.get("/access-history?ident=RESA")
    assert person.status_code == 200 and f"<td>{number}</td>" in person.text
    await resp.post("/language", {"lang": "en", "next_page": "/access-history"})
    english = await resp.get(f"/access-history?project={number}")
    assert "RESA · Research access" in english.text and "Access is locked." in english.text
    assert f"case {case}" in english.text


async def test_outside_their_institution_the_page_refuses_in_their_words(people, demo, client):
    number, _ = await _locked_project(client)
    aurs = await people("AURS")  # responsible at 201, the agency: not the university's
    r = await aurs.get(f"/access-history?project={number}")
    assert r.status_code == 403
    assert "Projektet hører til en institution, der ikke er din." in r.text
    assert f'value="{number}"' in r.text and 'aria-invalid="true"' in r.text and "<svg" not in r.text
    r = await aurs.get("/access-history?ident=RESA")
    assert r.status_code == 403 and 'value="RESA"' in r.text
    assert "Personen har aldrig været tilknyttet eller haft en rolle på en institution af dine." in r.text
    resp = await people("RESP")
    r = await resp.get("/access-history?ident=LAWM")  # only ever at 301, the ministry
    assert r.status_code == 403 and 'value="LAWM"' in r.text
    researcher = await people("RESB")  # no responsible role anywhere: no menu item, no page
    assert 'href="/access-history"' not in (await researcher.get("/")).text
    for path in ("/access-history", f"/access-history?project={number}", f"/staff/access-history?project={number}"):
        r = await researcher.get(path)
        assert r.status_code == 403, path
    assert "Kun Forskningsservice og en institutions autorisationsansvarlige må læse adgangshistorikken." in \
        (await researcher.get("/access-history")).text
    staff = await people("STAF")  # the office has its own menu item and may use either door
    assert 'href="/access-history"' not in (await staff.get("/")).text
    assert (await staff.get(f"/access-history?project={number}")).status_code == 200


async def test_bad_questions_come_back_to_the_form_with_what_was_typed(people, demo, client):
    number, _ = await _locked_project(client)
    now = clock.now()
    resp = await people("RESP")
    asks = {
        f"project={number}&to={_q(now + timedelta(days=1))}":
            (422, "to", "Tidspunktet ligger i fremtiden: historikken fortæller kun om fortiden."),
        f"project={number}&from={_q(now - timedelta(days=3700))}&to={_q(now)}":
            (422, "from", "Perioden er højst ti år."),
        f"project={number}&from={_q(now)}&to={_q(now - timedelta(days=1))}":
            (422, "from", "“Fra” ligger efter “Til”."),
        f"project={number}&from={_q(now - timedelta(days=400))}":
            (422, "from", "Tidspunktet ligger før adgangshistorikken begyndte ("),
        f"project={number}&from=someday": (422, "from", "Skriv et tidspunkt med tidszone"),
        f"project={number}&from={quote(now.replace(tzinfo=None).isoformat())}":
            (422, "from", "Skriv et tidspunkt med tidszone"),
        "project=999999": (404, "project", "Intet projekt har det nummer."),
        "ident=ZZZZ": (404, "ident", "Ingen bruger har det IDENT."),
        f"project={number}&ident=RESA": (422, "project", "Spørg om ét projekt eller ét IDENT, ikke begge."),
    }
    for door in ("/access-history", "/staff/access-history"):
        person = resp if door == "/access-history" else await people("STAF")
        for query, (status, field, message) in asks.items():
            r = await person.get(f"{door}?{query}")
            assert r.status_code == status, (door, query, r.text)
            assert 'id="error-summary"' in r.text and message in r.text, (door, query)
            assert re.search(rf'id="history-{field}"[^>]*aria-invalid="true"', r.text), (door, query)
            assert f'action="{door}"' in r.text and "<svg" not in r.text
            for name, value in re.findall(r"(\w+)=([^&]*)", query):  # what was typed, kept
                assert value_of(r.text, name) == value.replace("%3A", ":").replace("%2B", "+"), (door, query, name)
    await resp.post("/language", {"lang": "en", "next_page": "/access-history"})
    r = await resp.get(f"/access-history?project={number}&to={_q(now + timedelta(days=1))}")
    assert r.status_code == 422 and "The time lies in the future: the history tells only the past." in r.text


async def test_a_person_from_elsewhere_shows_only_their_projects_at_your_institution(people, demo, client):
    """LAWM is on the ministry's (301) law-model project; once associated with the university (101),
    its responsible person may ask about LAWM, and sees none of the ministry's projects."""
    async with demo.begin() as conn:
        university = await conn.scalar(select(Institution.id).where(Institution.authorisation_number == 101))
    r = await client.post(f"/v1/institutions/{university}/associations", json={"ident": "LAWM"},
                          headers=await Sessions(client)("ADMN"))
    assert r.status_code == 201, r.text
    r = await client.post(f"/v1/associations/{r.json()['id']}/approve", headers=await Sessions(client)("RESP"))
    assert r.status_code == 200, r.text
    clock.travel(timedelta(days=1))
    staff = await (await people("STAF")).get("/staff/access-history?ident=LAWM")
    ministry = set(re.findall(r"<tr><td>LAWM</td><td>(\d+)</td>", staff.text))
    assert ministry, staff.text  # the office sees the law-model project
    resp = await people("RESP")
    mine = await resp.get("/access-history?ident=LAWM")
    assert mine.status_code == 200, mine.text
    assert not re.findall(r"<tr><td>LAWM</td><td>(\d+)</td>", mine.text) and "Ingen adgang i perioden." in mine.text
    csv_ = await resp.get("/access-history?ident=LAWM&export=csv")
    assert csv_.text.splitlines()[1:] == []
