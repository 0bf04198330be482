"""The register catalogue's pages: public and searchable without logging in, in Danish and English;
Research Services add, change, release and close registers (a confirmation before closing) and add
and change variables, a refusal shown on the same page with what was typed."""

from __future__ import annotations

import re

from sqlalchemy import select

from boa.kernel.db import transaction
from boa.registers.models import Register


async def _register(engine, code: str) -> Register | None:
    async with transaction(engine) as s:
        return await s.scalar(select(Register).where(Register.code == code))


async def test_the_catalogue_is_public_and_searchable(people):
    visitor = await people()
    page = await visitor.get("/registers")
    assert page.status_code == 200
    assert "Dataindhold: registeroversigten" in page.text and "Befolkningen" in page.text
    assert '<a href="/registers/BEF"><code>BEF</code></a>' in page.text
    assert '<option value="HFAUDD">' not in page.text and '<option value="UDDA">' in page.text  # suggestions
    found = await visitor.get("/registers", params={"q": "dødsårsag"})
    shown = re.findall(r'<a href="/registers/(\w+)">', found.text)
    assert shown == ["DODSAARS", "DODSAASG"]
    assert "Lukket" in found.text and "1970–2001" in found.text
    none = await visitor.get("/registers", params={"q": "intet-som-dette"})
    assert "Ingen registre fundet." in none.text
    bad = await visitor.get("/registers", params={"q": "a\x00b"})
    assert bad.status_code == 422 and "Nogle af oplysningerne er ikke gyldige." in bad.text
    assert 'value="a' in bad.text  # what was typed stays in the box


async def test_one_register_with_its_documentation_in_english(people):
    visitor = await people()
    await visitor.get("/registers/IND")
    r = await visitor.post("/language", {"lang": "en", "next_page": "/registers/IND"})
    assert r.status_code == 303
    page = await visitor.get("/registers/IND")
    assert page.status_code == 200
    assert "<code>IND</code> · Income" in page.text and "Total personal income" in page.text
    assert 'href="https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/hoejkvalitetsvariable/indkomst/pnr"' \
        in page.text
    assert "Yes: pseudonymised" in page.text and "Maintain this register" not in page.text
    unreleased = await visitor.get("/registers/ELFORBRUG")
    assert "Not yet released: it can be ordered only for project databases and authority schemes." in unreleased.text
    assert "Not yet documented" in unreleased.text
    missing = await visitor.get("/registers/NOPE")
    assert missing.status_code == 404


async def test_the_menu_offers_the_catalogue_and_its_maintenance(people):
    researcher = await people("RESA")
    home = await researcher.get("/")
    assert 'href="/registers"' in home.text and "/staff/registers" not in home.text
    # Public, yet the signed-in reader's own page: their menu and name are on it.
    catalogue = await researcher.get("/registers")
    assert '<nav class="side"' in catalogue.text and "<strong>RESA</strong>" in catalogue.text
    stranger = await people()
    stranger.http.cookies.set("boa_session", "not-a-session")
    stale = await stranger.get("/registers")  # a session no longer valid reads the page anonymously
    assert stale.status_code == 200 and '<nav class="side"' not in stale.text and "Log ind" in stale.text
    staff = await people("STAF")
    assert 'href="/staff/registers"' in (await staff.get("/")).text
    assert (await researcher.get("/staff/registers")).status_code == 403
    assert (await researcher.post("/staff/registers/BEF/close", {"last_year": "2024"})).status_code == 403


