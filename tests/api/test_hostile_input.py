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
