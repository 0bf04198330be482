"""Helpers for the onboarding tests: a new user who has not onboarded yet, the clock set to a
moment, and the answers to an attempt read from the question bank."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.people import certification_rules as rules
from boa.people.models import Association, Institution, User
from tests.helpers import DEMO_USERS, bearer, login
from tokens.keys import pin_hasher
from tokens.kinds import seal_secret
from tokens.models import Token

PIN = "7391"
SECRET = pyotp.random_base32()


async def newcomer(engine, ident: str = "NEWU", *, institution: int | None = 101, language: str = "da",
                   secret: str = SECRET) -> None:
    """An activated user (PIN ``PIN``) with an active TOTP token (``secret``), associated with the
    institution when one is named, who has neither accepted the user agreement nor passed the
    certification."""
    async with transaction(engine) as s:
        user = User(ident=ident, name=f"New {ident}", email=f"{ident.lower()}@uni.example", active=True,
                    staff_roles=[], language=language, pin_hash=pin_hasher().hash(PIN))
        s.add(user)
        await s.flush()
        if institution is not None:
            inst = await s.scalar(select(Institution).where(Institution.authorisation_number == institution))
            s.add(Association(user_id=user.id, institution_id=inst.id, state="approved", requested_by_id=user.id))
        token = Token(user_id=user.id, kind="totp", state="active", activated_at=clock.now())
        s.add(token)
        await s.flush()
        seal_secret(token, secret)


async def signed_in(client, ident: str = "NEWU") -> dict[str, str]:
    """A fresh session (after a fresh TOTP step): sessions end after 30 idle minutes, and the
    tests move the clock by days. A demo user's IDENT logs in with the demo's PIN and secret."""
    clock.travel(timedelta(seconds=31))
    if ident in DEMO_USERS:
        return bearer((await login(client, ident))["access_token"])
    return bearer((await login(client, ident, pin=PIN, secret=SECRET))["access_token"])


def travel_to(moment: datetime) -> None:
    clock.travel(moment - clock.now())


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def right_answers(attempt: dict[str, Any]) -> dict[str, str]:
    answer = {q.id: q.answer for q in rules.bank().questions}
    return {q["id"]: answer[q["id"]] for q in attempt["questions"]}


def answers_with_wrong(attempt: dict[str, Any], wrong: int) -> dict[str, str]:
    """The right answers but for the first ``wrong`` questions."""
    answers = right_answers(attempt)
    for q in attempt["questions"][:wrong]:
        answers[q["id"]] = next(o["id"] for o in q["options"] if o["id"] != answers[q["id"]])
    return answers
