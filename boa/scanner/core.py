"""``scan_file``: type check, then the reader for the content kind, then a verdict.

Verdicts: ``rejected`` when the type check fails (its code is the reason) or a text file
turns out to hold binary data; ``flagged`` when there is any finding; ``unverifiable`` when
the content cannot be checked (images, OLE2 office files, SPSS output, SVG/EPS, encrypted or
textless PDF, a container past the caps of ``scan_limits`` (``scan_budget``), or a reader
failure that is not plain corruption); otherwise ``clean``.
Damage that shows only while reading (a bad zip member, a broken deflate stream) is
``rejected`` with ``corrupt_file`` like damage the type check finds.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from pathlib import Path

from boa.scanner import budget, datasets, filetypes, markup, office, rtf, textscan
from boa.scanner.report import FileReport, Findings, ScanConfig

log = logging.getLogger(__name__)
NOT_SCANNABLE = frozenset({"image", "ole2", "spv", "svg"})
CORRUPTION = (zipfile.BadZipFile, zlib.error, EOFError)
UNVERIFIABLE_MESSAGES = {
    "not_scannable": "This file type cannot be checked automatically; it goes to manual review",
    "encrypted": "The file is encrypted and cannot be checked; it goes to manual review",
    "no_text": "The file has no text to check (scanned pages or images); it goes to manual review",
    "unreadable_content": "The file could not be read for checking; it goes to manual review",
    budget.REASON: "The file is larger or deeper than the scanner's limits allow; it goes to manual review",
}


def _read(path: Path, check: filetypes.TypeCheck, config: ScanConfig, findings: Findings) -> tuple[str | None, int | None]:
    """Run the reader for the content kind: (unverifiable reason or None, rows or None)."""
    kind = check.kind or ""
    if kind in NOT_SCANNABLE:
        return "not_scannable", None
    if kind == "rtf":
        return None, rtf.scan_rtf(path, check.encoding or "cp1252", config, findings)
    if kind in ("text", "xml"):
        return None, textscan.scan_text(path, check.encoding or "utf-8", check.extension, config, findings)
    if kind == "html":
        markup.scan_html(path, check.encoding or "utf-8", config, findings)
        return None, None
    if kind == "mht":
        return (None if markup.scan_mht(path, config, findings) else "no_text"), None
    if kind == "ooxml":
        ext = check.extension
        reader = office.scan_xlsx if ext.startswith("xls") else office.scan_docx if ext == "docx" else office.scan_pptx
        return reader(path, config, findings), None
    if kind == "pdf":
        return office.scan_pdf(path, config, findings), None
    if kind in ("sas7bdat", "dta", "sav"):
        return None, datasets.scan_dataset(path, kind, config, findings)
    return "not_scannable", None


def scan_file(path: str | Path, name: str, config: ScanConfig | None = None) -> FileReport:
    """Check and scan one uploaded file; ``name`` is its upload name (the extension counts)."""
    config = config or ScanConfig()
    path = Path(path)
    rules = config.rules
    check = filetypes.check_file(name, path, rules)
    if not check.ok:
        return FileReport(name, "rejected", check.code, check.message, check.kind)
    findings = Findings(name, config.max_findings_per_kind)
    try:
        reason, rows = _read(path, check, config, findings)
    except textscan.BinaryContent:
        return FileReport(name, "rejected", "content_mismatch", rules.message("content_mismatch"), check.kind)
    except budget.OverBudget as err:
        log.info("over the scan limits %s: %s", name, err)
        reason, rows = budget.REASON, None
    except MemoryError:  # over the child's memory cap (RLIMIT_AS): a budget, not the file's fault
        log.info("over the memory budget %s", name)
        reason, rows = budget.REASON, None
    except CORRUPTION as err:
        log.info("corrupt %s: %s", name, err)
        return FileReport(name, "rejected", "corrupt_file", rules.message("corrupt_file"), check.kind)
    except Exception:  # a reader's failure must not stop the gate: manual review instead
        log.exception("could not scan %s", name)
        reason, rows = "unreadable_content", None
    report = FileReport(name, "clean", kind=check.kind, rows=rows,
                        findings=findings.items, finding_counts=dict(findings.counts))
    if findings:
        kinds = ", ".join(sorted(findings.counts))
        report.verdict, report.reason = "flagged", "possible_microdata"
        report.message = f"Possible microdata ({kinds}): explain the file's content in a note"
    elif reason is not None:
        report.verdict, report.reason = "unverifiable", reason
        report.message = UNVERIFIABLE_MESSAGES.get(reason, reason)
    return report
