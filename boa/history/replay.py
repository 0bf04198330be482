"""Decision replay: the access decision at a past moment, from the facts as they were then.

The same :func:`boa.kernel.access.decide` the gates ask, on :func:`boa.history.asof.facts_at`.
A moment must carry its time zone, lie in the past (or now) and not before the history starts
(the first moment ``fact_history`` knows: migration 0020's back-fill, or the first change after
it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.history.asof import facts_at
from boa.history.models import fact_history
from boa.kernel import clock, inputs
from boa.kernel.access import ACTIONS, Decision, decide
from boa.kernel.errors import ValidationFailed


def parse_moment(text: str, field: str) -> datetime:
    """An ISO 8601 time with its time zone (a time without one is refused, not guessed)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{field} is an ISO 8601 time, e.g. 2026-03-01T12:00:00+01:00.", field=field) from None
    return inputs.check_moment(moment, field)  # with its time zone, 1900-2200


async def history_start(session: AsyncSession) -> datetime | None:
    return clock.aware(await session.scalar(select(func.min(fact_history.c.valid_from))))


async def check_moment(session: AsyncSession, moment: datetime, field: str) -> None:
    if moment > clock.now():
        raise ValidationFailed(f"{field} is in the future: the history tells only the past.",
                               code="time_in_future", field=field)
    start = await history_start(session)
    if start is None or moment < start:
        known = f" It starts at {start.isoformat()}." if start else ""
        raise ValidationFailed(f"{field} is before the access history starts.{known}", code="before_history",
                               field=field)


async def decision_at(session: AsyncSession, ident: str, action: str, project: str | None, at: datetime) -> Decision:
    """The decision for ``ident`` doing ``action`` (on ``project``) as it was at ``at``."""
    if action not in ACTIONS:
        raise ValidationFailed(f"action must be one of {', '.join(ACTIONS)}.", field="action")
    await check_moment(session, at, "at")
    return decide(action, await facts_at(session, ident, action, project, at))
