"""A request whose commit fails is answered 503 ``not_saved`` and changes nothing.

The database's failure is injected at the connection's COMMIT (as a lost connection or a
refused commit would raise it); everything else is the real app and database."""

from __future__ import annotations

from tests.helpers import failing_commits
from tests.sanction_helpers import breach, decision, labour


async def test_a_breach_whose_commit_fails_is_not_reported_registered(client, as_user, demo):
    sanc = await as_user("SANC")
    number = await labour(client, sanc)
    with failing_commits(demo):
        r = await client.post("/v1/breaches", headers=sanc, json=breach("RESA", number))
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "not_saved" and "nothing was changed" in r.json()["detail"]
    # Nothing of it is there: no case, no suspension, the audit chain intact.
    assert (await client.get("/v1/breaches", headers=sanc)).json()["items"] == []
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is True
    assert (await client.get("/v1/audit/verify", headers=await as_user("STAF"))).json()["ok"] is True
    # And the same request succeeds once the database commits again.
    r = await client.post("/v1/breaches", headers=sanc, json=breach("RESA", number))
    assert r.status_code == 201, r.text
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is False
