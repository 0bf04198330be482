"""Danish working days (the seed's "approximately 8 working days from we receive the adequate
report until we send our decision"). Pure. Weekends and Danish public holidays are not working
days; the holidays come from the ``holidays`` library (Denmark), never a list kept here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from boa.kernel import clock

# The seed's target from the adequate report to the decision letter.
DECISION_TARGET = 8


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start``."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        n -= is_working_day(day)
    return day


def _day(moment: datetime) -> date:
    return clock.aware(moment).astimezone(clock.OFFICE_TZ).date()


def decision_due(adequate_at: datetime) -> date:
    """The day the decision is due: 8 working days after the day (in Copenhagen) the report was
    judged adequate."""
    return add_working_days(_day(adequate_at), DECISION_TARGET)


def elapsed(adequate_at: datetime, until: datetime) -> int:
    """Working days from the adequate report's day to ``until``'s day (in Copenhagen)."""
    return working_days_between(_day(adequate_at), _day(until))
