"""Table checks fed row by row: key-like columns, small counts, unit-level shape.

The header is the first row with at least two filled cells of which at least half are not
numbers (title rows above it are skipped). A column is *key-like* when its normalised name is
in ``key_column_names`` or one of its name tokens is in ``key_column_tokens``; *count-like*
when a name token is in ``count_header_words``. In count-like columns, whole counts from 1 to
``min_cell_count - 1`` are flagged; 0 is not (an empty cell discloses no one). A table with a
key-like column, or with more data rows than ``max_rows``, is unit-level data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from boa.scanner.report import Findings, ScanConfig

TOKEN_SPLIT = re.compile(r"[^0-9a-zæøå]+")
COUNT_CELL = re.compile(r"\s*(\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+)(?:[.,]0+)?\s*(?:\(.*\))?\s*")
NUMBER_CELL = re.compile(r"\s*[-+]?[\d.,\u00a0 ]*\d[\d.,\u00a0 ]*%?\s*")


def normalise_name(name: str) -> str:
    return TOKEN_SPLIT.sub("_", str(name).strip().lower()).strip("_")


def is_numberlike(value: Any) -> bool:
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(NUMBER_CELL.fullmatch(value))


def count_value(value: Any) -> int | None:
    """The whole count in a cell, or None if the cell is not a count."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        m = COUNT_CELL.fullmatch(value)
        if m:
            return int(re.sub(r"\D", "", m.group(1)))
    return None


def default_label(index: int) -> int:
    return index + 1


class TableAnalyzer:
    """Feed rows with ``feed``; call ``finish`` once. Findings go to ``findings``."""

    def __init__(self, config: ScanConfig, findings: Findings, where: dict[str, Any],
                 label: Callable[[int], Any] = default_label):
        self.config = config
        self.findings = findings
        self.where = where
        self.label = label
        self.header: list[str] | None = None
        self.count_cols: dict[int, str] = {}
        self.key_cols: dict[int, str] = {}
        self.data_rows = 0

    def column_name(self, index: int) -> str | None:
        if self.header is not None and index < len(self.header):
            return self.header[index] or None
        return None

    def feed(self, cells: Sequence[Any], at: dict[str, Any]) -> None:
        """One row; ``at`` locates it (``row`` and/or ``line``)."""
        if self.header is None:
            filled = [c for c in cells if c is not None and str(c).strip() != ""]
            if not filled:
                return
            if len(filled) >= 2 and sum(not is_numberlike(c) for c in filled) * 2 >= len(filled):
                self.set_header([("" if c is None else str(c).strip()) for c in cells], at)
                return
            if self.data_rows == 0 and len(filled) < 2:
                return  # a title row above the table
        self.data_rows += 1
        if self.data_rows > self.config.max_rows:
            return
        for index, name in self.count_cols.items():
            if index < len(cells):
                n = count_value(cells[index])
                if n is not None and 0 < n < self.config.min_cell_count:
                    self.findings.add(
                        "small_count", {**self.where, **at, "column": self.label(index), "column_name": name},
                        None, self.config.rules.confidence["small_count"],
                        f"Count {n} in column '{name}' is below {self.config.min_cell_count}",
                    )

    def set_header(self, header: list[str], at: dict[str, Any]) -> None:
        self.header = header
        rules = self.config.rules
        for index, name in enumerate(header):
            norm = normalise_name(name)
            if not norm:
                continue
            tokens = set(norm.split("_"))
            if norm in rules.key_column_names or tokens & rules.key_column_tokens:
                self.key_cols[index] = name
                self.findings.add(
                    "key_column", {**self.where, **at, "column": self.label(index), "column_name": name},
                    None, rules.confidence["key_column"],
                    f"Column '{name}' is named like a pseudonymised key",
                )
            elif tokens & rules.count_header_words:
                self.count_cols[index] = name

    def finish(self, total_rows: int | None = None) -> None:
        rows = self.data_rows if total_rows is None else total_rows
        reasons = []
        if self.key_cols:
            reasons.append("an identifier column (" + ", ".join(self.key_cols.values()) + ")")
        if rows > self.config.max_rows:
            reasons.append(f"{rows} rows, more than {self.config.max_rows}")
        if reasons:
            self.findings.add("unit_level_data", dict(self.where), None,
                              self.config.rules.confidence["unit_level_data"],
                              "Looks like unit-level data: " + " and ".join(reasons))
