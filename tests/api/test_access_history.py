"""Who could reach a project, and what could a person reach (issue 21 item 3): the intervals of
research access and transfer rights with the reasons they began and ended, read from the history
the database kept while a breach locked RESA out, the lock was lifted, and the administrator
removed and re-added her."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from boa.kernel import clock
from tests.helpers import Sessions
from tests.sanction_helpers import breach, labour


def _q(moment) -> str:  # type: ignore[no-untyped-def]
    return quote(moment.isoformat())


def fresh(client):  # type: ignore[no-untyped-def]
    """A session opened now (one opened weeks ago has ended)."""
    return lambda ident: Sessions(client)(ident)


async def _life(client, as_user) -> tuple[str, object, list]:  # type: ignore[no-untyped-def]
    """RESA's month on the labour project; the moments of each change."""
    number = await labour(client, await as_user("STAF"))
    start = clock.now()
    clock.travel(timedelta(days=10))
    r = await client.post("/v1/breaches", json=breach("RESA", number), headers=await fresh(client)("SANC"))
    assert r.status_code == 201, r.text
    case = r.json()
    locked = clock.now()
    clock.travel(timedelta(days=20))
    sanc = await fresh(client)("SANC")
    lock_ids = [lock["id"] for lock in (await client.get("/v1/locks?active=true", headers=sanc)).json()["items"]]
    for lock_id in lock_ids:
        r = await client.post(f"/v1/locks/{lock_id}/lift", json={"comment": "cleared"}, headers=sanc)
        assert r.status_code == 200, r.text
    clock.travel(timedelta(days=5))
    admn = await fresh(client)("ADMN")
    r = await client.delete(f"/v1/projects/{number}/members/RESA", headers=admn)
    assert r.status_code in (200, 204), r.text
    clock.travel(timedelta(days=5))
    admn = await fresh(client)("ADMN")
    r = await client.post(f"/v1/projects/{number}/members", json={"ident": "RESA"}, headers=admn)
    assert r.status_code in (200, 201), r.text
    clock.travel(timedelta(days=1))
    return number, start, [case, locked]


async def test_a_projects_history_tells_each_persons_intervals_and_why(client, as_user):
    number, start, (case, _locked) = await _life(client, as_user)
    staff = await fresh(client)("STAF")
    r = await client.get(f"/v1/access/history?project={number}&from={_q(start)}", headers=staff)
    assert r.status_code == 200, r.text
    resa = [i for i in r.json()["items"] if i["ident"] == "RESA" and i["action"] == "project_access"]
    assert len(resa) == 3, [(i["from"], i.get("to"), i["began_because"], i.get("ended_because")) for i in resa]  # before the breach, after the lift, after being re-added
    first, second, third = resa
    assert [x["code"] for x in first["began_because"]] == ["window_start"]
    assert {x["code"] for x in first["ended_because"]} == {"locked"}
    assert {x.get("case_id") for x in first["ended_because"]} == {str(case["id"])}
    assert {x["code"] for x in second["began_because"]} == {"locked"}  # the lift ended the lock
    assert [x["code"] for x in second["ended_because"]] == ["not_member"]
    assert [x["code"] for x in third["began_because"]] == ["not_member"]
    assert "to" not in third and "ended_because" not in third
    assert {i["ident"] for i in r.json()["items"]} >= {"RESA", "RESB"}

    mine = await client.get(f"/v1/access/history?ident=RESA&from={_q(start)}", headers=await fresh(client)("RESP"))
    assert mine.status_code == 200, mine.text
    assert [i for i in mine.json()["items"] if i["project"] == number and i["action"] == "project_access"] == resa
    # The project's view reads all its people at once; each person's own view reads them alone: the same.
    for ident in {i["ident"] for i in r.json()["items"]}:
        theirs = await client.get(f"/v1/access/history?ident={ident}&from={_q(start)}", headers=staff)
        assert theirs.status_code == 200, theirs.text
        assert [i for i in theirs.json()["items"] if i["project"] == number] == \
            [i for i in r.json()["items"] if i["ident"] == ident]


async def test_bad_questions_are_refused_with_a_code(client, as_user):
    staff = await as_user("STAF")
    number = await labour(client, staff)
    now = clock.now()
    asks = {
        f"project={number}&to={_q(now + timedelta(days=1))}": (422, "time_in_future"),
        f"project={number}&from={_q(now - timedelta(days=30))}": (422, "before_history"),
        f"project={number}&from={_q(now - timedelta(days=3700))}&to={_q(now)}": (422, "range_too_long"),
        f"project={number}&from={_q(now)}&to={_q(now - timedelta(seconds=1))}": (422, "dates_out_of_order"),
        "project=999999": (404, "not_found"),
        "project=abc": (404, "not_found"),
        f"project={number}&limit=0": (422, "validation_failed"),
        f"project={number}&cursor=x": (422, "validation_failed"),
        f"project={number}&from=someday": (422, "validation_failed"),
        "ident=ZZZZ": (404, "not_found"),
        f"project={number}&ident=RESA": (422, "validation_failed"),
        "": (422, "validation_failed"),
    }
    for query, (status, code) in asks.items():
        r = await client.get(f"/v1/access/history?{query}", headers=staff)
        assert (r.status_code, r.json().get("code")) == (status, code), (query, r.text)
    naive = await client.get(f"/v1/access/history?project={number}&from={quote(now.replace(tzinfo=None).isoformat())}",
                             headers=staff)
    assert naive.status_code == 400 and "time zone" in naive.json()["detail"]
    elsewhere = await as_user("AURS")  # responsible at the authority, not at the university
    for query in (f"project={number}", "ident=RESA"):
        r = await client.get(f"/v1/access/history?{query}", headers=elsewhere)
        assert (r.status_code, r.json()["code"]) == (403, "not_your_institution"), r.text
    r = await client.get(f"/v1/access/history?project={number}", headers=await as_user("RESA"))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden"), r.text
