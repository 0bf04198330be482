"""What a user does before research access: accept the current user agreement and pass the
security certification (10 of 10 right, at most 3 attempts a day, valid one year; SPEC 2)."""

from __future__ import annotations

import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, PermissionDenied, TooManyRequests, ValidationFailed
from boa.kernel.settings import SEED_DATA
from boa.people.lookups import user_of
from boa.people.models import Certification, User, UserAgreementAcceptance, UserAgreementVersion

CERTIFICATION_YEARS = 1
CERTIFICATION_ATTEMPTS_PER_DAY = 3


async def current_user_agreement(session: AsyncSession) -> UserAgreementVersion | None:
    return await session.scalar(select(UserAgreementVersion).order_by(UserAgreementVersion.version.desc()).limit(1))


async def accept_user_agreement(session: AsyncSession, *, actor: Actor, version: int) -> User:
    if actor.user is None:
        raise PermissionDenied("Only a user accepts the user agreement.")
    user = user_of(actor)
    current = await current_user_agreement(session)
    if current is None or current.version != version:
        raise Conflict("That is not the current version of the user agreement.", code="stale_user_agreement")
    already = await session.scalar(select(UserAgreementAcceptance.id).where(
        UserAgreementAcceptance.user_id == user.id, UserAgreementAcceptance.version == version))
    if already is None:
        session.add(UserAgreementAcceptance(user_id=user.id, version=version, accepted_at=clock.now()))
    user.user_agreement_version = version
    await audit.record(session, actor=actor.label, action=AuditAction.USER_AGREEMENT_ACCEPT,
                       subject=f"user:{user.ident}",
                       after={"version": version})
    return user


def certification_questions() -> list[dict[str, Any]]:
    return json.loads((SEED_DATA / "certification.json").read_text(encoding="utf-8"))["questions"]


async def take_certification(session: AsyncSession, *, actor: Actor, answers: list[int]) -> Certification:
    if actor.user is None:
        raise PermissionDenied("Only a user takes the certification test.")
    user = user_of(actor)
    questions = certification_questions()
    if len(answers) != len(questions):
        raise ValidationFailed(f"Answer all {len(questions)} questions.", field="answers")
    since = clock.now() - timedelta(days=1)
    tries = await session.scalar(select(func.count(Certification.id)).where(
        Certification.user_id == user.id, Certification.attempted_at > since))
    if (tries or 0) >= CERTIFICATION_ATTEMPTS_PER_DAY:
        raise TooManyRequests("At most 3 attempts per day. Try again tomorrow.", code="too_many_attempts")
    correct = sum(1 for q, a in zip(questions, answers, strict=True) if hmac.compare_digest(str(q["answer"]), str(a)))
    passed = correct == len(questions)
    attempt = Certification(user_id=user.id, attempted_at=clock.now(), correct=correct, questions=len(questions),
                            passed=passed)
    session.add(attempt)
    if passed:
        user.certified_at = clock.now()
        user.certification_expires_at = _one_year_after(user.certified_at)
    await audit.record(session, actor=actor.label, action=AuditAction.CERTIFICATION_ATTEMPT,
                       subject=f"user:{user.ident}",
                       after={"correct": correct, "passed": passed})
    return attempt


def _one_year_after(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + CERTIFICATION_YEARS)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + CERTIFICATION_YEARS, day=28)
