"""Pure shapes of the access history for the pages: the chart's lanes and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from boa.history.timeline import History, Interval
from boa.kernel.access import Reason

CSV_COLUMNS = ("ident", "project", "action", "from", "to", "began_because", "ended_because")


def _codes(reasons: tuple[Reason, ...]) -> str:
    return " ".join(r.code + (f"(case {r.case_id})" if r.case_id else "") for r in reasons)


def lanes(history: History, by: str,
          actions: Mapping[str, str] | None = None) -> list[tuple[str, list[tuple[float, float, bool]]]]:
    """Per person (``by="ident"``) or project and action (named by ``actions``, the reader's words):
    the intervals as fractions of the window, each marked when a lock ended it."""
    span = history.window
    total = max((span.end - span.start).total_seconds(), 1.0)
    out: dict[str, list[tuple[float, float, bool]]] = {}
    for i in history.intervals:
        label = f"{getattr(i, by)} · {(actions or {}).get(i.action, i.action)}"
        start = (i.start - span.start).total_seconds() / total
        end = ((i.end or span.end) - span.start).total_seconds() / total
        out.setdefault(label, []).append((start, end, any(r.code == "locked" for r in i.ended_because)))
    return list(out.items())


def as_csv(intervals: list[Interval]) -> str:
    """The intervals for the data protection officer: one line each, reasons as their codes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for i in intervals:
        writer.writerow((i.ident, i.project, i.action, i.start.isoformat(), i.end.isoformat() if i.end else "",
                         _codes(i.began_because), _codes(i.ended_because)))
    return buffer.getvalue()
