"""A protected table as the file the customer asked for (seed 001: "Excel by default; pivot tables or
PC-Axis for large tables; SAS, SPSS, semicolon-separated or other flat files").

Every writer takes the :class:`~boa.disclosure.protect.Protected` table, never the input: a
suppressed cell is written as the disclosure control's symbol ``..`` (xlsx, pivot, PC-Axis,
semicolon-separated) or as a missing value with the flag ``..`` beside it (SAS, SPSS), so no file
holds a suppressed count. Each file carries the delivery's documentation and the terms of use
(:class:`Documentation`): a sheet in a workbook, ``NOTEX`` in PC-Axis, the file label and a
variable label in SAS and SPSS; the semicolon file has none of its own (the delivery's
documentation file, :func:`documentation_text`, goes with every delivery).

Memory is bounded by the table's caps (``boa.disclosure.rules``: at most 2,000,000 cells with the
margins): the workbooks are written in openpyxl's write-only mode, row by row; SAS and SPSS go
through one data frame of at most that many rows (pyreadstat writes from a frame).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boa.disclosure import rules as sdc
from boa.disclosure.files import render_text
from boa.disclosure.protect import Protected

PROTECTED = sdc.PROTECTED

# format → (file extension, media type)
FILES: dict[str, tuple[str, str]] = {
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pivot": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pcaxis": ("px", "text/plain; charset=utf-8"),
    "sas": ("xpt", "application/x-sas-xport"),
    "spss": ("sav", "application/x-spss-sav"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}

WORDS = {
    "en": {"documentation": "Documentation", "symbol": "..: statistical disclosure control (the cell is "
           "suppressed so that no person or enterprise can be identified; the margins still hold it)",
           "third_party_yes": "The contract allows passing the tables on to third parties.",
           "third_party_no": "The tables may not be passed on to third parties (not in the contract).",
           "raw_yes": "The contract allows publishing the tables in raw form.",
           "raw_no": "The tables may not be published in raw form (not in the contract).",
           "contract": "Contract", "method": "Disclosure control", "suppress": "cell suppression",
           "aggregate": "aggregation into the category 'statistical disclosure control'",
           "min": "minimum count per cell", "cells": "suppressed cells", "flag": "disclosure control",
           "source": "Research Services", "terms": "Terms of use", "delivery": "Delivery",
           "registers": "Registers and variables", "population": "Population", "periods": "Periods",
           "tables": "Tables"},
    "da": {"documentation": "Dokumentation", "symbol": "..: statistisk diskretionering (cellen er "
           "undertrykt, så ingen person eller virksomhed kan identificeres; marginalerne indeholder den stadig)",
           "third_party_yes": "Kontrakten tillader, at tabellerne gives videre til tredjepart.",
           "third_party_no": "Tabellerne må ikke gives videre til tredjepart (ikke med i kontrakten).",
           "raw_yes": "Kontrakten tillader, at tabellerne offentliggøres i rå form.",
           "raw_no": "Tabellerne må ikke offentliggøres i rå form (ikke med i kontrakten).",
           "contract": "Kontrakt", "method": "Diskretionering", "suppress": "celleundertrykkelse",
           "aggregate": "sammenlægning i kategorien 'statistisk diskretionering'",
           "min": "mindste antal pr. celle", "cells": "undertrykte celler", "flag": "diskretionering",
           "source": "Forskningsservice", "terms": "Vilkår for brug", "delivery": "Levering",
           "registers": "Registre og variable", "population": "Population", "periods": "Perioder",
           "tables": "Tabeller"},
}


@dataclass(frozen=True)
class Documentation:
    """What goes with every file: the delivery's text, the commission's data and its terms of use."""

    title: str
    text: str
    registers: Sequence[dict[str, Any]]
    population: str
    periods: Sequence[str]
    contract_reference: str | None
    third_party_use: bool
    publish_raw: bool
    lang: str = "da"

    def words(self) -> dict[str, str]:
        return WORDS[sdc.language(self.lang)]

    def terms(self) -> list[str]:
        w = self.words()
        lines = [w["third_party_yes" if self.third_party_use else "third_party_no"],
                 w["raw_yes" if self.publish_raw else "raw_no"]]
        if self.contract_reference:
            lines.append(f"{w['contract']}: {self.contract_reference}")
        return lines

    def lines(self, protected: Protected | None = None) -> list[str]:
        w = self.words()
        out = [self.title, "", self.text, "",
               f"{w['registers']}: " + "; ".join(f"{r['code']} ({', '.join(r.get('variables', []))})"
                                                 for r in self.registers),
               f"{w['population']}: {self.population}", f"{w['periods']}: {', '.join(self.periods)}", ""]
        if protected is not None:
            out += method_lines(protected, w) + [""]
        out += [f"{w['terms']}:", *self.terms(), "", w["symbol"]]
        return out


def method_lines(protected: Protected, w: dict[str, str]) -> list[str]:
    r = protected.report
    line = f"{w['method']}: {w.get(r.method, r.method)}, {w['min']} {r.min_count}"
    if r.method == "suppress":
        line += f", {r.primary + r.secondary} {w['cells']}"
    return [line]


def file_name(name: str, fmt: str) -> str:
    return f"{name}.{FILES[fmt][0]}"


def media_type(fmt: str) -> str:
    return FILES.get(fmt, ("bin", "application/octet-stream"))[1]


def render(protected: Protected, fmt: str, *, name: str, doc: Documentation) -> bytes:
    """The protected table as ``fmt`` (one of :data:`FILES`)."""
    writer = {"xlsx": _xlsx, "pivot": _pivot, "pcaxis": _pcaxis, "sas": _sas, "spss": _spss, "csv": _csv}[fmt]
    return writer(protected, name, doc)


def _csv(protected: Protected, name: str, doc: Documentation) -> bytes:
    return render_text(protected.header(), protected.rows()).encode("utf-8")


def _workbook(rows: Iterator[Sequence[Any]], header_rows: Sequence[Sequence[Any]], doc: Documentation,
              protected: Protected) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("table")
    for head in header_rows:
        sheet.append(list(head))
    for row in rows:
        sheet.append(list(row))
    notes = book.create_sheet(doc.words()["documentation"][:31])
    for line in doc.lines(protected):
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx(protected: Protected, name: str, doc: Documentation) -> bytes:
    """The table as rows (categories, count), every margin included; ``..`` in a suppressed cell."""
    return _workbook(protected.rows(), [protected.header()], doc, protected)


def _cells(protected: Protected) -> Iterator[tuple[tuple[int, ...], Any]]:
    """(coordinate, published value) in C order over the table with its margins."""
    table = protected.table
    flat = table.values.reshape(-1)
    for cell in range(flat.size):
        yield table.coord(cell), PROTECTED if cell in protected.hidden else int(flat[cell])


def _pivot(protected: Protected, name: str, doc: Documentation) -> bytes:
    """A wide table: the last dimension across (its categories and the total as columns), the others
    down; a one-dimension table is one row."""
    table, lang = protected.table, protected.lang
    *stub, head = range(len(table.dimensions))
    across = [table.label(head, i, lang) for i in range(table.shape[head])]
    # One dimension: its name over its categories, one row of counts named by the count column.
    header = [*(table.dimensions[d] for d in stub), *across] if stub else [table.dimensions[head], *across]

    def rows() -> Iterator[list[Any]]:
        line: list[Any] = []
        for coord, value in _cells(protected):
            if not line:
                line = [table.label(d, coord[d], lang) for d in stub] if stub else [table.count_name]
            line.append(value)
            if coord[head] == table.shape[head] - 1:
                yield line
                line = []

    top = [f"{table.dimensions[head]} →", *([""] * (len(header) - 1))] if stub else []
    return _workbook(rows(), [r for r in (top, header) if r], doc, protected)


def _px_text(value: str) -> str:
    """A PX string: double quotes are not allowed inside one (the format has no escape)."""
    return '"' + value.replace('"', "'").replace("\n", " ").replace(";", ",") + '"'


def _px_list(values: Sequence[str]) -> str:
    return ",".join(_px_text(v) for v in values)


def _pcaxis(protected: Protected, name: str, doc: Documentation) -> bytes:
    """PC-Axis (the PX file format, 2013): UTF-8 (``CODEPAGE``), the first dimensions as the stub,
    the last as the heading, suppressed cells as the dot code ``".."`` (``DATASYMBOL2``)."""
    table, lang = protected.table, protected.lang
    w = doc.words()
    dims = list(table.dimensions)
    stub, heading = (dims[:-1], dims[-1:]) if len(dims) > 1 else (dims, [])
    lines = ['CHARSET="ANSI";', 'AXIS-VERSION="2013";', 'CODEPAGE="utf-8";', f'LANGUAGE="{sdc.language(lang)}";',
             "DECIMALS=0;", "SHOWDECIMALS=0;", f"MATRIX={_px_text(_identifier(name, 20))};",
             'SUBJECT-CODE="BOA";', f"SUBJECT-AREA={_px_text(w['source'])};",
             f"CONTENTS={_px_text(doc.title)};", f"TITLE={_px_text(f'{doc.title}: {name}')};",
             f"UNITS={_px_text(table.count_name)};", f"STUB={_px_list(stub)};"]
    if heading:
        lines.append(f"HEADING={_px_list(heading)};")
    for d, dim in enumerate(dims):
        lines.append(f"VALUES({_px_text(dim)})=" + _px_list([table.label(d, i, lang) for i in range(table.shape[d])])
                     + ";")
    lines.append(f"SOURCE={_px_text(w['source'])};")
    lines.append(f"DATASYMBOL2={_px_text(PROTECTED)};")
    for note in [*doc.lines(protected)]:
        if note.strip():
            lines.append(f"NOTEX={_px_text(note)};")
    lines.append("DATA=")
    width = table.shape[-1] if heading else 1
    row: list[str] = []
    for _, value in _cells(protected):
        row.append('".."' if value == PROTECTED else str(value))
        if len(row) == width:
            lines.append(" ".join(row))
            row = []
    lines[-1] += ";"
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _identifier(value: str, limit: int = 32) -> str:
    """A SAS/SPSS variable name: letters, digits and underscores, not starting with a digit."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", value.strip()) or "v"
    if cleaned[0].isdigit():
        cleaned = "v" + cleaned
    return cleaned[:limit]


