"""Issue 15: breach cases as the seeds run them, through real HTTP.

The case-processing guide walked as the office walks it (registration letter with the date of the
suspension → a report returned as inadequate → an adequate one → Research Services prepare → the
Director General decides → the decision letter → the locks); disclosure-control breaches give
guidance and no lock, the third within two years is flagged to the office; a suspension covers the
results portal; bad input is a 4xx with a code and changes nothing; 50 racing decisions make one."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select, update

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.kernel.mail import local_date, local_time
from boa.people.models import User
from boa.sanctions.models import BreachCase, Lock
from boa.sanctions.periods import add_months
from boa.sanctions.working_days import add_working_days
from tests.helpers import mails
from tests.sanction_helpers import (
    adequate,
    breach,
    decision,
    docx,
    labour,
    pdf,
    prepare,
    register,
    report,
    template,
    with_media,
)
from tests.transfer_helpers import CLEAN_TABLE, audit_actions, project_no, upload

SMALL_CELL = "kommune;antal\n101;2\n102;40\n103;37\n"


def _office_day(moment) -> object:
    return clock.aware(moment).astimezone(clock.OFFICE_TZ).date()


async def _transferred(client, headers, number: str, files: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    r = await upload(client, headers, number, files)
    assert r.status_code == 201, r.text
    body = r.json()
    for f in body["files"]:
        if f.get("note_required"):
            r = await client.put(f"/v1/transfers/{body['id']}/files/{f['id']}/note", headers=headers,
                                 json={"text": "A count table."})
            assert r.status_code == 200, r.text
    r = await client.post(f"/v1/transfers/{body['id']}/submit", headers=headers, json={"approve": True})
    assert r.status_code == 200, r.text
    return body["id"], {f["name"]: f["id"] for f in body["files"]}


async def test_the_seed_guide_from_registration_to_the_director_generals_letter(client, as_user, demo):
    sanc, resp, dirg = await as_user("SANC"), await as_user("RESP"), await as_user("DIRG")
    number = await labour(client, sanc)

    # 1. Registration: user and project suspended at once; the letter names the date of the suspension.
    case = await register(client, sanc, breach("RESA", number, warning_ignored=True, data_volume="40 rows"))
    cid = case["id"]
    assert case["stage"] == "report_requested" and case["registered_by_name"].endswith("(SANC)")
    letters = [m for m in await mails() if m["template"] == "breach_registered"]
    to_resp = next(m for m in letters if m["to"] == "resp@demo.boa.example")
    suspended = local_time(clock.now(), "da").split(" kl.")[0]  # the day of the suspension
    assert "Fra " + suspended in to_resp["body"] and "standardskabelonen" in to_resp["body"]
    assert "user:" not in to_resp["body"] and "Rikke Researcher (RESA)" in to_resp["body"]

    # 2. A report in the template, returned as inadequate with the reason; the reason reaches the institution.
    await report(client, resp, cid)
    r = await client.post(f"/v1/breaches/{cid}/report-assessment", headers=sanc,
                          json={"adequate": False, "comment": "The plan states intentions; list the measures taken."})
    assert r.status_code == 200 and r.json()["stage"] == "report_returned"
    returned = [m for m in await mails() if m["template"] == "breach_report_assessed"]
    assert any("list the measures taken" in m["body"] and m["to"] == "resp@demo.boa.example" for m in returned)
    r = await client.post(f"/v1/breaches/{cid}/preparation", headers=sanc, json={
        "severity": "minor", "conscious": False, "self_detected": False, "note": "Too early."})
    assert r.status_code == 409 and r.json()["code"] == "report_not_adequate"

    # 3. A new report, judged adequate: the 8 Danish working days start.
    r = await client.post(f"/v1/breaches/{cid}/report", headers=resp, json=template(measures=[
        {"what": "Two-person review of every transfer", "who": "Head of department", "when": "2026-03-10",
         "target_group": "All users of the department", "status": "implemented"},
        {"what": "Course on the transfer rules", "who": "The person responsible", "when": "2026-04-01",
         "target_group": "New users", "status": "planned"}]))
    assert r.status_code == 200 and r.json()["report_fields"]["measures"][1]["status"] == "planned"
    await adequate(client, sanc, cid)
    shown = (await client.get(f"/v1/breaches/{cid}", headers=sanc)).json()
    assert shown["stage"] == "adequate" and shown["report_assessed_by"] == "Søren Sanction (Research Services, " \
        "sanctions and review) (SANC)"
    assert shown["decision_due"] == add_working_days(_office_day(clock.now()), 8).isoformat()
    assert (await decision(client, sanc, "RESA", "login"))["allowed"] is False  # still suspended

    # 4. Research Services prepare: the severity proposal, the deciding factors, the preview.
    prepared = await prepare(client, sanc, cid, "severe")
    assert prepared["stage"] == "prepared" and prepared["preparation"]["severity"] == "severe"
    assert prepared["preparation"]["preview"]["columns"] and prepared["prepared_by"].endswith("(SANC)")

    # The preparer never decides, even with the right to.
    async with transaction(demo) as s:
        await s.execute(update(User).where(User.ident == "SANC").values(
            staff_roles=["staff", "sanctions", "review", "sanction_decision"]))
    r = await client.post(f"/v1/breaches/{cid}/decision", headers=sanc, json={"severity": "severe"})
    assert r.status_code == 403 and r.json()["code"] == "preparer_cannot_decide"

    # 5. The Director General decides, the Supervisory Board informed.
    r = await client.post(f"/v1/breaches/{cid}/decision", headers=dirg, json={
        "severity": "severe", "comment": "The transfer tool's warning was ignored.",
        "supervisory_board": "Informed at its meeting."})
    assert r.status_code == 200, r.text
    decided = r.json()
    ends = add_months(clock.now(), 3)
    assert [(lk["scope"], lk["ends_at"][:10]) for lk in decided["locks"]] == [
        ("user", ends.date().isoformat()), ("project", ends.date().isoformat())]
    assert decided["case"]["stage"] == "decided" and decided["case"]["decided_by"].startswith("Dorthe Direktør")
    assert decided["case"]["decision"]["supervisory_board"] == "Informed at its meeting."
    assert decided["case"]["decision"]["working_days"] == 0 and decided["case"]["decision"]["target_working_days"] == 8

    # 6. The letter: the Director General's final decision, the reason, the suspension lifted, the locks.
    letters = [m for m in await mails() if m["template"] == "breach_decision"]
    da = next(m["body"] for m in letters if m["to"] == "resp@demo.boa.example")
    assert "Rigsstatistikeren har truffet den endelige afgørelse" in da
    assert "Begrundelse for afgørelsen: The transfer tool's warning was ignored." in da
    assert "midlertidige suspension" in da and "lukket til " + local_date(ends, "da") in da

    # 7. The locks: the suspension lifted, the decided locks in force.
    refused = await decision(client, sanc, "RESA", "login")
    assert not refused["allowed"] and refused["reasons"][0]["until"].startswith(ends.date().isoformat())
    async with transaction(demo) as s:
        live = (await s.scalars(select(Lock).where(Lock.case_id == int(cid), Lock.lifted_at.is_(None)))).all()
        assert {lk.source for lk in live} == {"decision"}
    actions = await audit_actions(demo, "case:")
    for action in ("breach.registered", "breach.report_submitted", "breach.report_assessed", "breach.prepared",
                   "breach.decided"):
        assert action in actions, action


async def test_a_decision_past_eight_working_days_is_listed_and_reminded(client, as_user, demo):
    sanc, resp = await as_user("SANC"), await as_user("RESP")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    await report(client, resp, case["id"])
    await adequate(client, sanc, case["id"])
    r = await client.get("/v1/breaches?overdue=true", headers=sanc)
    assert r.status_code == 200 and r.json()["items"] == [], r.text
    async with transaction(demo) as s:  # judged adequate 15 days ago: at least 9 working days, whatever the holidays
        await s.execute(update(BreachCase).where(BreachCase.id == int(case["id"])).values(
            report_assessed_at=clock.now() - timedelta(days=15)))
    listed = (await client.get("/v1/breaches?overdue=true", headers=sanc)).json()["items"]
    assert [c["id"] for c in listed] == [case["id"]] and listed[0]["working_days"] > 8
    from boa.kernel.db import transaction as tx
    from boa.sanctions.reminders import breach_decision_overdue

    async with tx(demo) as s:
        assert await breach_decision_overdue(s, clock.now()) == 1
    async with tx(demo) as s:
        assert await breach_decision_overdue(s, clock.now()) == 0  # once
    assert any(m["template"] == "breach_decision_overdue" for m in await mails())
    r = await client.get("/v1/breaches?overdue=true", headers=await as_user("RESP"))
    assert r.status_code == 403


async def test_disclosure_control_gives_guidance_no_lock_and_the_third_is_flagged(client, as_user, demo, gate):
    number = await project_no(demo)
    resa, sanc = await as_user("RESA"), await as_user("SANC")
    tid, files = await _transferred(client, resa, number, [
        ("t1.txt", SMALL_CELL), ("t2.txt", SMALL_CELL.replace("40", "41")), ("t3.txt", SMALL_CELL.replace("40", "42"))])

    outcomes = []
    for name in ("t1.txt", "t2.txt", "t3.txt"):
        r = await client.post(f"/v1/review/files/{files[name]}", headers=sanc, json={
            "outcome": "disclosure_control", "comment": "A cell with 2 observations (kommune 101)."})
        assert r.status_code == 200, r.text
        assert r.json()["review"]["state"] == "disclosure_control"
        outcomes.append(r.json())
        # Guidance, no lock: RESA keeps every access.
        assert (await decision(client, sanc, "RESA", "transfer", number))["allowed"] is True
    guidance = [m for m in await mails() if m["template"] == "breach_guidance"]
    to_user = [m for m in guidance if m["to"] == "resa@demo.boa.example"]
    assert len(to_user) == 3 and "t1.txt" in to_user[0]["body"] and "3" in to_user[0]["body"]
    assert [m["to"] for m in guidance if m["to"] != "resa@demo.boa.example"] != []  # the office hears of the third

    r = await client.get("/v1/breaches?kind=disclosure_control", headers=sanc)
    items = sorted(r.json()["items"], key=lambda c: int(c["id"]))
    assert [(c["state"], c["occurrence"], c["flagged"], c["locks"]) for c in items] == [
        ("guidance", 1, False, []), ("guidance", 2, False, []), ("guidance", 3, True, [])]
    flagged = (await client.get("/v1/breaches?flagged=true", headers=sanc)).json()["items"]
    assert [c["id"] for c in flagged] == [items[2]["id"]]

    # Not counted on the sanction table: the office's ordinary case on the institution is a first breach.
    case = await register(client, sanc, breach("RESA", number, kind="other",
                                               description="Repeated disclosure-control breaches."))
    preview = (await client.get(f"/v1/breaches/{case['id']}/sanction-preview?severity=minor", headers=sanc)).json()
    assert preview["occurrence"] == 1
    r = await client.post(f"/v1/review/files/{files['t1.txt']}", headers=sanc, json={"outcome": "ok"})
    assert r.status_code == 409 and r.json()["code"] == "already_reviewed"


async def test_a_suspended_projects_portal_refuses_another_member(client, as_user, demo, gate):
    number = await project_no(demo)
    resa, resb, staf, sanc = (await as_user("RESA"), await as_user("RESB"), await as_user("STAF"),
                              await as_user("SANC"))
    tid, files = await _transferred(client, resa, number, [("antal.tab", CLEAN_TABLE)])
    fid = files["antal.tab"]
    assert (await client.get(f"/v1/transfers?project={number}", headers=resb)).status_code == 200

    case = await register(client, sanc, breach("RESA", number))
    for call in (client.get(f"/v1/transfers?project={number}", headers=resb),
                 client.get(f"/v1/transfers/{tid}/files/{fid}/content", headers=resb),
                 client.delete(f"/v1/transfers/{tid}/files/{fid}", headers=resb)):
        r = await call
        assert r.status_code == 403 and r.json()["code"] == "access_denied", r.text
        assert {(x["scope"], x["case_id"]) for x in r.json()["reasons"]} == {("project", case["id"])}
    # The office still sees everything; the file is still there.
    r = await client.get(f"/v1/transfers?project={number}", headers=staf)
    assert r.status_code == 200 and r.json()["items"][0]["transfers"][0]["files"][0]["state"] == "transferred"
    r = await client.get(f"/v1/transfers/{tid}/files/{fid}/content", headers=staf)
    assert r.status_code == 200 and r.content == CLEAN_TABLE.encode()


async def test_a_self_report_names_only_the_reporters_own_project(client, as_user, demo):
    sanc = await as_user("SANC")
    number = await labour(client, sanc)
    adm = await as_user("ADMN")  # at the institution, not a member of the project
    r = await client.post("/v1/breaches", headers=adm, json=breach("ADMN", number, self_reported=True))
    assert r.status_code == 422 and r.json()["code"] == "not_project_member", r.text
    async with transaction(demo) as s:
        assert await s.scalar(select(func.count(BreachCase.id))) == 0
        assert await s.scalar(select(func.count(Lock.id))) == 0
    r = await client.post("/v1/breaches", headers=await as_user("RESA"), json=breach("RESA", number, self_reported=True))
    assert r.status_code == 201 and r.json()["self_reported"] is True


async def test_bad_decisions_change_nothing(client, as_user, demo):
    sanc, resp, dirg = await as_user("SANC"), await as_user("RESP"), await as_user("DIRG")
    number = await labour(client, sanc)
    case = await register(client, sanc, breach("RESA", number))
    cid = case["id"]
    await report(client, resp, cid)
    await adequate(client, sanc, cid)
    await prepare(client, sanc, cid, "minor")
    for headers, body, status, code in (
            (dirg, {"severity": "catastrophic"}, 422, "validation_failed"),
            (sanc, {"severity": "minor"}, 403, "sanction_decision_required"),
            (resp, {"severity": "minor"}, 403, "sanction_decision_required"),
            (dirg, {"severity": "minor", "extra": 1}, 400, None)):
        r = await client.post(f"/v1/breaches/{cid}/decision", headers=headers, json=body)
        assert r.status_code in ((400, 422) if status == 400 else (status,)), r.text
        if code:
            assert r.json()["code"] == code
    shown = (await client.get(f"/v1/breaches/{cid}", headers=sanc)).json()
    assert shown["state"] == "prepared" and shown["severity"] is None

    # A dismissed case takes no decision.
    other = await register(client, sanc, breach("RESB", number))
    r = await client.post(f"/v1/breaches/{other['id']}/dismiss", headers=sanc, json={"comment": "No breach."})
    assert r.status_code == 200
    r = await client.post(f"/v1/breaches/{other['id']}/decision", headers=dirg, json={"severity": "minor"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


async def test_fifty_racing_decisions_make_exactly_one(client, as_user, demo):
    sanc, resp, dirg = await as_user("SANC"), await as_user("RESP"), await as_user("DIRG")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    await report(client, resp, case["id"])
    await adequate(client, sanc, case["id"])
    await prepare(client, sanc, case["id"], "minor")
    answers = await asyncio.gather(*(
        client.post(f"/v1/breaches/{case['id']}/decision", headers=dirg, json={"severity": "minor"})
        for _ in range(50)))
    codes = Counter(r.status_code for r in answers)
    assert codes == {200: 1, 409: 49}, codes
    async with transaction(demo) as s:
        decided = await s.scalar(select(func.count(Lock.id)).where(Lock.case_id == int(case["id"]),
                                                                   Lock.source == "decision"))
        assert decided == 2
    actions = [a for a in await audit_actions(demo, f"case:{case['id']}") if a == "breach.decided"]
    assert actions == ["breach.decided"]


async def test_the_reports_documentation_is_checked_stored_and_read_by_the_office(client, as_user, demo):
    sanc, resp, resb = await as_user("SANC"), await as_user("RESP"), await as_user("RESB")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    url = f"/v1/breaches/{case['id']}/attachments"
    minutes = docx("Minutes of the meeting on 5 March\nPresent: the head of department, the user\n"
                    "Decided: two-person review of every transfer")
    r = await client.post(url, headers=resp, files={"data": ("minutes.docx", minutes, "application/octet-stream")})
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["kind"] == "docx" and doc["verdict"] in ("clean", "unverifiable")
    r = await client.post(url, headers=resp, files={"data": ("agenda.pdf", pdf(), "application/pdf")})
    assert r.status_code == 201, r.text
    # Documentation of a few MB (a scanned signature page, say) is taken, though it is larger than
    # the API's usual 1 MiB body; more than 10 MB is refused before it is read.
    big = with_media(minutes, 3 * 1024 * 1024)
    r = await client.post(url, headers=resp, files={"data": ("minutes-signed.docx", big, "application/octet-stream")})
    assert r.status_code == 201, r.text
    r = await client.post(url, headers=resp, files={"data": ("huge.docx", with_media(minutes, 11 * 1024 * 1024),
                                                             "application/octet-stream")})
    assert r.status_code == 413, r.text

    before = (await client.get(f"/v1/breaches/{case['id']}", headers=sanc)).json()["attachments"]
    for files, status, code in (
            ({"data": ("notes.txt", b"plain text", "text/plain")}, 422, "file_type_not_allowed"),
            ({"data": ("renamed.pdf", b"plain text, not a PDF", "application/pdf")}, 422, None),
            ({"data": ("cprs.docx", docx("cpr;beloeb\n070761-4285;100\n010190-1234;200"), "x/y")}, 422,
             "microdata_in_attachment"),
            ({"data": ("empty.pdf", b"", "application/pdf")}, 422, "empty_file")):
        r = await client.post(url, headers=resp, files=files)
        assert r.status_code == status, r.text
        if code:
            assert r.json()["code"] == code, r.text
    r = await client.post(url, headers=resb, files={"data": ("agenda.pdf", pdf(), "application/pdf")})
    assert r.status_code == 404  # a researcher does not see the institution's case
    shown = (await client.get(f"/v1/breaches/{case['id']}", headers=sanc)).json()["attachments"]
    assert shown == before and [d["name"] for d in shown] == ["minutes.docx", "agenda.pdf", "minutes-signed.docx"]

    # The office downloads the documentation as stored.
    r = await client.get(shown[0]["content_url"], headers=sanc)
    assert r.status_code == 200 and r.content == minutes
    assert (await client.get(shown[0]["content_url"], headers=resb)).status_code == 404
    assert "breach.attachment_added" in await audit_actions(demo, f"case:{case['id']}")


async def test_the_law_model_decides_by_the_table_its_rule_set_names(client, as_user, demo):
    """Seed 003: the law model has its own rule set. By default its breaches go by the authority
    table (counted per scheme); a rule set naming the researcher table is what the preview and the
    decision then use. (The rule set is set in the database as the office configures it; there is
    no API to change it.)"""
    from schemes.law_model.models import LawModel

    staff, institution = await as_user("SANC"), await _law_institution(demo)
    default = await register(client, staff, breach("LAWM", None, scheme="law_model", institution_id=institution))
    preview = await client.get(f"/v1/breaches/{default['id']}/sanction-preview?severity=minor", headers=staff)
    assert preview.status_code == 200 and preview.json()["table"] == "authority", preview.text

    async with transaction(demo) as s:
        model = await s.scalar(select(LawModel))
        model.rule_set = {**model.rule_set, "sanction_table": "researcher"}
    own = await register(client, staff, breach("LAWM", None, scheme="law_model", institution_id=institution, days_ago=2))
    preview = await client.get(f"/v1/breaches/{own['id']}/sanction-preview?severity=minor", headers=staff)
    assert preview.status_code == 200 and preview.json()["table"] == "researcher", preview.text
    # The case registered before the change keeps the table it was registered under.
    again = await client.get(f"/v1/breaches/{default['id']}/sanction-preview?severity=minor", headers=staff)
    assert again.json()["table"] == "authority"


async def _law_institution(engine) -> str:
    from boa.people.models import Association

    async with transaction(engine) as s:
        user = await s.scalar(select(User).where(User.ident == "LAWM"))
        return str(await s.scalar(select(Association.institution_id).where(Association.user_id == user.id)))


def test_a_law_model_rule_set_names_a_known_sanction_table():
    import pytest

    from boa.kernel.errors import ValidationFailed
    from schemes.law_model.rules import rule_set

    assert rule_set(None)["sanction_table"] == "authority"
    assert rule_set({"sanction_table": "researcher"})["sanction_table"] == "researcher"
    with pytest.raises(ValidationFailed):
        rule_set({"sanction_table": "none"})


async def test_a_documentation_form_without_the_file_is_a_clear_422(client, as_user, demo):
    """Found by schemathesis: a multipart form with no file part was a 500."""
    sanc, resp = await as_user("SANC"), await as_user("RESP")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    url = f"/v1/breaches/{case['id']}/attachments"
    r = await client.post(url, headers=resp, files={"": (None, b"null")})
    assert r.status_code == 422 and r.json()["code"] == "file_required", r.text
    r = await client.post(url, headers=resp, json={"data": "x"})
    assert r.status_code == 422 and r.json()["code"] == "multipart_required", r.text
    assert (await client.get(f"/v1/breaches/{case['id']}", headers=sanc)).json()["attachments"] == []