async def test_staff_add_a_register_and_a_refusal_keeps_what_was_typed(people, db):
    staff = await people("STAF")
    typed = {"code": "BEF", "name_da": "Befolkning igen", "name_en": "Population again", "first_year": "1990",
             "frequency": "monthly"}
    await staff.get("/staff/registers")  # a refusal comes back on the page the form was on
    dup = await staff.post("/staff/registers", typed)
    assert dup.status_code == 409 and "Oversigten har allerede et register med den kode." in dup.text
    assert 'value="Befolkning igen"' in dup.text and '<option value="monthly" selected>' in dup.text
    early = await staff.post("/staff/registers", {**typed, "code": "SKOLE", "first_year": "1066"})
    assert early.status_code == 422 and "Det er ikke et muligt år" in early.text and 'value="1066"' in early.text
    empty = await staff.post("/staff/registers", {**typed, "code": "SKOLE", "name_da": " "})
    assert empty.status_code == 422 and 'value="SKOLE"' in empty.text
    assert await _register(db, "SKOLE") is None
    r = await staff.post("/staff/registers", {**typed, "code": "skole", "released": "yes"})
    assert r.status_code == 303 and r.headers["location"] == "/staff/registers/SKOLE"
    page = await staff.get(r.headers["location"])
    assert "Register SKOLE er tilføjet." in page.text and "Frigivet" in page.text
    r = await staff.post("/staff/registers/SKOLE/variables", {"name": "pnr", "label_da": "Personnummer",
                                                              "label_en": "Personal number", "key": "yes"})
    assert r.status_code == 303
    page = await staff.get("/staff/registers/SKOLE")
    assert "Variabel PNR er tilføjet." in page.text and "<code>PNR</code>" in page.text
    bad = await staff.post("/staff/registers/SKOLE/variables", {"name": "KARAKTER", "label_da": "Karakter",
                                                                "label_en": "Grade", "documentation_url": "ftp://x"})
    assert bad.status_code == 422 and 'value="KARAKTER"' in bad.text and 'value="ftp://x"' in bad.text
    changed = await staff.post("/staff/registers/SKOLE/variables/PNR", {"label_da": "", "label_en": "Personal number"})
    assert changed.status_code == 422 and "<details open>" in changed.text
    r = await staff.post("/staff/registers/SKOLE/variables/PNR", {
        "label_da": "Personnummer (pseudonymiseret)", "label_en": "Personal number (pseudonymised)", "key": "yes",
        "documentation_url": "https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/hoejkvalitetsvariable/x/pnr"})
    assert r.status_code == 303
    public = await staff.get("/registers/SKOLE")
    assert "Personnummer (pseudonymiseret)" in public.text and "Vedligehold dette register" in public.text


async def test_staff_release_and_close_after_a_confirmation(people, db):
    staff = await people("STAF")
    page = await staff.get("/staff/registers/ELFORBRUG")
    assert "Frigiv registret" in page.text and "Kun et frigivet register kan lukkes." in page.text
    r = await staff.post("/staff/registers/ELFORBRUG/release")
    assert r.status_code == 303
    page = await staff.get(r.headers["location"])
    assert "Register ELFORBRUG er frigivet." in page.text and "Frigiv registret" not in page.text
    twice = await staff.post("/staff/registers/ELFORBRUG/release")
    assert twice.status_code == 409 and "Registret er allerede frigivet." in twice.text

    before = await staff.get("/staff/registers/ELFORBRUG/close", params={"last_year": "2019"})
    assert before.status_code == 422 and "Det sidste år ligger før det første år." in before.text
    assert 'value="2019"' in before.text
    confirm = await staff.get("/staff/registers/ELFORBRUG/close", params={"last_year": "2024"})
    assert confirm.status_code == 200
    assert "Luk ELFORBRUG (Elforbrug i boliger) med sidste år 2024?" in confirm.text
    assert (await _register(db, "ELFORBRUG")).state == "released"  # asking closes nothing
    r = await staff.post("/staff/registers/ELFORBRUG/close", {"last_year": "2024"})
    assert r.status_code == 303
    page = await staff.get(r.headers["location"])
    assert "Register ELFORBRUG er lukket med sidste år 2024." in page.text
    assert re.search(r"Lukket med sidste år 2024\.", page.text)
    again = await staff.post("/staff/registers/ELFORBRUG/close", {"last_year": "2025"})
    assert again.status_code == 409 and "Registret er allerede lukket." in again.text
    assert (await _register(db, "ELFORBRUG")).last_year == 2024


async def test_staff_change_a_register(people, db):
    staff = await people("STAF")
    r = await staff.post("/staff/registers/FAM", {"name_da": "Familier", "name_en": "Families and households",
                                                  "first_year": "1986", "frequency": "yearly"})
    assert r.status_code == 303
    assert (await _register(db, "FAM")).name_en == "Families and households"
    await staff.get("/staff/registers/FAM")
    bad = await staff.post("/staff/registers/FAM", {"name_da": "Familier", "name_en": "Families", "first_year": "år",
                                                    "frequency": "yearly"})
    assert bad.status_code == 422 and 'value="år"' in bad.text
