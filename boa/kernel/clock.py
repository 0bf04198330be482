"""The one clock. Tests move time with :func:`travel`; nothing else reads the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

# The office's calendar: a "day" in a rule (three certification attempts a day) is a day here.
OFFICE_TZ = ZoneInfo("Europe/Copenhagen")

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def travel(delta: timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += delta


def offset() -> timedelta:
    """How far :func:`travel` has moved the clock (zero outside tests): the database's clock for
    the history of the decision's facts follows it (:mod:`boa.kernel.db`)."""
    return _offset


def reset() -> None:
    global _offset
    _offset = timedelta(0)


@overload
def aware(value: datetime) -> datetime: ...


@overload
def aware(value: None) -> None: ...


@overload
def aware(value: datetime | None) -> datetime | None: ...


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; treat them as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 UTC for JSON (None stays None)."""
    return aware(value).isoformat() if value is not None else None


def office_day(moment: datetime) -> tuple[datetime, datetime]:
    """The office's calendar day (Europe/Copenhagen) that holds ``moment``: its first instant and
    the first instant of the next day, in UTC (23 or 25 hours apart when the clocks change)."""
    day = aware(moment).astimezone(OFFICE_TZ).date()
    start = datetime.combine(day, time(0), OFFICE_TZ)
    end = datetime.combine(day + timedelta(days=1), time(0), OFFICE_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)
