"""Issue 5's end-to-end journey: a logged-in researcher is quarantined by a breach case, refused
on the next request, at a fresh login after a correct PIN and code, and at the transfer gate;
the decision creates the table's locks and its letter reaches a real SMTP server; when the lock
ends (time moved) the researcher logs in again."""

from __future__ import annotations

from datetime import timedelta

from boa.kernel import clock
from boa.kernel.mail import local_date
from boa.kernel.outbox import deliver_due
from boa.sanctions.periods import add_months
from tests.helpers import DEMO_USERS, bearer, login, totp_now
from tests.sanction_helpers import adequate, breach, decision, labour, prepare, register, report


async def test_quarantine_decision_letter_and_release(client, as_user, demo, smtp):
    resa = await as_user("RESA")
    sanc, resp = await as_user("SANC"), await as_user("RESP")
    number = await labour(client, sanc)
    assert (await client.get("/v1/me", headers=resa)).status_code == 200

    case = await register(client, sanc, breach("RESA", number, warning_ignored=True))

    # The open session is refused on its next request, with the case and the reason.
    r = await client.get("/v1/me", headers=resa)
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    assert r.json()["reasons"][0]["case_id"] == case["id"]

    # A new login: correct PIN and correct code, then refused with the reasons.
    clock.travel(timedelta(seconds=31))
    r = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": DEMO_USERS["RESA"]["pin"]})
    assert r.status_code == 200
    r = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"],
                                                   "code": totp_now(DEMO_USERS["RESA"]["totp_secret"])})
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    assert "access_token" not in r.text
    assert {x["scope"] for x in r.json()["reasons"]} == {"user"}
    assert "until the breach case is decided" in r.json()["reasons"][0]["message"]

    # The transfer gate refuses the user and the project.
    gate = await decision(client, sanc, "RESA", "transfer", number)
    assert not gate["allowed"] and {x["scope"] for x in gate["reasons"]} == {"user", "project"}

    # Report and plan, judged adequate, prepared, then the Director General's severe decision: 3 months
    # for the user and the project.
    await report(client, resp, case["id"])
    await adequate(client, sanc, case["id"])
    await prepare(client, sanc, case["id"], "severe")
    r = await client.post(f"/v1/breaches/{case['id']}/decision", headers=await as_user("DIRG"),
                          json={"severity": "severe", "comment": "The warning was ignored."})
    assert r.status_code == 200, r.text
    decided = r.json()
    ends = add_months(clock.now(), 3)
    assert [(lk["scope"], lk["ends_at"][:10]) for lk in decided["locks"]] == [
        ("user", ends.date().isoformat()), ("project", ends.date().isoformat())]
    assert decided["termination_possible"] is False

    # The worker delivers the decision letter to the SMTP server, addressed to the responsible
    # person, in her language (Danish), with the lock's end in Copenhagen.
    assert smtp.messages == []  # nothing is sent inside the request
    await deliver_due(demo)
    letters = [m for m in smtp.messages if m["Subject"] == f"Afgørelse i sag {case['id']} om brud på reglerne"]
    assert "resp@demo.boa.example" in {m["To"] for m in letters}
    body = letters[0].get_content()
    assert "vurderet som alvorligt" in body and "lukket til " + local_date(ends, "da") in body

    refused = await decision(client, sanc, "RESA", "login")
    assert not refused["allowed"] and refused["reasons"][0]["until"].startswith(ends.date().isoformat())

    # The lock ends by itself: no job runs, the decision compares with now.
    clock.travel(ends - clock.now() + timedelta(days=1))
    sanc = bearer((await login(client, "SANC"))["access_token"])  # the old staff session has expired too
    assert (await decision(client, sanc, "RESA", "transfer", number))["allowed"] is True
    session = await login(client, "RESA")
    assert session["user"]["ident"] == "RESA"
