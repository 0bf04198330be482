"""Readers for OOXML documents (xlsx/xlsm, docx, pptx/pptm) and PDF.

xlsx: every sheet in read-only mode, each sheet a table (location ``sheet``, ``row`` as in
Excel, ``column`` as a letter) and every cell searched for numbers (cached formula values).
Text outside cells and paragraphs (headers, footers, comments, notes, text boxes, sheet
names, defined names, literal formulas) comes from ``ooxml_parts``.
docx: every paragraph of every part; body tables checked as tables. pptx: text frames, tables and notes, grouped shapes too.
PDF: extracted text per page and line; a PDF without any text (scanned pages, images) is
unverifiable (``no_text``); an encrypted one that does not open with an empty password is
unverifiable (``encrypted``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from boa.scanner.numbers import NumberJudge
from boa.scanner.ooxml_parts import docx_paragraphs, scan_xlsx_parts
from boa.scanner.report import Findings, ScanConfig
from boa.scanner.tables import TableAnalyzer


def scan_xlsx(path: Path, config: ScanConfig, findings: Findings) -> str | None:
    import openpyxl
    from openpyxl.utils import get_column_letter

    judge = NumberJudge(config, findings)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            analyzer = TableAnalyzer(config, findings, {"sheet": sheet.title},
                                     label=lambda i: get_column_letter(i + 1))
            for row_no, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                analyzer.feed(values, {"row": row_no})
                for index, value in enumerate(values):
                    if value is not None:
                        judge.scan_value(value, {"sheet": sheet.title, "row": row_no,
                                                 "column": get_column_letter(index + 1)},
                                         analyzer.column_name(index))
            analyzer.finish()
    finally:
        workbook.close()
    return scan_xlsx_parts(path, judge)


def _scan_table(rows: list[list[str]], where: dict[str, Any], config: ScanConfig,
                findings: Findings, judge: NumberJudge | None) -> None:
    analyzer = TableAnalyzer(config, findings, where)
    for row_no, cells in enumerate(rows, start=1):
        analyzer.feed(cells, {"row": row_no})
        if judge is None:
            continue
        for index, text in enumerate(cells):
            judge.scan_text(text, {**where, "row": row_no, "column": index + 1}, analyzer.column_name(index))
    analyzer.finish()


def scan_docx(path: Path, config: ScanConfig, findings: Findings) -> str | None:
    import docx

    judge = NumberJudge(config, findings)
    for part, number, text in docx_paragraphs(path):
        where: dict[str, Any] = {"paragraph": number}
        if part != "word/document.xml":
            where["part"] = part
        judge.scan_text(text, where)
    document = docx.Document(str(path))
    for number, table in enumerate(document.tables, start=1):  # the numbers: judged above
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        _scan_table(rows, {"table": number}, config, findings, None)
    return None


def _shapes(shapes):
    for shape in shapes:
        if shape.shape_type is not None and getattr(shape, "shapes", None) is not None:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def scan_pptx(path: Path, config: ScanConfig, findings: Findings) -> str | None:
    import pptx

    judge = NumberJudge(config, findings)
    presentation = pptx.Presentation(str(path))
    tables = 0
    for slide_no, slide in enumerate(presentation.slides, start=1):
        where = {"slide": slide_no}
        for shape in _shapes(slide.shapes):
            if shape.has_text_frame:
                judge.scan_text(shape.text_frame.text, where)
            if getattr(shape, "has_table", False) and shape.has_table:
                tables += 1
                rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
                _scan_table(rows, {**where, "table": tables}, config, findings, judge)
        if slide.has_notes_slide:
            judge.scan_text(slide.notes_slide.notes_text_frame.text, {**where, "notes": True})
    return None


def scan_pdf(path: Path, config: ScanConfig, findings: Findings) -> str | None:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                return "encrypted"
        except Exception:  # unsupported encryption algorithms raise various errors
            return "encrypted"
    judge = NumberJudge(config, findings)
    any_text = False
    for page_no, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        if text.strip():
            any_text = True
        for line_no, line in enumerate(text.splitlines(), start=1):
            judge.scan_text(line, {"page": page_no, "line": line_no})
    return None if any_text else "no_text"
