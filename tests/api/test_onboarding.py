"""The onboarding through the API (SPEC 2; API.md "Onboarding"): the user agreement, read and
accepted in the user's language, a new version asking again; the certification, 10 questions
drawn per attempt, all right to pass, 3 attempts per Copenhagen day, valid a year, renewable from
60 days before it expires; every bad input refused with its own code and nothing changed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.kernel.models import AuditEntry
from boa.people import certification_rules as rules
from boa.people.models import CertificationAttempt, User, UserAgreementAcceptance, UserAgreementVersion
from boa.people.user_agreements import AgreementVersion, publish_user_agreements, seed_versions
from tests.onboarding_helpers import answers_with_wrong, newcomer, right_answers, signed_in, travel_to, utc

ATTEMPTS = "/v1/me/certification/attempts"


async def _audit(engine, action: str, subject: str = "user:NEWU") -> list[dict]:
    async with transaction(engine) as s:
        rows = await s.scalars(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.subject == subject)
                               .order_by(AuditEntry.seq))
        return [r.summary for r in rows]


async def _missing(client, me) -> list[str]:
    return (await client.get("/v1/me", headers=me)).json()["onboarding"]["missing"]


async def _start(client, me) -> dict:
    r = await client.post(ATTEMPTS, headers=me)
    assert r.status_code == 201, r.text
    return r.json()


async def _pass(client, me) -> dict:
    attempt = await _start(client, me)
    r = await client.post(f"{ATTEMPTS}/{attempt['id']}", headers=me, json={"answers": right_answers(attempt)})
    assert r.status_code == 200 and r.json()["passed"] is True, r.text
    return r.json()


# ---- the user agreement ---------------------------------------------------------------------------


async def test_a_new_user_reads_the_agreement_in_their_language_and_accepts_it(client, demo):
    await newcomer(demo)
    me = await signed_in(client)
    assert await _missing(client, me) == ["user_agreement", "certification"]
    seed = seed_versions()[-1]
    shown = (await client.get("/v1/me/user-agreement", headers=me)).json()
    assert shown == {"version": seed.version, "title": seed.titles["da"], "text": seed.texts["da"],
                     "issued_on": seed.issued_on.isoformat(), "accepted_version": None, "accepted_at": None}
    assert (await client.patch("/v1/me", headers=me, json={"language": "en"})).status_code == 200
    shown = (await client.get("/v1/me/user-agreement", headers=me)).json()
    assert shown["title"] == "User agreement for access to microdata" and shown["text"] == seed.texts["en"]

    stale = await client.post("/v1/me/user-agreement", headers=me, json={"version": seed.version + 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_user_agreement"
    assert stale.json()["current_version"] == seed.version
    r = await client.post("/v1/me/user-agreement", headers=me, json={"version": seed.version})
    assert r.status_code == 200, r.text
    assert r.json()["accepted_version"] == seed.version and r.json()["accepted_at"].startswith(str(clock.now().year))
    assert await _missing(client, me) == ["certification"]
    again = await client.post("/v1/me/user-agreement", headers=me, json={"version": seed.version})
    assert again.status_code == 200 and again.json()["accepted_at"] == r.json()["accepted_at"]
    assert await _audit(demo, "user_agreement.accept") == [{"version": seed.version, "accepted_at": r.json()["accepted_at"]}]
    async with transaction(demo) as s:
        assert await s.scalar(select(func.count()).select_from(UserAgreementAcceptance).join(User).where(
            User.ident == "NEWU")) == 1


async def test_bad_acceptances_are_refused(client, demo):
    await newcomer(demo)
    me = await signed_in(client)
    for body in ({}, {"version": "one"}, {"version": 1, "extra": True}):
        r = await client.post("/v1/me/user-agreement", headers=me, json=body)
        assert r.status_code == 400 and r.json()["code"] == "validation_failed", body
    assert (await client.get("/v1/me/user-agreement", headers=me)).json()["accepted_version"] is None


async def test_a_new_version_asks_everyone_again_until_accepted(client, as_user, demo):
    staff, researcher = await as_user("STAF"), await as_user("RESA")
    decision = "/v1/access/decision?ident=RESA&action=login"
    assert (await client.get(decision, headers=staff)).json()["allowed"] is True
    first = seed_versions()[-1]
    second = AgreementVersion(first.version + 1, first.titles, {k: v + "\n\n7. (new)" for k, v in first.texts.items()})
    async with transaction(demo) as s:
        assert await publish_user_agreements(s, versions=[first, second]) == [second.version]
    denied = (await client.get(decision, headers=staff)).json()
    assert denied["allowed"] is False and [r["code"] for r in denied["reasons"]] == ["user_agreement_missing"]
    assert (await client.get("/v1/projects", headers=researcher)).status_code == 403
    assert await _missing(client, researcher) == ["user_agreement"]
    shown = (await client.get("/v1/me/user-agreement", headers=researcher)).json()
    assert shown["version"] == second.version and shown["accepted_version"] == first.version
    old = await client.post("/v1/me/user-agreement", headers=researcher, json={"version": first.version})
    assert old.status_code == 409 and old.json()["code"] == "stale_user_agreement"
    assert (await client.post("/v1/me/user-agreement", headers=researcher,
                              json={"version": second.version})).status_code == 200
    assert (await client.get(decision, headers=staff)).json() == {"allowed": True, "reasons": []}
    assert (await client.get("/v1/projects", headers=researcher)).status_code == 200


async def test_publication_adds_what_is_missing_and_never_changes_a_published_text(demo, caplog):
    first = seed_versions()[-1]
    async with transaction(demo) as s:
        published = (await s.scalars(select(UserAgreementVersion))).all()
        assert [(v.version, v.texts, v.titles) for v in published] == [(first.version, first.texts, first.titles)]
    assert await _audit(demo, "user_agreement.publish", f"user_agreement:{first.version}") == [
        {"version": first.version, "issued_on": first.issued_on.isoformat()}]
    changed = AgreementVersion(first.version, first.titles, {"da": "Ny tekst", "en": "New text"}, first.issued_on)
    caplog.set_level(logging.WARNING, "boa.people.user_agreements")
    async with transaction(demo) as s:
        assert await publish_user_agreements(s, versions=[changed]) == []
        assert (await s.scalar(select(UserAgreementVersion.texts))) == first.texts
    assert f"user agreement version {first.version} differs" in caplog.text
    async with transaction(demo) as s:
        assert await publish_user_agreements(s) == []  # the seed file again: nothing new, nothing said
    assert len(await _audit(demo, "user_agreement.publish", f"user_agreement:{first.version}")) == 1


# ---- the certification ----------------------------------------------------------------------------


async def test_an_attempt_draws_ten_questions_in_the_users_language_without_the_answers(client, demo):
    await newcomer(demo, language="en")
    me = await signed_in(client)
    attempt = await _start(client, me)
    bank = {q.id: q for q in rules.bank().questions}
    assert set(attempt) == {"id", "started_at", "expires_at", "questions"}
    assert len(attempt["questions"]) == 10 and len({q["id"] for q in attempt["questions"]}) == 10
    for q in attempt["questions"]:
        assert set(q) == {"id", "text", "options"} and q["text"] == bank[q["id"]].text["en"]
        assert sorted((o["id"], o["text"]) for o in q["options"]) == sorted((o, t["en"]) for o, t in bank[q["id"]].options)
        assert all(set(o) == {"id", "text"} for o in q["options"])
    started = await _audit(demo, "certification.start")
    assert started == [{"attempt": attempt["id"], "questions": [q["id"] for q in attempt["questions"]]}]
    # Drawn at random: over a few attempts more than ten different questions come up.
    second = await _start(client, me)
    assert {q["id"] for q in attempt["questions"]} != {q["id"] for q in second["questions"]}


async def test_a_failed_attempt_tells_the_score_only_and_a_pass_certifies_for_a_year(client, demo):
    await newcomer(demo)
    me = await signed_in(client)
    attempt = await _start(client, me)
    r = await client.post(f"{ATTEMPTS}/{attempt['id']}", headers=me, json={"answers": answers_with_wrong(attempt, 1)})
    assert r.status_code == 200
    assert r.json() == {"passed": False, "correct": 9, "of": 10, "attempts_left_today": 2}
    assert await _missing(client, me) == ["user_agreement", "certification"]
    passed = await _pass(client, me)
    assert passed["correct"] == 10 and passed["attempts_left_today"] == 1
    until = passed["certified_until"]
    assert abs(datetime.fromisoformat(until) - (clock.now() + timedelta(days=365))) < timedelta(minutes=1)
    profile = (await client.get("/v1/me", headers=me)).json()
    assert profile["certification_expires_at"] == until and profile["onboarding"]["missing"] == ["user_agreement"]
    results = await _audit(demo, "certification.attempt")
    assert [(r["correct"], r["of"], r["passed"], r["certified_until"]) for r in results] == [
        (9, 10, False, None), (10, 10, True, until)]
    assert all(set(r) == {"attempt", "correct", "of", "passed", "certified_until"} for r in results)


async def test_three_attempts_a_copenhagen_day_then_429_until_midnight_there(client, demo):
    # 22:30 in Copenhagen in winter (UTC+1): the office's day ends at 23:00 UTC.
    travel_to(utc(2031, 1, 15, 21, 30))
    await newcomer(demo)
    me = await signed_in(client)
    for n in range(3):
        attempt = await _start(client, me)
        if n == 0:  # a submitted attempt counts as much as one left open
            r = await client.post(f"{ATTEMPTS}/{attempt['id']}", headers=me,
                                  json={"answers": answers_with_wrong(attempt, 3)})
            assert r.json()["attempts_left_today"] == 2
    fourth = await client.post(ATTEMPTS, headers=me)
    assert fourth.status_code == 429 and fourth.json()["code"] == "too_many_attempts"
    assert 5300 <= fourth.json()["retry_after"] <= 5400 - 31  # 23:00 UTC less 21:30:31 and what the test took
    assert fourth.headers["retry-after"] == str(fourth.json()["retry_after"])
    assert fourth.json()["retry_at"] == "2031-01-15T23:00:00+00:00"
    travel_to(utc(2031, 1, 15, 22, 59, 20))
    me = await signed_in(client)  # 31 seconds later: 22:59:51 UTC, still the same day in Copenhagen
    late = await client.post(ATTEMPTS, headers=me)
    assert late.status_code == 429 and late.json()["retry_after"] <= 10
    travel_to(utc(2031, 1, 15, 23, 0, 1))  # the UTC date is still the 15th; Copenhagen's is the 16th
    assert (await client.post(ATTEMPTS, headers=me)).status_code == 201
    async with transaction(demo) as s:
        assert await s.scalar(select(func.count(CertificationAttempt.id))) == 4


async def test_in_summer_the_copenhagen_day_starts_at_22_utc(client, demo):
    # 00:30 on 16 July in Copenhagen (UTC+2) is 22:30 on the 15th in UTC: these attempts are the 16th's.
    travel_to(utc(2031, 7, 15, 22, 30))
    await newcomer(demo)
    me = await signed_in(client)
    for _ in range(3):
        await _start(client, me)
    travel_to(utc(2031, 7, 16, 21, 59))  # 23:59 in Copenhagen
    me = await signed_in(client)
    refused = await client.post(ATTEMPTS, headers=me)
    assert refused.status_code == 429 and refused.json()["retry_at"] == "2031-07-16T22:00:00+00:00"
    travel_to(utc(2031, 7, 16, 22, 0, 1))
    assert (await client.post(ATTEMPTS, headers=me)).status_code == 201


async def test_expiry_after_a_year_and_renewal_from_sixty_days_before(client, as_user, demo):
    travel_to(utc(2031, 3, 2, 9))
    await newcomer(demo)
    me = await signed_in(client)
    assert (await client.post("/v1/me/user-agreement", headers=me, json={"version": 1})).status_code == 200
    until = (await _pass(client, me))["certified_until"]
    staff = await as_user("STAF")
    decision = "/v1/access/decision?ident=NEWU&action=login"
    assert (await client.get(decision, headers=staff)).json() == {"allowed": True, "reasons": []}

    early = await client.post(ATTEMPTS, headers=me)
    assert early.status_code == 409 and early.json()["code"] == "renewal_not_yet"
    opens = early.json()["opens_at"]
    assert opens.startswith("2032-01-01") and early.json()["certified_until"] == until  # 365 - 60 days later
    travel_to(utc(2031, 12, 31, 9))
    me = await signed_in(client)
    assert (await client.post(ATTEMPTS, headers=me)).json()["code"] == "renewal_not_yet"
    travel_to(utc(2032, 1, 2, 9))
    me = await signed_in(client)
    renewed = await _pass(client, me)
    assert renewed["certified_until"].startswith("2033-01-01")  # a year from the renewal

    travel_to(utc(2033, 1, 1, 9, 30))
    staff = await signed_in(client, "STAF")
    expired = (await client.get(decision, headers=staff)).json()
    assert expired["allowed"] is False and [r["code"] for r in expired["reasons"]] == ["certification_expired"]
    me = await signed_in(client)
    assert await _missing(client, me) == ["certification"]
    await _pass(client, me)  # after the expiry an attempt starts at once
    assert (await client.get(decision, headers=staff)).json()["allowed"] is True


async def test_bad_answers_are_refused_with_their_own_codes_and_change_nothing(client, as_user, demo):
    await newcomer(demo)
    me = await signed_in(client)
    attempt = await _start(client, me)
    url = f"{ATTEMPTS}/{attempt['id']}"
    right = right_answers(attempt)
    first = attempt["questions"][0]["id"]
    outside = next(q.id for q in rules.bank().questions if q.id not in right)
    cases = [
        ({**right, outside: "a"}, 422, "unknown_question"),
        ({**right, first: "z"}, 422, "unknown_option"),
        ({k: v for k, v in right.items() if k != first}, 422, "answers_missing"),
        ({}, 422, "answers_missing"),
    ]
    for answers, status, code in cases:
        r = await client.post(url, headers=me, json={"answers": answers})
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
    missing = await client.post(url, headers=me, json={"answers": {first: right[first]}})
    assert missing.json()["missing"] == [q["id"] for q in attempt["questions"][1:]]
    for body in ({"answers": list(right.values())}, {"answers": {first: 1}}, {}, {"answers": right, "x": 1}):
        r = await client.post(url, headers=me, json=body)
        assert r.status_code == 400 and r.json()["code"] == "validation_failed", body
    async with transaction(demo) as s:
        row = await s.get(CertificationAttempt, int(attempt["id"]))
        assert row.submitted_at is None and row.correct is None and row.passed is None
    assert await _audit(demo, "certification.attempt") == []

    other = await as_user("RESA")
    assert (await client.post(url, headers=other, json={"answers": right})).status_code == 404
    for unknown in ("999999", "abc", "-1"):
        r = await client.post(f"{ATTEMPTS}/{unknown}", headers=me, json={"answers": right})
        assert r.status_code == 404 and r.json()["code"] == "not_found"

    assert (await client.post(url, headers=me, json={"answers": right})).json()["passed"] is True
    again = await client.post(url, headers=me, json={"answers": right})
    assert again.status_code == 409 and again.json()["code"] == "attempt_already_submitted"
    assert len(await _audit(demo, "certification.attempt")) == 1


async def test_an_attempt_left_open_for_an_hour_expires(client, demo):
    travel_to(utc(2031, 3, 2, 9))
    await newcomer(demo)
    me = await signed_in(client)
    attempt = await _start(client, me)
    started = datetime.fromisoformat(attempt["started_at"])
    assert datetime.fromisoformat(attempt["expires_at"]) == started + timedelta(hours=1)
    travel_to(utc(2031, 3, 2, 10, 0, 40))
    me = await signed_in(client)
    r = await client.post(f"{ATTEMPTS}/{attempt['id']}", headers=me, json={"answers": right_answers(attempt)})
    assert r.status_code == 409 and r.json()["code"] == "attempt_expired"
    assert (await client.get("/v1/me", headers=me)).json()["certification_expires_at"] is None


async def test_the_old_certification_endpoints_are_gone(client, demo):
    await newcomer(demo)
    me = await signed_in(client)
    assert (await client.get("/v1/me/certification", headers=me)).status_code in (404, 405)
    assert (await client.post("/v1/me/certification", headers=me, json={"answers": [0] * 10})).status_code in (404, 405)
