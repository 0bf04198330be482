"""Reading a long frequency table from a file as a stream, and writing the protected one.

Text (``.csv``, ``.txt``, ``.tab``): UTF-8 (a BOM is dropped; Latin-1 when it is not UTF-8),
separated by semicolons, or by tabs or commas when the header has no semicolon. ``.xlsx``/
``.xlsm``: the first sheet, read-only. The output has the input's format; its rows are every cell
and every margin (``Total``), protected cells hold ``..``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boa.disclosure.table import TableError

TEXT = frozenset({"csv", "txt", "tab"})
EXCEL = frozenset({"xlsx", "xlsm"})
FORMATS = TEXT | EXCEL


@dataclass(frozen=True)
class Format:
    extension: str
    delimiter: str = ";"
    encoding: str = "utf-8"

    @property
    def excel(self) -> bool:
        return self.extension in EXCEL


def extension_of(name: str | Path) -> str:
    return Path(str(name)).suffix.lower().lstrip(".")


def _encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 4:  # not a character cut at the end of the sample
            return "latin-1"
    return "utf-8"


def sniff(path: Path, name: str | None = None) -> Format:
    ext = extension_of(name or path)
    if ext not in FORMATS:
        raise TableError(f"A table for disclosure control is a .csv, .txt, .tab or .xlsx file, not .{ext or '?'}.",
                         code="unsupported_format", extension=ext)
    if ext in EXCEL:
        return Format(ext)
    encoding = _encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        first = ""
        for line in fh:
            if line.strip():
                first = line
                break
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    return Format(ext, delimiter, encoding)


def read_rows(path: Path, fmt: Format) -> Iterator[tuple[int, Sequence[Any]]]:
    """(line or row number, cells) one at a time; never the whole file in memory."""
    if fmt.excel:
        yield from _read_excel(path)
        return
    try:
        with path.open(encoding=fmt.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=fmt.delimiter)
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError:
        raise TableError("The file is not readable text (UTF-8 or Latin-1).", code="not_text") from None
    except csv.Error as err:
        raise TableError(f"The file is not a readable table: {err}.", code="not_a_table") from None


def _read_excel(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged workbook
        raise TableError(f"The workbook cannot be read: {type(err).__name__}.", code="not_a_table") from None
    try:
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def write_rows(path: Path, fmt: Format, header: Sequence[str], rows: Iterator[Sequence[Any]]) -> None:
    if fmt.excel:
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("table")
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
        return
    encoding = "utf-8" if fmt.encoding == "utf-8-sig" else fmt.encoding
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=fmt.delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def render_text(header: Sequence[str], rows: Iterator[Sequence[Any]], delimiter: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
