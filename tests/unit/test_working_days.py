"""Danish working days for the breach decision's target (issue 15): weekends and the Danish public
holidays of the ``holidays`` library are not counted."""

from __future__ import annotations

from datetime import UTC, date, datetime

from boa.sanctions.working_days import (
    add_working_days,
    decision_due,
    elapsed,
    is_working_day,
    working_days_between,
)


def test_easter_and_whitsun_are_not_working_days():
    # Maundy Thursday, Good Friday, Easter Monday 2026; Ascension Day; Whit Monday; Christmas.
    for day in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25),
                date(2026, 12, 25), date(2027, 1, 1)):
        assert not is_working_day(day), day
    assert is_working_day(date(2026, 4, 7)) and not is_working_day(date(2026, 4, 4))  # a Tuesday; a Saturday


def test_eight_working_days_from_an_adequate_report_before_easter():
    # Judged adequate Wednesday 1 April 2026: 7-10 and 13-16 April are the eight working days.
    assert add_working_days(date(2026, 4, 1), 8) == date(2026, 4, 16)
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 16)) == 8
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 6)) == 0
    # In Copenhagen time: 23:30 UTC on 31 March is already 1 April there.
    assert decision_due(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 4, 16)
    assert elapsed(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), datetime(2026, 4, 9, 10, 0, tzinfo=UTC)) == 3


def test_an_ordinary_week():
    assert add_working_days(date(2026, 11, 27), 8) == date(2026, 12, 9)  # a Friday: to the Wednesday after next
    assert working_days_between(date(2026, 11, 30), date(2026, 11, 30)) == 0
