"""What a scan tells: findings, a verdict per file, and the knobs of a scan.

``confidence`` is a float in 0..1 (not a label): a CPR with a valid date starts at 0.6,
modulus 11 adds 0.15, a context word (cpr, personnummer, …) adds 0.25; weights live in
``seed_data/transfer_rules.json``. Location keys: ``file`` always; then as they apply
``sheet``, ``page``, ``slide``, ``table``, ``paragraph``, ``line``, ``row``, ``column``
(spreadsheet letter for xlsx, 1-based index elsewhere) and ``column_name``; text outside
cells and body paragraphs adds ``part`` (any OOXML part but the docx body and the pptx slides),
``notes`` (pptx), ``attribute`` or ``comment`` (HTML), ``sheet_name``, ``defined_name``,
``comments``/``cell``, ``header_footer``, ``formula`` or ``shared_string`` (xlsx); a finding
inside a package embedded in an office file adds ``embedded`` (the member's name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from boa.scanner.rules import TransferRules, load_rules

VERDICTS = ("clean", "flagged", "unverifiable", "rejected")
SCAN_BUDGET = "scan_budget"  # unverifiable: over the time, memory or container caps of a scan
FINDING_KINDS = ("cpr_number", "cvr_number", "key_column", "small_count", "unit_level_data")


def _threshold(key: str):
    return field(default_factory=lambda: int(load_rules().thresholds[key]))


@dataclass
class ScanConfig:
    """Knobs of a scan; defaults come from the transfer rules' ``thresholds``."""

    min_cell_count: int = _threshold("min_cell_count")  # counts 1..min_cell_count-1 are flagged
    max_rows: int = _threshold("max_rows")  # a table with more data rows is unit-level data
    max_findings_per_kind: int = _threshold("max_findings_per_kind")  # per file; the rest counted
    cvr_without_context: bool = False  # report 8-digit mod-11 numbers with no CVR context word
    chunk_bytes: int = 8 << 20  # read size of the streaming text scan
    today: dt.date | None = None  # for "birth date not in the future"; None means today
    rules: TransferRules = field(default_factory=load_rules)


@dataclass
class Finding:
    kind: str
    location: dict[str, Any]
    masked_value: str | None
    confidence: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FileReport:
    """The outcome for one file. ``reason`` is a stable code when not clean:
    a type-check code when rejected, ``possible_microdata`` when flagged, and for
    unverifiable one of ``not_scannable``, ``encrypted``, ``no_text``, ``unreadable_content``."""

    name: str
    verdict: str
    reason: str | None = None
    message: str | None = None
    kind: str | None = None
    findings: list[Finding] = field(default_factory=list)
    finding_counts: dict[str, int] = field(default_factory=dict)
    rows: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["findings"] = [f.to_dict() for f in self.findings]
        return data


class Findings:
    """Collects findings for one file, keeping at most ``cap`` of each kind but counting all."""

    def __init__(self, file: str, cap: int):
        self.file = file
        self.cap = cap
        self.items: list[Finding] = []
        self.counts: dict[str, int] = {}

    def add(self, kind: str, where: dict[str, Any], masked: str | None, confidence: float, message: str) -> None:
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        if n < self.cap:
            location = {"file": self.file, **{k: v for k, v in where.items() if v is not None}}
            self.items.append(Finding(kind, location, masked, round(min(confidence, 1.0), 2), message))

    def __bool__(self) -> bool:
        return bool(self.counts)
