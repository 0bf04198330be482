"""Hostile and careless input (issue 17.6, 17.7): every bad input of the issue is a 4xx with a
stable problem+json ``code`` and changes nothing; every API answer says ``no-store`` and
``nosniff``; the API reference is BOA's own page, with no third-party script and a CSP."""

from __future__ import annotations

import re

API_HEADERS = {"cache-control": "no-store", "x-content-type-options": "nosniff"}


def _has_api_headers(r) -> bool:  # type: ignore[no-untyped-def]
    return all(r.headers.get(k) == v for k, v in API_HEADERS.items())


async def test_every_api_answer_says_no_store_and_nosniff_errors_included(client, as_user):
    staff = await as_user("STAF")
    answers = [
        await client.get("/v1/me", headers=staff),  # 200
        await client.get("/v1/me", headers={"Authorization": "Bearer not-a-session"}),  # 401
        await client.get("/v1/users/QQQQ", headers=staff),  # 404
        await client.get("/v1/no-such-route", headers=staff),  # 404 from the router
        await client.post("/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}),
        await client.get("/v1/registers"),  # public
    ]
    for r in answers:
        assert _has_api_headers(r), (r.request.url, r.status_code, dict(r.headers))
    assert [r.status_code for r in answers] == [200, 401, 404, 404, 400, 200]


async def test_the_api_reference_is_boas_own_page_with_a_csp(client, demo):
    for path in ("/schema", "/schema/reference"):
        r = await client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        page = r.text
        assert "<script" not in page.lower() and "http://" not in page and "https://" not in page
        assert "/v1/auth/login" in page and "Problem" in page
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        # The page's one inline style is the one the policy allows by its hash.
        assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    for gone in ("/schema/swagger", "/schema/scalar"):
        assert (await client.get(gone)).status_code == 404
    assert (await client.get("/schema/openapi.json")).json()["info"]["title"] == "BOA"


def _refused(r, status: int = 400) -> bool:  # type: ignore[no-untyped-def]
    return (r.status_code == status and r.headers["content-type"].startswith("application/problem+json")
            and r.json()["code"] == "validation_failed" and _has_api_headers(r))


async def test_deeply_nested_json_is_a_400_not_a_500(client, as_user):
    me = await as_user("RESA")
    deep = "[" * 5000 + "]" * 5000
    for method, path, body in (("POST", "/v1/auth/login", '{"ident": ' + deep + ', "pin": "1"}'),
                               ("PATCH", "/v1/me", '{"address": ' + deep + "}"),
                               ("POST", "/v1/projects", '{"details": {"x": ' + "{\"a\": " * 3000 + "1" + "}" * 3000
                                + "}}")):
        r = await client.request(method, path, content=body.encode(), headers={**me, "content-type": "application/json"})
        assert _refused(r), (path, r.status_code, r.text[:300])
        assert "deeper" in r.json()["detail"]
    # Brackets inside strings are text, not nesting.
    r = await client.patch("/v1/me", headers=me, json={"address": {"street": "[" * 60, "city": "{" * 60}})
    assert r.status_code == 200, r.text


async def test_control_and_text_direction_characters_in_search_terms_and_paths(client, as_user):
    staff = await as_user("STAF")
    for q in ("a\x00b", "a\u202eb", "a\u2066b", "a\nb", "a\x1bb", "x" * 2000):
        r = await client.get("/v1/users", headers=staff, params={"q": q})
        assert _refused(r), (q, r.text)
    r = await client.get("/v1/users?q=a%00b", headers=staff)
    assert _refused(r) and r.json()["errors"][0]["key"] == "q"
    assert _refused(await client.get("/v1/users/RE%00SA", headers=staff))
    # The same search without them answers.
    r = await client.get("/v1/users", headers=staff, params={"q": "resa"})
    assert r.status_code == 200 and [u["ident"] for u in r.json()["items"]] == ["RESA"]


async def test_names_and_e_mail_addresses_are_checked_and_nothing_is_created(client, as_user):
    staff = await as_user("STAF")
    bad = [{"name": "Eve\u202eelgnis", "email": "eve@uni.example"},
           {"name": "Eve\x00", "email": "eve@uni.example"},
           {"name": "Eve\nEvil", "email": "eve@uni.example"},
           {"name": "Eve", "email": "eve\x00@uni.example"},
           {"name": "Eve", "email": "<script>alert(1)</script>@uni.example"},
           {"name": "Eve", "email": "\"eve evil\"@uni.example"},
           {"name": "Eve", "email": "eve@localhost"},
           {"name": "Eve", "email": "eve@uni..example"},
           {"name": "Eve", "email": "e" * 300 + "@uni.example"}]
    for body in bad:
        r = await client.post("/v1/users", headers=staff, json=body)
        assert r.status_code in (400, 422) and r.json()["code"] == "validation_failed", (body, r.text)
    assert (await client.get("/v1/users", headers=staff, params={"q": "Eve"})).json()["items"] == []
    r = await client.post("/v1/users", headers=staff, json={"name": "Eve Olsen", "email": "Eve.Olsen@UNI.example"})
    assert r.status_code == 201 and r.json()["email"] == "Eve.Olsen@uni.example", r.text
    # An administrator's request for a user, and one's own new address, likewise.
    r = await client.post("/v1/institutions/1/user-requests", headers=await as_user("ADMN"),
                          json={"name": "Mal\u202eory", "email": "mallory@uni.example"})
    assert r.status_code in (400, 422) and r.json()["code"] == "validation_failed"
    me = await as_user("RESA")
    before = (await client.get("/v1/me", headers=me)).json()["email"]
    r = await client.patch("/v1/me", headers=me, json={"email": "resa@uni.example<img src=x>"})
    assert r.status_code in (400, 422) and r.json()["code"] == "validation_failed"
    assert (await client.get("/v1/me", headers=me)).json()["email"] == before


async def test_a_postal_address_has_a_schema_and_a_size(client, as_user):
    me = await as_user("RESA")
    # 9 MB is refused before it is read, by the body cap (BOA_MAX_BODY_BYTES, 1 MiB).
    r = await client.patch("/v1/me", headers=me, json={"address": {"street": "x" * 9_000_000}})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large", r.text[:200]
    for address in ({"street": "x" * 900_000}, {"street": "Nørre Allé 5", "note": "anything"},
                    {"street": ["a"]}, {"city": "<b>Aarhus</b>"}, {"street": "a\x00b"}):
        r = await client.patch("/v1/me", headers=me, json={"address": address})
        assert r.status_code in (400, 422) and r.json()["code"] == "validation_failed", (str(address)[:80], r.text[:200])
    assert (await client.get("/v1/me", headers=me)).json().get("address") in (None, {})
    good = {"street": "Nørre Allé 5", "postal_code": "8000", "city": "Aarhus C", "country": "DK"}
    r = await client.patch("/v1/me", headers=me, json={"address": good})
    assert r.status_code == 200, r.text
    # An institution's address likewise.
    r = await client.post("/v1/institutions", headers=await as_user("STAF"),
                          json={"name": "Big", "authorisation_number": 777, "kind": "university",
                                "address": {"street": "y" * 5000}})
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"


async def test_times_without_a_zone_are_refused_with_a_clear_message(client, as_user):
    staff = await as_user("STAF")
    r = await client.get("/v1/audit", headers=staff, params={"since": "2026-01-01T00:00:00"})
    assert _refused(r) and "time zone" in r.json()["detail"], r.text
    for since in ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00+01:00"):
        assert (await client.get("/v1/audit", headers=staff, params={"since": since})).status_code == 200
    r = await client.get("/v1/access/decision", headers=staff,
                         params={"ident": "RESA", "action": "login", "at": "2026-01-01T12:00"})
    assert _refused(r) and "time zone" in r.json()["detail"]
    sanc = await as_user("SANC")
    body = {"ident": "RESB", "kind": "other", "description": "Seen on a screen.", "occurred_at": "2026-01-01T10:00:00",
            "project": None, "self_reported": False}
    r = await client.post("/v1/breaches", headers=sanc, json=body)
    assert _refused(r) and "timezone" in r.text.lower().replace(" ", ""), r.text
    assert (await client.get("/v1/breaches", headers=sanc)).json()["items"] == []


async def test_dates_lie_between_1900_and_2200_and_nothing_changes(client, as_user, demo):
    from sqlalchemy import select

    from boa.kernel.db import transaction
    from schemes.project_database.models import ProjectDatabase

    async with transaction(demo) as s:
        pdb_id = await s.scalar(select(ProjectDatabase.id))
    staff, url = await as_user("STAF"), f"/v1/project-databases/{pdb_id}"
    before = (await client.get(url, headers=staff)).json()
    for end in ("9999-12-31", "2201-01-01", "1899-12-31"):
        r = await client.post(f"{url}/extend", headers=staff, json={"end_date": end})
        assert _refused(r) and "1900-01-01" in r.json()["detail"], (end, r.text)
    assert (await client.get(url, headers=staff)).json() == before
    # The project's decisions still answer (they answered 500 with OverflowError).
    r = await client.get("/v1/access/decision", headers=staff,
                         params={"ident": "PDBM", "action": "project_access", "project": before["main_project"]})
    assert r.status_code == 200
    r = await client.get("/v1/audit", headers=staff, params={"since": "9999-12-31T00:00:00Z"})
    assert _refused(r)


async def test_a_file_name_with_a_text_direction_override_is_refused(client, as_user, demo, gate):
    from tests.transfer_helpers import CLEAN_TABLE, incoming_files, multipart, post_raw, project_no

    for name in ("report\u202etxt.exe", "a\u2067b.txt", "tab\x7fle.txt", "ta\x85ble.txt"):
        body, ctype = multipart([("project", None, (await project_no(demo)).encode()),
                                 ("files", name, CLEAN_TABLE.encode())])
        r = await post_raw(client, await as_user("RESA"), body, ctype)
        assert r.status_code == 422 and r.json()["code"] == "invalid_file_name", (name, r.text)
    assert incoming_files(gate.store) == []
