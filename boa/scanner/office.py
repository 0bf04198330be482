"""Readers for OOXML documents (xlsx/xlsm, docx, pptx/pptm) and PDF.

OOXML: every text-bearing part streamed with caps (``ooxml_parts``, ``budget``).
PDF: extracted text per page and line; a PDF without any text (scanned pages, images) is
unverifiable (``no_text``); an encrypted one that does not open with an empty password is
unverifiable (``encrypted``).
"""

from __future__ import annotations

from pathlib import Path

from boa.scanner.numbers import NumberJudge
from boa.scanner.ooxml_parts import scan_package
from boa.scanner.report import Findings, ScanConfig


def scan_xlsx(path: Path, config: ScanConfig, findings: Findings) -> str | None:
    return scan_package(path, "xlsx", config, findings)


def scan_docx(path: Path, config: ScanConfig, findings: Findings) -> str | None:
    return scan_package(path, "docx", config, findings)


def scan_pptx(path: Path, config: ScanConfig, findings: Findings) -> str | None:
    return scan_package(path, "pptx", config, findings)


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
