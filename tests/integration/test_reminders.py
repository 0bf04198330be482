"""The reminders fire at their times as the clock moves, each once: run again, or by racing runs
(real concurrency on PostgreSQL), they send nothing more. Each reminder is a row of
``sent_reminders`` with its key, written with its mails."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.kernel.jobs import run_reminders
from boa.kernel.models import OutboxMail, SentReminder
from boa.people.models import User, UserAgreementVersion
from schemes.project_database.models import ProjectDatabase
from schemes.projects.models import Project
from tests.helpers import bearer, login, mails
from tests.sanction_helpers import breach, labour, register, report
from tokens.models import Token


class Reminders:
    """Runs the reminders as the worker does and answers the keys each run added."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.seen: set[str] = set()

    async def run(self, times: int = 1) -> set[str]:
        for _ in range(times):
            await run_reminders(self.engine)
        async with transaction(self.engine) as session:
            keys = set(await session.scalars(select(SentReminder.key)))
        new, self.seen = keys - self.seen, keys
        return new

    async def mails(self, template: str) -> list[OutboxMail]:
        async with transaction(self.engine) as session:
            return list(await session.scalars(select(OutboxMail).where(OutboxMail.template == template)
                                              .order_by(OutboxMail.id)))


WITH_DAYS = {"certification_expiry", "project_end", "project_deletion", "project_database_end"}


def kinds(keys: set[str]) -> Counter[str]:
    """Keys by kind, with the days before for the reminders sent more than once ahead."""
    return Counter(":".join(k.split(":")[:2]) if k.split(":")[0] in WITH_DAYS else k.split(":")[0] for k in keys)


async def _user(session, ident: str) -> User:
    return await session.scalar(select(User).where(User.ident == ident))


async def test_reminders_fire_once_each_as_the_clock_moves(demo):
    start = clock.now()
    today = start.date()
    async with transaction(demo) as s:
        resa, resb = await _user(s, "RESA"), await _user(s, "RESB")
        resa.language = "en"
        labour_project = await s.scalar(select(Project).where(Project.title.like("Labour market%")))
        labour_project.contact_person_id = resa.id
        labour_project.end_date, labour_project.deletion_date = today + timedelta(days=60), today + timedelta(days=120)
        await s.execute(update(ProjectDatabase).values(end_date=today + timedelta(days=200)))
        s.add(Token(user_id=resb.id, kind="physical", state="shipped", serial="OATH0001", shipped_at=clock.now()))
    reminders = Reminders(demo)
    assert await reminders.run() == set()

    clock.travel(timedelta(days=30, hours=1))  # the project ends in 30 days; the token was shipped 30 days ago
    new = await reminders.run(times=2)
    assert kinds(new) == {"project_end:30": 1, "physical_token_not_activated": 2}
    ends = {m.recipient: m for m in await reminders.mails("project_end")}
    # The contact person and the institution's administrators (ADMN, PDBM), each in their language.
    assert ends.keys() == {"resa@demo.boa.example", "admn@demo.boa.example", "pdbm@demo.boa.example"}
    assert ends["resa@demo.boa.example"].language == "en" and ends["admn@demo.boa.example"].language == "da"
    assert ends["resa@demo.boa.example"].subject.startswith(f"Project {labour_project.number} ends on")
    assert {m.recipient for m in await reminders.mails("physical_token_not_activated")} == {"resb@demo.boa.example"}
    assert {m.recipient for m in await reminders.mails("physical_token_not_activated_office")} == {
        "research-services@localhost"}
    assert {m["to"] for m in await mails() if m["template"] == "project_end"} == ends.keys()  # delivered

    clock.travel(timedelta(days=60))  # deletion in 30 days; the project database ends in 110
    assert kinds(await reminders.run(times=2)) == {"project_deletion:30": 1}
    clock.travel(timedelta(days=20))  # the project database ends in 90 days
    assert kinds(await reminders.run(times=2)) == {"project_database_end:90": 1}
    [pdb] = await reminders.mails("project_database_end")
    assert pdb.recipient == "pdbm@demo.boa.example"
    clock.travel(timedelta(days=60))  # ... in 30 days
    assert kinds(await reminders.run(times=2)) == {"project_database_end:30": 1}

    # +11 months: the certification (one year from the demo's load) expires in 30 days, for every
    # certified user; then in 7 days; then it has expired and nothing more comes.
    clock.travel(timedelta(days=335, hours=1) - (clock.now() - start))
    new = await reminders.run(times=2)
    assert set(kinds(new)) == {"certification_expiry:30"} and len(new) >= 10
    [resa_mail] = [m for m in await reminders.mails("certification_expiry") if m.recipient == "resa@demo.boa.example"]
    assert resa_mail.language == "en" and "expires in 30 days" in resa_mail.body
    clock.travel(timedelta(days=23))
    assert set(kinds(await reminders.run(times=2))) == {"certification_expiry:7"}
    clock.travel(timedelta(days=8))
    assert await reminders.run(times=2) == set()


