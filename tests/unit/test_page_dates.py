"""Dates and times on the pages as people in each language write them (issue 18 item 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from admin_ui.templating import environment


def _render(lang: str, source: str, **values: object) -> str:
    return environment(lang).from_string(source).render(**values)


def test_danish_and_english_day_month_year_with_a_24_hour_clock():
    moment = datetime(2026, 11, 29, 18, 42, tzinfo=UTC)  # 19.42 in Copenhagen
    assert _render("da", "{{ t|moment }}", t=moment) == "29. nov. 2026 19.42"
    assert _render("en", "{{ t|moment }}", t=moment) == "29 Nov 2026, 19:42"
    assert _render("da", "{{ d|day }}", d=date(2026, 5, 3)) == "3. maj 2026"
    assert _render("en", "{{ d|day }}", d=date(2026, 5, 3)) == "3 May 2026"


def test_a_moment_is_shown_on_copenhagens_calendar():
    late = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Copenhagen
    assert _render("da", "{{ t|moment }}", t=late) == "2. mar. 2027 00.30"
    assert _render("en", "{{ t|day }}", t=late) == "2 Mar 2027"
