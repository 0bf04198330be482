"""The register catalogue over HTTP: read without logging in, searched and paged; maintained by
Research Services (add, change, release, close, variables), every bad input a 4xx with a code and
nothing half-saved, every change audited."""

from __future__ import annotations

from sqlalchemy import func, select

from boa.kernel.db import transaction
from boa.kernel.models import AuditEntry
from boa.registers.catalogue import read_seed
from boa.registers.models import Register, RegisterVariable

NEW = {"code": "SKOLETRIV", "name_da": "Trivselsmålingen i folkeskolen", "name_en": "Well-being survey in schools",
       "first_year": 2015, "frequency": "yearly",
       "variables": [{"name": "pnr", "label_da": "Personnummer (pseudonymiseret)",
                      "label_en": "Personal identification number (pseudonymised)", "key": True},
                     {"name": "TRIVSEL_SOCIAL", "label_da": "Social trivsel", "label_en": "Social well-being",
                      "documentation_url": "https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/"
                                           "hoejkvalitetsvariable/trivsel/trivsel_social"}]}


async def _all(client, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        r = await client.get("/v1/registers", params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items


async def _count(engine, model) -> int:
    async with transaction(engine) as s:
        return await s.scalar(select(func.count(model.id)))


async def test_the_catalogue_is_public_paged_and_in_both_languages(client, db):
    r = await client.get("/v1/registers", params={"limit": 5})
    assert r.status_code == 200
    page = r.json()
    assert len(page["items"]) == 5 and page["next_cursor"] == page["items"][-1]["code"]
    everything = await _all(client, limit=7)
    codes = [i["code"] for i in everything]
    assert codes == sorted(codes) and len(codes) == len(read_seed()) >= 25
    bef = next(i for i in everything if i["code"] == "BEF")
    assert bef["name"] == "Befolkningen" and bef["released"] is True and bef["frequency"] == "quarterly"
    assert bef["first_year"] == 1986 and "last_year" not in bef
    assert {"name": "PNR", "label": "Personnummer (pseudonymiseret)", "key": True} in bef["variables"]
    assert {"name": "KOEN", "label": "Køn", "key": False} in bef["variables"]
    english = (await client.get("/v1/registers", params={"q": "BEF", "lang": "en"})).json()["items"]
    assert english[0]["name"] == "Population" and english[0]["variables"][1]["label"] == "Sex"
    closed = next(i for i in everything if i["code"] == "DODSAARS")
    assert closed["last_year"] == 2001 and closed["released"] is True and closed["state"] == "closed"
    assert sum(1 for i in everything if not i["released"]) >= 2


async def test_one_register_with_its_documentation_links(client, db):
    r = await client.get("/v1/registers/ind")
    assert r.status_code == 200
    ind = r.json()
    assert ind["code"] == "IND" and ind["names"] == {"da": "Indkomst", "en": "Income"}
    pnr = ind["variables"][0]
    assert pnr["name"] == "PNR" and pnr["key"] is True
    assert pnr["documentation_url"].startswith(
        "https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/hoejkvalitetsvariable/")
    assert any(v["name"] == "PERINDKIALT_13" for v in ind["variables"])
    for unknown in ("NOPE", "x", "BEF%2F..", "B" * 300):
        missing = await client.get(f"/v1/registers/{unknown}")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found", unknown
    # A control character in the path is refused before any look-up (issue 17).
    nul = await client.get("/v1/registers/%00")
    assert nul.status_code == 400 and nul.json()["code"] == "validation_failed"


async def test_search_by_code_names_and_variables(client, db):
    async def codes(q: str, **more) -> list[str]:
        return [i["code"] for i in await _all(client, q=q, **more)]

    assert await codes("bef") == ["BEF", "UDDA"]  # and "Befolkningens uddannelser": names are searched inside
    assert "IND" in await codes("indkomst") and "IND" in await codes("income")
    assert await codes("HFAUDD") == ["UDDA"]
    assert "DODSAARS" in await codes("dødsårsag") and "DODSAARS" in await codes("DOEDSAARSAG")
    assert set(await codes("cvrnr")) >= {"FIRM", "FIRE", "RAS", "BFL"}
    assert await codes("patient lpr3") == ["LPR3_KONTAKTER"]
    assert await codes("%") == [] and await codes("s_dtr") == []  # LIKE's wildcards are taken literally
    assert await codes("lpr3_k") == ["LPR3_KONTAKTER"]
    assert await codes("nothing-like-this") == []
    assert len(await codes("")) == len(read_seed())


async def test_bad_searches_and_pages_are_refused(client, db):
    for params in ({"q": "a\x00b"}, {"q": "line\nbreak"}, {"q": "x" * 101}, {"q": " ".join("abcdefghi")},
                   {"lang": "de"}, {"limit": 0}, {"limit": 1000}, {"cursor": "not a code"}):
        r = await client.get("/v1/registers", params=params)
        assert r.status_code in (400, 422), (params, r.text)
        assert r.json()["code"] == "validation_failed", params
    assert (await client.get("/v1/registers/BEF", params={"lang": "fr"})).status_code == 422


async def test_research_services_add_a_register_with_its_variables(client, as_user, db):
    staff = await as_user("STAF")
    r = await client.post("/v1/registers", headers=staff, json=NEW)
    assert r.status_code == 201, r.text
    added = r.json()
    assert added["code"] == "SKOLETRIV" and added["state"] == "unreleased" and added["released"] is False
    assert [v["name"] for v in added["variables"]] == ["PNR", "TRIVSEL_SOCIAL"]
    assert added["variables"][0]["key"] is True and added["variables"][1]["documentation_url"].endswith("social")
    assert [i["code"] for i in await _all(client, q="trivsel")] == ["SKOLETRIV"]
    again = await client.post("/v1/registers", headers=staff, json={**NEW, "code": "skoletriv"})
    assert again.status_code == 409 and again.json()["code"] == "duplicate_register"
    async with transaction(db) as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "register.add"))
    assert entry.subject == "register:SKOLETRIV" and entry.actor == "user:STAF"
    assert entry.summary["after"]["variables"][0]["name"] == "PNR"


