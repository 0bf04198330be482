"""Calendar arithmetic for sanctions: lock ends in calendar months, the two-year counting window.

Decisions:
- ``add_months`` clamps to the month's last day (31 Jan + 1 month = 28/29 Feb; 31 Aug + 6 = 28/29 Feb)
  and keeps the time of day and the tzinfo (wall-clock arithmetic; a ZoneInfo recomputes the offset).
- The window is counted in calendar days of the office (Europe/Copenhagen for aware datetimes; naive
  datetimes are taken as office-local). An earlier breach counts when its date is on or after the
  date two calendar years before this breach: exactly two years to the day still counts ("inden for
  2 år"; 001: only breaches "dating back more than 2 years" are ignored), two years and one day does
  not, so that breach is a first breach again. 29 Feb minus two years is 28 Feb.
- Earlier breaches are those not after this breach; later ones (registered afterwards) never count.
  The caller must not include this breach itself in ``previous_breach_times``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from boa.sanctions.tables import InvalidSanctionInput, load_sanction_data

OFFICE_TZ = ZoneInfo("Europe/Copenhagen")


D = TypeVar("D", date, datetime)


def add_months(moment: D, months: int) -> D:
    """``moment`` plus ``months`` calendar months (negative allowed), clamped to the month's end."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def add_years(moment: D, years: int) -> D:
    return add_months(moment, 12 * years)


def lock_end(start: datetime, months: int | None) -> datetime | None:
    """End of a lock of ``months`` calendar months from ``start``; None for an open-ended lock."""
    if months is None:
        return None
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InvalidSanctionInput(f"months must be a positive integer, got {months!r}")
    return add_months(start, months)


def office_date(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(OFFICE_TZ)
        return moment.date()
    return moment


def window_start(this_breach_time: date | datetime, years: int | None = None) -> date:
    """First office date whose breaches still count for a breach at ``this_breach_time``.
    ``years`` defaults to ``window_years`` of the sanction data (2)."""
    if years is None:
        years = load_sanction_data().window_years
    return add_years(office_date(this_breach_time), -years)


def count_in_window(
    previous_breach_times: Iterable[datetime],
    this_breach_time: datetime,
    *,
    years: int | None = None,
) -> int:
    """This breach's number (1 = first) within ``years`` calendar years, counting earlier breaches."""
    start = window_start(this_breach_time, years)
    number = 1
    for earlier in previous_breach_times:
        if _aware(earlier) != _aware(this_breach_time):
            raise InvalidSanctionInput("cannot compare naive and timezone-aware breach times")
        if earlier <= this_breach_time and office_date(earlier) >= start:
            number += 1
    return number


def _aware(moment: date | datetime) -> bool:
    return isinstance(moment, datetime) and moment.tzinfo is not None
