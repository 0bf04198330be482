"""Two-year counting window, calendar-month lock ends, temporary suspension."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from boa.sanctions import (
    InvalidSanctionInput,
    LockSpec,
    OpenEnd,
    Scope,
    count_in_window,
    lock_end,
    temporary_suspension,
    window_start,
)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_first_breach_is_number_one():
    assert count_in_window([], utc(2025, 5, 1, 12)) == 1


def test_earlier_breaches_within_two_years_count():
    now = utc(2025, 5, 1, 12)
    assert count_in_window([utc(2024, 1, 1), utc(2025, 4, 30)], now) == 3


def test_two_years_and_one_day_later_is_a_first_breach_again():
    previous = utc(2023, 5, 1, 10)
    assert count_in_window([previous], utc(2025, 5, 2, 10)) == 1


def test_exactly_two_years_to_the_day_still_counts():
    previous = utc(2023, 5, 1, 10)
    assert count_in_window([previous], utc(2025, 5, 1, 10)) == 2
    # the day is what counts, not the hour: a later hour on that day is still within
    assert count_in_window([utc(2023, 5, 1, 8)], utc(2025, 5, 1, 20)) == 2


def test_days_are_office_days_copenhagen():
    # 2023-05-01 23:30 UTC is 2 May in Copenhagen; 2025-05-01 12:00 UTC is 1 May there.
    assert count_in_window([utc(2023, 5, 1, 23, 30)], utc(2025, 5, 1, 12)) == 2
    # 2023-04-30 23:30 UTC is already 1 May in Copenhagen: exactly two years, counts.
    assert count_in_window([utc(2023, 4, 30, 23, 30)], utc(2025, 5, 1, 12)) == 2
    assert count_in_window([utc(2023, 4, 29, 21, 0)], utc(2025, 5, 1, 12)) == 1


def test_29_february():
    # 29 Feb 2024 minus two calendar years is 28 Feb 2022.
    assert window_start(utc(2024, 2, 29, 12)) == date(2022, 2, 28)
    assert count_in_window([utc(2022, 2, 28, 12)], utc(2024, 2, 29, 12)) == 2
    assert count_in_window([utc(2022, 2, 27, 12)], utc(2024, 2, 29, 12)) == 1
    # a breach on 29 Feb 2024: 28 Feb 2026 is within, 1 Mar 2026 (2 years + 1 day) is a first again
    assert count_in_window([utc(2024, 2, 29, 12)], utc(2026, 2, 28, 12)) == 2
    assert count_in_window([utc(2024, 2, 29, 12)], utc(2026, 3, 1, 12)) == 1


def test_later_breaches_do_not_count():
    assert count_in_window([utc(2025, 6, 1)], utc(2025, 5, 1)) == 1


def test_naive_and_aware_times_are_not_mixed():
    with pytest.raises(InvalidSanctionInput):
        count_in_window([datetime(2025, 1, 1)], utc(2025, 5, 1))


def test_naive_times_are_office_local():
    assert count_in_window([datetime(2023, 5, 1, 0, 1)], datetime(2025, 5, 1, 23, 59)) == 2


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (utc(2025, 1, 31, 9, 30), 1, utc(2025, 2, 28, 9, 30)),
        (utc(2024, 1, 31, 9, 30), 1, utc(2024, 2, 29, 9, 30)),
        (utc(2024, 11, 30), 3, utc(2025, 2, 28)),
        (utc(2025, 8, 31), 6, utc(2026, 2, 28)),
        (utc(2025, 3, 15), 1, utc(2025, 4, 15)),
        (utc(2025, 10, 31), 3, utc(2026, 1, 31)),
        (utc(2025, 12, 31), 1, utc(2026, 1, 31)),
    ],
)
def test_lock_end_calendar_months(start, months, end):
    assert lock_end(start, months) == end


def test_lock_end_keeps_timezone_and_open_end():
    cph = timezone(timedelta(hours=1))
    assert lock_end(datetime(2025, 1, 31, 8, tzinfo=cph), 1).tzinfo is cph
    assert lock_end(utc(2025, 1, 1), None) is None
    for bad in (0, -1, 1.5, True):
        with pytest.raises(InvalidSanctionInput):
            lock_end(utc(2025, 1, 1), bad)


def test_temporary_suspension_user_and_project_until_decision():
    assert temporary_suspension() == (
        LockSpec(Scope.USER, None, OpenEnd.UNTIL_DECISION),
        LockSpec(Scope.PROJECT, None, OpenEnd.UNTIL_DECISION),
    )