async def test_a_new_user_agreement_version_reaches_everyone_who_accepted_an_older_one(demo):
    async with transaction(demo) as s:
        accepted = len(list(await s.scalars(select(User.id).where(User.user_agreement_version == 1, User.active))))
        s.add(UserAgreementVersion(version=2, titles={"da": "Brugeraftale", "en": "User agreement"}, texts={"da": "Nye regler.", "en": "New rules."}, published_at=clock.now()))
    reminders = Reminders(demo)
    new = await reminders.run(times=2)
    assert kinds(new) == {"user_agreement": accepted} and accepted >= 10
    assert all(k.startswith("user_agreement:2:") for k in new)


async def test_an_unused_activation_link_is_recalled_a_day_before_it_expires(client, as_user):
    staff = await as_user("STAF")
    r = await client.post("/v1/users", headers=staff, json={"name": "Nina New", "email": "nina@uni.example"})
    ident = r.json()["ident"]
    engine = client._transport.app.state.boa_engine
    reminders = Reminders(engine)
    assert await reminders.run() == set()
    clock.travel(timedelta(days=6, hours=1))
    assert kinds(await reminders.run(times=2)) == {"activation_code_expiry": 1}
    [recall] = await reminders.mails("activation_code_expiry")
    assert recall.recipient == "nina@uni.example" and ident in recall.body
    clock.travel(timedelta(days=1))  # expired: nothing more
    assert await reminders.run() == set()


async def test_an_overdue_breach_report_is_recalled_to_the_responsible_person_and_substitutes(client, as_user, demo):
    sanc = await as_user("SANC")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    reminders = Reminders(demo)
    clock.travel(timedelta(days=13))
    assert await reminders.run() == set()
    clock.travel(timedelta(days=1, minutes=1))
    assert await reminders.run(times=2) == {
        f"breach_report_overdue:{case['id']}:requested:{(clock.now() - timedelta(days=14)).date().isoformat()}"}
    recalls = await reminders.mails("breach_report_overdue")
    assert {m.recipient for m in recalls} == {"resp@demo.boa.example", "subs@demo.boa.example"}
    assert "Rikke Researcher (RESA)" in recalls[0].body and "user:" not in recalls[0].body
    # Submitted: no more; returned: the new report is overdue 14 days after the return.
    clock.travel(timedelta(seconds=31))
    await report(client, bearer((await login(client, "RESP"))["access_token"]), case["id"])
    clock.travel(timedelta(days=30))
    assert await reminders.run() == set()
    sanc = bearer((await login(client, "SANC"))["access_token"])
    r = await client.post(f"/v1/breaches/{case['id']}/report-assessment", headers=sanc,
                          json={"adequate": False, "comment": "Measures, not intentions."})
    assert r.status_code == 200
    clock.travel(timedelta(days=14, minutes=1))
    assert kinds(await reminders.run()) == {"breach_report_overdue": 1}


async def test_racing_runs_send_each_reminder_once(demo):
    """Five workers (or machines) run the reminders at the same moment: each key, and so each
    mail, once. On PostgreSQL the runs are truly concurrent; on SQLite they queue."""
    today = clock.now().date()
    async with transaction(demo) as s:
        await s.execute(update(Project).values(end_date=today + timedelta(days=20), deletion_date=today + timedelta(days=25)))
        s.add(UserAgreementVersion(version=2, titles={"da": "Brugeraftale", "en": "User agreement"}, texts={"da": "Nye regler.", "en": "New rules."}, published_at=clock.now()))
    await asyncio.gather(*(run_reminders(demo) for _ in range(5)))
    async with transaction(demo) as s:
        keys = list(await s.scalars(select(SentReminder.key)))
        sent = list(await s.scalars(select(OutboxMail)))
    assert len(keys) == len(set(keys)) and {"project_end", "project_deletion", "user_agreement"} <= {
        k.split(":")[0] for k in keys}
    per_mail = Counter((m.template, m.recipient, m.subject) for m in sent)
    assert per_mail and max(per_mail.values()) == 1