def _names(protected: Protected) -> list[str]:
    taken: set[str] = set()
    out = []
    for raw in [*protected.table.dimensions, protected.table.count_name, "sdc"]:
        base = _identifier(raw)
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base[:28]}_{n}"
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _frame(protected: Protected) -> tuple[Any, list[str]]:
    """A data frame of the table: the categories as text, the count as a number (missing when
    suppressed) and a flag column ``sdc`` holding ``..`` on a suppressed cell."""
    import pandas as pd

    names = _names(protected)
    columns: list[list[Any]] = [[] for _ in names]
    for row in protected.rows():
        *labels, value = row
        for i, label in enumerate(labels):
            columns[i].append(str(label))
        hidden = value == PROTECTED
        columns[-2].append(float("nan") if hidden else float(value))
        columns[-1].append(PROTECTED if hidden else "")
    return pd.DataFrame(dict(zip(names, columns, strict=True))), names


def _labels(protected: Protected, names: list[str], doc: Documentation) -> list[str | None]:
    w = doc.words()
    labels: list[str | None] = [*protected.table.dimensions, f"{protected.table.count_name} (missing: {PROTECTED})",
              f"{w['flag']} ({PROTECTED})"]
    return [label[:40] if label else None for label in labels]  # XPORT's limit


def _via_file(write: Any, suffix: str) -> bytes:
    fd, path = tempfile.mkstemp(prefix="boa-delivery-", suffix=suffix)
    os.close(fd)
    try:
        write(path)
        return Path(path).read_bytes()
    finally:
        Path(path).unlink(missing_ok=True)


