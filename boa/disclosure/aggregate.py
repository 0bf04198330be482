"""Automatic aggregation (SPEC 9): categories are moved into a category named "statistical
disclosure control" of their dimension until no published cell (margins included) is sensitive
(``0 < count < min_count``).

Each round tries, in every dimension, moving a category that holds a sensitive cell into the
aggregate (the first time together with a partner, since an aggregate of one category only
renames it; any category when the aggregate itself is too small), keeps the move that leaves the
fewest sensitive cells (then the fewest categories and units moved), and starts again. When
nothing more can move (a dimension is all aggregate, or the grand total is itself below the
threshold) the table cannot be protected this way: :func:`failing_categories` then names the
categories for a person to aggregate by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from boa.disclosure.table import Table, with_margins

SDC = -1  # the aggregate's group in an assignment
MAX_SINGLES, MAX_FIRST, MAX_PARTNERS = 8, 4, 12  # moves tried per dimension and round


@dataclass
class Aggregation:
    table: Table
    moved: list[dict[str, object]] = field(default_factory=list)  # {"dimension", "categories"}
    complete: bool = True


def _violations(full: np.ndarray, min_count: int) -> int:
    return int(np.count_nonzero((full > 0) & (full < min_count)))


def _inner(values: np.ndarray) -> np.ndarray:
    return values[tuple(slice(0, n - 1) for n in values.shape)]


def _apply(inner: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Sum ``inner`` along every axis into its groups (the aggregate is the last group if used)."""
    out = inner
    for axis, assign in enumerate(groups):
        kept = np.flatnonzero(assign != SDC)
        parts = [np.take(out, kept, axis=axis)]
        if (assign == SDC).any():
            parts.append(np.take(out, np.flatnonzero(assign == SDC), axis=axis).sum(axis=axis, keepdims=True))
        out = np.concatenate(parts, axis=axis)
    return out


def failing_categories(table: Table, min_count: int) -> list[dict[str, object]]:
    """Per dimension, the categories that hold sensitive cells (margins included), most first."""
    full = table.values
    bad = (full > 0) & (full < min_count)
    out: list[dict[str, object]] = []
    for axis, dimension in enumerate(table.dimensions):
        counts = np.moveaxis(bad, axis, 0).reshape(full.shape[axis], -1).sum(axis=1)
        for index in np.argsort(-counts[:-1], kind="stable"):
            if counts[index]:
                out.append({"dimension": dimension, "category": table.categories[axis][index],
                            "sensitive_cells": int(counts[index]),
                            "total": int(np.take(full, index, axis=axis).reshape(-1)[-1])})
    return out


def aggregate(table: Table, min_count: int, sdc_label: str) -> Aggregation:
    inner = _inner(table.values)
    groups = [np.arange(n) for n in inner.shape]
    full = with_margins(_apply(inner, groups))
    while _violations(full, min_count):
        best: tuple[int, int, int, int] | None = None
        choice: tuple[int, list[int]] | None = None
        for axis, assign in enumerate(groups):
            for move in _candidates(full, axis, assign, inner, min_count):
                trial = [g.copy() for g in groups]
                trial[axis][move] = SDC
                moved_units = int(np.take(inner, move, axis=axis).sum())
                score = (_violations(with_margins(_apply(inner, trial)), min_count), len(move), moved_units, axis)
                if best is None or score < best:
                    best, choice = score, (axis, move)
        if choice is None:
            return Aggregation(_table(table, groups, full, sdc_label), _moved(table, groups), complete=False)
        groups[choice[0]][choice[1]] = SDC
        full = with_margins(_apply(inner, groups))
    return Aggregation(_table(table, groups, full, sdc_label), _moved(table, groups))


def _candidates(full: np.ndarray, axis: int, assign: np.ndarray, inner: np.ndarray,
                min_count: int) -> list[list[int]]:
    """The moves worth trying along ``axis``: a category holding a sensitive cell into the
    aggregate (any category when the aggregate itself is too small); while there is no aggregate
    yet, such a category together with a partner, since an aggregate of one category would only
    rename it. The smallest categories first, a bounded number of them."""
    kept = np.flatnonzero(assign != SDC)
    has_sdc = bool((assign == SDC).any())
    if kept.size == 0 or (kept.size == 1 and not has_sdc):
        return []
    bad = (full > 0) & (full < min_count)
    per_group = np.moveaxis(bad, axis, 0).reshape(full.shape[axis], -1).sum(axis=1)[:-1]
    totals = np.moveaxis(inner, axis, 0).reshape(inner.shape[axis], -1).sum(axis=1)
    by_size = sorted((int(i) for i in kept), key=lambda i: (int(totals[i]), i))
    if has_sdc and per_group[-1]:
        flagged = by_size
    else:
        flagged = [int(kept[g]) for g in np.flatnonzero(per_group[:kept.size])]
        flagged.sort(key=lambda i: (int(totals[i]), i))
    if has_sdc:
        return [[f] for f in flagged[:MAX_SINGLES]]
    return [[f, g] for f in flagged[:MAX_FIRST] for g in by_size[:MAX_PARTNERS] if g != f]


def _table(table: Table, groups: list[np.ndarray], full: np.ndarray, sdc_label: str) -> Table:
    categories = []
    for axis, assign in enumerate(groups):
        names = [table.categories[axis][i] for i in np.flatnonzero(assign != SDC)]
        if (assign == SDC).any():
            names.append(sdc_label)
        categories.append(names)
    return Table(list(table.dimensions), categories, full, table.count_name)


def _moved(table: Table, groups: list[np.ndarray]) -> list[dict[str, object]]:
    return [{"dimension": table.dimensions[axis],
             "categories": [table.categories[axis][i] for i in np.flatnonzero(assign == SDC)]}
            for axis, assign in enumerate(groups) if (assign == SDC).any()]