async def test_bad_registers_are_refused_and_nothing_is_saved(client, as_user, db):
    staff = await as_user("STAF")
    registers, variables = await _count(db, Register), await _count(db, RegisterVariable)
    bad = [
        ({"code": "1BAD"}, "invalid_register_code"),
        ({"code": ""}, "invalid_register_code"),
        ({"name_da": "  "}, "validation_failed"),
        ({"name_en": ""}, "validation_failed"),
        ({"first_year": 1066}, "invalid_year"),
        ({"first_year": 2999}, "invalid_year"),
        ({"frequency": "sometimes"}, "validation_failed"),
        ({"variables": [*NEW["variables"], {"name": "pnr", "label_da": "x", "label_en": "y"}]}, "variable_named_twice"),
        ({"variables": [{"name": "OK", "label_da": "x", "label_en": "y", "documentation_url": "javascript:x"}]},
         "validation_failed"),
        ({"variables": [{"name": "OK", "label_da": "", "label_en": "y"}]}, "validation_failed"),
        ({"variables": [{"name": "9X", "label_da": "x", "label_en": "y"}]}, "invalid_variable_name"),
    ]
    for change, code in bad:
        r = await client.post("/v1/registers", headers=staff, json={**NEW, **change})
        assert r.status_code == 422 and r.json()["code"] == code, (change, r.text)
    for body in ({**NEW, "first_year": "soon"}, {**NEW, "unknown": 1}, {"code": "X"}, {**NEW, "name_en": "a\x00b"}):
        r = await client.post("/v1/registers", headers=staff, json=body)
        assert r.status_code in (400, 422), body
    assert (await _count(db, Register), await _count(db, RegisterVariable)) == (registers, variables)


