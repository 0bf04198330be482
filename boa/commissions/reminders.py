"""The consulting service's work for the worker's hourly round: an overdue commission reminds its
consultant and the office once; the customer's submitted personal data are deleted when their time
is over (:func:`boa.commissions.service.delete_expired_customer_data`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.commissions.models import Commission
from boa.commissions.service import delete_expired_customer_data
from boa.commissions.states import CommissionState
from boa.kernel import mail
from boa.kernel.reminders import Due, Reader, office, send_once
from boa.people.models import User

OPEN = (CommissionState.IN_PRODUCTION, CommissionState.REOPENED)


async def commission_overdue(session: AsyncSession, now: datetime) -> int:
    today = now.astimezone(mail.COPENHAGEN).date()
    rows = (await session.execute(select(Commission, User).outerjoin(User, User.id == Commission.consultant_id).where(
        Commission.state.in_(OPEN), Commission.target_date.is_not(None), Commission.target_date < today))).all()
    due = []
    for c, consultant in rows:
        readers: list[Reader] = [office()]
        if consultant is not None:
            readers.insert(0, consultant)
        due.append(Due(f"commission_overdue:{c.id}:{c.target_date}", "commission_overdue", readers,
                       {"commission_id": c.id, "title": c.title, "target": c.target_date}))
    return await send_once(session, due)


async def customer_data_deletion(session: AsyncSession, now: datetime) -> int:
    return await delete_expired_customer_data(session, now)
