"""The access decision endpoint and the tamper-evident audit log."""

from __future__ import annotations

from sqlalchemy import text

from boa.kernel import clock


async def test_decision_for_login(client, as_user):
    staff = await as_user("STAF")
    r = await client.get("/v1/access/decision?ident=RESA&action=login", headers=staff)
    assert r.status_code == 200 and r.json() == {"allowed": True, "reasons": []}
    r = await client.get("/v1/access/decision?ident=QQQQ&action=login", headers=staff)
    assert r.json()["allowed"] is False and r.json()["reasons"][0]["code"] == "user_unknown"
    assert (await client.get("/v1/access/decision?ident=RESA&action=fly", headers=staff)).status_code == 422
    assert (await client.get("/v1/access/decision?ident=R1&action=login", headers=staff)).status_code == 422
    researcher = await as_user("RESA")
    assert (await client.get("/v1/access/decision?ident=RESA&action=login", headers=researcher)).status_code == 403


async def test_expired_certification_denies_login_with_its_reason(client, as_user, demo):
    from datetime import timedelta

    clock.travel(timedelta(days=366))
    staff = await as_user("STAF")
    r = await client.get("/v1/access/decision?ident=RESA&action=login", headers=staff)
    assert r.json()["allowed"] is False
    assert r.json()["reasons"][0]["code"] == "certification_expired"
    assert r.json()["reasons"][0]["scope"] == "certification"


async def test_every_state_change_is_audited_and_the_chain_verifies(client, as_user):
    staff = await as_user("STAF")
    await client.post("/v1/institutions", headers=staff,
                      json={"name": "Audit Inst", "authorisation_number": 777, "kind": "other"})
    r = await client.get("/v1/audit?action=institution.create&actor=user:STAF", headers=staff)
    assert any(e["action"] == "institution.create" for e in r.json()["items"])
    v = await client.get("/v1/audit/verify", headers=staff)
    assert v.json()["ok"] is True and v.json()["checked"] > 10
    researcher = await as_user("RESA")
    assert (await client.get("/v1/audit/verify", headers=researcher)).status_code == 403


async def test_tampering_is_detected(client, as_user, demo):
    staff = await as_user("STAF")
    async with demo.begin() as conn:
        await conn.execute(text("UPDATE audit_entries SET actor = 'user:EVIL' WHERE seq = 3"))
    v = (await client.get("/v1/audit/verify", headers=staff)).json()
    assert v["ok"] is False and v["first_bad"] == 3


async def test_deleted_row_is_detected(client, as_user, demo):
    staff = await as_user("STAF")
    async with demo.begin() as conn:
        await conn.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    v = (await client.get("/v1/audit/verify", headers=staff)).json()
    assert v["ok"] is False and v["first_bad"] == 5


async def test_deleted_tail_is_detected(client, as_user, demo):
    staff = await as_user("STAF")
    async with demo.begin() as conn:
        last = (await conn.execute(text("SELECT max(seq) FROM audit_entries"))).scalar()
        await conn.execute(text(f"DELETE FROM audit_entries WHERE seq = {last}"))
    v = (await client.get("/v1/audit/verify", headers=staff)).json()
    assert v["ok"] is False


async def test_health_and_openapi_are_public(client, demo):
    assert (await client.get("/health")).json() == {"status": "ok"}
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200 and "/v1/auth/login" in schema.json()["paths"]
    assert (await client.get("/v1/nope")).status_code == 404
