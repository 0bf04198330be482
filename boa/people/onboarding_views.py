"""The read model of the onboarding: what the API and the pages show of a person's user agreement
and certification, each in a fixed number of queries (presented by
:mod:`boa.people.onboarding_presenters`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.people import certification_rules as rules
from boa.people import onboarding_presenters as presenters
from boa.people.certification import started_today
from boa.people.models import CertificationAttempt, User, UserAgreementAcceptance
from boa.people.user_agreements import current_user_agreement


async def my_user_agreement(session: AsyncSession, user: User, lang: str) -> presenters.UserAgreementView:
    """The current version in ``lang`` and when the user accepted the version they accepted (two queries)."""
    current = await current_user_agreement(session)
    accepted_at = None
    if user.user_agreement_version is not None:
        accepted_at = await session.scalar(select(UserAgreementAcceptance.accepted_at).where(
            UserAgreementAcceptance.user_id == user.id,
            UserAgreementAcceptance.version == user.user_agreement_version))
    return presenters.user_agreement(current, lang, user.user_agreement_version, accepted_at)


@dataclass(frozen=True)
class CertificationStatus:
    """Where the person stands: certified until when, from when a renewal may start, how many of
    the day's attempts are left and when the day ends, and an attempt still open (its id)."""

    certified_at: datetime | None
    certified_until: datetime | None
    renewal_opens: datetime | None
    per_attempt: int
    attempts_per_day: int
    attempts_left_today: int
    next_day: datetime
    valid_days: int
    renewal_window_days: int
    open_attempt: int | None
    now: datetime

    @property
    def valid(self) -> bool:
        return self.certified_until is not None and self.certified_until > self.now

    @property
    def renewal_not_yet(self) -> bool:
        return self.renewal_opens is not None and self.now < self.renewal_opens

    @property
    def may_start(self) -> bool:
        return not self.renewal_not_yet and self.attempts_left_today > 0


async def certification_status(session: AsyncSession, user: User) -> CertificationStatus:
    """Two queries: today's attempts, and the newest attempt still open."""
    bank, now = rules.bank(), clock.now()
    latest = await session.scalar(select(CertificationAttempt).where(
        CertificationAttempt.user_id == user.id, CertificationAttempt.submitted_at.is_(None))
        .order_by(CertificationAttempt.id.desc()).limit(1))
    open_attempt = latest.id if latest is not None and rules.deadline(latest.attempted_at) > now else None
    return CertificationStatus(
        certified_at=clock.aware(user.certified_at), certified_until=clock.aware(user.certification_expires_at),
        renewal_opens=rules.renewal_opens(bank, user.certification_expires_at), per_attempt=bank.per_attempt,
        attempts_per_day=bank.attempts_per_day,
        attempts_left_today=rules.attempts_left(bank, await started_today(session, user.id, now)),
        next_day=rules.next_day(now), valid_days=bank.valid_days, renewal_window_days=bank.renewal_window_days,
        open_attempt=open_attempt, now=now)


async def attempt_result(session: AsyncSession, attempt: CertificationAttempt, user: User) -> presenters.AttemptResult:
    """A submitted attempt's score with the attempts left today (one query)."""
    left = rules.attempts_left(rules.bank(), await started_today(session, user.id, clock.now()))
    return presenters.result(attempt, left, clock.aware(user.certification_expires_at))
