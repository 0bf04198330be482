"""Counting active projects per scheme per year: pure."""

from __future__ import annotations

from datetime import date

from schemes.projects.report import Span, count_active


def test_a_project_counts_in_every_year_from_approval_to_its_end():
    spans = [Span("researcher", date(2022, 5, 1), date(2024, 1, 31)),
             Span("researcher", date(2023, 1, 1), None),
             Span("authority", date(2024, 12, 31), None)]
    counts = count_active(spans, [2021, 2022, 2023, 2024, 2025])
    assert [counts[y]["researcher"] for y in (2021, 2022, 2023, 2024, 2025)] == [0, 1, 2, 2, 1]
    assert [counts[y]["authority"] for y in (2023, 2024, 2025)] == [0, 1, 1]
    assert counts[2025]["law_model"] == 0 and counts[2025]["project_database"] == 0
