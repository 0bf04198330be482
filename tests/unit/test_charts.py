"""The server-drawn SVG chart: escaped labels, whole-number ticks, one bar per scheme and year."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from admin_ui.charts import _nice_max, grouped_bars


def test_grouped_bars_is_well_formed_svg_with_escaped_labels():
    counts = {2025: {"a": 3, "b": 0}, 2026: {"a": 7, "b": 2}}
    svg = str(grouped_bars([2025, 2026], ["a", "b"], counts, {"a": "<A & co>", "b": "B"}, title="T <1>"))
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag.endswith("svg") and root.get("role") == "img"
    assert "<A & co>" not in svg and "&lt;A &amp; co&gt;" in svg
    bars = [r for r in root.iter() if r.tag.endswith("rect") and r.find("{http://www.w3.org/2000/svg}title") is not None]
    assert len(bars) == 4
    ticks = [t.text for t in root.iter() if t.tag.endswith("text") and t.get("class") == "tick"]
    assert ticks[:6] == ["0", "2", "4", "6", "8", "10"]
    assert all(re.fullmatch(r"\d+", t) for t in ticks)


def test_axis_top_is_a_nice_number():
    assert [_nice_max(v) for v in (0, 1, 3, 7, 12, 51, 230)] == [1, 1, 5, 10, 20, 100, 500]
