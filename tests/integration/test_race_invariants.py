"""Racing requests cannot break the invariants the database enforces: 50 at a time each.

The HTTP races run on both databases (on SQLite the transactions queue, which must give the same
answers); the service-level race on the managers needs real concurrency and runs on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from sqlalchemy import func, select

from boa.kernel.actor import Actor
from boa.kernel.db import transaction
from boa.kernel.errors import BoaError
from boa.people.models import Association, InstitutionRole, User
from schemes.project_database import service as pdb_service
from schemes.project_database.models import ProjectDatabase, ProjectDatabaseManager
from schemes.projects.models import ProjectMember
from tests.helpers import DEMO_USERS, totp_now
from tests.integration.test_scheme_concurrency import postgres_only
from tests.schemes_helpers import institution_id, make_user
from tokens.models import Session

RACE = 50


async def test_fifty_concurrent_association_requests_make_one(client, as_user, demo):
    admin = await as_user("ADMN")
    inst = await institution_id(demo, 101)
    await make_user(demo, "RACE", None)
    answers = await asyncio.gather(*(
        client.post(f"/v1/institutions/{inst}/associations", headers=admin, json={"ident": "RACE"})
        for _ in range(RACE)))
    codes = Counter(r.status_code for r in answers)
    assert codes == {201: 1, 409: RACE - 1} or codes == {200: 1, 409: RACE - 1}, codes
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"already_associated"}
    async with transaction(demo) as s:
        user = await s.scalar(select(User).where(User.ident == "RACE"))
        assert await s.scalar(select(func.count(Association.id)).where(Association.user_id == user.id)) == 1


async def test_a_code_is_accepted_once_by_fifty_concurrent_verifies(client, demo):
    r = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": DEMO_USERS["RESA"]["pin"]})
    challenge = r.json()["challenge_id"]
    code = totp_now(DEMO_USERS["RESA"]["totp_secret"])
    answers = await asyncio.gather(*(
        client.post("/v1/auth/verify", json={"challenge_id": challenge, "code": code}) for _ in range(RACE)))
    codes = Counter(r.status_code for r in answers)
    assert codes == {200: 1, 401: RACE - 1}, codes
    assert {r.json()["code"] for r in answers if r.status_code == 401} == {"invalid_code"}
    async with transaction(demo) as s:
        user = await s.scalar(select(User).where(User.ident == "RESA"))
        assert await s.scalar(select(func.count(Session.id)).where(Session.user_id == user.id)) == 1
    # The losers were not counted as failures: RESA can still log in (no lockout).
    r = await client.post("/v1/auth/login", json={"ident": "RESA", "pin": DEMO_USERS["RESA"]["pin"]})
    assert r.status_code == 200, r.text


@postgres_only
async def test_fifty_concurrent_manager_changes_keep_one_to_three_managers(demo):
    """Each request replaces the managers with 1-3 of five candidates (at least one administrator):
    whichever wins last, there are 1-3 managers in distinct slots, and they are exactly the active
    members of the main project."""
    for ident in ("MGRA", "MGRB", "MGRC"):
        await make_user(demo, ident, 101)
    async with transaction(demo) as s:
        inst = await institution_id(demo, 101)
        for ident in ("MGRA", "MGRB"):
            user = await s.scalar(select(User).where(User.ident == ident))
            s.add(InstitutionRole(institution_id=int(inst), user_id=user.id, role="administrator"))
        pdb = await s.scalar(select(ProjectDatabase))
    staff = Actor(system="test")
    rng = random.Random(8)
    admins, others = ["PDBM", "MGRA", "MGRB"], ["MGRC", "RESB"]
    lists = []
    for _ in range(RACE):
        chosen = [rng.choice(admins)] + rng.sample([a for a in admins + others], rng.randint(0, 2))
        lists.append(list(dict.fromkeys(chosen))[:3])

    async def change(idents: list[str]) -> str:
        try:
            async with transaction(demo) as s:
                await pdb_service.set_managers(s, actor=staff, pdb_id=str(pdb.id), manager_idents=idents)
            return "ok"
        except BoaError as exc:
            return exc.code

    results = await asyncio.gather(*(change(idents) for idents in lists))
    assert results.count("ok") >= 1, Counter(results)
    async with transaction(demo) as s:
        rows = list(await s.scalars(select(ProjectDatabaseManager).where(
            ProjectDatabaseManager.project_database_id == pdb.id)))
        assert 1 <= len(rows) <= 3 and len({r.slot for r in rows}) == len(rows)
        active = set(await s.scalars(select(ProjectMember.user_id).where(
            ProjectMember.project_id == pdb.main_project_id, ProjectMember.state == "active")))
        assert active == {r.user_id for r in rows}


async def test_fifty_concurrent_starts_make_the_days_three_attempts(client, demo):
    from boa.people.models import CertificationAttempt
    from tests.onboarding_helpers import newcomer, signed_in

    await newcomer(demo)
    me = await signed_in(client)
    answers = await asyncio.gather(*(client.post("/v1/me/certification/attempts", headers=me) for _ in range(RACE)))
    assert Counter(r.status_code for r in answers) == {201: 3, 429: RACE - 3}
    async with transaction(demo) as s:
        assert await s.scalar(select(func.count(CertificationAttempt.id))) == 3


async def test_an_attempt_is_scored_once_by_fifty_concurrent_submissions(client, demo):
    from boa.kernel.models import AuditEntry
    from tests.onboarding_helpers import newcomer, right_answers, signed_in

    await newcomer(demo)
    me = await signed_in(client)
    attempt = (await client.post("/v1/me/certification/attempts", headers=me)).json()
    body = {"answers": right_answers(attempt)}
    answers = await asyncio.gather(*(client.post(f"/v1/me/certification/attempts/{attempt['id']}", headers=me,
                                                 json=body) for _ in range(RACE)))
    assert Counter(r.status_code for r in answers) == {200: 1, 409: RACE - 1}
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"attempt_already_submitted"}
    async with transaction(demo) as s:
        assert await s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "certification.attempt")) == 1
