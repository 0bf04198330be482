"""The mails as their readers get them from a real SMTP server (aiosmtpd), issue 18 item 3: each in
the reader's own language, people named "Name (IDENT)" and institutions "number name", and no
internal id or actor label ("user:SANC", an institution's row id) anywhere."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from boa.kernel import clock, outbox
from boa.kernel.db import transaction
from boa.kernel.jobs import run_reminders
from boa.people.models import Institution, User
from schemes.projects.models import Project
from tests.sanction_helpers import breach, labour, register

INSTITUTION = "101 Aarhus Research University"
RESA = "Rikke Researcher (RESA)"
ACTOR_LABEL = re.compile(r"\b(user|service|system|client):[A-Za-z]")


async def _speaks_english(engine, ident: str) -> None:
    async with transaction(engine) as s:
        await s.execute(update(User).where(User.ident == ident).values(language="en"))


async def _delivered(engine, smtp) -> dict[str, list]:
    await outbox.deliver_due(engine)
    by_reader: dict[str, list] = {}
    for message in smtp.messages:
        by_reader.setdefault(message["X-Rcpt"], []).append(message)
    return by_reader


def _no_internal_labels(message, institution_id: int) -> None:
    text = f"{message['Subject']}\n{message.get_content()}"
    assert not ACTOR_LABEL.search(text), text
    assert f"institution {institution_id}" not in text.lower() and f"institution:{institution_id}" not in text


async def _institution_id(engine) -> int:
    async with transaction(engine) as s:
        return await s.scalar(select(Institution.id).where(Institution.authorisation_number == 101))


async def test_the_breach_letters_name_the_user_and_the_institution_in_each_readers_language(
        client, as_user, demo, smtp):
    await _speaks_english(demo, "RESA")
    sanc = await as_user("SANC")
    case = await register(client, sanc, breach("RESA", await labour(client, sanc)))
    inbox = await _delivered(demo, smtp)
    [to_user] = inbox["resa@demo.boa.example"]
    [to_responsible] = inbox["resp@demo.boa.example"]
    assert to_user["Subject"] == f"Breach case {case['id']}: temporary suspension"
    assert to_responsible["Subject"] == f"Sag {case['id']} om brud på reglerne: midlertidig suspension"
    assert "Dear Rikke Researcher" in to_user.get_content()
    assert "Kære" in to_responsible.get_content()
    institution_id = await _institution_id(demo)
    for message in (to_user, to_responsible):
        body = message.get_content()
        assert f"{RESA}, project " in body or f"{RESA}, projekt " in body
        assert INSTITUTION in body, body
        _no_internal_labels(message, institution_id)


async def test_the_project_reminders_name_the_institution_by_number_and_name(demo, smtp):
    await _speaks_english(demo, "RESA")
    today = clock.now().date()
    async with transaction(demo) as s:
        resa = await s.scalar(select(User).where(User.ident == "RESA"))
        project = await s.scalar(select(Project).where(Project.title.like("Labour market%")))
        project.contact_person_id, project.end_date = resa.id, today + timedelta(days=60)
        number = project.number
    clock.travel(timedelta(days=30, hours=1))
    await run_reminders(demo)
    inbox = await _delivered(demo, smtp)
    [english] = [m for m in inbox["resa@demo.boa.example"] if m["Subject"].startswith(f"Project {number} ends")]
    [danish] = [m for m in inbox["admn@demo.boa.example"] if m["Subject"].startswith(f"Projekt {number} slutter")]
    institution_id = await _institution_id(demo)
    assert f"Project {number} (Labour market careers after higher education), {INSTITUTION}, ends on" in \
        english.get_content()
    assert f"Projekt {number} (Labour market careers after higher education), {INSTITUTION}, slutter" in \
        danish.get_content()
    for message in (english, danish):
        _no_internal_labels(message, institution_id)
