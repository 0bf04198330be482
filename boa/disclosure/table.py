"""A frequency table: category dimensions, their margins and one count per cell.

A :class:`Table` holds the dense array of counts with one extra index per dimension for its total
(the last one), so ``values[i, j]`` is a cell, ``values[i, -1]`` a row total and ``values[-1, -1]``
the grand total. :class:`TableBuilder` makes one from a long table fed row by row (category
values plus a count): it keeps the distinct cells only, refuses what is not a table of counts
and checks every total row of the input against the sum of its cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from boa.disclosure import rules
from boa.kernel.errors import PayloadTooLarge, ValidationFailed

WHOLE = re.compile(r"[-+]?\d+(?:\.0+)?")
GROUPED = re.compile(r"[-+]?\d{1,3}(?:[ \u00a0']\d{3})+")
TOKEN_SPLIT = re.compile(r"[^0-9a-zæøå]+")


class TableError(ValidationFailed):
    """The input is not a table this service can protect (422 over HTTP, exit 2 in the CLI)."""

    code = "invalid_table"


class TableTooLarge(PayloadTooLarge):
    code = "table_too_large"


@dataclass
class Table:
    dimensions: list[str]
    categories: list[list[str]]
    values: np.ndarray  # int64, shape (n_1 + 1, ..., n_k + 1); the last index of each axis is its total
    count_name: str = "n"

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    @property
    def size(self) -> int:
        return int(self.values.size)

    def label(self, dim: int, index: int, lang: str = "en") -> str:
        cats = self.categories[dim]
        return cats[index] if index < len(cats) else rules.TOTAL_LABEL[lang]

    def labels(self, coord: Sequence[int], lang: str = "en") -> tuple[str, ...]:
        return tuple(self.label(d, int(i), lang) for d, i in enumerate(coord))

    def coord(self, flat: int) -> tuple[int, ...]:
        return tuple(int(i) for i in np.unravel_index(flat, self.shape))

    def is_margin(self, flat: int) -> bool:
        return any(i == n - 1 for i, n in zip(self.coord(flat), self.shape, strict=True))


def with_margins(inner: np.ndarray) -> np.ndarray:
    """The dense table of ``inner`` cells with a total appended on every axis."""
    full = inner
    for axis in range(inner.ndim):
        full = np.concatenate([full, full.sum(axis=axis, keepdims=True)], axis=axis)
    return full


def constraint_rows(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The table's additivity as a sparse matrix (rows, columns, coefficients, number of rows):
    on every line of every axis, the categories sum to the line's total."""
    index = np.arange(int(np.prod(shape))).reshape(shape)
    rows, cols, coefs, offset = [], [], [], 0
    for axis, n in enumerate(shape):
        lines = np.moveaxis(index, axis, -1).reshape(-1, n)
        count = lines.shape[0]
        line_ids = np.repeat(np.arange(offset, offset + count), n)
        coef = np.tile(np.r_[np.ones(n - 1), -1.0], count)
        rows.append(line_ids)
        cols.append(lines.reshape(-1))
        coefs.append(coef)
        offset += count
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(coefs), offset


def normalise(name: str) -> str:
    return TOKEN_SPLIT.sub("_", str(name).strip().lower()).strip("_")


def parse_count(raw: Any, where: dict[str, Any]) -> int:
    """A whole non-negative count, or a :class:`TableError` naming the row."""
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        text = "" if raw is None else str(raw).strip()
        if WHOLE.fullmatch(text):
            value = int(float(text))
        elif GROUPED.fullmatch(text):
            value = int(re.sub(r"[ \u00a0']", "", text))
        else:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise TableError(f"The count {shown!r} on line {where.get('line')} is not a whole number.",
                             code="count_not_numeric", value=shown, **where)
    if value < 0:
        raise TableError(f"The count {value} on line {where.get('line')} is negative.",
                         code="count_negative", value=value, **where)
    return value


def find_count_column(header: Sequence[str], count: str | None) -> int:
    names = [normalise(h) for h in header]
    if count is not None:
        wanted = normalise(count)
        if wanted in names:
            return names.index(wanted)
        raise TableError(f"The table has no count column {count!r} (its columns: {', '.join(header)}).",
                         code="no_count_column", columns=list(header))
    found = [i for i, n in enumerate(names) if set(n.split("_")) & rules.COUNT_WORDS]
    if len(found) == 1:
        return found[0]
    if not found:
        raise TableError("The table has no count column: name one (e.g. N, count, antal) or give --count.",
                         code="no_count_column", columns=list(header))
    raise TableError("The table has several count-like columns: say which one holds the counts.",
                     code="ambiguous_count_column", columns=[header[i] for i in found])


