"""The onboarding pages: the user agreement read and accepted, the certification started, answered
in one form (a refused form keeps what was chosen), failed, passed, used up for the day, renewed
only in its window; Danish by default, English on request."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from boa.kernel import clock
from boa.people import certification_rules as rules
from tests.onboarding_helpers import PIN, SECRET, newcomer

RADIO = re.compile(r'name="answer-(\w+)" value="(\w+)"')


async def _newcomer(people, demo, **kw):
    await newcomer(demo, **kw)
    me = await people()
    r = await me.login("NEWU", pin=PIN, secret=SECRET)
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    await me.get("/")
    return me


def _questions(page: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for qid, option in RADIO.findall(page):
        out.setdefault(qid, []).append(option)
    return out


def _answers(questions: dict[str, list[str]], wrong: int = 0) -> dict[str, str]:
    right = {q.id: q.answer for q in rules.bank().questions}
    answers = {qid: right[qid] for qid in questions}
    for qid in list(questions)[:wrong]:
        answers[qid] = next(o for o in questions[qid] if o != right[qid])
    return answers


async def _start(me) -> tuple[str, dict[str, list[str]]]:
    r = await me.post("/me/certification")
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    page = await me.get(url)
    assert page.status_code == 200
    return url, _questions(page.text)


def _form(answers: dict[str, str]) -> dict[str, str]:
    return {f"answer-{qid}": option for qid, option in answers.items()}


async def test_a_newcomer_reads_the_user_agreement_and_accepts_it(people, demo):
    me = await _newcomer(people, demo)
    home = await me.get("/")
    assert "Læs og acceptér brugeraftalen" in home.text  # the onboarding checklist
    assert 'href="/me/user-agreement"' in home.text and 'href="/me/certification"' in home.text
    page = await me.get("/me/user-agreement")
    assert page.status_code == 200
    assert "Brugeraftale for adgang til mikrodata" in page.text and "Version 1 af 1. apr. 2024" in page.text
    assert "Jeg accepterer brugeraftalen, version 1" in page.text
    assert "Som bruger af Danmarks Statistiks forskermaskiner" in html.unescape(page.text)

    stale = await me.post("/me/user-agreement", {"version": "2"})
    assert stale.status_code == 409
    assert "Der er udgivet en ny version af brugeraftalen. Læs den og acceptér den." in html.unescape(stale.text)
    assert "Jeg accepterer brugeraftalen, version 1" in stale.text
    assert (await me.post("/me/user-agreement", {"version": "one"})).status_code == 422

    r = await me.post("/me/user-agreement", {"version": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/me/user-agreement"
    page = await me.get("/me/user-agreement")
    assert "Du har accepteret brugeraftalen." in page.text and "Du accepterede version 1" in page.text
    assert "Jeg accepterer" not in page.text
    await me.post("/language", {"lang": "en", "next_page": "/me/user-agreement"})
    page = await me.get("/me/user-agreement")
    assert "User agreement for access to microdata" in page.text and "You accepted version 1 on" in page.text
    assert "As a user of Statistics Denmark" in page.text


async def test_the_certification_fails_keeping_the_choices_then_passes(people, demo):
    me = await _newcomer(people, demo)
    page = await me.get("/me/certification")
    assert "Ikke bestået" in page.text and "3 af 3" in page.text and "Start testen" in page.text
    url, questions = await _start(me)
    assert len(questions) == 10 and all(len(options) >= 2 for options in questions.values())

    answers = _answers(questions, wrong=1)
    first = next(iter(questions))
    partial = {qid: option for qid, option in answers.items() if qid != first}
    refused = await me.post(url, _form(partial))
    assert refused.status_code == 422 and "Besvar alle spørgsmål." in refused.text
    assert refused.text.count("Besvar dette spørgsmål.") == 1
    assert 'class="question missing" id="question-' + first in refused.text
    for qid, option in partial.items():  # what was chosen is still chosen
        assert f'name="answer-{qid}" value="{option}" required checked' in refused.text

    r = await me.post(url, _form(answers))
    assert r.status_code == 303 and r.headers["location"] == url
    result = await me.get(url)
    assert "Ikke bestået: 9 af 10 svar rigtige." in result.text and "2 af 3" in result.text
    assert "answer-" not in result.text  # the score only: no question, no answer
    again = await me.post(url, _form(answers))
    assert again.status_code == 409 and "Dette forsøg er indsendt." in again.text

    url, questions = await _start(me)
    r = await me.post(url, _form(_answers(questions)))
    result = await me.get(r.headers["location"])
    assert "Bestået: 10 af 10 svar rigtige." in result.text
    until = (clock.now() + timedelta(days=365)).year
    assert re.search(rf"Din certificering er gyldig til \d+\. \w+\.? {until}", result.text)
    assert "Du kan forny din certificering fra" in result.text and "Start testen" not in result.text
    early = await me.post("/me/certification")
    assert early.status_code == 409 and "Din certificering er stadig gyldig." in early.text


async def test_after_three_attempts_the_page_says_when_to_try_again(people, demo):
    me = await _newcomer(people, demo, language="en")
    for _ in range(3):
        await _start(me)
    page = await me.get("/me/certification")
    tomorrow = clock.office_day(clock.now())[1].astimezone(clock.OFFICE_TZ).date()
    assert f"You have used today's 3 attempts. You can try again tomorrow, {tomorrow.day} {tomorrow:%b %Y}." in page.text
    assert "0 of 3" in page.text and "Start the test" not in page.text
    refused = await me.post("/me/certification")
    assert refused.status_code == 429
    assert "You have used today's attempts. Try again tomorrow." in html.unescape(refused.text)


async def test_an_open_attempt_is_continued_expires_after_an_hour_and_is_nobody_elses(people, demo):
    me = await _newcomer(people, demo)
    url, _ = await _start(me)
    status = await me.get("/me/certification")
    assert f'href="{url}"' in status.text and "Fortsæt det forsøg, du har startet" in status.text
    other = await people("RESA")
    assert (await other.get(url)).status_code == 404
    assert (await other.post(url, {})).status_code == 404

    clock.travel(timedelta(minutes=61))
    me = await people()
    assert (await me.login("NEWU", pin=PIN, secret=SECRET)).status_code == 303
    page = await me.get(url)
    assert page.status_code == 200 and "Dette forsøg var åbent i mere end en time." in page.text
    assert "Fortsæt det forsøg" not in page.text
    r = await me.post(url, {"answer-q01": "a"})
    assert r.status_code == 409 and "Dette forsøg var åbent i mere end en time." in r.text


async def test_the_home_page_tells_an_expired_certification_and_the_renewal(people, demo):
    me = await _newcomer(people, demo)
    await me.post("/me/user-agreement", {"version": "1"})
    url, questions = await _start(me)
    await me.post(url, _form(_answers(questions)))
    home = await me.get("/")
    assert 'class="card onboarding"' not in home.text

    clock.travel(timedelta(days=366))
    me = await people()
    assert (await me.login("NEWU", pin=PIN, secret=SECRET)).status_code == 303  # the portal still opens
    home = await me.get("/")
    assert 'class="card onboarding"' in home.text
    assert re.search(r'<a href="/me/certification">Din sikkerhedscertificering udløb \d+\. \w+\.? \d{4}: forny den</a>',
                     home.text), home.text
    assert "Bestå sikkerhedscertificeringen" not in home.text  # not told as one never passed
    await me.post("/language", {"lang": "en", "next_page": "/"})
    home = await me.get("/")
    assert "Your security certification expired on" in home.text and ": renew it</a>" in home.text
