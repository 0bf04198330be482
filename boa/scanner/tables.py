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
IDENTIFIER = re.compile(r"[A-Za-z0-9_]*[0-9][A-Za-z0-9_]*")
DATE_DIGITS = re.compile(r"(19|20|21)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])")
MAX_DISTINCT = 64  # distinct values kept per column to judge code-likeness


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


def identifier_value(value: Any, min_chars: int) -> str | None:
    """``value`` as an identifier (text or a whole number), or None if it does not look like one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = str(value).strip() if value is not None else ""
    if len(text) < min_chars or not IDENTIFIER.fullmatch(text) or DATE_DIGITS.fullmatch(text):
        return None
    return text


class _Column:
    """What the shape rules need to know of one column, gathered row by row."""

    def __init__(self) -> None:
        self.counts = 0  # cells that are whole counts >= 0
        self.texts = 0  # filled cells that are not numbers
        self.others = 0  # numbers that are not whole counts
        self.distinct: set[int] = set()
        self.sequence = True  # each count one more than the one above
        self.last: int | None = None
        self.section_sum = 0
        self.total_matched = False
        self.small: list[tuple[int, dict[str, Any]]] = []
        self.ids: set[str] | None = set()


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
        self.columns: list[_Column] = []

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
                    self._small(index, name, n, at)
        self._shape(cells, at)

    def _small(self, index: int, name: str, n: int, at: dict[str, Any]) -> None:
        self.findings.add(
            "small_count", {**self.where, **at, "column": self.label(index), "column_name": name},
            None, self.config.rules.confidence["small_count"],
            f"Count {n} in column '{name}' is below {self.config.min_cell_count}",
        )

    def _shape(self, cells: Sequence[Any], at: dict[str, Any]) -> None:
        """Gather what the shape rules of :meth:`finish` need from one data row."""
        rules = self.config.rules
        first_text = next((str(c).strip().lower() for c in cells
                           if c is not None and str(c).strip() and not is_numberlike(c)), "")
        total_row = first_text.rstrip(":") in rules.total_row_words
        min_chars = rules.shape["identifier_min_chars"]
        while len(self.columns) < len(cells):
            self.columns.append(_Column())
        for index, value in enumerate(cells):
            column = self.columns[index]
            filled = value is not None and str(value).strip() != ""
            if column.ids is not None:
                ident = identifier_value(value, min_chars) if filled else None
                if ident is None or ident in column.ids or total_row:
                    column.ids = None
                else:
                    column.ids.add(ident)
            if not filled:
                continue
            n = count_value(value)
            if n is None or n < 0:
                if is_numberlike(value):
                    column.others += 1
                else:
                    column.texts += 1
                continue
            column.counts += 1
            if total_row:
                column.total_matched = column.total_matched or (n == column.section_sum and n > 0)
                column.section_sum = 0
            else:
                column.section_sum += n
                column.sequence = column.sequence and (column.last is None or n == column.last + 1)
                column.last = n
                if len(column.distinct) <= MAX_DISTINCT:
                    column.distinct.add(n)
            if 0 < n < self.config.min_cell_count and len(column.small) < self.config.max_findings_per_kind:
                column.small.append((n, at))

    def _count_like_by_shape(self, index: int) -> bool:
        rules = self.config.rules
        column = self.columns[index]
        if index in self.count_cols or index in self.key_cols or column.texts or column.others:
            return False
        if column.counts < rules.shape["count_min_rows"]:
            return False
        if not any(c.texts for c in self.columns[:index]):
            return False
        name = self.column_name(index) or ""
        if set(normalise_name(name).split("_")) & rules.not_count_header_words:
            return False
        if column.total_matched:
            return True
        rows = column.counts
        repeating = (len(column.distinct) <= MAX_DISTINCT
                     and len(column.distinct) * 100 <= rules.shape["code_max_distinct_share_pct"] * rows)
        return not repeating and not column.sequence

    def _identifier_column(self) -> str | None:
        if self.data_rows < self.config.rules.shape["unit_min_rows"] or len(self.columns) < 2:
            return None
        for index, column in enumerate(self.columns):
            if column.ids is not None and len(column.ids) >= self.config.rules.shape["unit_min_rows"]:
                return self.column_name(index) or str(self.label(index))
        return None

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
        for index, column in enumerate(self.columns):
            if column.small and self._count_like_by_shape(index):
                name = self.column_name(index) or str(self.label(index))
                for n, at in column.small:
                    self._small(index, name, n, at)
        reasons = []
        if self.key_cols:
            reasons.append("an identifier column (" + ", ".join(self.key_cols.values()) + ")")
        elif (ident := self._identifier_column()) is not None:
            reasons.append(f"a column of distinct identifiers ({ident})")
        if rows > self.config.max_rows:
            reasons.append(f"{rows} rows, more than {self.config.max_rows}")
        if reasons:
            self.findings.add("unit_level_data", dict(self.where), None,
                              self.config.rules.confidence["unit_level_data"],
                              "Looks like unit-level data: " + " and ".join(reasons))
