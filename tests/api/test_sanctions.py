"""Breach cases and locks through the HTTP API (SPEC 5): registration with the temporary
suspension, report and assessment, the preview and the decision, lifting, counting, visibility,
and the bad input of issue 5."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.people.models import Association, Institution, User
from boa.sanctions.periods import add_months, add_years
from tests.helpers import login, mails
from tests.sanction_helpers import (
    adequate,
    breach,
    decide,
    decision,
    labour,
    prepare,
    register,
    report,
    template,
)
from tests.schemes_helpers import institution_id, make_user


async def test_registration_suspends_user_and_project_at_once(client, as_user, demo):
    sanc, resa = await as_user("SANC"), await as_user("RESA")
    number = await labour(client, sanc)
    case = await register(client, sanc, breach("RESA", number, transfer_tool_used=True, warning_ignored=True,
                                               data_volume="one table, 40 rows"))
    assert case["state"] == "open" and case["report_state"] == "requested" and case["ident"] == "RESA"
    assert case["project"] == number and case["warning_ignored"] is True and case["data_volume"] == "one table, 40 rows"
    assert sorted((lk["scope"], lk["open_end"], lk["active"]) for lk in case["locks"]) == [
        ("project", "until_decision", True), ("user", "until_decision", True)]

    # The researcher's open session is refused on its next request, with the case as the reason.
    r = await client.get("/v1/me", headers=resa)
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    reasons = r.json()["reasons"]
    assert {(x["code"], x["scope"], x["case_id"]) for x in reasons} == {("locked", "user", case["id"])}

    # The other member of the project logs in, but the project is closed to them.
    assert (await decision(client, sanc, "RESB", "login"))["allowed"] is True
    other = await decision(client, sanc, "RESB", "project_access", number)
    assert not other["allowed"] and [x["scope"] for x in other["reasons"]] == ["project"]

    # The responsible person and the user are told; the letter asks for report and plan.
    letters = [m for m in await mails() if m["template"] == "breach_registered" and f"Sag {case['id']}" in m["subject"]]
    assert {m["to"] for m in letters} >= {"resp@demo.boa.example", "resa@demo.boa.example"}
    assert "redegørelse om hændelsen" in letters[0]["body"] and "user:" not in letters[0]["body"]


async def test_preview_shows_exactly_what_the_decision_does(client, as_user, demo):
    sanc, resp = await as_user("SANC"), await as_user("RESP")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    r = await client.get(f"/v1/breaches/{case['id']}/sanction-preview?severity=severe", headers=sanc)
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["columns"] == ["user_1", "project_1"] and preview["occurrence"] == 1
    assert preview["report_ready"] is False and preview["termination_possible"] is False

    done = await decide(client, sanc, resp, case["id"], "severe")
    shape = [(lk["scope"], lk["ends_at"][:10], lk["open_end"]) for lk in done["locks"]]
    assert shape == [(lk["scope"], lk["ends_at"][:10], lk["open_end"]) for lk in preview["locks"]]
    assert shape == [("user", add_months(clock.now(), 3).date().isoformat(), None),
                     ("project", add_months(clock.now(), 3).date().isoformat(), None)]
    assert done["case"]["state"] == "decided" and done["case"]["severity"] == "severe"
    # The suspension is lifted by the decision and replaced by the sanction's locks.
    states = {lk["source"]: lk["active"] for lk in done["case"]["locks"] if lk["source"] == "suspension"}
    assert states == {"suspension": False}
    r = await client.get("/v1/locks?active=true", headers=sanc)
    assert sorted(lk["id"] for lk in r.json()["items"]) == sorted(lk["id"] for lk in done["locks"])


async def test_adequacy_first_then_the_until_report_approved_locks_are_recorded_never_active(client, as_user, demo):
    sanc, resp, dirg = await as_user("SANC"), await as_user("RESP"), await as_user("DIRG")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    await report(client, resp, case["id"])
    # A submitted report is not yet adequate: neither preparation nor decision (409, nothing changed).
    for url, headers, body in ((f"/v1/breaches/{case['id']}/decision", dirg, {"severity": "minor"}),
                               (f"/v1/breaches/{case['id']}/preparation", sanc,
                                {"severity": "minor", "conscious": False, "self_detected": False, "note": "n"})):
        r = await client.post(url, headers=headers, json=body)
        assert r.status_code == 409 and r.json()["code"] == "report_not_adequate", r.text
    r = await client.post(f"/v1/breaches/{case['id']}/report-assessment", headers=sanc, json={"adequate": False})
    assert r.status_code == 422  # returning a report needs a comment
    await adequate(client, sanc, case["id"])
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is False  # suspended until the decision
    r = await client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "minor"})
    assert r.status_code == 409 and r.json()["code"] == "not_prepared"
    await prepare(client, sanc, case["id"], "minor")
    r = await client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "minor"})
    assert r.status_code == 200, r.text
    assert {(lk["scope"], lk["open_end"], lk["active"]) for lk in r.json()["locks"]} == {
        ("user", "until_report_approved", False), ("project", "until_report_approved", False)}
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is True
    r = await client.post(f"/v1/breaches/{case['id']}/report-assessment", headers=sanc, json={"adequate": True})
    assert r.status_code == 409 and r.json()["code"] == "no_report"


async def test_a_returned_report_is_submitted_again(client, as_user, demo):
    sanc, resp, subs, dirg = await as_user("SANC"), await as_user("RESP"), await as_user("SUBS"), await as_user("DIRG")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    await report(client, resp, case["id"])
    r = await client.post(f"/v1/breaches/{case['id']}/report-assessment", headers=sanc,
                          json={"adequate": False, "comment": "The plan lists intentions, not measures taken."})
    assert r.status_code == 200 and r.json()["report_state"] == "returned" and r.json()["stage"] == "report_returned"
    returned = [m["body"] for m in await mails()
                if m["to"] == "resp@demo.boa.example" and m["template"] == "breach_report_assessed"]
    assert any("ikke tilstrækkelige" in b and "intentions, not measures" in b for b in returned)
    r = await client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "minor"})
    assert r.status_code == 409 and r.json()["code"] == "report_not_adequate"
    await report(client, subs, case["id"])  # the substitute may submit too
    await adequate(client, sanc, case["id"])
    await prepare(client, sanc, case["id"], "minor")
    r = await client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "minor"})
    assert r.status_code == 200 and [lk["active"] for lk in r.json()["locks"]] == [False, False]
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is True


async def test_third_breach_at_an_institution_closes_all_its_projects(client, as_user, demo):
    sanc, resp = await as_user("SANC"), await as_user("RESP")
    number = await labour(client, sanc)
    first = await register(client, sanc, breach("RESA", number, days_ago=300))
    second = await register(client, sanc, breach("RESB", number, days_ago=100))
    third = await register(client, sanc, breach("RESB", number, days_ago=1))
    for case in (first, second):
        await client.post(f"/v1/breaches/{case['id']}/dismiss", headers=sanc, json={"comment": "test"})
    # Dismissed cases are not counted: this is a first breach again.
    r = await client.get(f"/v1/breaches/{third['id']}/sanction-preview?severity=minor", headers=sanc)
    assert r.json()["occurrence"] == 1

    first = await register(client, sanc, breach("RESA", number, days_ago=300))
    second = await register(client, sanc, breach("RESB", number, days_ago=100))
    r = await client.get(f"/v1/breaches/{third['id']}/sanction-preview?severity=minor", headers=sanc)
    assert r.json()["occurrence"] == 3 and r.json()["columns"] == ["institution_3"]
    done = await decide(client, sanc, resp, third["id"], "minor")
    [lock] = done["locks"]
    assert lock["scope"] == "institution" and lock["institution_id"] == await institution_id(demo, 101)
    for case in (first, second):
        await client.post(f"/v1/breaches/{case['id']}/dismiss", headers=sanc, json={"comment": "test"})

    # Every user of the institution keeps their login but loses the institution's projects.
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is True
    for ident, title in (("RESA", number), ("RESB", number)):
        refused = await decision(client, sanc, ident, "transfer", title)
        assert not refused["allowed"] and {x["scope"] for x in refused["reasons"]} == {"institution"}
        assert refused["reasons"][0]["case_id"] == third["id"] and refused["reasons"][0]["until"]
    # An institution elsewhere is not touched.
    assert (await decision(client, sanc, "AUAN", "login"))["allowed"] is True


async def test_the_authority_table_counts_per_scheme_and_locks_the_scheme(client, as_user, demo):
    sanc, aurs = await as_user("SANC"), await as_user("AURS")
    r = await client.get("/v1/projects?limit=200", headers=sanc)
    number = next(p["number"] for p in r.json()["items"] if p["scheme"] == "authority")
    cases = [await register(client, sanc, breach(ident, number, days_ago=days))
             for ident, days in (("AUAN", 200), ("AUAD", 100), ("AUAN", 2))]
    r = await client.get(f"/v1/breaches/{cases[2]['id']}/sanction-preview?severity=severe", headers=sanc)
    assert r.json()["table"] == "authority" and r.json()["columns"] == ["scheme_3"]
    done = await decide(client, sanc, aurs, cases[2]["id"], "severe")
    assert [(lk["scope"], lk["scheme"]) for lk in done["locks"]] == [("scheme", "authority")]
    for case in cases[:2]:
        await client.post(f"/v1/breaches/{case['id']}/dismiss", headers=sanc, json={"comment": "test"})
    refused = await decision(client, sanc, "AUAD", "project_access", number)
    assert not refused["allowed"] and refused["reasons"][0]["scope"] == "scheme"


async def test_the_two_year_window_edges(client, as_user, demo):
    sanc = await as_user("SANC")
    number = await labour(client, sanc)
    this = clock.now() - timedelta(days=1)
    latest = await register(client, sanc, breach("RESA", number, occurred_at=this.isoformat()))
    on_edge = await register(client, sanc, breach("RESB", number, occurred_at=add_years(this, -2).isoformat()))
    preview = f"/v1/breaches/{latest['id']}/sanction-preview?severity=minor"
    assert (await client.get(preview, headers=sanc)).json()["occurrence"] == 2
    await client.post(f"/v1/breaches/{on_edge['id']}/dismiss", headers=sanc, json={"comment": "test"})
    older = add_years(this, -2) - timedelta(days=1)
    await register(client, sanc, breach("RESB", number, occurred_at=older.isoformat()))
    assert (await client.get(preview, headers=sanc)).json()["occurrence"] == 1


async def test_the_user_column_follows_the_users_own_history(client, as_user, demo):
    sanc = await as_user("SANC")
    await make_user(demo, "MOVR", 201)
    async with transaction(demo) as s:
        user = await s.scalar(select(User).where(User.ident == "MOVR"))
        inst = await s.scalar(select(Institution).where(Institution.authorisation_number == 101))
        s.add(Association(user_id=user.id, institution_id=inst.id, state="approved", requested_by_id=user.id))
    await register(client, sanc, breach("MOVR", None, days_ago=30, institution_id=await institution_id(demo, 201),
                                        scheme="authority"))
    here = await register(client, sanc, breach("MOVR", None, institution_id=await institution_id(demo, 101),
                                               scheme="researcher"))
    r = await client.get(f"/v1/breaches/{here['id']}/sanction-preview?severity=severe", headers=sanc)
    body = r.json()
    assert (body["unit_count"], body["user_count"], body["columns"]) == (1, 2, ["user_2"])
    assert body["termination_possible"] is True and body["termination_of"] == ["authorisation_agreement",
                                                                                "user_agreement"]
    assert [lk["scope"] for lk in here["locks"]] == ["user"]  # no project named: no project suspension


async def test_self_report_notifies_the_office_and_the_responsible_person(client, as_user, demo):
    resa, sanc = await as_user("RESA"), await as_user("SANC")
    number = await labour(client, sanc)
    body = breach("RESA", number, self_reported=True, kind="screen_capture",
                  description="I took a screenshot of a table with microdata.")
    r = await client.post("/v1/breaches", headers=resa, json=body)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["self_reported"] is True and {lk["scope"] for lk in case["locks"]} == {"user", "project"}
    sent = {m["to"] for m in await mails() if m["template"] == "breach_registered" and f" {case['id']}" in m["subject"]}
    assert {"research-services@localhost", "resp@demo.boa.example", "subs@demo.boa.example"} <= sent
    assert (await client.get("/v1/me", headers=resa)).status_code == 403
    # The user sees their case; another institution's administrator does not.
    aurs = await as_user("AURS")
    assert (await client.get(f"/v1/breaches/{case['id']}", headers=aurs)).status_code == 404
    r = await client.get("/v1/breaches", headers=await as_user("RESP"))
    assert [c["id"] for c in r.json()["items"]] == [case["id"]] and "description" not in r.json()["items"][0]


async def test_lifting_a_lock(client, as_user, demo):
    sanc, staf = await as_user("SANC"), await as_user("STAF")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    lock_id = next(lk["id"] for lk in case["locks"] if lk["scope"] == "user")
    r = await client.post(f"/v1/locks/{lock_id}/lift", headers=staf, json={"comment": "no"})
    assert r.status_code == 403
    r = await client.post(f"/v1/locks/{lock_id}/lift", headers=sanc, json={"comment": " "})
    assert r.status_code == 422
    r = await client.post(f"/v1/locks/{lock_id}/lift", headers=sanc, json={"comment": "Registered in error."})
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["lifted_by"] == "user:SANC"
    r = await client.post(f"/v1/locks/{lock_id}/lift", headers=sanc, json={"comment": "again"})
    assert r.status_code == 409 and r.json()["code"] == "already_lifted"
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is True
    r = await client.get("/v1/audit?subject=lock:" + lock_id, headers=sanc)
    assert [e["action"] for e in r.json()["items"]] == ["lock.lifted"]


async def test_bad_input_changes_nothing(client, as_user, demo):
    sanc, resp, admn, resb = (await as_user("SANC"), await as_user("RESP"), await as_user("ADMN"),
                              await as_user("RESB"))
    resa, dirg = await as_user("RESA"), await as_user("DIRG")
    number = await labour(client, sanc)
    case = await register(client, sanc, breach("RESA", number))

    async def active_locks() -> int:
        return len((await client.get("/v1/locks?active=true", headers=sanc)).json()["items"])

    before = await active_locks()
    refusals = [
        (client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "minor"}),
         409, "report_not_adequate"),
        (client.post(f"/v1/breaches/{case['id']}/decision", headers=sanc, json={"severity": "minor"}),
         403, "sanction_decision_required"),
        (client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "medium"}),
         422, "validation_failed"),
        (client.post(f"/v1/breaches/{case['id']}/preparation", headers=sanc,
                     json={"severity": "minor", "conscious": False, "self_detected": True, "note": "n"}),
         409, "report_not_adequate"),
        (client.post(f"/v1/breaches/{case['id']}/preparation", headers=dirg,
                     json={"severity": "minor", "conscious": False, "self_detected": True, "note": "n"}),
         403, "forbidden"),
        (client.post(f"/v1/breaches/{case['id']}/report", headers=resp, json=template(scope="")),
         422, "template_incomplete"),
        (client.post(f"/v1/breaches/{case['id']}/report", headers=resp, json=template(measures=[])),
         422, "template_incomplete"),
        (client.post(f"/v1/breaches/{case['id']}/report", headers=resp,
                     json=template(measures=[{"what": "A course", "who": "", "when": "May", "target_group": "all"}])),
         422, "template_incomplete"),
        (client.get(f"/v1/breaches/{case['id']}/sanction-preview?severity=gross", headers=sanc),
         422, "validation_failed"),
        (client.post(f"/v1/breaches/{case['id']}/report", headers=admn, json={"report": "r", "plan": "p"}),
         404, "not_found"),  # the administrator does not see the case
        (client.post(f"/v1/breaches/{case['id']}/report", headers=resa, json={"report": "r", "plan": "p"}),
         403, "access_denied"),  # the suspended user is refused anyway
        (client.post(f"/v1/breaches/{case['id']}/report", headers=resp, json=template(report="")),
         422, "template_incomplete"),
        (client.post("/v1/breaches", headers=sanc, json=breach("AUAN", number)), 422, "not_project_user"),
        (client.post("/v1/breaches", headers=sanc, json=breach("RESA", number, days_ago=-1)),
         422, "occurred_in_future"),
        (client.post("/v1/breaches", headers=sanc, json=breach("RESA", number, kind="theft")),
         422, "validation_failed"),
        (client.post("/v1/breaches", headers=sanc, json=breach("RESA", number, extra=1)), 400, None),
        (client.post("/v1/breaches", headers=sanc, json=breach("RESA", "709999")), 404, "not_found"),
        (client.post("/v1/breaches", headers=resb, json=breach("RESA", number)), 403, "forbidden"),
        (client.post("/v1/breaches", headers=resb, json=breach("RESB", number)), 403, "forbidden"),
        (client.post("/v1/breaches", headers=await as_user("STAF"), json=breach("RESA", number)), 403, "forbidden"),
        (client.post(f"/v1/breaches/{case['id']}/decision", headers=resp, json={"severity": "minor"}),
         403, "sanction_decision_required"),
        (client.post("/v1/breaches/424242/decision", headers=dirg, json={"severity": "minor"}), 404, "not_found"),
    ]
    for call, status, code in refusals:
        r = await call
        assert r.status_code in ((400, 422) if status == 400 else (status,)), r.text
        if code:
            assert r.json()["code"] == code, r.text
    assert await active_locks() == before
    r = await client.get(f"/v1/breaches/{case['id']}", headers=sanc)
    assert r.json()["state"] == "open" and r.json()["report_state"] == "requested"

    await decide(client, sanc, resp, case["id"], "minor", director=dirg)
    r = await client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "minor"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = await client.post(f"/v1/breaches/{case['id']}/dismiss", headers=sanc, json={"comment": "late"})
    assert r.status_code == 409


async def test_locks_are_staff_only_and_filtered(client, as_user, demo):
    sanc = await as_user("SANC")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    assert (await client.get("/v1/locks", headers=await as_user("RESP"))).status_code == 403
    r = await client.get(f"/v1/locks?ident=RESA&case={case['id']}&scope=user", headers=sanc)
    assert [lk["scope"] for lk in r.json()["items"]] == ["user"]
    assert (await client.get("/v1/locks?scope=planet", headers=sanc)).status_code == 422
    r = await client.get("/v1/locks?active=false", headers=sanc)
    assert r.json()["items"] == []
    assert (await client.get("/v1/breaches?state=odd", headers=sanc)).status_code == 422
    r = await client.get("/v1/breaches?state=open&limit=1", headers=sanc)
    assert [c["id"] for c in r.json()["items"]] == [case["id"]]


async def test_a_lock_blocks_a_fresh_login_after_pin_and_code(client, as_user, demo):
    sanc = await as_user("SANC")
    await register(client, sanc, breach("RESA", await labour(client, sanc)))
    clock.travel(timedelta(seconds=31))
    try:
        await login(client, "RESA")
    except AssertionError as refused:
        assert "access_denied" in str(refused) and "locked" in str(refused)
    else:
        raise AssertionError("a quarantined user logged in")
