"""The authority scheme's agreement and its data work over HTTP (SPEC 3.3, seed 002; issue 16
item 5): draft → signed → active → terminated, no data work before it is signed, no access
before it is active or after it is terminated; changed needs answered by a new purpose version;
tailored deliveries against the purpose; own data linked only where the purpose allows it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from boa.kernel.db import transaction
from boa.kernel.errors import Conflict
from boa.kernel.models import AuditEntry
from schemes.authority import rules
from schemes.authority.models import AuthorityScheme, NeedChange
from schemes.authority.service import check_external_data
from schemes.projects.models import Project
from tests.schemes_helpers import institution_id, make_user


async def _decision(client, staff, ident, number):
    r = await client.get(f"/v1/access/decision?ident={ident}&action=project_access&project={number}", headers=staff)
    return [x["code"] for x in r.json()["reasons"]]


async def _count(demo, model) -> int:
    async with transaction(demo) as s:
        return await s.scalar(select(func.count()).select_from(model)) or 0


async def test_the_agreement_walks_draft_signed_active_terminated(client, as_user, demo):
    staff = await as_user("STAF")
    r = await client.post("/v1/authority-schemes", headers=staff, json={
        "institution_id": await institution_id(demo, 301),
        "purpose": {"topics": ["labour market"], "registers": ["BEF", "AKM"], "link_own_data": True}})
    assert r.status_code == 201, r.text
    scheme = r.json()
    assert scheme["agreement"] == "draft" and scheme["signed_at"] is None and scheme["purpose"]["valid_until"] is None
    url = f"/v1/authority-schemes/{scheme['id']}"
    await make_user(demo, "LAWX", 301)
    audits = await _count(demo, AuditEntry)
    # Before it is signed: no data work, nothing saved.
    for path, body in (("members", {"ident": "LAWX"}), ("deliveries", {"description": "x", "registers": ["BEF"]}),
                       ("needs", {"description": "more years"})):
        r = await client.post(f"{url}/{path}", headers=staff, json=body)
        assert (r.status_code, r.json()["code"]) == (409, "agreement_not_signed"), path
    assert await _count(demo, AuditEntry) == audits and await _count(demo, NeedChange) == 0
    # Out of order, unknown, and not by the authority.
    r = await client.post(f"{url}/agreement", headers=staff, json={"state": "active"})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    r = await client.post(f"{url}/agreement", headers=staff, json={"state": "forever"})
    assert (r.status_code, r.json()["code"]) == (422, "unknown_state")
    r = await client.post(f"{url}/agreement", headers=await as_user("AUAD"), json={"state": "signed"})
    assert r.status_code in (403, 404)
    r = await client.post(f"{url}/agreement", headers=staff, json={"state": "signed", "reason": "contract signed"})
    assert r.status_code == 200 and r.json()["agreement"] == "signed" and r.json()["signed_at"]
    r = await client.post(f"{url}/members", headers=staff, json={"ident": "LAWX"})
    assert r.status_code == 201 and r.json()["state"] == "active"
    number = scheme["project"]
    assert "agreement_not_active" in await _decision(client, staff, "LAWX", number)
    r = await client.post(f"{url}/deliveries", headers=staff,
                          json={"description": "Unemployment spells 2015-2024 for the task force", "registers": ["AKM"]})
    assert r.status_code == 201 and r.json()["purpose_version"] == 1 and r.json()["registers"] == ["AKM"]
    r = await client.post(f"{url}/deliveries", headers=staff, json={"description": "x", "registers": ["LPR"]})
    assert (r.status_code, r.json()["code"]) == (422, "outside_purpose")
    r = await client.post(f"{url}/agreement", headers=staff, json={"state": "active"})
    assert r.status_code == 200 and r.json()["agreement"] == "active"
    assert await _decision(client, staff, "LAWX", number) == []
    r = await client.post(f"{url}/agreement", headers=staff, json={"state": "terminated", "reason": "ended"})
    assert r.status_code == 200 and r.json()["agreement"] == "terminated" and r.json()["terminated_at"]
    assert "agreement_terminated" in await _decision(client, staff, "LAWX", number)
    r = await client.post(f"{url}/deliveries", headers=staff, json={"description": "late", "registers": ["BEF"]})
    assert (r.status_code, r.json()["code"]) == (409, "agreement_terminated")
    r = await client.post(f"{url}/agreement", headers=staff, json={"state": "active"})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    view = (await client.get(url, headers=staff)).json()
    assert len(view["deliveries"]) == 1 and view["deliveries"][0]["description"].startswith("Unemployment")


async def test_changed_needs_are_followed_by_a_new_purpose_version(client, as_user, demo):
    async with transaction(demo) as s:
        scheme_id = str(await s.scalar(select(AuthorityScheme.id)))
    url, auad, staff = f"/v1/authority-schemes/{scheme_id}", await as_user("AUAD"), await as_user("STAF")
    assert (await client.post(f"{url}/needs", headers=await as_user("AUAN"),
                              json={"description": "x"})).status_code == 403
    r = await client.post(f"{url}/needs", headers=auad, json={"description": "   "})
    assert (r.status_code, r.json()["code"]) == (422, "description_required")
    r = await client.post(f"{url}/needs", headers=auad, json={"description": "We now also analyse education."})
    assert r.status_code == 201 and r.json()["answered_by_version"] is None
    r = await client.post(f"{url}/purposes", headers=staff,
                          json={"topics": ["social services", "education"], "registers": ["BEF", "BOL", "UDDA"]})
    assert r.status_code == 201 and r.json()["version"] == 2
    view = (await client.get(url, headers=auad)).json()
    assert view["needs"][0]["answered_by_version"] == 2 and view["purpose"]["registers"] == ["BEF", "BOL", "UDDA"]
    # The demo's purpose does not allow linking own data; the proposal's external data asks this rule.
    assert view["purpose"]["link_own_data"] is False
    async with transaction(demo) as s:
        project = await s.get_one(Project, int(await s.scalar(select(AuthorityScheme.project_id))))
        try:
            await check_external_data(s, project)
            raise AssertionError("own data allowed")
        except Exception as exc:  # noqa: BLE001 - the refusal's code is what matters
            assert getattr(exc, "code", None) == "own_data_not_allowed"
    r = await client.post(f"{url}/purposes", headers=staff, json={
        "topics": ["social services", "education"], "registers": ["BEF", "BOL", "UDDA"], "link_own_data": True})
    assert r.status_code == 201
    async with transaction(demo) as s:
        await check_external_data(s, await s.get_one(Project, project.id))  # now allowed: no refusal


def test_may_link_own_data_follows_the_purpose_flag():
    class Purpose:
        def __init__(self, flag: bool) -> None:
            self.link_own_data = flag

    assert rules.may_link_own_data(Purpose(True)) is True
    assert rules.may_link_own_data(Purpose(False)) is False
    assert rules.may_link_own_data(None) is False


async def test_a_proposal_declares_external_data_only_where_the_authority_purpose_allows_it(client, as_user, demo):
    """The proposal's "External data" asks the schemes through the composition root's hook: on an
    authority-scheme project the purpose must allow linking the authority's own data."""
    from schemes.researcher.content import Content
    from schemes.researcher.service import ContentInput, checked_content

    async with transaction(demo) as s:
        scheme_id = str(await s.scalar(select(AuthorityScheme.id)))
        project = await s.get_one(Project, int(await s.scalar(select(AuthorityScheme.project_id))))
        with pytest.raises(Conflict) as refused:
            await checked_content(s, project, ContentInput(external_description="Our own client register."),
                                  Content(), None)
        assert refused.value.code == "own_data_not_allowed"
    r = await client.post(f"/v1/authority-schemes/{scheme_id}/purposes", headers=await as_user("STAF"), json={
        "topics": ["social services"], "registers": ["BEF", "BOL"], "link_own_data": True})
    assert r.status_code == 201
    async with transaction(demo) as s:
        project = await s.get_one(Project, project.id)
        content = await checked_content(s, project, ContentInput(external_description="Our own client register."),
                                        Content(), None)
        assert content.external_data is not None and content.external_data.description == "Our own client register."