def _sas(protected: Protected, name: str, doc: Documentation) -> bytes:
    """SAS transport (XPORT version 8, which SAS reads with ``%xpt2loc`` or ``PROC CIMPORT``'s
    successors; pyreadstat writes no sas7bdat). Suppressed cells are missing values."""
    import pyreadstat

    frame, names = _frame(protected)
    labels = _labels(protected, names, doc)
    return _via_file(lambda path: pyreadstat.write_xport(
        frame, path, file_label=doc.title[:40], column_labels=labels, table_name=_identifier(name, 8),
        file_format_version=8), ".xpt")


def _spss(protected: Protected, name: str, doc: Documentation) -> bytes:
    """SPSS (.sav): suppressed cells are system-missing; the documentation is the file label and
    the terms of use the notes of the count's label."""
    import pyreadstat

    frame, names = _frame(protected)
    labels = _labels(protected, names, doc)
    return _via_file(lambda path: pyreadstat.write_sav(
        frame, path, file_label=doc.title[:64], column_labels=labels,
        note=[part for line in doc.lines(protected) if line for part in textwrap.wrap(line, 80)]), ".sav")


def documentation_text(doc: Documentation, tables: Sequence[tuple[str, str, dict[str, Any]]]) -> str:
    """The delivery's documentation file: the text, the data, each table with its format and the
    disclosure control applied, the terms of use and the symbol."""
    w = doc.words()
    out = doc.lines()
    listing = [f"{w['tables']}:"]
    for name, fmt, report in tables:
        method = w.get(str(report.get("method")), str(report.get("method")))
        cells = int(report.get("primary", 0)) + int(report.get("secondary", 0))
        listing.append(f"- {file_name(name, fmt)}: {method}, {w['min']} {report.get('min')}"
                       + (f", {cells} {w['cells']}" if report.get("method") == "suppress" else ""))
    cut = out.index(f"{w['terms']}:")
    return "\n".join([*out[:cut], *listing, "", *out[cut:]]) + "\n"
