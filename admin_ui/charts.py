"""Charts drawn by the server as SVG (no JavaScript, no third-party library)."""

from __future__ import annotations

from markupsafe import Markup, escape

# One colour per series, distinguishable in print and for common colour-vision deficiencies.
PALETTE = ("#1b5e86", "#d17a00", "#2e8b57", "#8e44ad", "#7f7f7f", "#b22222")


def _nice_max(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least ``value`` (and at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= max(value, 1):
                return step * factor
        step *= 10


def grouped_bars(years: list[int], series: list[str], counts: dict[int, dict[str, int]], names: dict[str, str],
                 *, title: str, width: int = 760, height: int = 320) -> Markup:
    """Bars grouped by year, one bar per series, with a value axis, labels and a legend."""
    left, right, top, bottom, legend_h = 48, 16, 36, 40, 28
    plot_w, plot_h = width - left - right, height - top - bottom - legend_h
    top_value = _nice_max(max((counts[y].get(s, 0) for y in years for s in series), default=0))
    group_w = plot_w / max(len(years), 1)
    bar_w = max(min((group_w * 0.8) / max(len(series), 1), 48), 2)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="chart-title"><title id="chart-title">{escape(title)}</title>',
             f'<text x="{left}" y="20" class="chart-title">{escape(title)}</text>']
    steps = top_value if top_value <= 5 else 5 if top_value % 5 == 0 else 4  # whole-number ticks
    for i in range(steps + 1):
        value = top_value * i // steps
        y = top + plot_h - plot_h * i / steps
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{value}</text>')
    for gi, year in enumerate(years):
        gx = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        for si, name in enumerate(series):
            value = counts[year].get(name, 0)
            h = plot_h * value / top_value
            x, y = gx + si * bar_w, top + plot_h - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[si % len(PALETTE)]}"><title>{escape(names.get(name, name))} {year}: '
                         f'{value}</title></rect>')
            if value:
                parts.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                             f'class="value">{value}</text>')
        parts.append(f'<text x="{left + gi * group_w + group_w / 2:.1f}" y="{top + plot_h + 18}" '
                     f'text-anchor="middle" class="tick">{year}</text>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>')
    lx, ly = left, height - 12
    for si, name in enumerate(series):
        label = escape(names.get(name, name))
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[si % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly}" class="legend">{label}</text>')
        lx += 28 + 7 * len(str(label))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it is escaped above)


def timeline(lanes: list[tuple[str, list[tuple[float, float, bool]]]], *, title: str, start_label: str,
             end_label: str, width: int = 760, lane_h: int = 22) -> Markup:
    """One lane per row (a person or a project and an action): a bar for each interval, given as
    fractions of the period (0..1); a red mark where an interval ended by a lock."""
    left, right, top = 180, 16, 36
    plot_w = width - left - right
    height = top + lane_h * max(len(lanes), 1) + 28
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="timeline-title"><title id="timeline-title">{escape(title)}</title>',
             f'<text x="{left}" y="20" class="chart-title">{escape(title)}</text>']
    for i, (label, bars) in enumerate(lanes):
        y = top + i * lane_h
        parts.append(f'<text x="{left - 6}" y="{y + lane_h * 0.7:.1f}" text-anchor="end" class="tick">'
                     f'{escape(label)}</text>')
        for start, end, locked in bars:
            x, w = left + plot_w * start, max(plot_w * (end - start), 1.5)
            parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{lane_h - 8}" '
                         f'fill="{PALETTE[i % 2]}"/>')
            if locked:
                parts.append(f'<rect x="{x + w - 2:.1f}" y="{y + 1}" width="4" height="{lane_h - 2}" '
                             f'fill="{PALETTE[5]}" class="lock-mark"/>')
    axis_y = top + lane_h * max(len(lanes), 1) + 16
    parts.append(f'<text x="{left}" y="{axis_y}" class="tick">{escape(start_label)}</text>')
    parts.append(f'<text x="{left + plot_w}" y="{axis_y}" text-anchor="end" class="tick">{escape(end_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 -- every text is escaped above
