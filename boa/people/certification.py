"""The security certification test (SPEC 2), as the user takes it: start an attempt (the questions
drawn for it), then submit the answers once. The rules are in :mod:`boa.people.certification_rules`.

Starting is refused before the renewal window (409 ``renewal_not_yet``, with when it opens) and
after the day's attempts (429 ``too_many_attempts``, with ``retry_after`` seconds to the next
midnight in Copenhagen). Submitting is refused for another user's attempt (404), a submitted one
(409 ``attempt_already_submitted``), one left open too long (409 ``attempt_expired``) and answers
that do not fit the attempt (422); a refusal changes nothing. A pass sets the certification's
date and expiry. The audit log gets each start and each score, never which answers were right."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, TooManyRequests
from boa.kernel.queries import parse_id
from boa.people import certification_rules as rules
from boa.people.lookups import user_of
from boa.people.models import CertificationAttempt, User

_RANDOM = random.SystemRandom()


def _taker(actor: Actor) -> User:
    if actor.user is None:
        raise PermissionDenied("Only a user takes the security certification.")
    return user_of(actor)


async def started_today(session: AsyncSession, user_id: int, now: datetime) -> int:
    """Attempts the user started on ``now``'s calendar day at the office."""
    start, end = clock.office_day(now)
    return await session.scalar(select(func.count(CertificationAttempt.id)).where(
        CertificationAttempt.user_id == user_id, CertificationAttempt.attempted_at >= start,
        CertificationAttempt.attempted_at < end)) or 0


async def start_attempt(session: AsyncSession, *, actor: Actor) -> CertificationAttempt:
    user = _taker(actor)
    # One start at a time per person, so two at once cannot both be the day's third (PostgreSQL;
    # SQLite's writers queue anyway).
    await session.execute(select(User.id).where(User.id == user.id).with_for_update())
    bank, now = rules.bank(), clock.now()
    opens = rules.renewal_opens(bank, user.certification_expires_at)
    if opens is not None and now < opens:
        raise Conflict(f"Your certification is valid until {clock.iso(user.certification_expires_at)}; "
                       f"you can renew it from {opens.isoformat()}.", code="renewal_not_yet",
                       opens_at=opens.isoformat(), certified_until=clock.iso(user.certification_expires_at))
    if await started_today(session, user.id, now) >= bank.attempts_per_day:
        raise TooManyRequests("You have used today's attempts. Try again tomorrow.",
                              code="too_many_attempts", retry_after=rules.retry_after(now),
                              retry_at=rules.next_day(now).isoformat())
    attempt = CertificationAttempt(user_id=user.id, attempted_at=now, questions=bank.per_attempt,
                                   shown=rules.draw(bank, _RANDOM))
    session.add(attempt)
    await session.flush()
    await audit.record(session, actor=actor.label, action=AuditAction.CERTIFICATION_START,
                       subject=f"user:{user.ident}", attempt=str(attempt.id),
                       questions=[q["id"] for q in attempt.shown])
    return attempt


async def own_attempt(session: AsyncSession, actor: Actor, attempt_id: str, *, lock: bool = False) -> CertificationAttempt:
    """The signed-in user's attempt; anyone else's answers 404 as if it did not exist."""
    user = _taker(actor)
    key = parse_id(attempt_id, "certification attempt")
    query = select(CertificationAttempt).where(CertificationAttempt.id == key)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    attempt = await session.scalar(query)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound(f"No certification attempt with id {attempt_id!r}.")
    return attempt


async def submit_attempt(session: AsyncSession, *, actor: Actor, attempt_id: str,
                         answers: Mapping[str, str]) -> CertificationAttempt:
    """Scores the attempt once; a pass makes the user certified for a year from now."""
    user = _taker(actor)
    attempt = await own_attempt(session, actor, attempt_id, lock=True)
    if attempt.submitted_at is not None:
        raise Conflict("This attempt has been submitted. Start a new attempt.", code="attempt_already_submitted")
    now = clock.now()
    if now >= rules.deadline(attempt.attempted_at):
        raise Conflict("This attempt was open for more than an hour. Start a new attempt.", code="attempt_expired",
                       expired_at=rules.deadline(attempt.attempted_at).isoformat())
    correct = rules.score(attempt.shown, answers)
    attempt.submitted_at, attempt.correct = now, correct
    attempt.passed = correct == len(attempt.shown)
    if attempt.passed:
        user.certified_at = now
        user.certification_expires_at = rules.certified_until(rules.bank(), now)
    await audit.record(session, actor=actor.label, action=AuditAction.CERTIFICATION_ATTEMPT,
                       subject=f"user:{user.ident}", attempt=str(attempt.id), correct=correct,
                       of=len(attempt.shown), passed=attempt.passed,
                       certified_until=clock.iso(user.certification_expires_at) if attempt.passed else None)
    return attempt
