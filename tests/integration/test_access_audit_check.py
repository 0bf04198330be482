"""Checks on the past (issue 21 item 4): every transfer, download and research-server login in
the audit log is replayed against the decision at its moment. A normal life has none the replay
denies; an audit row planted while the person was locked out is found, with the lock's reasons."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from pyrad.packet import AccessAccept

from boa.cli import main
from boa.history import audit_check
from boa.kernel import audit, clock
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import transaction
from tests.helpers import DEMO_USERS, totp_now
from tests.radius_helpers import ask, request
from tests.sanction_helpers import breach
from tests.transfer_helpers import APPROVED, CLEAN_TABLE, project_no, upload


async def _cli(capsys, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    code = await asyncio.to_thread(main, ["access", "audit-check", *args])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


async def test_a_normal_life_has_nothing_the_replay_denies_and_a_planted_act_is_found(
        client, as_user, demo, gate, radius, capsys):  # type: ignore[no-untyped-def]
    number = await project_no(demo, APPROVED)
    challenge = await ask(radius, request("RESA", "7391"))  # a research-server login
    accept = await ask(radius, request("RESA", totp_now(DEMO_USERS["RESA"]["totp_secret"]),
                                       state=challenge["State"][0]))
    assert accept.code == AccessAccept
    resa = await as_user("RESA")
    r = await upload(client, resa, number, [("antal.tab", CLEAN_TABLE)])
    assert r.status_code == 201, r.text
    tid, fid = r.json()["id"], r.json()["files"][0]["id"]
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})
    assert r.status_code == 200, r.text
    r = await client.get(f"/v1/transfers/{tid}/files/{fid}/content", headers=resa)
    assert r.status_code == 200, r.text
    clock.travel(timedelta(days=2))

    async with transaction(demo) as s:
        report = await audit_check.check(s)
    assert report.checked == 3 and report.findings == [], report.as_dict()  # the login, submit and download
    code, out = await _cli(capsys)
    assert code == 0 and out["findings"] == [] and out["checked"] == 3

    sanc = await as_user("SANC")
    r = await client.post("/v1/breaches", json=breach("RESA", number), headers=sanc)
    assert r.status_code == 201, r.text
    clock.travel(timedelta(hours=1))
    async with transaction(demo) as s:  # a submit the gate would have refused: RESA is suspended
        planted = await audit.record(s, actor="user:RESA", action=AuditAction.TRANSFER_SUBMIT,
                                     subject=f"transfer:{tid}", project=number, approve=True)
    code, out = await _cli(capsys)
    assert code == 1 and out["checked"] == 4, out
    [found] = out["findings"]
    assert found["seq"] == planted.seq and found["ident"] == "RESA" and found["project"] == number
    assert {x["code"] for x in found["reasons"]} == {"locked"}
    assert {x["case_id"] for x in found["reasons"]} == {str(r.json()["id"])}
