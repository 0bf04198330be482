"""A year in BOA, through the API, from an empty database (migrations only, no demo data): the way
the people live it. Nothing is set up behind BOA's back: the first office member is made with the
CLI, every other person is created, mailed, activated and onboarded through the API; mail goes
through a real SMTP server (aiosmtpd) and SMS through a real local HTTP gateway; the clock moves.

Research Services create an institution and its agreement; the responsible person and an
administrator are set up; the administrator asks for a new user; the office approves; the mail's
link activates the user with an SMS token; a portal session; the user agreement; three failed
certification attempts, refused for the rest of the day, a pass the next day; the association;
a proposal through to approval; research access. +11 months brings the reminder mail; +12 months
denies research access with ``certification_expired`` while the portal still opens; a renewal
restores it."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest

from boa.kernel import clock
from boa.kernel.jobs import run_delivery, run_reminders
from boa.kernel.settings import SEED_DATA
from tests.sms_helpers import last_code

ROOT = Path(__file__).resolve().parents[2]
PIN = "5831"
ANSWERS = {q["id"]: q["answer"] for q in json.loads((SEED_DATA / "certification.json").read_text())["questions"]}
pytestmark = pytest.mark.usefixtures("db")


class Office:
    """The test's view of BOA's peers: the SMTP server's inbox and the SMS gateway."""

    def __init__(self, client, engine, inbox, gateway) -> None:
        self.client, self.engine, self.inbox, self.gateway = client, engine, inbox, gateway

    async def mail_to(self, address: str, subject: str) -> EmailMessage:
        """The newest mail to ``address`` whose subject contains ``subject``, once the worker's
        delivery has run (mail is a row in the outbox until then)."""
        await run_delivery(self.engine)
        for message in reversed(self.inbox.messages):
            if address in message["X-Rcpt"] and subject in message["Subject"]:
                return message
        raise AssertionError(f"no mail to {address} about {subject!r}: "
                             f"{[(m['X-Rcpt'], m['Subject']) for m in self.inbox.messages]}")

    async def activate(self, address: str, mobile: str) -> tuple[str, dict[str, str]]:
        """From the activation mail to a portal session: the link's code, a PIN, SMS as the second
        factor (the code sent to the number typed back), the login with a code by SMS."""
        mail = await self.mail_to(address, "Aktivér din adgang")
        body = mail.get_content()
        ident, code = re.search(r"/activate\?ident=([A-Z]+)&code=([A-Z0-9]+)", body).groups()
        r = await self.client.post("/v1/auth/activate", json={"ident": ident, "activation_code": code, "pin": PIN})
        assert r.status_code == 200, r.text
        ticket = r.json()["enrolment_ticket"]
        r = await self.client.post("/v1/auth/enrolment", json={"ticket": ticket, "kind": "sms", "mobile": mobile})
        assert r.status_code == 201, r.text
        number = r.json()["mobile"]
        r = await self.client.post("/v1/auth/enrolment/confirm", json={
            "ticket": ticket, "token_id": r.json()["id"], "code": last_code(self.gateway, number)})
        assert r.status_code == 200 and r.json()["state"] == "active", r.text
        return ident, await self.log_in(ident, number)

    async def log_in(self, ident: str, number: str) -> dict[str, str]:
        r = await self.client.post("/v1/auth/login", json={"ident": ident, "pin": PIN})
        assert r.status_code == 200 and r.json()["method"] == "sms", r.text
        r = await self.client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"],
                                                            "code": last_code(self.gateway, number)})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    async def accept_agreement(self, me: dict[str, str]) -> None:
        current = (await self.client.get("/v1/me/user-agreement", headers=me)).json()
        r = await self.client.post("/v1/me/user-agreement", headers=me, json={"version": current["version"]})
        assert r.status_code == 200, r.text

    async def certification(self, me: dict[str, str], *, right: bool) -> dict:
        r = await self.client.post("/v1/me/certification/attempts", headers=me)
        if r.status_code != 201:
            return r.json() | {"status": r.status_code}
        attempt = r.json()
        answers = {}
        for n, q in enumerate(attempt["questions"]):
            correct = ANSWERS[q["id"]]
            wrong = next(o["id"] for o in q["options"] if o["id"] != correct)
            answers[q["id"]] = correct if right or n else wrong  # one wrong answer fails an attempt
        r = await self.client.post(f"/v1/me/certification/attempts/{attempt['id']}", headers=me,
                                   json={"answers": answers})
        assert r.status_code == 200, r.text
        return r.json()

    async def onboard(self, me: dict[str, str]) -> None:
        await self.accept_agreement(me)
        assert (await self.certification(me, right=True))["passed"] is True

    async def decision(self, staff: dict[str, str], ident: str, action: str, project: str | None = None) -> dict:
        url = f"/v1/access/decision?ident={ident}&action={action}" + (f"&project={project}" if project else "")
        r = await self.client.get(url, headers=staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def move(self, who: dict[str, str], number: str, to: str, comment: str | None = None) -> dict:
        r = await self.client.post(f"/v1/projects/{number}/transitions", headers=who,
                                   json={"to": to} | ({"comment": comment} if comment else {}))
        assert r.status_code == 200, r.text
        return r.json()


def _first_staff_member() -> None:
    """The installation's first Research Services member, made with the CLI as an operator would."""
    run = subprocess.run([sys.executable, "-m", "boa.cli", "users", "create", "Stine Staff", "stine@dst.example",
                          "--staff", "staff", "--staff", "sanctions", "--staff", "review",
                          "--staff", "proposal_approval"],
                         cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


async def test_a_year_in_boa(client, db, smtp, sms_gateway):
    office = Office(client, db, smtp, sms_gateway)
    await asyncio.to_thread(_first_staff_member)
    stine, staff = await office.activate("stine@dst.example", "+45 20 00 00 01")
    # Office staff need no certification, agreement or association: the office's work opens at once.
    assert (await client.get("/v1/institutions", headers=staff)).status_code == 200

    # Research Services create the institution, its people and its authorisation agreement.
    r = await client.post("/v1/institutions", headers=staff, json={
        "name": "Aarhus Research University", "authorisation_number": 101, "kind": "university",
        "mail_domains": ["uni.example"]})
    assert r.status_code == 201, r.text
    institution = r.json()["id"]
    people = {}
    for key, name in (("resp", "Rasmus Responsible"), ("subs", "Sofie Substitute"), ("admn", "Anders Admin")):
        r = await client.post("/v1/users", headers=staff, json={"name": name, "email": f"{key}@uni.example"})
        assert r.status_code == 201, r.text
        people[key] = r.json()["ident"]
    r = await client.post(f"/v1/institutions/{institution}/agreements", headers=staff, json={
        "schemes": ["researcher"], "responsible_ident": people["resp"], "substitute_idents": [people["subs"]]})
    assert r.status_code == 201, r.text

    # The responsible person activates; until onboarded, the institution's pages answer what is missing.
    _, resp = await office.activate("resp@uni.example", "+45 20 00 00 02")
    refused = await client.post(f"/v1/institutions/{institution}/roles", headers=resp,
                                json={"ident": people["admn"], "role": "administrator"})
    assert refused.status_code == 403
    assert {x["code"] for x in refused.json()["reasons"]} == {"certification_missing", "user_agreement_missing"}
    await office.onboard(resp)
    for ident, role in ((people["admn"], "administrator"), (people["subs"], "signatory")):
        r = await client.post(f"/v1/institutions/{institution}/roles", headers=resp, json={"ident": ident, "role": role})
        assert r.status_code == 201, r.text
    _, admn = await office.activate("admn@uni.example", "+45 20 00 00 03")
    await office.onboard(admn)
    _, subs = await office.activate("subs@uni.example", "+45 20 00 00 04")
    await office.onboard(subs)

    # The administrator asks for a new user; Research Services approve; the activation mail goes out.
    r = await client.post(f"/v1/institutions/{institution}/user-requests", headers=admn,
                          json={"name": "Nina Newcomer", "email": "nina@uni.example"})
    assert r.status_code == 201, r.text
    r = await client.post(f"/v1/user-requests/{r.json()['id']}/approve", headers=staff, json={})
    assert r.status_code == 200, r.text
    nina, me = await office.activate("nina@uni.example", "+45 20 30 40 50")
    profile = (await client.get("/v1/me", headers=me)).json()
    assert profile["onboarding"]["missing"] == ["user_agreement", "certification", "association"]
    assert (await client.get("/v1/projects", headers=me)).status_code == 403

    await office.accept_agreement(me)
    for _ in range(3):
        result = await office.certification(me, right=False)
        assert result["passed"] is False and result["correct"] == 9 and result["of"] == 10
    assert result["attempts_left_today"] == 0
    fourth = await office.certification(me, right=True)
    assert fourth["status"] == 429 and fourth["code"] == "too_many_attempts" and fourth["retry_after"] > 0
    clock.travel(timedelta(days=1))  # the next Copenhagen day
    me = await office.log_in(nina, "+4520304050")
    passed = await office.certification(me, right=True)
    assert passed["passed"] is True and passed["certified_until"]

    # The association: asked by the administrator, approved by the responsible person.
    admn = await office.log_in(people["admn"], "+4520000003")
    r = await client.post(f"/v1/institutions/{institution}/associations", headers=admn, json={"ident": nina})
    assert r.status_code == 201, r.text
    resp = await office.log_in(people["resp"], "+4520000002")
    r = await client.post(f"/v1/associations/{r.json()['id']}/approve", headers=resp, json={})
    assert r.status_code == 200, r.text
    assert (await client.get("/v1/me", headers=me)).json()["onboarding"]["missing"] == []
    staff = await office.log_in(stine, "+4520000001")  # a new day: yesterday's sessions have ended

    # A proposal through to approval, then research access.
    r = await client.post("/v1/projects", headers=me, json={
        "institution_id": institution, "scheme": "researcher", "title": "Careers after higher education",
        "datasets": ["BEF", "UDDA"], "end_date": (clock.now().date() + timedelta(days=3 * 365)).isoformat()})
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    proposed = clock.now()
    # Members are added one at a time, before the proposal leaves the contact person.
    r = await client.post(f"/v1/projects/{number}/members", headers=me, json={"ident": nina})
    assert r.status_code == 201, r.text
    assert (await office.decision(staff, nina, "project_access", number))["allowed"] is False  # not approved yet
    await office.move(me, number, "sent_to_administrator")
    await office.move(admn, number, "sent_to_office")
    owner = (await client.get(f"/v1/projects/{number}", headers=staff)).json()["project_owner"]
    assert owner is not None
    await office.move(staff, number, "sent_for_signature")
    subs = await office.log_in(people["subs"], "+4520000004")
    # The signatory signs for the institution; the Head of Division for the Data Portal (Stine, the
    # office's only member, holds proposal_approval) approves.
    r = await client.post(f"/v1/projects/{number}/proposal/signature", headers=subs)
    assert r.status_code == 200, r.text
    assert (await office.move(staff, number, "approved", "Approved."))["state"] == "approved"
    assert (await office.decision(staff, nina, "project_access", number)) == {"allowed": True, "reasons": []}
    assert (await office.decision(staff, nina, "login"))["allowed"] is True

    # +11 months: the certification expires in about 30 days; the worker's hourly run reminds Nina.
    clock.travel(timedelta(days=335))
    staff = await office.log_in(stine, "+4520000001")
    await run_reminders(db)
    reminder = await office.mail_to("nina@uni.example", "sikkerhedscertificering")
    assert "Nina Newcomer" in reminder.get_content()
    await run_reminders(db)  # a second run (another worker, another machine) sends nothing more
    await run_delivery(db)
    assert sum("nina@uni.example" in m["X-Rcpt"] and "sikkerhedscertificering" in m["Subject"]
               for m in smtp.messages) == 1

    # +12 months: research access is denied with its reason; the portal still opens to renew.
    clock.travel(timedelta(days=31))
    staff = await office.log_in(stine, "+4520000001")
    denied = await office.decision(staff, nina, "project_access", number)
    assert denied["allowed"] is False and [x["code"] for x in denied["reasons"]] == ["certification_expired"]
    me = await office.log_in(nina, "+4520304050")
    assert (await client.get("/v1/me", headers=me)).json()["onboarding"]["missing"] == ["certification"]
    r = await client.get(f"/v1/projects/{number}", headers=me)
    assert r.status_code == 403 and r.json()["reasons"][0]["code"] == "certification_expired"
    renewed = await office.certification(me, right=True)
    assert renewed["passed"] is True
    assert date.fromisoformat(renewed["certified_until"][:10]) > clock.now().date() + timedelta(days=360)
    assert (await office.decision(staff, nina, "project_access", number)) == {"allowed": True, "reasons": []}

    # The project's access history tells exactly this year (issue 21): Nina could reach it from
    # the approval until her certification expired, and again since she renewed it.
    r = await client.get(f"/v1/access/history?project={number}&from={quote(proposed.isoformat())}", headers=staff)
    assert r.status_code == 200, r.text
    hers = [(i["action"], [x["code"] for x in i["began_because"]], [x["code"] for x in i.get("ended_because", [])],
             "to" in i) for i in r.json()["items"] if i["ident"] == nina]
    assert hers == [(action, began, ended, closed) for action in ("project_access", "transfer")
                    for began, ended, closed in ((["project_not_approved"], ["certification_expired"], True),
                                                 (["certification_expired"], [], False))], hers
