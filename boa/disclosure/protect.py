"""Protecting a table file: read it (streamed), apply the method, prove the protection, write it.

``protect_file`` is what ``boa sdc``, the transfer gate and the consulting service's deliveries
call. The report (:class:`Report`) says what was done: the sensitive (primary) and the secondary
suppressions, the categories moved into "statistical disclosure control", the categories that
fail the rule (for manual aggregation) and, for suppression, the attacker's interval of every
suppressed cell. Nothing is written when the input is refused or cannot be protected.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boa.disclosure import rules
from boa.disclosure.aggregate import aggregate, failing_categories
from boa.disclosure.attack import intervals
from boa.disclosure.files import Format, read_rows, sniff, write_rows
from boa.disclosure.suppress import sensitive_cells, suppress
from boa.disclosure.table import Table, TableError, table_from_rows
from boa.kernel.errors import ValidationFailed


class CannotProtect(TableError):
    code = "cannot_protect"


@dataclass
class Report:
    method: str
    min_count: int
    dimensions: list[str]
    cells: int
    primary: int = 0
    secondary: int = 0
    aggregated: list[dict[str, Any]] = field(default_factory=list)
    failing: list[dict[str, Any]] = field(default_factory=list)
    suppressed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {"primary": self.primary, "secondary": self.secondary, "aggregated": self.aggregated}

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "method": self.method, "min": self.min_count, "dimensions": self.dimensions,
                "cells": self.cells, "failing": self.failing, "suppressed": self.suppressed,
                "seconds": round(self.seconds, 3)}


@dataclass
class Protected:
    table: Table
    hidden: set[int]
    report: Report
    lang: str = "en"

    def header(self) -> list[str]:
        return [*self.table.dimensions, self.table.count_name]

    def rows(self) -> Iterator[list[Any]]:
        flat = self.table.values.reshape(-1)
        for cell in range(flat.size):
            labels = self.table.labels(self.table.coord(cell), self.lang)
            yield [*labels, rules.PROTECTED if cell in self.hidden else int(flat[cell])]


def check_parameters(method: str, min_count: int) -> None:
    if method not in rules.METHODS:
        raise ValidationFailed(f"The method is one of {', '.join(rules.METHODS)}.", field="method",
                               code="invalid_method")
    if not 1 <= min_count <= rules.MAX_MIN_COUNT:
        raise ValidationFailed(f"The minimum count per cell is a whole number from 1 to {rules.MAX_MIN_COUNT}.",
                               field="min", code="invalid_min")


def protect_table(table: Table, *, method: str = "suppress", min_count: int = rules.DEFAULT_MIN_COUNT,
                  lang: str = "en") -> Protected:
    check_parameters(method, min_count)
    lang = rules.language(lang)
    started = time.perf_counter()
    report = Report(method, min_count, list(table.dimensions), table.size,
                    failing=failing_categories(table, min_count))
    if method == "aggregate":
        result = aggregate(table, min_count, rules.SDC_LABEL[lang])
        report.aggregated = result.moved
        if not result.complete:
            raise CannotProtect("Automatic aggregation cannot meet the minimum count (the table or a whole "
                                "dimension is below it); aggregate these categories by hand.",
                                code="cannot_protect", failing=report.failing)
        report.seconds = time.perf_counter() - started
        return Protected(result.table, set(), report, lang)
    done = suppress(table, min_count)
    hidden = done.suppressed
    report.primary, report.secondary = len(done.primary), len(done.secondary)
    primary = set(done.primary)
    for iv in intervals(table.values, hidden):
        if iv.width <= 1e-6 or (iv.cell in primary and iv.high < min_count - 1e-6):
            raise CannotProtect("The suppression left a cell that can be recomputed; nothing was written.",
                                code="protection_failed", cell=list(table.labels(table.coord(iv.cell))))
        report.suppressed.append({
            "cell": list(table.labels(table.coord(iv.cell), lang)), "kind": "primary" if iv.cell in primary
            else "secondary", "interval": [_bound(iv.low), _bound(iv.high)]})
    report.seconds = time.perf_counter() - started
    return Protected(table, hidden, report, lang)


def _bound(value: float) -> float | None:
    return None if math.isinf(value) else round(value, 6)


def read_table(path: str | os.PathLike[str], *, name: str | None = None, count: str | None = None,
               max_cells: int = rules.MAX_CELLS) -> tuple[Table, Format]:
    path = Path(path)
    fmt = sniff(path, name)
    return table_from_rows(read_rows(path, fmt), count=count, max_cells=max_cells), fmt


def protect_file(source: str | os.PathLike[str], target: str | os.PathLike[str], *, name: str | None = None,
                 count: str | None = None, method: str = "suppress", min_count: int = rules.DEFAULT_MIN_COUNT,
                 lang: str = "en") -> Protected:
    """Protect ``source`` (its format from ``name`` or its own name) into ``target``, written whole
    or not at all (a temporary file renamed into place)."""
    check_parameters(method, min_count)
    table, fmt = read_table(source, name=name, count=count)
    protected = protect_table(table, method=method, min_count=min_count, lang=lang)
    target = Path(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sdc-", suffix="." + fmt.extension)
    os.close(fd)
    try:
        write_rows(Path(tmp), fmt, protected.header(), protected.rows())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return protected


def still_sensitive(table: Table, min_count: int, hidden: set[int]) -> list[int]:
    """Published cells below the minimum (for tests and the report): none after protection."""
    return [c for c in sensitive_cells(table.values, min_count) if c not in hidden]