@dataclass
class TableBuilder:
    """Feed the header, then the rows; ``build`` returns the :class:`Table`."""

    count: str | None = None
    max_cells: int = rules.MAX_CELLS
    header: list[str] | None = None
    count_index: int = -1
    dimensions: list[str] = field(default_factory=list)
    positions: list[dict[str, int]] = field(default_factory=list)
    cells: dict[tuple[int, ...], int] = field(default_factory=dict)
    totals: dict[tuple[int | None, ...], tuple[int, int]] = field(default_factory=dict)
    rows: int = 0
    category_index: list[int] = field(default_factory=list)

    def set_header(self, header: Sequence[Any]) -> None:
        names = ["" if h is None else str(h).strip() for h in header]
        while names and not names[-1]:
            names.pop()
        self.count_index = find_count_column(names, self.count)
        self.header = names
        self.dimensions = [h for i, h in enumerate(names) if i != self.count_index]
        if not self.dimensions:
            raise TableError("The table has a count column but no category column.", code="no_category_column")
        if len(self.dimensions) > rules.MAX_DIMENSIONS:
            raise TableError(f"At most {rules.MAX_DIMENSIONS} category columns.", code="too_many_dimensions")
        if any(not d for d in self.dimensions):
            raise TableError("Every category column needs a name in the header.", code="unnamed_column")
        self.positions = [{} for _ in self.dimensions]
        self.category_index = [i for i in range(len(names)) if i != self.count_index]

    def feed(self, row: Sequence[Any], line: int) -> None:
        if self.header is None:
            if any(c is not None and str(c).strip() for c in row):
                self.set_header(row)
            return
        width = len(self.header)
        texts = ["" if c is None else c if isinstance(c, str) else str(c) for c in row]
        if len(texts) != width:
            if not any(t.strip() for t in texts):
                return  # an empty line
            if len(texts) < width or any(t.strip() for t in texts[width:]):
                raise TableError(f"Line {line} has {len(texts)} fields; the header has {width}.",
                                 code="ragged_row", line=line)
            texts = texts[:width]
        raw = row[self.count_index]
        text = texts[self.count_index].strip()
        if text.isdigit() and text.isascii():
            n = int(text)
        elif not any(t.strip() for t in texts):
            return  # an empty line
        else:
            n = parse_count(raw, {"line": line})
        coord: list[int | None] = []
        labels = []
        for d, index in enumerate(self.category_index):
            label = texts[index].strip()
            labels.append(label)
            if not label:
                raise TableError(f"Line {line} has no category in column {self.dimensions[d]!r}.",
                                 code="missing_category", line=line, column=self.dimensions[d])
            pos = self.positions[d]
            found = pos.get(label)
            if found is None:
                if label.casefold() in rules.TOTAL_WORDS:
                    coord.append(None)
                    continue
                found = pos[label] = len(pos)
            coord.append(found)
        self.rows += 1
        key = tuple(coord)
        if None in key:
            if key in self.totals:
                raise TableError(f"Line {line} repeats the total of line {self.totals[key][1]}.",
                                 code="duplicate_row", line=line)
            self.totals[key] = (n, line)
        else:
            if key in self.cells:
                raise TableError(f"Line {line} repeats a cell given earlier ({', '.join(labels)}).",
                                 code="duplicate_row", line=line)
            self.cells[key] = n  # type: ignore[index]  # no None in an inner cell's key
        if len(self.cells) + len(self.totals) > self.max_cells:
            raise TableTooLarge(f"The table has more than {self.max_cells} cells; split it or aggregate it first.",
                                code="table_too_large", limit=self.max_cells)

    def build(self) -> Table:
        if self.header is None:
            raise TableError("The file holds no table.", code="empty_table")
        if not self.cells:
            raise TableError("The table has no cells (only a header or only totals).", code="empty_table")
        inner_shape = tuple(len(p) for p in self.positions)
        if int(np.prod([n + 1 for n in inner_shape])) > rules.MAX_TABLE_CELLS:
            raise TableTooLarge(f"The table with its margins would have more than {rules.MAX_TABLE_CELLS} cells.",
                                code="table_too_large", limit=rules.MAX_TABLE_CELLS)
        inner = np.zeros(inner_shape, dtype=np.int64)
        keys = np.array(list(self.cells.keys()), dtype=np.int64)
        inner[tuple(keys.T)] = np.fromiter(self.cells.values(), dtype=np.int64, count=len(self.cells))
        values = with_margins(inner)
        categories = [list(p) for p in self.positions]
        table = Table(list(self.dimensions), categories, values, self.header[self.count_index])
        for key, (given, line) in sorted(self.totals.items(), key=lambda kv: kv[1][1]):
            coord = tuple(len(categories[d]) if c is None else c for d, c in enumerate(key))
            actual = int(values[coord])
            if actual != given:
                shown = ", ".join(table.labels(coord))
                raise TableError(f"The total on line {line} ({shown}) is {given}, but its cells sum to {actual}.",
                                 code="inconsistent_total", line=line, given=given, cells_sum=actual)
        return table


def table_from_rows(rows: Iterable[tuple[int, Sequence[Any]]], count: str | None = None,
                    max_cells: int = rules.MAX_CELLS) -> Table:
    builder = TableBuilder(count=count, max_cells=max_cells)
    for line, row in rows:
        builder.feed(row, line)
    return builder.build()
