"""The users' reminders (run by the worker, listed in the composition root; sent once each,
boa.kernel.reminders): the security certification about to expire (30 and 7 days before), a new
version of the user agreement, an activation link about to expire unused (1 day before)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.reminders import Due, send_once, threshold
from boa.kernel.settings import get_settings
from boa.people.models import ActivationCode, User
from boa.people.user_agreements import current_user_agreement

CERTIFICATION_DAYS = (30, 7)
ACTIVATION_DAYS = (1,)


def _portal() -> str:
    return f"{get_settings().public_url}/me"


async def certification_expiry(session: AsyncSession, now: datetime) -> int:
    users = await session.scalars(select(User).where(
        User.active, User.certification_expires_at > now,
        User.certification_expires_at <= now + timedelta(days=max(CERTIFICATION_DAYS))).order_by(User.id))
    due = []
    for user in users:
        assert user.certification_expires_at is not None  # the query's condition
        days = threshold(user.certification_expires_at, now, CERTIFICATION_DAYS)
        if days is not None:
            expires = clock.aware(user.certification_expires_at)
            due.append(Due(f"certification_expiry:{days}:{user.id}:{expires.date().isoformat()}", "certification_expiry",
                           [user], {"days": days, "expires": expires, "link": _portal()}))
    return await send_once(session, due)


async def user_agreement_version(session: AsyncSession, now: datetime) -> int:
    """Everyone who accepted an older version hears of the new one, once a version."""
    current = await current_user_agreement(session)
    if current is None or clock.aware(current.published_at) > now:
        return 0
    users = await session.scalars(select(User).where(
        User.active, User.user_agreement_version.is_not(None), User.user_agreement_version < current.version)
        .order_by(User.id))
    return await send_once(session, [
        Due(f"user_agreement:{current.version}:{user.id}", "user_agreement_new_version", [user],
            {"version": current.version, "accepted": user.user_agreement_version, "link": _portal()})
        for user in users])


async def activation_code_expiry(session: AsyncSession, now: datetime) -> int:
    """An activation (or PIN reset) link not yet used, a day before it expires."""
    rows = (await session.execute(select(ActivationCode, User).join(User, User.id == ActivationCode.user_id).where(
        User.active, ActivationCode.used_at.is_(None), ActivationCode.expires_at > now,
        ActivationCode.expires_at <= now + timedelta(days=max(ACTIVATION_DAYS))).order_by(ActivationCode.id)))
    return await send_once(session, [
        Due(f"activation_code_expiry:{code.id}", "activation_code_expiry", [user],
            {"ident": user.ident, "purpose": code.purpose, "expires": code.expires_at})
        for code, user in rows])