async def test_change_release_and_close(client, as_user, db):
    staff = await as_user("STAF")
    r = await client.post("/v1/registers", headers=staff, json=NEW)
    assert r.status_code == 201
    r = await client.patch("/v1/registers/SKOLETRIV", headers=staff,
                           json={"name_en": "National well-being survey", "frequency": "irregular"})
    assert r.status_code == 200 and r.json()["names"]["en"] == "National well-being survey"
    assert r.json()["frequency"] == "irregular"
    assert [i["code"] for i in await _all(client, q="national well-being")] == ["SKOLETRIV"]
    unreleased = await client.post("/v1/registers/SKOLETRIV/close", headers=staff, json={"last_year": 2020})
    assert unreleased.status_code == 409 and unreleased.json()["code"] == "register_not_released"
    r = await client.post("/v1/registers/SKOLETRIV/release", headers=staff)
    assert r.status_code == 200 and r.json()["released"] is True and r.json()["state"] == "released"
    twice = await client.post("/v1/registers/SKOLETRIV/release", headers=staff)
    assert twice.status_code == 409 and twice.json()["code"] == "already_released"
    for year, code in ((2014, "last_year_before_first_year"), (2999, "invalid_year"), (-1, "invalid_year")):
        r = await client.post("/v1/registers/SKOLETRIV/close", headers=staff, json={"last_year": year})
        assert r.status_code == 422 and r.json()["code"] == code, year
    assert (await client.post("/v1/registers/SKOLETRIV/close", headers=staff, json={"last_year": "x"})).status_code \
        in (400, 422)
    r = await client.post("/v1/registers/SKOLETRIV/close", headers=staff, json={"last_year": 2023})
    assert r.status_code == 200 and r.json()["state"] == "closed" and r.json()["last_year"] == 2023
    again = await client.post("/v1/registers/SKOLETRIV/close", headers=staff, json={"last_year": 2024})
    assert again.status_code == 409 and again.json()["code"] == "already_closed"
    after = await client.patch("/v1/registers/SKOLETRIV", headers=staff, json={"first_year": 2024})
    assert after.status_code == 422 and after.json()["code"] == "last_year_before_first_year"
    for path in ("/v1/registers/NOPE/release", "/v1/registers/NOPE/close"):
        assert (await client.post(path, headers=staff, json={"last_year": 2020})).status_code == 404
    assert (await client.patch("/v1/registers/NOPE", headers=staff, json={})).status_code == 404
    async with transaction(db) as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.subject == "register:SKOLETRIV")
                                       .order_by(AuditEntry.seq)))
    assert actions == ["register.add", "register.change", "register.release", "register.close"]


async def test_variables_are_added_and_changed(client, as_user, db):
    staff = await as_user("STAF")
    r = await client.post("/v1/registers/BEF/variables", headers=staff,
                          json={"name": "bop_vtil", "label_da": "Bopæl gyldig til", "label_en": "Residence valid to"})
    assert r.status_code == 201 and r.json() == {"name": "BOP_VTIL", "label": "Bopæl gyldig til", "key": False,
                                                  "labels": {"da": "Bopæl gyldig til", "en": "Residence valid to"},
                                                  "documentation_url": None}
    dup = await client.post("/v1/registers/BEF/variables", headers=staff,
                            json={"name": "KOEN", "label_da": "Køn", "label_en": "Sex"})
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_variable"
    assert "BEF" in [i["code"] for i in await _all(client, q="bop_vtil")]
    link = "https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/hoejkvalitetsvariable/befolkningen/bop_vtil"
    r = await client.patch("/v1/registers/BEF/variables/bop_vtil", headers=staff,
                           json={"documentation_url": link, "label_en": "Address valid to"}, params={"lang": "en"})
    assert r.status_code == 200 and r.json()["documentation_url"] == link and r.json()["label"] == "Address valid to"
    r = await client.patch("/v1/registers/BEF/variables/BOP_VTIL", headers=staff, json={"documentation_url": ""})
    assert r.status_code == 200 and r.json()["documentation_url"] is None
    for body in ({"label_da": ""}, {"documentation_url": "http://insecure.example"}, {"key": "yes"}):
        assert (await client.patch("/v1/registers/BEF/variables/KOEN", headers=staff, json=body)).status_code \
            in (400, 422), body
    assert (await client.patch("/v1/registers/BEF/variables/NOPE", headers=staff, json={})).status_code == 404
    assert (await client.patch("/v1/registers/BEF/variables/a%00b", headers=staff, json={})).status_code == 400
    async with transaction(db) as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.subject == "register:BEF")
                                       .order_by(AuditEntry.seq)))
    assert actions == ["register.variable.add", "register.variable.change", "register.variable.change"]


async def test_only_research_services_maintain_the_catalogue(client, as_user, db):
    researcher = await as_user("RESA")
    for method, path, body in (("POST", "/v1/registers", NEW), ("PATCH", "/v1/registers/BEF", {"name_da": "X"}),
                               ("POST", "/v1/registers/BEF/close", {"last_year": 2020}),
                               ("POST", "/v1/registers/ELFORBRUG/release", None)):
        r = await client.request(method, path, headers=researcher, json=body)
        assert r.status_code == 403, (path, r.text)
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code in (401, 403), path
    assert (await client.get("/v1/registers/ELFORBRUG")).json()["released"] is False
